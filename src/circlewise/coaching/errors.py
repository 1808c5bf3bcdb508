"""Domain errors of sessions, commitments and questions."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["CoachingError", "StaleRun"]


class CoachingError(ServiceError):
    """A change to a session, commitment or question that cannot be made; the message says why."""


class StaleRun(CoachingError):
    """The session moved on since the screen was drawn (another device acted first)."""
