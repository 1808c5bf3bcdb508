"""Numbers for readers in templates, by the rule of the pure modules (``circlewise.words``)."""

from __future__ import annotations

from django import template

from circlewise import words

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share (0.76) as a whole percentage in the page's language: "76%" in English, "76 %" in
    German; nothing for a share that is not there (no attendance taken)."""
    return "" if share is None else words.percent(share)
