"""The demo organisation: realistic, loadable twice without change, and its logins work."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from circlewise.accounts.models import User
from circlewise.core.demo import DEMO_PASSWORD, LOGINS
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import Participant, Programme, ProgrammeStatus


def _snapshot() -> tuple:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Programme.objects.count(),
        Participant.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "password")[:5]),
    )


def test_it_loads_northwind_quickly_and_idempotently(db, capsys):
    started = time.perf_counter()
    call_command("load_demo")
    assert time.perf_counter() - started < 10
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first
    out = capsys.readouterr().out
    assert "already loaded; nothing changed" in out
    assert "admin@northwind.example" in out and DEMO_PASSWORD in out
    assert "/o/northwind/" in out


@pytest.fixture
def northwind(db) -> Organisation:
    call_command("load_demo")
    return Organisation.objects.get(slug="northwind")


def test_it_creates_a_realistic_organisation(northwind):
    members = Membership.objects.filter(organisation=northwind)
    assert northwind.name == "Northwind Health"
    assert members.count() == 320
    sizes = Counter(members.values_list("department", flat=True))
    assert len(sizes) >= 8
    assert max(sizes.values()) >= 3 * min(sizes.values())  # skewed, not uniform
    assert len(set(members.values_list("location", flat=True))) >= 5
    assert len(set(members.values_list("level", flat=True))) >= 4
    assert len(set(User.objects.values_list("time_zone", flat=True))) >= 4
    assert members.filter(manager__isnull=True).count() == 1  # only the chief executive
    assert {m.role for m in members.filter(user__email__in=LOGINS.values())} == set(Role.values)
    for role, email in LOGINS.items():
        assert members.get(user__email=email).role == role


def test_it_creates_an_enrolling_programme_with_completed_intakes(northwind):
    programme = Programme.objects.get(organisation=northwind, name="New managers 2027")
    assert programme.name == "New managers 2027"
    assert programme.status == ProgrammeStatus.ENROLLING
    assert set(programme.diversify) == {"department", "level", "location", "background"}
    assert programme.same == ["language"]
    assert programme.separate_reporting_line
    assert (programme.min_size, programme.max_size) == (5, 6)
    participants = programme.participants.all()
    assert participants.count() == 300
    assert not participants.filter(intake_completed_at__isnull=True).exists()
    sample = participants.get(email=LOGINS[Role.MEMBER])
    assert set(sample.attributes) == {"department", "level", "location", "background"}
    assert "en" in sample.languages and sample.time_zone and sample.availability and sample.goals
    emails = set(participants.values_list("email", flat=True))
    assert LOGINS[Role.ADMIN] not in emails
    assert participants.exclude(manager_email="").count() >= 290


@pytest.mark.parametrize("role", list(Role))
def test_it_lets_each_demo_login_in(northwind, client, role):
    response = client.post("/accounts/login/", {"login": LOGINS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/o/northwind/").status_code == 200


def test_it_refuses_too_few_people(db):
    with pytest.raises(CommandError, match="at least 10"):
        call_command("load_demo", people=3)
    assert not Organisation.objects.exists()


def test_it_shows_the_member_a_living_circle(northwind):
    """The running programme: circles with coaches, contracts and a rotation."""
    from circlewise.circles.models import Circle
    from circlewise.circles.selectors import circle_rotation
    from circlewise.contracts.selectors import contract_status

    running = Programme.objects.get(organisation=northwind, name="Leadership circles 2026")
    circles = list(Circle.objects.filter(programme=running).order_by("pk"))
    assert len(circles) == 5 and all(c.coach is not None for c in circles)
    coaches = [c.coach_id for c in circles]
    assert max(map(coaches.count, coaches)) <= 2  # spread over the three coaches
    mine = next(c for c in circles if c.members.filter(email=LOGINS[Role.MEMBER]).exists())
    assert len(contract_status(circle=mine).missing) == 1
    assert sum(contract_status(circle=c).accepted_by_all for c in circles) == 4
    assert not any(c.members.filter(user_id=c.coach_id).exists() for c in circles)
    assert circle_rotation(circle=mine).next is not None
    assert mine.sessions.exists()  # the meetings demo gave it a schedule
