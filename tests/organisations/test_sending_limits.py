"""The product cannot be used to send mail to anyone (security issue, finding 4).

A young organisation may send only a few emails an hour, an organisation's creator must have
verified their address, and asking again to join after a decline must wait.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from circlewise.accounts.models import ApiToken
from circlewise.circles import services as circle_services
from circlewise.circles.errors import CircleError
from circlewise.organisations.models import Activity, Organisation
from circlewise.organisations.services import SendingLimitReached, activity_record
from circlewise.programmes import services
from tests.conftest import client_for, make_user
from tests.programmes.factories import make_programme


@pytest.fixture
def limits(settings):
    settings.MAIL_LIMIT_NEW_ORGANISATION = 10
    settings.MAIL_LIMIT_PER_HOUR = 50


def _people(count: int, start: int = 0) -> list[dict]:
    return [{"email": f"outside{n}@elsewhere.test"} for n in range(start, start + count)]


def test_it_refuses_a_young_organisation_more_than_its_hourly_allowance(
    limits, organisation, admin
):
    programme = make_programme(organisation)
    _, raw = ApiToken.issue(user=admin, name="sync")
    url = f"/api/organisations/acme/programmes/{programme.pk}/participants/upsert"
    response = client_for(admin).post(
        url,
        json.dumps({"participants": _people(11)}),
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 409
    assert "can send 10 emails an hour" in response.json()["detail"]
    assert programme.participants.count() == 0 and mail.outbox == []


def test_it_counts_every_send_of_the_last_hour(limits, organisation, admin):
    programme = make_programme(organisation)
    services.participants_upsert(programme=programme, items=_people(8), by=admin)
    with pytest.raises(SendingLimitReached, match="2 are left this hour"):
        services.participants_upsert(programme=programme, items=_people(3, start=8), by=admin)
    Activity.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    services.participants_upsert(programme=programme, items=_people(3, start=8), by=admin)
    assert programme.participants.count() == 11


def test_it_gives_an_established_organisation_the_larger_allowance(limits, organisation, admin):
    Organisation.objects.filter(pk=organisation.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    activity_record(organisation=organisation, by=admin, action="t", summary="t", recipients=50)
    with pytest.raises(SendingLimitReached, match="can send 50 emails an hour"):
        activity_record(organisation=organisation, by=admin, action="t", summary="t", recipients=1)


def test_it_limits_organisation_invitations_too(limits, organisation, admin):
    client = client_for(admin)
    for n in range(11):
        client.post("/o/acme/invitations/", {"email": f"x{n}@elsewhere.test", "role": "member"})
    assert len(mail.outbox) == 10
    assert organisation.invitations.count() == 10


def test_it_requires_a_verified_email_to_create_an_organisation(db):
    user = make_user("new@example.test")
    user.emailaddress_set.update(verified=False)
    response = client_for(user).post("/o/new/", {"name": "Spam Inc"})
    assert response.status_code == 200
    assert "Confirm your email address" in response.text
    assert not Organisation.objects.exists()


def test_it_makes_a_declined_person_wait_before_asking_again(organisation, member, coach):
    circle = circle_services.circle_start(
        organisation=organisation, by=member, name="Walkers", is_listed=True
    )
    request = circle_services.join_request_create(circle=circle, user=coach)
    circle_services.join_request_decide(join_request=request, approve=False, by=member)
    with pytest.raises(CircleError, match="You can ask again from"):
        circle_services.join_request_create(circle=circle, user=coach)
    request.refresh_from_db()
    type(request).objects.filter(pk=request.pk).update(
        decided_at=timezone.now() - circle_services.JOIN_REQUEST_RETRY_AFTER
    )
    circle_services.join_request_create(circle=circle, user=coach)


def test_it_refuses_to_approve_someone_who_left_the_organisation(organisation, member, coach):
    circle = circle_services.circle_start(
        organisation=organisation, by=member, name="Walkers", is_listed=True
    )
    request = circle_services.join_request_create(circle=circle, user=coach)
    coach.memberships.all().delete()
    with pytest.raises(CircleError, match="no longer a member"):
        circle_services.join_request_decide(join_request=request, approve=True, by=member)
    assert not circle.members.filter(user=coach).exists()


def test_it_explains_the_limit_on_the_enrolment_page(limits, organisation, admin):
    programme = make_programme(organisation)
    client = client_for(admin)
    for n in range(10):
        client.post(f"/o/acme/programmes/{programme.pk}/enrol/add/", {"email": f"p{n}@x.test"})
    page = client.post(f"/o/acme/programmes/{programme.pk}/enrol/add/", {"email": "late@x.test"})
    assert page.status_code == 400 and "0 are left this hour" in page.text
    assert programme.participants.count() == 10
