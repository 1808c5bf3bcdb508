"""Domain errors of circle contracts."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["ContractError"]


class ContractError(ServiceError):
    """A contract change that cannot be made; the message says why."""
