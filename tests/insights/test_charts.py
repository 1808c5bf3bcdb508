"""The insights dashboard in every language: the charts' SVG coordinates stay numbers, and the
words around the figures are translated."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from circlewise.insights.charts import bar_chart
from tests.conftest import client_for
from tests.insights.conftest import add_circle, dept

NBSP = "\u00a0"


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


def test_the_pulse_table_names_its_grouping_in_the_readers_language(programme, admin):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    admin.language = "de"
    admin.save()
    page = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/insights/").text
    table = page[page.index('data-testid="pulse-table"') :]
    head = table[: table.index("</thead>")]
    assert "<caption>Puls nach den Sitzungen: Nach Monat</caption>" in head
    assert '<th scope="col">Monat</th>' in head  # not the grouping's key, "Month"


def test_figures_read_in_the_readers_language_on_the_page_and_plain_in_the_csv(programme, admin):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak", scores=(4, 5, 5, 5))
    admin.language = "de"
    admin.save()
    client = client_for(admin)
    page = client.get(f"/o/acme/programmes/{programme.pk}/insights/").text
    assert 'data-testid="kpi-usefulness">4,0<' in page
    assert f">100{NBSP}%</text>" in page  # the attendance chart's share
    assert f"<td>100{NBSP}%</td>" in page  # and the attendance table's, written the same way
    rows = list(
        csv.reader(io.StringIO(client.get(f"/o/acme/programmes/{programme.pk}/insights.csv").text))
    )
    pulse = next(row for row in rows if row[0] == "pulse")
    assert pulse[3:5] == ["4.0", "5.0"]  # usefulness and safety, for machines


def test_the_attendance_table_writes_its_share_as_the_chart_beside_it_does(programme, admin):
    """In English too: "100%" in the chart and the table, not "100%" and "100 %"."""
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak", scores=(4, 5, 5, 5))
    page = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/insights/").text
    assert ">100%</text>" in page and "<td>100%</td>" in page
    assert "100 %" not in page and f"100{NBSP}%" not in page
