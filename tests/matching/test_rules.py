"""Infeasibility messages, check(), late joiners, reporting lines, synthetic organisations."""

from __future__ import annotations

import pytest

from circlewise.matching import (
    Attribute,
    InfeasibleError,
    InvalidProblemError,
    Problem,
    check,
    form_circles,
    joiner_obstacle,
    place_late_joiners,
    reporting_line_pairs,
)
from circlewise.matching.synthetic import generate_organisation


def _people(n: int, **kwargs) -> Problem:
    values = {"team": [f"t{i % 3}" for i in range(n)], **kwargs.pop("values", {})}
    return Problem([f"p{i}" for i in range(n)], values, [Attribute("team")], **kwargs)


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            _people(8, values={"language": ["es"] * 4 + ["en"] * 4}, same=["language"]),
            "language=es: 4 people, fewer than the minimum circle size of 5",
        ),
        (_people(7), "everyone: 7 people cannot be split into circles of 5-6"),
        (_people(12, pinned={f"p{i}": "big" for i in range(7)}), "more than the maximum"),
        (
            _people(
                10,
                values={"language": ["es"] * 5 + ["en"] * 5},
                same=["language"],
                pinned={"p0": "k", "p9": "k"},
            ),
            "people from different groups",
        ),
        (_people(10, pinned={"p0": "k", "p1": "k"}, separate=[("p0", "p1")]), "kept apart"),
        (_people(6, separate=[("p0", "p5")]), "make a single circle"),
        (
            _people(10, separate=[(f"p{i}", f"p{j}") for i in range(10) for j in range(i)]),
            "separation rules are too dense",
        ),
        (
            _people(20, min_size=4, max_size=4, pinned={f"p{i}": f"k{i}" for i in range(6)}),
            "6 pinned circles need at least 24 people",
        ),
    ],
)
def test_it_explains_why_rules_cannot_hold(problem: Problem, message: str) -> None:
    with pytest.raises(InfeasibleError, match=message):
        form_circles(problem, time_limit=0.1, seed=1)


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (Problem(["a", "a"], {}, []), "duplicate id 'a'"),
        (Problem(["a"], {}, [Attribute("x")]), "no values given for attribute 'x'"),
        (Problem(["a"], {"x": [1, 2]}, [Attribute("x")]), "2 values for 1 people"),
        (Problem(["a"], {"x": ["b"]}, [Attribute("x", "numeric")]), "numeric but has the value"),
        (Problem(["a"], {"x": ["b"]}, [Attribute("x", weight=-1)]), "non-negative"),
        (Problem(["a"], {}, [], min_size=3, max_size=2), "invalid"),
    ],
)
def test_it_rejects_malformed_problems(problem: Problem, message: str) -> None:
    with pytest.raises(InvalidProblemError, match=message):
        form_circles(problem, time_limit=0)


def test_check_lists_every_broken_rule() -> None:
    problem = _people(
        8,
        values={"language": ["en"] * 4 + ["de"] * 4},
        min_size=3,
        max_size=4,
        same=["language"],
        separate=[("p0", "p1")],
        pinned={"p2": "a", "p3": "b"},
    )
    found = check(problem, [["p0", "p1", "p2", "p3", "p4"], ["p5", "p6"], ["p6", "ghost"]])
    rules = sorted(v.rule for v in found)
    assert rules == [
        "pinned",
        "placement",
        "placement",
        "same",
        "separate",
        "size",
        "size",
        "size",
        "unknown",
    ]
    assert any("p7 is in no circle" in v.message for v in found)


def test_late_joiners_go_where_they_add_most_and_queue_when_full() -> None:
    problem = _people(12, min_size=3, max_size=4, separate=[("p10", "p3")])
    circles = [["p0", "p1", "p2"], ["p3", "p4", "p5"], ["p6", "p7", "p8", "p9"]]
    placement = place_late_joiners(problem, circles, ["p10", "p11"])
    assert placement.circles[0] == ["p0", "p1", "p2", "p10"]
    assert placement.circles[1] == ["p3", "p4", "p5", "p11"]
    again = place_late_joiners(problem, placement.circles, [])
    assert again.queued == []
    full = _people(5, min_size=2, max_size=2)
    assert place_late_joiners(full, [["p0", "p1"], ["p2", "p3"]], ["p4"]).queued == ["p4"]


def test_reporting_line_pairs_walk_up_to_the_depth() -> None:
    manager_of = {"ceo": None, "vp": "ceo", "lead": "vp", "dev": "lead", "temp": "agency"}
    assert reporting_line_pairs(manager_of) == {("vp", "ceo"), ("lead", "vp"), ("dev", "lead")}
    deep = reporting_line_pairs(manager_of, depth=3)
    assert ("dev", "ceo") in deep and ("temp", "agency") not in deep
    assert reporting_line_pairs({"a": "b", "b": "a"}, depth=5) == {("a", "b"), ("b", "a")}


def test_synthetic_organisation_is_a_seeded_reporting_tree() -> None:
    people = generate_organisation(300, seed=11)
    assert people == generate_organisation(300, seed=11)
    emails = {p["email"] for p in people}
    assert len(emails) == 300
    roots = [p for p in people if p["manager_email"] is None]
    assert len(roots) == 1
    manager_of = {p["email"]: p["manager_email"] for p in people}
    for person in people:
        seen, boss = set(), person["email"]
        while boss is not None:
            assert boss in emails and boss not in seen
            seen.add(boss)
            boss = manager_of[boss]
    departments = [p["department"] for p in people]
    assert departments.count("Engineering") > departments.count("Strategy")
    assert {
        "level",
        "location",
        "tz_offset",
        "language",
        "background",
        "tenure_years",
        "interests",
    } <= set(people[0])


def test_it_says_which_rule_keeps_a_late_joiner_out_of_each_circle() -> None:
    def problem(max_size: int) -> Problem:
        return Problem(
            ids=["a", "b", "c", "d", "e", "x"],
            values={"lang": ["en", "en", "de", "de", "en", "en"]},
            attributes=[],
            min_size=1,
            max_size=max_size,
            same=["lang"],
            separate=[("x", "e")],
        )

    circles = [["a", "b"], ["c", "d"], ["e"]]
    placement = place_late_joiners(problem(2), circles, ["x"])
    assert placement.queued == ["x"]
    rules = [(v.rule, v.circle, v.people) for v in placement.reasons["x"]]
    assert rules == [("size", 0, ("x",)), ("size", 1, ("x",)), ("separate", 2, ("x", "e"))]
    wrong_language = joiner_obstacle(problem(3), circles, "x", 1)
    assert wrong_language.rule == "same"
    assert wrong_language.message == "circle 1 has lang de, x has en"
    assert joiner_obstacle(problem(3), circles, "x", 0) is None


def test_it_gives_each_violation_structured_fields() -> None:
    problem = Problem(
        ids=list("abcdef"),
        values={"language": list("xxxyyy")},
        attributes=[],
        min_size=3,
        max_size=4,
        same=["language"],
        separate=[("a", "b")],
    )
    found = {v.rule: v for v in check(problem, [["a", "b", "d", "e", "f"], ["c"]])}
    size = [v for v in check(problem, [["a", "b", "d", "e", "f"], ["c"]]) if v.rule == "size"]
    assert {(v.circle, v.size, v.min_size, v.max_size) for v in size} == {
        (0, 5, 3, 4),
        (1, 1, 3, 4),
    }
    assert (found["same"].attribute, found["same"].values) == ("language", ("x", "y"))
    assert (found["separate"].circle, found["separate"].people) == (0, ("a", "b"))
