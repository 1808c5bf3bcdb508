"""Domain errors of the programmes app: each carries a message meant for the person who acted."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = [
    "EnrolmentError",
    "IntakeError",
    "ProgrammeError",
    "ReminderTooSoon",
    "UpsertRejected",
]


class ProgrammeError(ServiceError):
    """A change to a programme that cannot be made; ``str(error)`` says why, for the user.

    ``field_errors`` maps an input field's name to its messages, when the fault is in one.
    """

    def __init__(self, message: str, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


class EnrolmentError(ProgrammeError):
    """Someone cannot be enrolled (already enrolled, link closed, upload not confirmable)."""


class IntakeError(ProgrammeError):
    """An intake answer is invalid (see ``field_errors``); nothing was saved."""


class ReminderTooSoon(ProgrammeError):
    """Everyone still pending was reminded within the last day."""


class UpsertRejected(ProgrammeError):
    """A bulk upsert had invalid items; nothing was saved. ``items`` lists each item's problems."""

    def __init__(self, message: str, items: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.items = items
