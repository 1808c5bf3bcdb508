"""Who gets which answer from every circles page (see ``circlewise.policy``).

- another organisation's admin: 404 everywhere;
- a member who is not in an unlisted circle: 404 (its members are confidential);
- a listed circle is visible to every member, but only its host (or coach) manages it: 403;
- programme circles: admins manage them (formation's pages: tests/formation).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationRun, FormationStatus
from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Participant, ParticipantStatus, Programme
from tests.conftest import make_user
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _host(organisation: Organisation):
    from circlewise.accounts.models import User

    return User.objects.filter(email="hana@acme.test").first() or make_user("hana@acme.test")


def _self_organised(organisation: Organisation, *, listed: bool, hosted_by_member=False) -> Circle:
    from circlewise.accounts.models import User

    host = User.objects.get(email="mia@acme.test") if hosted_by_member else _host(organisation)
    circle = Circle.objects.create(
        organisation=organisation, name="Parents at work", topic="Parenting", host=host,
        is_listed=listed,
    )  # fmt: skip
    CircleMember.objects.create(circle=circle, user=host, email=host.email)
    return circle


def _programme(organisation: Organisation) -> Programme:
    programme = Programme.objects.filter(organisation=organisation).first()
    if programme:
        return programme
    programme = Programme.objects.create(
        organisation=organisation, name="New managers", goal="Support.",
        start_date=dt.date(2027, 1, 4), diversify=["department"],
    )  # fmt: skip
    people = [
        Participant.objects.create(
            programme=programme,
            email=f"p{n}@acme.test",
            name=f"P{n}",
            attributes={"department": "Sales" if n % 2 else "Legal"},
            status=ParticipantStatus.ACTIVE,
            intake_completed_at=timezone.now(),
        )
        for n in range(10)
    ]
    FormationRun.objects.create(
        programme=programme,
        status=FormationStatus.PROPOSED,
        proposal=[[p.pk for p in people[:5]], [p.pk for p in people[5:]]],
    )
    return programme


def _programme_circle(organisation: Organisation) -> Circle:
    programme = _programme(organisation)
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Oak")
    for person in programme.participants.all()[:3]:
        CircleMember.objects.create(circle=circle, participant=person, email=person.email)
    return circle


def _circle_kwargs(**options):
    def kwargs(organisation: Organisation) -> dict:
        circle = _self_organised(organisation, **options)
        return {"org_slug": organisation.slug, "circle_id": circle.pk}

    return kwargs


def _programme_circle_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _programme_circle(organisation).pk}


def _member_kwargs(organisation: Organisation) -> dict:
    circle = _programme_circle(organisation)
    return {
        "org_slug": organisation.slug,
        "circle_id": circle.pk,
        "member_id": circle.members.first().pk,
    }


def _invite_kwargs(organisation: Organisation) -> dict:
    circle = _self_organised(organisation, listed=False)
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "token": circle.invite_token}


def _request_kwargs(organisation: Organisation) -> dict:
    circle = _self_organised(organisation, listed=True, hosted_by_member=True)
    join_request = circle.join_requests.create(user=make_user("jo@acme.test"))
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "request_id": join_request.pk}


EVERY_MEMBER = expect(member=200, coach=200)
UNSEEN = {"outsider": 404, "member": 404, "coach": 404}

ROWS = [
    Row("circles:mine", lambda o: {"org_slug": o.slug}, EVERY_MEMBER),
    Row("circles:find", lambda o: {"org_slug": o.slug}, EVERY_MEMBER),
    Row("circles:start", lambda o: {"org_slug": o.slug}, EVERY_MEMBER),
    Row(
        "circles:start",
        lambda o: {"org_slug": o.slug},
        expect(member=302, coach=302, admin=302),
        method="post",
        data={"name": "Walkers", "topic": "Walking", "format": "video", "max_size": 6},
    ),
    # A listed circle: everyone in the organisation sees it; only its host manages it.
    Row("circles:detail", _circle_kwargs(listed=True), EVERY_MEMBER),
    Row("circles:edit", _circle_kwargs(listed=True), expect(admin=403)),
    Row(
        "circles:request",
        _circle_kwargs(listed=True),
        expect(member=302, coach=302, admin=302),
        method="post",
    ),
    Row("circles:decide", _request_kwargs, expect(member=302, admin=403), method="post"),
    # An unlisted self-organised circle: its members are confidential, from admins too.
    Row("circles:detail", _circle_kwargs(listed=False), UNSEEN | {"admin": 404}),
    Row(
        "circles:edit",
        _circle_kwargs(listed=False, hosted_by_member=True),
        {"outsider": 404, "member": 200, "coach": 404, "admin": 404},
    ),
    Row(
        "circles:reset_link",
        _circle_kwargs(listed=False, hosted_by_member=True),
        {"outsider": 404, "member": 302, "coach": 404, "admin": 404},
        method="post",
    ),
    Row("circles:request", _circle_kwargs(listed=False), UNSEEN | {"admin": 404}, method="post"),
    Row("circles:join", _invite_kwargs, EVERY_MEMBER),  # the link itself is the invitation
    Row("circles:leave", _programme_circle_kwargs, UNSEEN | {"admin": 302}, method="post"),
    # Asking to confirm: only a member of the circle gets the page; others go back to it.
    Row("circles:leave", _programme_circle_kwargs, UNSEEN | {"admin": 302}),
    Row(
        "circles:leave",
        _circle_kwargs(listed=False, hosted_by_member=True),
        {"outsider": 404, "member": 200, "coach": 404, "admin": 404},
    ),
    # Programme circles: managed by the organisation's admins.
    Row("circles:detail", _programme_circle_kwargs, UNSEEN | {"admin": 200}),
    Row("circles:remove", _member_kwargs, UNSEEN | {"admin": 302}, method="post"),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_circles_url():
    """Rows here, plus the circle home's (coaches, host, closing, rotation) in tests/contracts."""
    from circlewise.circles.urls import urlpatterns
    from tests.contracts.test_contract_permissions import ROWS as CIRCLE_HOME_ROWS

    covered = {row.url_name for row in [*ROWS, *CIRCLE_HOME_ROWS]}
    assert {name for name in covered if name.startswith("circles:")} == {
        f"circles:{p.name}" for p in urlpatterns
    }


def test_it_shows_a_participant_their_circle_and_not_another(organisation, member):
    programme = _programme(organisation)
    mine = Circle.objects.create(organisation=organisation, programme=programme, name="Birch")
    other = _programme_circle(organisation)
    seat = Participant.objects.create(programme=programme, email=member.email)
    CircleMember.objects.create(circle=mine, participant=seat, email=member.email)  # no login yet
    from tests.conftest import client_for

    client = client_for(member)
    assert "Birch" not in client.get("/o/acme/circles/").text  # a page view claims nothing
    client.post(f"/o/acme/programmes/{programme.pk}/welcome/")  # accepting the invitation does
    listing = client.get("/o/acme/circles/").content.decode()
    assert "Birch" in listing and "Oak" not in listing
    page = client.get(f"/o/acme/circles/{mine.pk}/")
    assert page.status_code == 200
    assert "Support." in page.content.decode() and "Monthly" in page.content.decode()
    assert client.get(f"/o/acme/circles/{other.pk}/").status_code == 404
