"""Domain errors of formation: each carries a message meant for the admin who acted."""

from __future__ import annotations

from circlewise.core.errors import ServiceError

__all__ = ["EditRefused", "FormationError"]


class FormationError(ServiceError):
    """Circles cannot be formed, published or changed (yet) for a programme; says why."""


class EditRefused(FormationError):
    """A manual edit of a proposal would break a hard rule; nothing was changed."""
