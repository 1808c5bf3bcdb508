"""The programme's circles after launch: a page of circles at a time, found by circle or member
name, with the queue and placing one person still on the page."""

from __future__ import annotations

import re

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.views import PROGRAMME_CIRCLES_PER_PAGE, QUEUE_SHOWN
from circlewise.programmes.models import ProgrammeStatus
from tests.conftest import client_for


def _published(programme, add_participants, circles: int, size: int = 5) -> list[Circle]:
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    people = add_participants(programme, circles * size)
    made = Circle.objects.bulk_create(
        Circle(organisation=programme.organisation, programme=programme, name=f"Circle {n:03}")
        for n in range(circles)
    )
    CircleMember.objects.bulk_create(
        CircleMember(circle=made[i // size], participant=p, email=p.email)
        for i, p in enumerate(people)
    )
    return made


def _url(programme) -> str:
    return f"/o/acme/programmes/{programme.pk}/circles/"


def _rows(body: str) -> list[str]:
    return re.findall(r'<a href="/o/acme/circles/\d+/">([^<]+)</a>', body)


def test_it_shows_a_page_of_circles_at_a_time(programme, add_participants, admin):
    _published(programme, add_participants, PROGRAMME_CIRCLES_PER_PAGE + 3)
    client = client_for(admin)
    first = client.get(_url(programme)).content.decode()
    assert len(_rows(first)) == PROGRAMME_CIRCLES_PER_PAGE
    assert f"{PROGRAMME_CIRCLES_PER_PAGE + 3} circles" in first and "Page 1 of 2" in first
    second = client.get(_url(programme), {"page": 2}).content.decode()
    assert _rows(second) == ["Circle 050", "Circle 051", "Circle 052"]


def test_it_finds_circles_by_name_and_by_member(programme, add_participants, admin):
    _published(programme, add_participants, 4)
    client = client_for(admin)
    assert _rows(client.get(_url(programme), {"q": "circle 002"}).content.decode()) == [
        "Circle 002"
    ]
    # Person 7 is the third member of the second circle.
    body = client.get(_url(programme), {"q": "person 7"}).content.decode()
    assert _rows(body) == ["Circle 001"] and "1 circle matches" in body
    assert "No circle matches" in client.get(_url(programme), {"q": "nobody"}).content.decode()


def test_it_lists_the_first_of_the_queue_and_counts_the_rest(programme, add_participants, admin):
    circles = _published(programme, add_participants, 2)
    add_participants(programme, QUEUE_SHOWN + 2, start=100)  # ready, in no circle
    body = client_for(admin).get(_url(programme)).content.decode()
    assert f"Waiting for a circle ({QUEUE_SHOWN + 2})" in body
    assert "and 2 more people waiting" in body
    assert body.count('name="participant"') == QUEUE_SHOWN
    # Both circles have room (5 of 6): each waiting person can be placed in either.
    assert f'<option value="{circles[1].pk}">Circle 001 (5 of 6)</option>' in body
    assert body.count(f'<option value="{circles[1].pk}">') == QUEUE_SHOWN


def test_the_circles_offered_to_the_queue_are_escaped_and_translated(
    programme, add_participants, admin
):
    """The options are written once for the whole queue (not per person): still as the
    template would write them."""
    circles = _published(programme, add_participants, 2)
    add_participants(programme, 2, start=100)
    circles[0].name = "<b>Oak</b>"
    circles[0].save()
    admin.language = "de"
    admin.save()
    body = client_for(admin).get(_url(programme)).content.decode()
    assert f'<option value="{circles[0].pk}">&lt;b&gt;Oak&lt;/b&gt; (5 von 6)</option>' in body
    assert "<b>Oak</b>" not in body


def test_it_places_one_waiting_person_in_a_circle_found_on_the_page(
    programme, add_participants, admin
):
    circles = _published(programme, add_participants, 2)
    waiting = add_participants(programme, 1, start=100)[0]
    client = client_for(admin)
    body = client.get(_url(programme), {"q": "Circle 001"}).content.decode()
    assert f'<option value="{circles[1].pk}">' in body
    assert f'<option value="{circles[0].pk}">' not in body  # only circles on the page shown
    response = client.post(
        f"{_url(programme)}place-one/", {"participant": waiting.pk, "circle": circles[1].pk}
    )
    assert response.status_code == 302
    assert circles[1].members.filter(participant=waiting).exists()
