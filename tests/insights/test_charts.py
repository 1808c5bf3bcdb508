"""The insights charts are SVG: their coordinates are numbers in every language."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from circlewise.insights.charts import bar_chart


@pytest.mark.parametrize("language", ["en-gb", "de", "fr", "es"])
def test_bars_have_widths_an_svg_can_read_in_every_language(language):
    chart = bar_chart(
        [("Mar", 3.7, "3.7"), ("Apr", None, "not enough"), ("May", 5, "5")], maximum=5
    )
    with translation.override(language):
        svg = render_to_string("insights/_chart.html", {"chart": chart, "title": "Usefulness"})
    widths = re.findall(r'<rect [^>]*width="([^"]*)"', svg)
    offsets = re.findall(r' dx="([^"]*)"', svg)
    assert widths == offsets == ["130.2", "176.0"]  # 176 wide at the maximum: 3.7 of 5 is 130.2
    assert 'class="chart-withheld">not enough<' in svg
