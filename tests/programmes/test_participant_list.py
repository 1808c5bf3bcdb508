"""The participants list: search, filters and pages, at a bounded cost."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from circlewise.programmes.models import ParticipantStatus
from tests.conftest import client_for
from tests.programmes.factories import make_participant


def _list(client, programme, **params):
    return client.get(reverse("programmes:participants", args=["acme", programme.pk]), params)


def _names(response) -> set[str]:
    return {p.name for p in response.context["page"]}


def test_it_finds_participants_by_name_or_email(admin, programme):
    make_participant(programme, "ana@acme.test", name="Ana Lima")
    make_participant(programme, "bo@acme.test", name="Bo Berg")
    client = client_for(admin)
    assert _names(_list(client, programme, q="lima")) == {"Ana Lima"}
    assert _names(_list(client, programme, q="BO@ACME")) == {"Bo Berg"}


def test_it_filters_by_intake_and_department(admin, programme):
    make_participant(programme, "ana@acme.test", name="Ana", ready=True)
    make_participant(
        programme,
        "bo@acme.test",
        name="Bo",
        ready=True,
        attributes={"department": "Finance", "level": "Lead"},
    )
    make_participant(programme, "cy@acme.test", name="Cy")
    make_participant(programme, "di@acme.test", name="Di", status=ParticipantStatus.LEFT)
    client = client_for(admin)
    assert _names(_list(client, programme, show="pending")) == {"Cy"}
    assert _names(_list(client, programme, show="completed")) == {"Ana", "Bo"}
    response = _list(client, programme, department="Finance")
    assert _names(response) == {"Bo"}
    assert response.context["departments"] == ["Finance", "Sales"]
    assert _names(_list(client, programme, show="completed", department="Sales")) == {"Ana"}
    # The unsearched lists are counted from the intake counts; the searched ones by the query.
    totals = {
        show: _list(client, programme, show=show).context["page"].paginator.count
        for show in ("all", "pending", "completed", "anything")
    }
    assert totals == {"all": 3, "pending": 1, "completed": 2, "anything": 3}
    assert _list(client, programme, q="ana@").context["page"].paginator.count == 1


def test_it_shows_fifty_people_a_page_and_keeps_the_filters_in_page_links(admin, programme):
    for n in range(60):
        make_participant(programme, f"p{n:02d}@acme.test", name=f"Person {n:02d}")
    client = client_for(admin)
    first = _list(client, programme, q="person")
    assert len(first.context["page"]) == 50
    assert 'href="?q=person&amp;page=2"' in first.text
    second = _list(client, programme, q="person", page=2)
    assert _names(second) == {f"Person {n}" for n in range(50, 60)}


def test_it_ignores_nul_characters_in_the_search(admin, programme):
    make_participant(programme, "ana@acme.test", name="Ana")
    assert _names(_list(client_for(admin), programme, q="an\x00a")) == {"Ana"}


def test_it_runs_the_same_number_of_queries_for_many_participants(admin, programme):
    client = client_for(admin)
    for n in range(3):
        make_participant(programme, f"a{n}@acme.test", ready=True)
    cache.clear()  # kept counts are computed afresh: each size is measured at its worst
    with CaptureQueriesContext(connection) as few:
        _list(client, programme)
    for n in range(120):
        make_participant(programme, f"b{n}@acme.test", ready=n % 2 == 0)
    cache.clear()  # kept counts are computed afresh: each size is measured at its worst
    with CaptureQueriesContext(connection) as many:
        _list(client, programme)
    assert len(many) == len(few)
