"""The pulse grouping (NumPy on columns) against a plain reading of the rules, answer by answer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlewise.insights.privacy import periods_published
from circlewise.insights.selectors import _pulse_groups

MONTHS = [dt.date(2026, month, 1) for month in range(1, 7)]


def reference(answers, attributes, months) -> dict:
    """Each group's answers by month, the closed months it takes in, then what they hold."""
    by_group: dict = defaultdict(lambda: defaultdict(list))
    for answer in answers:
        _, user, circle, session = answer[:4]
        month = months[session]
        keys = [("all", ""), ("month", month), ("circle", circle)]
        keys += [(name, str(value)) for name, value in attributes.get(user, {}).items() if value]
        for key in keys:
            by_group[key][month].append(answer)
    found = {}
    for key, by_month in by_group.items():
        periods = [by_month[month] for month in sorted(by_month)]
        steps = periods_published([{answer[1] for answer in period} for period in periods])
        taken = [answer for period in periods[:steps] for answer in period]
        found[key] = (
            {answer[0] for answer in taken},
            len({answer[1] for answer in taken}),
            sum(answer[4] for answer in taken),
            sum(sum(answer[5:8]) for answer in taken) / 3,
        )
    return found


@st.composite
def programmes(draw: st.DrawFn) -> tuple[list[tuple], dict, dict]:
    sessions = draw(st.integers(1, 12))
    months = {s: draw(st.sampled_from(MONTHS)) for s in range(sessions)}
    circle_of = {s: draw(st.integers(1, 3)) for s in range(sessions)}
    people = draw(st.integers(1, 14))
    value = st.one_of(st.none(), st.just(""), st.sampled_from(["Sales", "Ops", 7]))
    attributes = {
        100 + p: {"department": draw(value), "level": draw(value)}
        for p in range(people)
        if draw(st.booleans())
    }
    seen = draw(st.sets(st.tuples(st.integers(0, people - 1), st.integers(0, sessions - 1))))
    score = st.integers(1, 5)
    answers = [
        (pk, 100 + p, circle_of[s], s, *(draw(score) for _ in range(4)))
        for pk, (p, s) in enumerate(sorted(seen), start=1)
    ]
    return answers, attributes, months


@settings(max_examples=200, deadline=None)
@given(programmes())
def test_it_groups_as_the_rules_read_answer_by_answer(programme) -> None:
    answers, attributes, months = programme
    groups, sums = _pulse_groups(answers, attributes, months)
    expected = reference(answers, attributes, months)
    assert set(groups) == set(sums) == set(expected)
    for key, (ids, people, usefulness, safety) in expected.items():
        assert set(groups[key]) == ids
        assert len(set(groups[key].values())) == people
        assert sums[key] == (pytest.approx(usefulness), pytest.approx(safety))


def test_a_group_whose_months_each_have_five_people_takes_them_all_in() -> None:
    months = {1: MONTHS[0], 2: MONTHS[1]}
    answers = [(pk, pk % 5, 9, 1 + pk // 5, 4, 4, 4, 4) for pk in range(10)]
    groups, _ = _pulse_groups(answers, {}, months)
    assert set(groups["circle", 9]) == set(range(10))
    assert set(groups["month", MONTHS[1]]) == set(range(5, 10))
