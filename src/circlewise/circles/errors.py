"""Domain errors of the circles app: each carries a message meant for the person who acted."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["CircleError"]


class CircleError(ServiceError):
    """A change to circles that cannot be made; ``str(error)`` says why, for the user."""
