"""The base of every domain error: services raise them, the HTTP edge shows their message."""

from __future__ import annotations

__all__ = ["SendingLimitReached", "ServiceError"]


class ServiceError(ValueError):
    """A rule was broken; ``message`` says which, in words the user understands.

    Views catch it and show the message next to the form (nothing is changed: services raise
    before they write, or inside ``transaction.atomic``); the API maps it to a 400/409 answer.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, if any


class SendingLimitReached(ServiceError):
    """An action would send more email than the organisation's hourly allowance; nothing was
    sent or saved."""
