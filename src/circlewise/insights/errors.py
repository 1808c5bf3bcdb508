"""Domain errors of pulse and outcome surveys."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["OutcomeError", "PulseError"]


class PulseError(ServiceError):
    """A pulse answer that cannot be taken; the message says why."""


class OutcomeError(ServiceError):
    """An outcome survey answer that cannot be taken; the message says why."""
