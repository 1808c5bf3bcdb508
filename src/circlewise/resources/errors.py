"""Domain errors of the resources app."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["ResourceError"]


class ResourceError(ServiceError):
    """A resource cannot be added, shared or marked as asked; the message says why."""
