"""Inviting by email; accepting, declining, revoking; every bad link gets a clear message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from circlewise.organisations.models import Invitation, InvitationStatus, Membership, Role
from tests.conftest import client_for, make_user


def _invite(client, email: str, role: str = "member"):
    return client.post("/o/acme/invitations/", {"email": email, "role": role})


@pytest.fixture
def invitation(organisation, admin) -> Invitation:
    return Invitation.objects.create(
        organisation=organisation, email="newbie@example.test", role=Role.COACH, invited_by=admin
    )


def test_it_invites_by_email_with_a_link(organisation, admin):
    response = _invite(client_for(admin), "Newbie@Example.test", "coach")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "newbie@example.test",
        Role.COACH,
        InvitationStatus.PENDING,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.test"]
    assert "Ada invited you to Acme" in message.subject
    assert f"/o/invitations/{invitation.token}/" in message.body


def test_it_refuses_a_duplicate_pending_invitation(organisation, admin, invitation):
    response = _invite(client_for(admin), "newbie@example.test")
    assert response.status_code == 400
    assert "newbie@example.test already has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_it_replaces_an_expired_pending_invitation(organisation, admin, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    assert _invite(client_for(admin), "newbie@example.test").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 1


def test_it_refuses_to_invite_an_existing_member(organisation, admin, member):
    response = _invite(client_for(admin), "MIA@acme.test")
    assert response.status_code == 400
    assert "mia@acme.test is already a member of Acme." in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_refuses_an_invalid_email(organisation, admin):
    response = _invite(client_for(admin), "not an email")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_accepts_for_the_invited_verified_account(invitation):
    newbie = make_user("newbie@example.test", "Newbie")
    client = client_for(newbie)
    assert "Accept invitation" in client.get(f"/o/invitations/{invitation.token}/").content.decode()
    response = client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 302
    assert response.url == "/o/acme/"
    assert Membership.objects.get(user=newbie).role == Role.COACH
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_it_refuses_the_wrong_account(invitation):
    someone = make_user("someone@example.test")
    client = client_for(someone)
    page = client.get(f"/o/invitations/{invitation.token}/").content.decode()
    assert "You are logged in as someone@example.test" in page
    response = client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 400
    assert "This invitation is for newbie@example.test" in response.content.decode()
    assert not Membership.objects.filter(user=someone).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_it_refuses_an_unverified_address(invitation):
    newbie = make_user("newbie@example.test")
    newbie.emailaddress_set.update(verified=False)
    response = client_for(newbie).post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=newbie).exists()


def test_it_refuses_a_reused_link(invitation):
    client = client_for(make_user("newbie@example.test"))
    client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    response = client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 400
    assert "already been accepted; the link works once" in response.content.decode()
    assert Membership.objects.filter(organisation=invitation.organisation).count() == 2


def test_it_refuses_an_expired_link(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=14, seconds=1)
    )
    client = client_for(make_user("newbie@example.test"))
    page = client.get(f"/o/invitations/{invitation.token}/").content.decode()
    assert "This invitation expired on" in page and "Accept invitation" not in page
    response = client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="newbie@example.test").exists()


def test_it_sends_someone_logged_out_to_sign_up_or_log_in_and_back(invitation):
    client = Client()
    page = client.get(f"/o/invitations/{invitation.token}/").content.decode()
    back = f"%2Fo%2Finvitations%2F{invitation.token}%2F"
    assert f"/accounts/signup/?next={back}&amp;email=newbie%40example.test" in page
    assert f"/accounts/login/?next={back}" in page
    response = client.post(f"/o/invitations/{invitation.token}/", {"action": "accept"})
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={back}"


def test_it_lets_the_link_holder_decline(invitation):
    response = Client().post(f"/o/invitations/{invitation.token}/", {"action": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED


def test_it_revokes_an_invitation_so_the_link_stops_working(invitation, admin):
    client_for(admin).post(f"/o/acme/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    response = client_for(make_user("newbie@example.test")).post(
        f"/o/invitations/{invitation.token}/", {"action": "accept"}
    )
    assert "withdrawn by an admin" in response.content.decode()


def test_it_says_when_a_link_is_unknown(db):
    response = client_for(make_user("x@example.test")).get("/o/invitations/nonsense/")
    assert response.status_code == 404
    assert "We couldn't find this invitation" in response.content.decode()


def test_it_hides_other_organisations_invitations(invitation, outsider):
    response = client_for(outsider).post(f"/o/globex/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
