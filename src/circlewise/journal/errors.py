"""Domain errors of the journal."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["JournalError"]


class JournalError(ServiceError):
    """A journal entry cannot be written as given; the message says why."""
