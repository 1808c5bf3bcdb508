"""How mixed a grouping is, in plain numbers, with alignment apart from diversity."""

from __future__ import annotations

import pytest

from circlewise.matching import Attribute, Problem, describe, evaluate


def _problem(**changes) -> Problem:
    values = {
        "department": ["A", "B", "C", "A", "B", "C"],
        "level": ["x", "x", "y", "y", "x", None],
        "skills": [("py",), ("py", "go"), (), ("rust",), ("go",), ("py",)],
        "offset": [0.0, 1.0, 0.0, 5.0, 5.0, 6.0],
    }
    fields = {
        "ids": list("abcdef"),
        "values": values,
        "attributes": [
            Attribute("department"),
            Attribute("level"),
            Attribute("skills", kind="multi"),
            Attribute("offset", kind="numeric", direction="align"),
        ],
        "min_size": 3,
        "max_size": 3,
    }
    return Problem(**(fields | changes))


def test_it_counts_each_circles_values_against_what_it_could_hold() -> None:
    described = describe(_problem(), [["a", "b", "c"], ["d", "e", "f"]])
    first = {mix.name: mix for mix in described.circles[0]}
    assert (first["department"].distinct, first["department"].possible) == (3, 3)
    assert (first["level"].distinct, first["level"].possible, first["level"].missing) == (2, 2, 0)
    assert (first["skills"].distinct, first["skills"].possible) == (2, 3)
    assert (first["offset"].low, first["offset"].high, first["offset"].spread) == (0.0, 1.0, 1.0)
    second = {mix.name: mix for mix in described.circles[1]}
    assert (second["level"].distinct, second["level"].possible, second["level"].missing) == (
        2,
        2,
        1,
    )


def test_it_summarises_every_attribute_over_all_circles() -> None:
    described = describe(_problem(), [["a", "b", "c"], ["d", "e", "f"]])
    overall = {summary.name: summary for summary in described.overall}
    department = overall["department"]
    assert (department.values, department.circles, department.at_best) == (3, 2, 2)
    assert department.mean_distinct == department.mean_possible == 3
    assert overall["offset"].widest == 1.0
    assert overall["offset"].at_best == 0  # no circle shares a single time zone


def test_it_keeps_an_aligned_preference_out_of_the_diversity_ratio() -> None:
    circles = [["a", "b", "c"], ["d", "e", "f"]]
    aligned = _problem()
    plain = _problem(attributes=list(aligned.attributes)[:3])
    assert describe(aligned, circles).diversity_ratio == pytest.approx(
        describe(plain, circles).diversity_ratio
    )
    # The engine's single figure mixes both: alignment costs lower it.
    assert evaluate(aligned, circles).ratio < describe(aligned, circles).diversity_ratio


def test_it_counts_possible_values_within_a_same_group() -> None:
    problem = _problem(
        values=_problem().values | {"site": ["N", "N", "N", "S", "S", "S"]},
        same=["site"],
        attributes=[Attribute("department")],
    )
    problem.values["department"] = ["A", "A", "B", "C", "C", "C"]
    described = describe(problem, [["a", "b", "c"], ["d", "e", "f"]])
    assert [(m.distinct, m.possible) for [m] in described.circles] == [(2, 2), (1, 1)]
    assert described.overall[0].at_best == 2
