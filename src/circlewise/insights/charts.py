"""Server-rendered bar charts: coordinates for an SVG the template draws, no JavaScript.

Each chart scales to its container (``viewBox``), so it reads on a phone; the template puts a
table with the same numbers next to it for screen readers (the SVG itself is ``aria-hidden``).
A withheld figure gets no bar but its label and the words "not enough responses yet".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Chart", "bar_chart"]

WIDTH = 320
ROW = 26
LABEL = 96  # room for the labels, left of the bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL
    plot_width: int = WIDTH - LABEL - 48


def bar_chart(items: Sequence[tuple[str, float | None, str]], *, maximum: float) -> Chart:
    """Horizontal bars for ``(label, value or None, text shown at the bar's end)``."""
    plot = WIDTH - LABEL - 48
    bars = [
        Bar(label=label[:16], value=value, text=text, y=i * ROW,
            width=0 if value is None else round(max(1.0, plot * value / maximum), 1))
        for i, (label, value, text) in enumerate(items)
    ]  # fmt: skip
    return Chart(bars=bars, height=max(ROW, len(bars) * ROW))
