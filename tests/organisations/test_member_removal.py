"""Removing someone from an organisation sticks (security issue, finding 1).

Their enrolments end, they leave their circles (whose members are told), no page or link lets
them back in, and only a new invitation from an admin does.
"""

from __future__ import annotations

from django.core import mail

from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations import services
from circlewise.organisations.models import Membership
from circlewise.programmes.models import ParticipantStatus
from tests.conftest import client_for
from tests.programmes.factories import make_participant, make_programme


def _seated_member(organisation, member):
    programme = make_programme(organisation)
    participant = make_participant(programme, member.email, user=member, ready=True)
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Oak")
    CircleMember.objects.create(
        circle=circle, participant=participant, user=member, email=member.email
    )
    mate = make_participant(programme, "mate@acme.test", ready=True)
    CircleMember.objects.create(circle=circle, participant=mate, email=mate.email)
    return programme, participant, circle


def _remove(admin, organisation, member):
    membership = Membership.objects.get(organisation=organisation, user=member)
    response = client_for(admin).post(f"/o/acme/members/{membership.pk}/remove/")
    assert response.status_code == 302


def test_it_ends_the_removed_members_seats_and_tells_their_circle(
    admin, organisation, member, django_capture_on_commit_callbacks
):
    _programme, participant, circle = _seated_member(organisation, member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _remove(admin, organisation, member)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.LEFT
    assert not circle.members.filter(user=member, left_at__isnull=True).exists()
    assert [message.to for message in mail.outbox] == [["mate@acme.test"]]


def test_it_keeps_a_removed_member_from_letting_themselves_back_in(admin, organisation, member):
    programme, _participant, circle = _seated_member(organisation, member)
    _remove(admin, organisation, member)
    client = client_for(member)
    welcome = f"/o/acme/programmes/{programme.pk}/welcome/"
    assert client.get(welcome).status_code == 404
    assert client.post(welcome).status_code == 404
    assert client.get("/o/acme/circles/").status_code == 404
    assert client.get(f"/o/acme/circles/{circle.pk}/").status_code == 404
    assert not Membership.objects.filter(organisation=organisation, user=member).exists()
    assert not circle.members.filter(user=member, left_at__isnull=True).exists()


def test_it_lets_a_removed_member_back_only_through_a_new_invitation(admin, organisation, member):
    _seated_member(organisation, member)
    _remove(admin, organisation, member)
    invitation = services.invitation_create(organisation=organisation, email=member.email, by=admin)
    services.invitation_accept(invitation=invitation, by=member)
    assert Membership.objects.filter(organisation=organisation, user=member).exists()


def test_it_never_claims_a_seat_when_a_page_is_only_viewed(organisation, member):
    programme = make_programme(organisation)
    participant = make_participant(programme, member.email)
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Oak")
    seat = CircleMember.objects.create(circle=circle, participant=participant, email=member.email)
    client = client_for(member)
    for url in (
        "/o/acme/circles/",
        f"/o/acme/circles/{circle.pk}/",
        f"/o/acme/programmes/{programme.pk}/welcome/",
    ):
        client.get(url)
    seat.refresh_from_db()
    participant.refresh_from_db()
    assert seat.user is None and participant.user is None
    client.post(f"/o/acme/programmes/{programme.pk}/welcome/")
    seat.refresh_from_db()
    assert seat.user == member


def test_it_claims_a_seat_only_for_a_verified_address_on_every_path(organisation, member):
    programme = make_programme(organisation)
    make_participant(programme, member.email)
    member.emailaddress_set.update(verified=False)
    client = client_for(member)
    client.post(f"/o/acme/programmes/join/{programme.signup_token}/")
    assert client.post(f"/o/acme/programmes/{programme.pk}/welcome/").status_code == 404
    assert programme.participants.get().user is None
