"""A grouping's mix worded for HR: counts of values, and time zones apart from diversity."""

from __future__ import annotations

from circlewise.formation.wording import attribute_words, circle_lines, overall_lines
from circlewise.matching import Attribute, Problem, describe


def _described():
    problem = Problem(
        ids=list("abcdef"),
        values={
            "department": ["A", "B", "C", "A", "A", "B"],
            "job_family": ["x", "y", None, "x", "x", "x"],
            "utc_offset": [0.0, 0.0, 0.0, 0.0, 5.5, 1.0],
        },
        attributes=[
            Attribute("utc_offset", kind="numeric", direction="align"),
            Attribute("department"),
            Attribute("job_family"),
        ],
        min_size=3,
        max_size=3,
    )
    return describe(problem, [["a", "b", "c"], ["d", "e", "f"]])


def test_it_words_each_circles_mix_with_time_zones_last():
    first, second = (circle_lines(mixes) for mixes in _described().circles)
    assert [line.label for line in first] == ["departments", "job families", "time zones"]
    assert first[0].text == "3 departments, as many as possible"
    assert first[1].text == "2 job families, as many as possible (1 not given)"
    assert first[2].text == "everyone in one time zone" and first[2].best
    assert second[0].text == "2 departments of 3 possible"
    assert (second[0].value, second[0].maximum, second[0].best) == (2, 3, False)
    assert second[2].text == "up to 5.5 h apart" and not second[2].best


def test_it_words_the_whole_grouping():
    lines = overall_lines(_described().overall)
    assert lines[0].text == (
        "1 of 2 circles hold as many departments as they can; on average 2.5 of 3.0 possible"
    )
    assert lines[-1].text == "1 of 2 circles share one time zone; the widest spread is 5.5 h"
    assert lines[-1].aligned


def test_it_names_attributes_in_the_plural():
    assert attribute_words("level") == ("level", "levels")
    assert attribute_words("job_family") == ("job family", "job families")
    assert attribute_words("business_class") == ("business class", "business classes")
