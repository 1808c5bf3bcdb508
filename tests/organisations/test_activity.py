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
