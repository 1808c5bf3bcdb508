"""Your data: the export holds everything about the person, and every app is in it."""

from __future__ import annotations

import json
import time

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from circlewise.accounts.personal_data import NOT_COVERED, sections
from tests.accounts.test_account_delete import _personal_rows
from tests.conftest import client_for
from tests.insights.conftest import add_circle, dept

pytestmark = pytest.mark.django_db


def _foreign_keys_to_the_user() -> set[str]:
    user = get_user_model()
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user
    }


def test_every_foreign_key_to_the_user_is_in_a_section_or_excluded_with_a_reason():
    """A new model pointing at the user fails here until an app's section exports and erases
    it (circlewise.accounts.personal_data) or NOT_COVERED says why not."""
    covered = [key for section in sections() for key in section.covers]
    assert len(covered) == len(set(covered)), "a foreign key is in two sections"
    missing = _foreign_keys_to_the_user() - set(covered) - set(NOT_COVERED)
    assert not missing, f"not in any personal data section: {sorted(missing)}"
    assert all(reason.strip() for reason in NOT_COVERED.values())
    stale = (set(covered) | set(NOT_COVERED)) - _foreign_keys_to_the_user()
    assert not stale, f"sections name foreign keys that do not exist: {sorted(stale)}"


def test_the_export_holds_the_persons_data_and_nobody_elses(programme, coach):
    circle, session, (mia, sam, *_) = add_circle(
        programme, people=[dept("Sales")] * 5, name="Oak", coach=coach
    )
    _personal_rows(mia, circle, session)
    _personal_rows(sam, circle, session)
    response = client_for(mia).get(reverse("accounts:your_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert set(data) >= {section.key for section in sections()}
    assert data["account"]["profile"]["email"] == mia.email
    assert [e["body"] for e in data["journal"]["journal_entries"]] == [
        f"Private note of {mia.name}"
    ]
    assert data["coaching"]["commitments"][0]["what"] == "Delegate more"
    assert data["coaching"]["attendance"][0]["status"] == "present"
    assert data["insights"]["pulse_answers"][0]["usefulness"] == 4
    assert data["meetings"]["cant_make_it"][0]["note"] == "Travelling"
    assert data["meetings"]["calendar_feed"]["exists"] is True
    assert data["resources"]["resource_marks"][0]["reflection"] == "Made me think"
    assert data["programmes"]["participations"][0]["goals"] == ""
    assert data["programmes"]["participations"][0]["attributes"]["department"] == "Sales"
    assert data["circles"]["circle_memberships"][0]["circle_name"] == "Oak"
    assert data["organisations"]["memberships"][0]["organisation_name"] == "Acme"
    assert [t["name"] for t in data["account"]["api_tokens"]] == ["Script"]
    text = response.content.decode()
    assert sam.name not in text  # a circle-mate's rows are theirs
    # Secrets never leave: no token hash or hint, no feed or pulse token.
    from circlewise.accounts.models import ApiToken
    from circlewise.insights.models import PulseRequest
    from circlewise.meetings.models import CalendarFeed

    token = ApiToken.objects.get(user=mia)
    for secret in (token.key_hash, token.hint, CalendarFeed.objects.get(user=mia).token,
                   PulseRequest.objects.get(user=mia).token):  # fmt: skip
        assert secret not in text


def test_the_ics_holds_the_persons_sessions(organisation, member):
    from tests.circle_fixtures import make_circle, make_session

    circle = make_circle(organisation, members=[member], name="Birch")
    make_session(circle)
    response = client_for(member).get(reverse("accounts:your_data_ics"))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.content and b"Birch" in response.content


def test_the_export_is_bounded_in_queries_and_time(programme, coach):
    """A busy person's data is built in the request: a fixed number of queries per section
    (each circle's rotation adds a few), whatever the number of rows."""
    from circlewise.journal.models import JournalEntry

    circle, _, (mia, *_) = add_circle(
        programme, people=[dept("Sales")] * 5, name="Oak", coach=coach
    )
    client = client_for(mia)

    def measure() -> tuple[int, float]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(reverse("accounts:your_data_json"))
            return len(queries), time.perf_counter() - started

    few, _ = measure()
    JournalEntry.objects.bulk_create(
        JournalEntry(owner=mia, organisation=circle.organisation, body="x" * 2000)
        for _ in range(1000)
    )
    many, seconds = measure()
    assert many == few
    assert seconds < 2


def test_the_export_holds_enrolments_and_invitations_waiting_at_a_verified_address_only(
    organisation, member
):
    """A programme enrols people, and an organisation invites them, by address: what waits at an
    address the person verified is theirs; at an address they only typed in, it may be
    somebody else's, and stays out."""
    from circlewise.organisations.models import Invitation
    from tests.programmes.factories import make_participant, make_programme

    member.emailaddress_set.create(email="mia.home@example.org", verified=True)
    member.emailaddress_set.create(email="boss@acme.test", verified=False)
    programme = make_programme(organisation, name="Mentors")
    make_participant(programme, "mia.home@example.org", attributes={"department": "Design"})
    make_participant(programme, "boss@acme.test", name="The Boss")
    Invitation.objects.create(organisation=organisation, email="mia.home@example.org")
    Invitation.objects.create(organisation=organisation, email="boss@acme.test")

    response = client_for(member).get(reverse("accounts:your_data_json"))

    data = json.loads(response.content)
    waiting = data["programmes"]["participations"]
    assert [(p["email"], p["programme_name"]) for p in waiting] == [
        ("mia.home@example.org", "Mentors")
    ]
    assert waiting[0]["attributes"] == {"department": "Design"}
    received = data["organisations"]["invitations_received"]
    assert [(i["email"], i["organisation_name"]) for i in received] == [
        ("mia.home@example.org", "Acme")
    ]
    assert "The Boss" not in response.content.decode()
