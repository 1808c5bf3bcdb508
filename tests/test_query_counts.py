"""Every key page and API list runs as many queries with twice the people, circles and programmes.

One organisation is measured, grown (more members, participants, circles, programmes — the
viewers take part in the new ones too, so their own lists grow), and measured again. The calendar
feed's own two-size test is in tests/meetings/test_calendar_feed.py (it needs schedules), the
proposal page's in tests/formation/test_formation_pages.py.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from circlewise.accounts.models import ApiToken
from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Participant, ProgrammeStatus
from tests.conftest import client_for, make_user
from tests.programmes.factories import make_participant, make_programme


def _circle(programme, name: str, people: list[Participant], listed: bool = False) -> Circle:
    circle = Circle.objects.create(
        organisation=programme.organisation,
        programme=programme,
        name=name,
        topic="Leading through change",
        language="English",
        is_listed=listed,
    )
    CircleMember.objects.bulk_create(
        CircleMember(circle=circle, participant=p, user=p.user, email=p.email) for p in people
    )
    return circle


def _people(programme, start: int, count: int) -> list[Participant]:
    people = []
    for number in range(start, start + count):
        user = make_user(f"person{number}@acme.test", f"Person {number}")
        Membership.objects.create(organisation=programme.organisation, user=user, role=Role.MEMBER)
        people.append(make_participant(programme, user.email, ready=True, user=user))
    return people


def _grow(programme, viewers: list, start: int, circles: int = 3, programmes: int = 2) -> None:
    """Add circles of five to ``programme`` and new programmes that the viewers take part in."""
    for number in range(circles):
        people = _people(programme, start + 5 * number, 5)
        _circle(programme, f"Circle {start + number}", people, listed=number % 2 == 0)
    for number in range(programmes):
        other = make_programme(
            programme.organisation, name=f"Programme {start + number}", status="published"
        )
        mine = [make_participant(other, v.email, ready=True, user=v) for v in viewers]
        _circle(
            other, f"Other {start + number}", [*mine, *_people(other, start + 500 + 5 * number, 3)]
        )


def _count(client: Client, url: str) -> tuple[int, int]:
    cache.clear()  # kept counts are computed afresh: each size is measured at its worst
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def test_it_runs_as_many_queries_on_every_key_page_for_twice_the_data(
    organisation, admin, member, coach
):
    programme = make_programme(organisation, status=ProgrammeStatus.PUBLISHED, with_coach=True)
    mine = make_participant(programme, member.email, ready=True, user=member)
    own = _circle(programme, "Own circle", [mine, *_people(programme, 9000, 4)])
    _grow(programme, [admin, member], start=0)
    org, p = "/o/acme", f"/o/acme/programmes/{programme.pk}"
    api = f"/api/organisations/acme/programmes/{programme.pk}"
    admin_token = ApiToken.issue(user=admin, name="bench")[1]
    member_token = ApiToken.issue(user=member, name="bench")[1]
    clients = {
        "admin": client_for(admin),
        "member": client_for(member),
        "admin api": Client(headers={"authorization": f"Bearer {admin_token}"}),
        "member api": Client(headers={"authorization": f"Bearer {member_token}"}),
    }
    pages = [
        ("admin", "/"),
        ("admin", f"{org}/"),
        ("admin", f"{org}/members/"),
        ("admin", f"{org}/programmes/"),
        ("admin", f"{p}/"),
        ("admin", f"{p}/participants/"),
        ("admin", f"{p}/circles/"),
        ("admin", f"{p}/circles/?q=Person&page=1"),
        ("admin", f"{p}/coaches/"),  # each circle with the coaches to choose from
        ("admin", f"{org}/activity/"),
        ("admin", f"{org}/invitations/"),
        ("admin", f"{p}/resources/"),
        ("admin", f"{p}/enrol/"),
        ("admin", f"{p}/insights/"),
        ("admin", f"{p}/contract/"),
        ("admin", f"{p}/formation/"),
        ("member", f"{org}/journal/"),
        ("member", f"{org}/questions/"),
        ("member", f"{org}/goals/"),
        ("member", f"{org}/pulse/"),
        ("member", f"{org}/circles/{own.pk}/commitments/"),
        ("member", f"{org}/circles/{own.pk}/resources/"),
        ("member", f"{org}/circles/{own.pk}/contract/"),
        ("member", f"{org}/circles/{own.pk}/schedule/"),
        ("admin", "/account/settings/"),
        ("member", "/account/your-data/"),
        ("admin", f"{org}/circles/{own.pk}/"),
        ("member", "/"),
        ("member", f"{org}/"),
        ("member", f"{org}/programmes/"),
        ("member", f"{p}/"),
        ("member", f"{org}/circles/"),
        ("member", f"{org}/circles/find/"),
        ("member", f"{org}/circles/{own.pk}/"),
        ("admin api", "/api/organisations/acme/programmes"),
        ("admin api", f"{api}/participants"),
        ("admin api", f"{api}/circles"),
        ("member api", f"{api}/circles"),
    ]
    for who in ("admin api", "member api"):  # a token's use is recorded once a minute: not here
        clients[who].get("/api/organisations/acme/programmes")
    before = {(who, url): _count(clients[who], url) for who, url in pages}
    _grow(programme, [admin, member], start=100, circles=6, programmes=4)
    after = {(who, url): _count(clients[who], url) for who, url in pages}
    assert all(status in (200, 302) for status, _ in before.values()), before
    assert "Other 103" in clients["member"].get(f"{org}/circles/").content.decode()  # it grew
    grown = {
        page: (before[page][1], after[page][1]) for page in pages if before[page] != after[page]
    }
    assert grown == {}, f"queries (before, after) on pages whose cost grows: {grown}"
