"""The agenda of a peer coaching session: its phases and how a session's minutes split among them.

Pure Python (no Django) so the split can be tested alone. A 90-minute session gets the reference
timings below; any other length scales them, rounding so that the phases add up exactly to the
session's length and no phase gets less than a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = ["PHASES", "Phase", "split_minutes"]


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    minutes_in_90: int
    # A round: everyone speaks in turn, and the runner shows whose turn it is.
    is_round: bool = False
    # The question categories shown to coaches during the phase.
    questions: tuple[str, ...] = ()


PHASES: tuple[Phase, ...] = (
    Phase("check_in", _("Check-in round"), 10, is_round=True),
    Phase("contract", _("Contract reminder"), 3),
    Phase("accountability", _("Accountability check-in"), 12, is_round=True),
    Phase("present", _("The coachee presents"), 10),
    Phase("clarifying", _("Clarifying questions"), 10, questions=("clarifying",)),
    Phase(
        "powerful", _("Powerful questions"), 25, questions=("goal", "reality", "options", "will")
    ),
    Phase("commit", _("The coachee reflects and commits"), 12, questions=("reflecting", "will")),
    Phase("check_out", _("Check-out round"), 8, is_round=True),
)


def split_minutes(total: int) -> list[int]:
    """Minutes per phase for a session of ``total`` minutes (largest remainders get the extra).

    >>> split_minutes(90)
    [10, 3, 12, 10, 10, 25, 12, 8]
    >>> sum(split_minutes(45)), min(split_minutes(15))
    (45, 1)
    """
    if total < len(PHASES):
        raise ValueError(f"A session needs at least {len(PHASES)} minutes, one per phase.")
    reference = sum(phase.minutes_in_90 for phase in PHASES)
    exact = [phase.minutes_in_90 * total / reference for phase in PHASES]
    minutes = [max(1, int(value)) for value in exact]
    by_remainder = sorted(range(len(PHASES)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    step = 0
    while sum(minutes) != total:
        i = by_remainder[step % len(PHASES)]
        if sum(minutes) < total:
            minutes[i] += 1
        elif minutes[i] > 1:
            minutes[i] -= 1
        step += 1
    return minutes
