"""Coachee rotation: who is coached at each session of a circle.

A pure package (no Django): plain data in, plain data out. The input names members and sessions
by any hashable keys (ids, dates, strings), so the circle home, the API and the meetings app all
call :func:`plan_rotation` with what they have.

Public API: :func:`plan_rotation`, the data types :class:`Swap`, :class:`Slot` and
:class:`Rotation`, and :class:`RotationError`.
"""

from __future__ import annotations

from circlewise.rotation.plan import Rotation, RotationError, Slot, Swap, plan_rotation

__all__ = ["Rotation", "RotationError", "Slot", "Swap", "plan_rotation"]
