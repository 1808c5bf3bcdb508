"""Domain errors of pulse surveys."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["PulseError"]


class PulseError(ServiceError):
    """A pulse answer that cannot be taken; the message says why."""
