"""The terms of a contract and their validation, shared by forms, the API and the demo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from circlewise.contracts.errors import ContractError

__all__ = ["DEFAULT_AGREEMENTS", "Terms", "clean_terms"]

# The agreements every circle starts from unless its programme sets its own.
DEFAULT_AGREEMENTS: tuple[str, ...] = (
    "Share the mic: everyone gets time to speak.",
    "Don't talk over anyone.",
    'Speak from "I", not for others.',
    "What is said here stays here.",
    "Be curious: ask before you advise.",
    "No judgement of each other.",
    "Look after yourself: take a break or pass whenever you need to.",
)

MAX_AGREEMENTS = 20
MAX_AGREEMENT_LENGTH = 200
MAX_GOAL_LENGTH = 1000
MAX_DURATION_LENGTH = 100


@dataclass(frozen=True)
class Terms:
    """What members agree to: the agreements, the circle's goal and how long it runs."""

    agreements: tuple[str, ...]
    goal: str
    duration: str


def _single_line(value: str, *, what: str, limit: int) -> str:
    value = value.strip()
    if "\x00" in value:
        raise ContractError(_("%(what)s contains a NUL character; remove it.") % {"what": what})
    if "\n" in value or "\r" in value:
        raise ContractError(_("%(what)s must fit on one line.") % {"what": what})
    if len(value) > limit:
        raise ContractError(
            _("%(what)s is %(length)d characters long; the limit is %(limit)d.")
            % {"what": what, "length": len(value), "limit": limit}
        )
    return value


def clean_terms(*, agreements: Sequence[str], goal: str, duration: str) -> Terms:
    """Strip and check the terms; raise :class:`ContractError` saying exactly what to fix."""
    cleaned = []
    for number, agreement in enumerate(agreements, start=1):
        text = _single_line(
            agreement,
            what=_("Agreement %(number)d") % {"number": number},
            limit=MAX_AGREEMENT_LENGTH,
        )
        if text:
            cleaned.append(text)
    if not cleaned:
        raise ContractError(_("A contract needs at least one agreement."))
    if len(cleaned) > MAX_AGREEMENTS:
        raise ContractError(
            _("A contract has at most %(most)d agreements.") % {"most": MAX_AGREEMENTS}
        )
    goal = goal.strip()
    if "\x00" in goal:
        raise ContractError(_("The goal contains a NUL character; remove it."))
    if len(goal) > MAX_GOAL_LENGTH:
        raise ContractError(
            _("The goal is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(goal), "limit": MAX_GOAL_LENGTH}
        )
    duration = _single_line(duration, what=_("The duration"), limit=MAX_DURATION_LENGTH)
    return Terms(agreements=tuple(cleaned), goal=goal, duration=duration)
