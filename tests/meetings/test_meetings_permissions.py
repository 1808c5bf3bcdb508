"""Who gets which answer from every sessions page (see ``circlewise.policy``).

- another organisation's admin: 404 everywhere; so is our slug with their circle's id;
- a circle's sessions are for its members, coach, host and the organisation's admins: anyone else
  404 (even for a listed circle, whose members they may see);
- only the coach (else the host; else, for a programme circle, the admins) changes them: 403.
"""

from __future__ import annotations

import datetime as dt

import pytest

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings import services
from circlewise.organisations.models import Organisation
from tests.conftest import make_user
from tests.meetings.conftest import london_schedule
from tests.permissions import Row, assert_matrix, expect
from tests.programmes.factories import make_programme


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _oak(organisation: Organisation, *, scheduled: bool = True) -> Circle:
    """A programme circle Mia is in, coached by Cody (the matrix's member and coach).

    A programme circle, because admins see only their programmes' circles (never a
    self-organised one they are not in)."""
    mia = User.objects.get(email="mia@acme.test")
    cody = User.objects.get(email="cody@acme.test")
    circle = Circle.objects.create(
        organisation=organisation, programme=make_programme(organisation), name="Oak", coach=cody
    )
    CircleMember.objects.create(circle=circle, user=mia, email=mia.email)
    if scheduled:
        services.series_set(circle=circle, by=cody, schedule=london_schedule())
    return circle


def _hosted_elsewhere(organisation: Organisation) -> Circle:
    """A listed self-organised circle hosted by someone none of the matrix's users is."""
    host = make_user("hana@acme.test", "Hana")
    circle = Circle.objects.create(
        organisation=organisation, name="Walkers", host=host, is_listed=True
    )
    CircleMember.objects.create(circle=circle, user=host, email=host.email)
    services.series_set(circle=circle, by=host, schedule=london_schedule())
    return circle


def _circle(make=_oak, **options):
    def kwargs(organisation: Organisation) -> dict:
        return {"org_slug": organisation.slug, "circle_id": make(organisation, **options).pk}

    return kwargs


def _session(organisation: Organisation) -> dict:
    circle = _oak(organisation)
    session = circle.sessions.get(number=2)
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "session_id": session.pk}


def _their_circle(organisation: Organisation) -> dict:
    """Our organisation's slug with a circle (and session) of another organisation."""
    globex = Organisation.objects.get(slug="globex")
    otto = User.objects.get(email="otto@globex.test")
    circle = Circle.objects.create(organisation=globex, name="Elm", coach=otto)
    services.series_set(circle=circle, by=otto, schedule=london_schedule())
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


def _their_session(organisation: Organisation) -> dict:
    kwargs = _their_circle(organisation)
    session = Circle.objects.get(pk=kwargs["circle_id"]).sessions.first()
    return kwargs | {"session_id": session.pk}


BY_HAND = {
    "first": "2027-01-12",
    "start_time": "16:00",
    "time_zone": "Europe/London",
    "frequency": "monthly",
    "count": 6,
    "duration_minutes": 90,
    "format": "video",
    "video_url": "https://meet.example.org/oak",
}
MOVE = {
    "date": "2027-02-10",
    "start_time": "09:30",
    "time_zone": "Europe/London",
    "duration_minutes": 60,
    "format": "place",
    "place": "Room 4",
}
IN_CIRCLE = expect(member=200, coach=200)  # admins see their programmes' circles' sessions
COACH_ONLY = expect(coach=200, admin=403)
COACH_ACTS = expect(coach=302, admin=403)
NOWHERE = {"outsider": 404, "member": 404, "coach": 404, "admin": 404}

ROWS = [
    Row("meetings:schedule", _circle(scheduled=False), IN_CIRCLE),
    Row("meetings:schedule", _circle(), IN_CIRCLE),
    Row("meetings:invitation", _circle(), IN_CIRCLE),
    # The form is refused (400) but only after access was granted: proposals are not a fixture.
    Row("meetings:pick_slot", _circle(scheduled=False), expect(coach=400, admin=403), "post"),
    Row("meetings:set_by_hand", _circle(scheduled=False), COACH_ACTS, "post", BY_HAND),
    Row("meetings:cancel_series", _circle(), COACH_ONLY),
    Row("meetings:cancel_series", _circle(), COACH_ACTS, method="post"),
    Row("meetings:move_session", _session, COACH_ONLY),
    Row("meetings:move_session", _session, COACH_ACTS, "post", MOVE),
    Row("meetings:cancel_session", _session, COACH_ONLY),
    Row("meetings:cancel_session", _session, COACH_ACTS, method="post"),
    # Admins see the sessions, so they are told (a message) rather than 404: they have no seat.
    Row(
        "meetings:absence",
        _session,
        expect(member=302, coach=302, admin=302),
        method="post",
        data={"absent": "1"},
    ),
    # A listed self-organised circle: colleagues see who is in it, not when and where it meets;
    # admins see only their programmes' circles.
    Row("meetings:schedule", _circle(_hosted_elsewhere), NOWHERE),
    Row("meetings:invitation", _circle(_hosted_elsewhere), NOWHERE),
    Row("meetings:set_by_hand", _circle(_hosted_elsewhere), NOWHERE, "post", BY_HAND),
    # Our slug, another organisation's circle: missing for everyone.
    Row("meetings:schedule", _their_circle, NOWHERE),
    Row("meetings:invitation", _their_circle, NOWHERE),
    Row("meetings:pick_slot", _their_circle, NOWHERE, method="post"),
    Row("meetings:set_by_hand", _their_circle, NOWHERE, "post", BY_HAND),
    Row("meetings:cancel_series", _their_circle, NOWHERE, method="post"),
    Row("meetings:move_session", _their_session, NOWHERE, "post", MOVE),
    Row("meetings:cancel_session", _their_session, NOWHERE, method="post"),
    Row("meetings:absence", _their_session, NOWHERE, "post", {"absent": "1"}),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_sessions_url():
    """A new sessions page without a row here fails this test."""
    from circlewise.meetings.urls import urlpatterns

    in_org = {f"meetings:{p.name}" for p in urlpatterns if "org_slug" in p.pattern.converters}
    assert in_org == {row.url_name for row in ROWS}


def test_it_lets_a_programme_admin_schedule_a_circle_without_coach_or_host(
    organisation, admin, member
):
    from tests.conftest import client_for
    from tests.programmes.factories import make_programme

    circle = Circle.objects.create(
        organisation=organisation, programme=make_programme(organisation), name="Ash"
    )
    url = f"/o/acme/circles/{circle.pk}/schedule/set/"
    assert client_for(admin).post(url, BY_HAND).status_code == 302
    assert circle.sessions.count() == 6
    assert circle.session_series.get().organiser == admin
    assert dt.date(2027, 1, 12) == circle.sessions.first().starts_at.date()
