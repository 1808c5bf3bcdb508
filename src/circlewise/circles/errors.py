"""Domain errors of the circles app: each carries a message meant for the person who acted."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["CircleError", "EditRefused", "FormationError"]


class CircleError(ServiceError):
    """A change to circles that cannot be made; ``str(error)`` says why, for the user."""


class FormationError(CircleError):
    """Circles cannot be formed (yet) for a programme."""


class EditRefused(CircleError):
    """A manual edit of a proposal would break a hard rule; nothing was changed."""
