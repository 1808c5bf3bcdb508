"""The circle home: people with roles and local times, private emails, host hand-over, closing,
coaches and the rotation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from circlewise.circles import notices, selectors, services
from circlewise.circles.errors import CircleError
from circlewise.circles.models import Circle, CircleMember, CircleStatus, JoinRequestStatus
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Cadence
from tests.conftest import client_for, make_user


@pytest.fixture
def circle(organisation, member):
    """A self-organised circle hosted by the member, with two others."""
    circle = services.circle_start(
        organisation=organisation, by=member, name="Walkers", topic="Walking", is_listed=True
    )
    for email, name in (("dev@acme.test", "Dev"), ("nour@acme.test", "Nour")):
        user = make_user(email, name)
        Membership.objects.create(organisation=organisation, user=user)
        CircleMember.objects.create(circle=circle, user=user, email=email)
    return circle


def _seat(circle: Circle, email: str) -> CircleMember:
    return circle.members.get(email=email, left_at__isnull=True)


def test_it_shows_members_roles_local_times_and_emails_to_the_circle(circle, member):
    member.time_zone, member.pronouns = "Asia/Tokyo", "she/her"
    member.save()
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert "she/her" in page and ">Host</span>" in page
    # Each member's own local time, not the viewer's: Tokyo is 9 hours ahead of UTC.
    tokyo = timezone.now().astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    utc = timezone.now().astimezone(dt.UTC).strftime("%H:%M")
    assert f"{tokyo} local time <small>(Asia/Tokyo)" in page
    assert f"{utc} local time <small>(UTC)" in page
    assert "dev@acme.test, nour@acme.test" in page and "Copy all" in page


def test_it_hides_emails_and_the_contract_from_colleagues_outside_the_circle(circle, admin):
    page = client_for(admin).get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert "Dev" in page  # a listed circle shows who is in it
    assert "dev@acme.test" not in page and "Our contract" not in page


def test_it_gives_local_times_in_each_members_zone():
    now = dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)
    circle = Circle(name="x")
    assert selectors._local("America/New_York", now).hour == 8
    assert selectors._local("Not/AZone", now) is None
    assert circle.coach is None


def test_it_hands_the_host_role_over_and_lets_the_old_host_leave(circle, member):
    client = client_for(member)
    with pytest.raises(CircleError, match="hand the host role"):
        services.circle_leave(circle=circle, user=member)
    dev = _seat(circle, "dev@acme.test")
    client.post(f"/o/acme/circles/{circle.pk}/host/", {"member": dev.pk})
    circle.refresh_from_db()
    assert circle.host_id == dev.user_id
    services.circle_leave(circle=circle, user=member)
    assert not circle.members.filter(user=member, left_at__isnull=True).exists()


def test_it_never_lets_the_host_remove_themselves(circle, member):
    client_for(member).post(
        f"/o/acme/circles/{circle.pk}/members/{_seat(circle, member.email).pk}/remove/"
    )
    assert circle.members.filter(user=member, left_at__isnull=True).exists()


def test_it_emails_a_leavers_name_not_their_address(
    circle, member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(
            f"/o/acme/circles/{circle.pk}/members/{_seat(circle, 'dev@acme.test').pk}/remove/"
        )
    assert mail.outbox and all("Dev has left" in m.body for m in mail.outbox)
    assert not any("dev@acme.test" in m.body + m.subject for m in mail.outbox)


def test_it_closes_a_circle_after_confirmation_and_tells_its_members(
    circle, member, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    request = circle.join_requests.create(user=make_user("jo@acme.test"))
    client = client_for(member)
    confirm = client.get(f"/o/acme/circles/{circle.pk}/close/").content.decode()
    assert "This cannot be undone" in confirm
    circle.refresh_from_db()
    assert circle.status == CircleStatus.ACTIVE  # the GET changed nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/acme/circles/{circle.pk}/close/")
    circle.refresh_from_db()
    request.refresh_from_db()
    assert circle.status == CircleStatus.CLOSED and not circle.is_listed
    assert request.status == JoinRequestStatus.DECLINED
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dev@acme.test",
        "mia@acme.test",
        "nour@acme.test",
    ]
    assert notices.circle_closed_notify(circle_id=circle.pk) == 0  # a second run sends nothing
    assert f"/circles/{circle.pk}/" not in client.get("/o/acme/circles/find/").content.decode()
    page = client.get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert "Closed" in page and "dev@acme.test" in page  # history stays readable
    mine = client.get("/o/acme/circles/").content.decode()
    assert "Closed circles" in mine and f"/circles/{circle.pk}/" in mine


@pytest.fixture
def programme_circle(organisation, admin, coach, member):
    from circlewise.programmes.models import Programme

    programme = Programme.objects.create(
        organisation=organisation, name="Leads", goal="Grow.", start_date=dt.date(2027, 1, 4),
        with_coach=True,
    )  # fmt: skip
    circle = Circle.objects.create(
        organisation=organisation, programme=programme, name="Oak", language="en"
    )
    CircleMember.objects.create(circle=circle, user=member, email=member.email)
    return circle


def _coach(organisation, email: str, *, language="en-gb", time_zone="Europe/London"):
    user = make_user(email, email.split("@")[0].title())
    user.language, user.time_zone = language, time_zone
    user.save()
    Membership.objects.create(organisation=organisation, user=user, role=Role.COACH)
    return user


def test_it_suggests_a_coach_by_language_then_fewest_circles_then_time_zones(
    organisation, programme_circle, member
):
    member.time_zone = "Europe/Paris"
    member.save()
    busy = _coach(organisation, "busy@acme.test")
    far = _coach(organisation, "far@acme.test", time_zone="Asia/Tokyo")
    german = _coach(organisation, "german@acme.test", language="de")
    free = _coach(organisation, "free@acme.test")
    Circle.objects.create(organisation=organisation, name="Elm", coach=busy)
    options = selectors.coach_options_for(circles=[programme_circle])[programme_circle.pk]
    ranked = [option.coach for option in options]
    assert ranked.index(free) < ranked.index(far)  # as free, in the circle's time-zone band
    assert ranked.index(far) < ranked.index(busy)  # fewer circles
    assert ranked[-1] == german  # no shared language


def test_it_assigns_coaches_evenly_and_never_counts_them_as_participants(
    organisation, programme_circle, admin
):
    programme = programme_circle.programme
    others = [
        Circle.objects.create(organisation=organisation, programme=programme, name=f"C{n}")
        for n in range(3)
    ]
    _coach(organisation, "one@acme.test")
    _coach(organisation, "two@acme.test")
    client_for(admin).post(f"/o/acme/programmes/{programme.pk}/coaches/")
    coaches = [
        c.coach.email
        for c in Circle.objects.filter(pk__in=[programme_circle.pk, *[o.pk for o in others]])
    ]
    assert None not in coaches
    counts = sorted(coaches.count(email) for email in set(coaches))
    assert counts[-1] - counts[0] <= 1
    assert not programme_circle.members.filter(user__email__in=coaches).exists()


def test_assigning_coaches_evenly_runs_as_many_queries_for_twice_the_circles(
    organisation, programme_circle, admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme = programme_circle.programme
    _coach(organisation, "one@acme.test")

    def assign(circles: int) -> int:
        Circle.objects.filter(programme=programme).update(coach=None)
        for n in range(circles - programme.circles.count()):
            Circle.objects.create(organisation=organisation, programme=programme, name=f"C{n}")
        with CaptureQueriesContext(connection) as queries:
            assigned = services.coaches_assign_evenly(programme=programme, by=admin)
        assert len(assigned) == circles and all(circle.coach_id for circle in assigned)
        return len(queries)

    assert assign(3) == assign(6)


def test_it_refuses_a_coach_who_is_not_a_coach_or_is_in_the_circle(
    organisation, programme_circle, admin, member
):
    with pytest.raises(CircleError, match="not a coach"):
        services.circle_coach_assign(circle=programme_circle, coach=admin, by=admin)
    Membership.objects.filter(user=member).update(role=Role.COACH)
    with pytest.raises(CircleError, match="participant of this circle"):
        services.circle_coach_assign(circle=programme_circle, coach=member, by=admin)


def test_it_shows_the_coach_their_circle_as_coach(organisation, programme_circle, coach, admin):
    services.circle_coach_assign(circle=programme_circle, coach=coach, by=admin)
    client = client_for(coach)
    assert "Oak" in client.get("/o/acme/circles/").content.decode()
    page = client.get(f"/o/acme/circles/{programme_circle.pk}/").content.decode()
    assert ">Coach</span>" in page and "1 member)" in page


def test_it_plans_the_rotation_over_the_programmes_sessions(organisation, programme_circle):
    programme = programme_circle.programme
    programme.cadence, programme.duration_months = Cadence.MONTHLY, 6
    programme.save()
    for name in ("Dev", "Nour"):
        user = make_user(f"{name.lower()}@acme.test", name)
        CircleMember.objects.create(circle=programme_circle, user=user, email=user.email)
    now = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    rotation = selectors.circle_rotation(circle=programme_circle, now=now)
    assert [turn.day for turn in rotation.upcoming] == [
        dt.date(2027, 3, 4), dt.date(2027, 4, 4), dt.date(2027, 5, 4), dt.date(2027, 6, 4)
    ]  # fmt: skip
    assert rotation.next.coachees == ["Nour"]
    assert [turn.coachees for turn in rotation.upcoming] == [["Nour"], ["Mia"], ["Dev"], ["Nour"]]


def test_it_gives_the_session_dates_of_each_cadence(organisation, programme_circle):
    programme = programme_circle.programme
    programme.start_date, programme.duration_months = dt.date(2027, 1, 31), 2
    programme.cadence = Cadence.MONTHLY
    assert selectors.programme_session_dates(programme=programme) == [
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
    ]
    programme.cadence = Cadence.FORTNIGHTLY
    assert len(selectors.programme_session_dates(programme=programme)) == 5


def test_it_replans_with_two_coachees_when_the_circle_chooses(
    organisation, programme_circle, member
):
    for name in ("Dev", "Nour", "Sam"):
        user = make_user(f"{name.lower()}@acme.test", name)
        CircleMember.objects.create(circle=programme_circle, user=user, email=user.email)
    client_for(member).post(
        f"/o/acme/circles/{programme_circle.pk}/rotation/", {"coachees_per_session": "2"}
    )
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    programme_circle.refresh_from_db()
    rotation = selectors.circle_rotation(circle=programme_circle, now=now)
    assert rotation.per_session == 2
    assert rotation.next.coachees == ["Mia", "Dev"]
    client_for(member).post(
        f"/o/acme/circles/{programme_circle.pk}/rotation/", {"coachees_per_session": "3"}
    )
    programme_circle.refresh_from_db()
    assert programme_circle.coachees_per_session == 2  # refused: nothing changed


def test_the_coaches_page_shows_circles_a_page_at_a_time_and_counts_them_all(
    organisation, programme_circle, admin
):
    from circlewise.circles.coach_views import COACHES_PER_PAGE

    programme = programme_circle.programme  # with coaches; Cody coaches in the organisation
    Circle.objects.bulk_create(
        Circle(organisation=organisation, programme=programme, name=f"C{n:03}")
        for n in range(COACHES_PER_PAGE)
    )
    _coach(organisation, "one@acme.test")
    client, url = client_for(admin), f"/o/acme/programmes/{programme.pk}/coaches/"
    first = client.get(url).content.decode()
    assert first.count('name="coach"') == COACHES_PER_PAGE and "Page 1 of 2" in first
    assert f"to the {COACHES_PER_PAGE + 1} circles without one" in first  # all, not the page's
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('name="coach"') == 1 and "Oak" in second  # C000…C049, then Oak
    assert second.count("(suggested)") == 1 and "One · 0 circles" in second  # Cody suggested
