"""A grouping's mix in an HR manager's words: "5 departments of 6 possible", "time zones up to
2 h apart", with the numbers a small visual (a ``<meter>``) needs.

The engine's :func:`circlewise.matching.describe` counts; this module only words the counts.
Diversified attributes and aligned ones (the time-zone preference) are worded apart, so that
keeping time zones close never reads as "less diverse".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from circlewise.matching import AttributeMix, MixSummary

__all__ = ["MixLine", "attribute_words", "circle_lines", "overall_lines"]

# Attribute names the web app derives itself, worded for people.
_NAMES = {"utc_offset": ("time zone", "time zones")}


@dataclass(frozen=True)
class MixLine:
    """One attribute worded: ``label`` ("departments"), ``text`` ("5 of 6 possible"), and a
    value out of a maximum for a small bar; ``best`` when it cannot be better."""

    label: str
    text: str
    value: float
    maximum: float
    best: bool
    aligned: bool


def attribute_words(name: str) -> tuple[str, str]:
    """Singular and plural of an attribute name: ``job_family`` -> job family, job families."""
    if name in _NAMES:
        return _NAMES[name]
    one = name.replace("_", " ")
    if one.endswith("y") and not one.endswith(("ay", "ey", "oy", "uy")):
        return one, one[:-1] + "ies"
    if one.endswith(("s", "x", "ch", "sh")):
        return one, one + "es"
    return one, one + "s"


def _hours(value: float) -> str:
    return f"{value:g} h" if value == int(value) else f"{value:.1f} h"


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _circle_line(mix: AttributeMix) -> MixLine:
    one, many = attribute_words(mix.name)
    missing = f" ({mix.missing} not given)" if mix.missing else ""
    if mix.direction == "align":
        spread = mix.spread or 0.0
        text = "all the same" if spread == 0 else f"up to {_number(spread)} apart"
        if mix.name == "utc_offset":
            text = "everyone in one time zone" if spread == 0 else f"up to {_hours(spread)} apart"
        # A bar that is full when everyone is together and empties over half a day apart.
        return MixLine(many, text + missing, max(0.0, 12 - spread), 12, spread == 0, True)
    if mix.kind == "numeric":
        if mix.low is None or mix.high is None:
            text = "not given"
        else:
            text = f"from {_number(mix.low)} to {_number(mix.high)}"
        return MixLine(one, text + missing, mix.distinct, max(mix.possible, 1), True, False)
    text = f"{mix.distinct} {one if mix.distinct == 1 else many} of {mix.possible} possible"
    if mix.distinct >= mix.possible:
        text = f"{mix.distinct} {one if mix.distinct == 1 else many}, as many as possible"
    best = mix.distinct >= mix.possible
    return MixLine(many, text + missing, mix.distinct, max(mix.possible, 1), best, False)


def circle_lines(mixes: Sequence[AttributeMix]) -> list[MixLine]:
    """One circle's attributes worded, diversified ones first, then aligned ones."""
    lines = [_circle_line(mix) for mix in mixes]
    return [line for line in lines if not line.aligned] + [line for line in lines if line.aligned]


def overall_lines(summaries: Sequence[MixSummary]) -> list[MixLine]:
    """Every attribute over all circles: how many circles are as mixed (or as close) as can be."""
    lines = []
    for summary in summaries:
        one, many = attribute_words(summary.name)
        circles = summary.circles
        if summary.direction == "align":
            widest = summary.widest or 0.0
            apart = _hours(widest) if summary.name == "utc_offset" else _number(widest)
            text = f"{summary.at_best} of {circles} circles share one {one}"
            if widest:
                text += f"; the widest spread is {apart}"
            lines.append(MixLine(many, text, summary.at_best, max(circles, 1), widest == 0, True))
            continue
        if summary.kind == "numeric":
            text = f"on average {_number(summary.mean_distinct)} different values per circle"
        else:
            text = (
                f"{summary.at_best} of {circles} circles hold as many {many} as they can; "
                f"on average {summary.mean_distinct:.1f} of {summary.mean_possible:.1f} possible"
            )
        best = summary.at_best == circles
        lines.append(MixLine(many, text, summary.at_best, max(circles, 1), best, False))
    return [line for line in lines if not line.aligned] + [line for line in lines if line.aligned]
