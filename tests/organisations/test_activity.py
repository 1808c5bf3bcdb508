"""The organisation's activity log: services that act for someone record who did what."""

from __future__ import annotations

from circlewise.circles import services as circle_services
from circlewise.organisations import services
from circlewise.organisations.models import Activity, Membership
from circlewise.organisations.views import ACTIVITY_PER_PAGE
from tests.conftest import client_for


def test_it_records_who_did_what_and_shows_it_to_admins(organisation, admin, member):
    client = client_for(admin)
    client.post("/o/acme/invitations/", {"email": "new@acme.test", "role": "coach"})
    membership = Membership.objects.get(user=member)
    client.post(f"/o/acme/members/{membership.pk}/role/", {"role": "coach"})
    page = client.get("/o/acme/activity/").text
    assert "Invited new@acme.test as coach." in page
    assert "Changed Mia from Member to Coach." in page
    assert list(Activity.objects.values_list("actor", flat=True)) == [admin.pk, admin.pk]


def test_it_pages_the_log(organisation, admin):
    for n in range(ACTIVITY_PER_PAGE + 1):
        services.activity_record(organisation=organisation, by=admin, action="t", summary=f"#{n}")
    client = client_for(admin)
    assert "Page 1 of 2" in client.get("/o/acme/activity/").text
    assert "#0<" in client.get("/o/acme/activity/?page=2").text


def test_it_keeps_self_organised_circles_out_of_the_log(organisation, member, coach):
    circle = circle_services.circle_start(organisation=organisation, by=member, name="Walkers")
    circle_services.circle_join_by_link(circle=circle, token=circle.invite_token, user=coach)
    seat = circle.members.get(user=coach)
    circle_services.circle_member_remove(member=seat, by=member)
    assert not Activity.objects.exists()


def test_it_records_formation_actions_with_who_started_them(organisation, admin):
    from circlewise.formation.services import formation_start
    from tests.programmes.factories import make_participant, make_programme

    programme = make_programme(organisation)
    for n in range(6):
        make_participant(programme, f"p{n}@acme.test", ready=True)
    formation_start(programme=programme, by=admin)
    entry = Activity.objects.get()
    assert (entry.actor, entry.action) == (admin, "formation.start")
    assert programme.name in entry.summary


def test_it_records_schedules_of_programme_circles_but_not_of_self_organised_ones(
    organisation, admin, coach, member
):
    import datetime as dt

    from circlewise.meetings import services as meetings
    from tests.circle_fixtures import make_circle
    from tests.meetings.conftest import london_schedule
    from tests.programmes.factories import make_programme

    programme = make_programme(organisation, name="Leaders 2027")
    oak = make_circle(organisation, members=[member], coach=coach, programme=programme)
    series = meetings.series_set(circle=oak, by=coach, schedule=london_schedule())
    first, second = series.sessions.order_by("starts_at")[:2]
    later = first.starts_at + dt.timedelta(days=1)
    meetings.session_move(session=first, by=coach, starts_at=later, duration_minutes=90,
                          format="video", video_url="https://meet.example.org/a")  # fmt: skip
    meetings.session_cancel(session=second, by=coach)
    meetings.series_cancel(series=series, by=coach)
    walkers = circle_services.circle_start(organisation=organisation, by=member, name="Walkers")
    meetings.series_set(circle=walkers, by=member, schedule=london_schedule())
    entries = list(Activity.objects.order_by("pk").values_list("actor", "action", "summary"))
    assert entries == [
        (coach.pk, "sessions.schedule", f"Set the schedule of Oak: {series.describe()}."),
        (coach.pk, "sessions.move", "Moved session 1 of Oak."),
        (coach.pk, "sessions.cancel", "Cancelled session 2 of Oak."),
        (coach.pk, "sessions.cancel_schedule", "Cancelled the schedule of Oak."),
    ]  # fmt: skip


def test_it_records_programme_libraries_and_templates_never_what_a_circle_says(
    organisation, admin, coach, member
):
    from circlewise.contracts.services import (
        contract_accept,
        contract_change,
        contract_template_set,
    )
    from circlewise.resources.services import resource_add
    from tests.circle_fixtures import make_circle
    from tests.programmes.factories import make_programme

    programme = make_programme(organisation, name="Leaders 2027")
    contract_template_set(programme=programme, by=admin, agreements=["Phones away."])
    book = {"kind": "book", "title": "Time to Think", "url": "https://example.org/think"}
    resource_add(by=admin, programme=programme, **book)
    oak = make_circle(organisation, members=[member, coach], programme=programme)
    version = contract_change(circle=oak, user=member, agreements=["Our secret rule."],
                              goal="Private goal", duration="A year")  # fmt: skip
    contract_accept(circle=oak, user=coach, number=version.number)
    walkers = circle_services.circle_start(organisation=organisation, by=member, name="Walkers")
    resource_add(by=member, circle=walkers, **book | {"title": "Our own read"})
    assert list(Activity.objects.order_by("pk").values_list("action", "summary")) == [
        ("contract.template", "Set the contract template of Leaders 2027 (1 agreement)."),
        ("resources.add", "Added “Time to Think” to the library of Leaders 2027."),
    ]
