"""Template filters of the session runner."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def mmss(seconds: int) -> str:
    """Seconds as ``mm:ss`` (minutes may exceed 59: a long phase shows 75:00)."""
    seconds = abs(int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
