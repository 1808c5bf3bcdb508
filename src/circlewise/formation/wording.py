"""A grouping's mix in an HR manager's words: "5 departments of 6 possible", "time zones up to
2 h apart", with the numbers a small visual (a ``<meter>``) needs.

The engine's :func:`circlewise.matching.describe` counts; this module only words the counts.
Diversified attributes and aligned ones (the time-zone preference) are worded apart, so that
keeping time zones close never reads as "less diverse".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circlewise.matching import AttributeMix, MixSummary
from circlewise.words import decimal

__all__ = ["MixLine", "attribute_words", "circle_lines", "overall_lines"]


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
    """Singular and plural of an attribute name: ``job_family`` -> job family, job families.

    Admins name their attributes in their own words, so only the web app's own attribute (the
    time zone) is translated; English plural rules make the plural of the others."""
    if name == "utc_offset":
        return _("time zone"), _("time zones")
    one = name.replace("_", " ")
    if one.endswith("y") and not one.endswith(("ay", "ey", "oy", "uy")):
        return one, one[:-1] + "ies"
    if one.endswith(("s", "x", "ch", "sh")):
        return one, one + "es"
    return one, one + "s"


def _hours(value: float) -> str:
    return _("%(hours)s h") % {"hours": _number(value)}


def _number(value: float) -> str:
    return decimal(value, places=0 if value == int(value) else 1)


def _circle_line(mix: AttributeMix) -> MixLine:
    one, many = attribute_words(mix.name)
    missing = _(" (%(count)d not given)") % {"count": mix.missing} if mix.missing else ""
    if mix.direction == "align":
        spread = mix.spread or 0.0
        apart = _hours(spread) if mix.name == "utc_offset" else _number(spread)
        text = _("up to %(spread)s apart") % {"spread": apart}
        if spread == 0:
            text = _("everyone in one time zone") if mix.name == "utc_offset" else _("all the same")
        # A bar that is full when everyone is together and empties over half a day apart.
        return MixLine(many, text + missing, max(0.0, 12 - spread), 12, spread == 0, True)
    if mix.kind == "numeric":
        if mix.low is None or mix.high is None:
            text = _("not given")
        else:
            text = _("from %(low)s to %(high)s") % {
                "low": _number(mix.low),
                "high": _number(mix.high),
            }
        return MixLine(one, text + missing, mix.distinct, max(mix.possible, 1), True, False)
    words = {
        "count": mix.distinct,
        "attribute": one if mix.distinct == 1 else many,
        "possible": mix.possible,
    }
    text = _("%(count)d %(attribute)s of %(possible)d possible") % words
    if mix.distinct >= mix.possible:
        text = _("%(count)d %(attribute)s, as many as possible") % words
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
            words = {"at_best": summary.at_best, "circles": circles, "attribute": one}
            text = (
                ngettext(
                    "%(at_best)d of %(circles)d circle shares one %(attribute)s",
                    "%(at_best)d of %(circles)d circles share one %(attribute)s",
                    circles,
                )
                % words
            )
            if widest:
                text = ngettext(
                    "%(at_best)d of %(circles)d circle shares one %(attribute)s; the widest "
                    "spread is %(apart)s",
                    "%(at_best)d of %(circles)d circles share one %(attribute)s; the widest "
                    "spread is %(apart)s",
                    circles,
                ) % {**words, "apart": apart}
            lines.append(MixLine(many, text, summary.at_best, max(circles, 1), widest == 0, True))
            continue
        if summary.kind == "numeric":
            text = _("on average %(mean)s different values per circle") % {
                "mean": _number(summary.mean_distinct)
            }
        else:
            text = ngettext(
                "%(at_best)d of %(circles)d circle holds as many %(attribute)s as it can; on "
                "average %(mean).1f of %(possible).1f possible",
                "%(at_best)d of %(circles)d circles hold as many %(attribute)s as they can; on "
                "average %(mean).1f of %(possible).1f possible",
                circles,
            ) % {
                "at_best": summary.at_best,
                "circles": circles,
                "attribute": many,
                "mean": summary.mean_distinct,
                "possible": summary.mean_possible,
            }
        best = summary.at_best == circles
        lines.append(MixLine(many, text, summary.at_best, max(circles, 1), best, False))
    return [line for line in lines if not line.aligned] + [line for line in lines if line.aligned]
