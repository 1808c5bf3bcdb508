"""Exceptions raised by the circle-formation engine."""

from __future__ import annotations

__all__ = ["InfeasibleError", "InvalidProblemError", "MatchingError"]


class MatchingError(Exception):
    """Base class for every error raised by :mod:`circlewise.matching`."""


class InfeasibleError(MatchingError):
    """The hard rules (for example the group size bounds) cannot all hold.

    ``str(error)`` is the engine's English explanation (the CLI prints it). The attributes say
    the same in fields, so that an application can word it itself:

    - ``reason``: ``group_too_small``, ``group_unsplittable``, ``too_many_pinned_circles``,
      ``pins_need_more_people``, ``separation_in_single_circle``, ``separation_too_dense``,
      ``pin_too_large``, ``pin_across_groups`` or ``pin_separates`` (empty from the MDGP
      solver, whose callers read the message);
    - ``group``: the "same" values of the group of people concerned (``{}`` for everyone);
    - ``people``: the ids concerned (a pair that must be kept apart, or a pin's people);
    - ``size``: how many people; ``min_size`` / ``max_size``: the size range;
    - ``circles``: how many circles were needed; ``pin``: the pin's label.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        group: dict[str, object] | None = None,
        people: tuple[str, ...] = (),
        size: int | None = None,
        min_size: int | None = None,
        max_size: int | None = None,
        circles: int | None = None,
        pin: str = "",
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.group = dict(group or {})
        self.people = people
        self.size = size
        self.min_size = min_size
        self.max_size = max_size
        self.circles = circles
        self.pin = pin


class InvalidProblemError(MatchingError, ValueError):
    """The problem is malformed: duplicate ids, missing or unreadable values, bad parameters."""
