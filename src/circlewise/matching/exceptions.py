"""Exceptions raised by the circle-formation engine."""

from __future__ import annotations

__all__ = ["InfeasibleError", "InvalidProblemError", "MatchingError"]


class MatchingError(Exception):
    """Base class for every error raised by :mod:`circlewise.matching`."""


class InfeasibleError(MatchingError):
    """The hard rules (for example the group size bounds) cannot all hold."""


class InvalidProblemError(MatchingError, ValueError):
    """The problem is malformed: duplicate ids, missing or unreadable values, bad parameters."""
