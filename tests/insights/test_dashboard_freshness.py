"""The dashboard reuses its figures for a few minutes (a year of a large programme takes seconds
to sum) and lists the first circles with warnings; the CSV export lists every warning."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from circlewise.insights import selectors
from tests.conftest import client_for
from tests.insights.conftest import add_circle, dept


def _url(programme) -> str:
    return f"/o/acme/programmes/{programme.pk}/insights/"


def test_it_reads_the_programme_once_per_freshness_window(programme, admin, monkeypatch):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    calls = []
    compute = selectors.programme_insights

    def counted(**kwargs):
        calls.append(kwargs)
        return compute(**kwargs)

    monkeypatch.setattr(selectors, "programme_insights", counted)
    client = client_for(admin)
    first = client.get(_url(programme)).content.decode()
    second = client.get(_url(programme), {"by": "circle"}).content.decode()
    assert len(calls) == 1
    assert "Figures as of" in first and "Oak" in second


def test_each_grouping_is_kept_apart_so_the_default_page_reads_no_row_per_circle(programme, admin):
    for name in ("Ash", "Birch"):
        add_circle(programme, people=[dept("Sales")] * 5, name=name)
    client_for(admin).get(_url(programme))
    key = f"insights-dashboard:{programme.pk}:{admin.language}"
    assert set(cache.get(f"{key}:month").data.pulse) == {"all", "month"}
    by_circle = cache.get(f"{key}:circle").data.pulse["circle"]
    assert [row.label for row in by_circle] == ["Ash", "Birch"]


def test_it_lists_the_first_circles_with_warnings_and_counts_the_rest(
    programme, admin, monkeypatch
):
    monkeypatch.setattr(selectors, "WARNINGS_SHOWN", 2)
    for name in ("Ash", "Birch", "Cedar"):  # no contract agreed: each has a warning
        add_circle(programme, people=[dept("Sales")] * 5, name=name)
    client = client_for(admin)
    body = client.get(_url(programme)).content.decode()
    assert "And 1 more circle: the CSV export lists every warning." in body
    csv = client.get(f"/o/acme/programmes/{programme.pk}/insights.csv").content.decode()
    assert all(f"warning,{name}" in csv for name in ("Ash", "Birch", "Cedar"))


def test_it_computes_again_once_the_figures_are_older_than_the_window(
    programme, admin, monkeypatch
):
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    client = client_for(admin)
    client.get(_url(programme))
    key = f"insights-dashboard:{programme.pk}:{admin.language}:month"  # the admin's language
    old = cache.get(key)
    cache.set(key, replace(old, computed_at=old.computed_at - dt.timedelta(minutes=6)))
    calls = []
    compute = selectors.programme_insights
    monkeypatch.setattr(
        selectors, "programme_insights", lambda **kw: calls.append(kw) or compute(**kw)
    )
    client.get(_url(programme))
    assert len(calls) == 1 and cache.get(key).computed_at > old.computed_at
    client.get(_url(programme))
    assert len(calls) == 1  # fresh again


def test_it_keeps_the_figures_of_each_language_apart(programme):
    # An admin reading German must not leave German labels for the next admin reading English.
    add_circle(programme, people=[dept("Sales")] * 5, name="Oak")
    with translation.override("de"):
        german = selectors.dashboard_insights(programme=programme, by="month").data.overall.label
        assert german == gettext("Whole programme") != "Whole programme"
    with translation.override("en-gb"):
        english = selectors.dashboard_insights(programme=programme, by="month").data.overall.label
    assert english == "Whole programme"
