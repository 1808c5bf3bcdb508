"""Signals of the circles app.

``members_changed`` is sent (after commit) when someone leaves a circle, so that apps which keep
something derived from a circle's members (formation's merge targets) can refresh it without
the circles app depending on them.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["members_changed"]

# Arguments: circle (the Circle whose members changed).
members_changed = Signal()
