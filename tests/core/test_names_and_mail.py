"""Names are one line on every path, and email never turns a saved action into a 500."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from circlewise.accounts.models import User
from circlewise.circles import services as circle_services
from circlewise.circles.models import Circle, JoinRequest
from circlewise.core.mail import send_templated
from circlewise.organisations.models import Organisation
from tests.conftest import client_for

BROKEN = "Mia\r\nBcc: everyone@evil.test"


def _refuse(self, messages):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def listed_circle(organisation, admin) -> Circle:
    return circle_services.circle_start(
        organisation=organisation, by=admin, name="Runners", topic="Running", is_listed=True
    )


def test_it_sends_a_join_request_when_an_old_name_holds_a_line_break(
    listed_circle, member, django_capture_on_commit_callbacks
):
    # A name stored before the rule existed must not break the subject line.
    User.objects.filter(pk=member.pk).update(name=BROKEN)
    Circle.objects.filter(pk=listed_circle.pk).update(name="Run\nners")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(f"/o/acme/circles/{listed_circle.pk}/request/")
    assert response.status_code == 302
    assert JoinRequest.objects.filter(user=member).exists()
    assert mail.outbox[-1].subject == (
        "[Circlewise] Mia Bcc: everyone@evil.test asks to join Run ners"
    )


def test_it_keeps_a_saved_action_and_logs_when_the_email_fails(
    listed_circle, member, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(EmailBackend, "send_messages", _refuse)
    with (
        caplog.at_level(logging.ERROR, logger="circlewise.core.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(member).post(f"/o/acme/circles/{listed_circle.pk}/request/")
    assert response.status_code == 302
    assert JoinRequest.objects.filter(user=member).exists()
    assert "circle_join_request" in caplog.text and "Connection unexpectedly closed" in caplog.text


def test_it_reports_how_many_messages_were_sent_when_sending_fails(monkeypatch, db):
    monkeypatch.setattr(EmailBackend, "send_messages", _refuse)
    context = {"invited_by": None, "organisation": Organisation(name="Acme")}
    assert send_templated(template="invitation", to=["a@acme.test"], context=context) == 0


@pytest.mark.parametrize("name", ["Mia\nBcc: x@evil.test", "Mia\x00", "M" * 151])
def test_it_refuses_a_display_name_that_is_not_one_short_line(member, name):
    response = client_for(member).post(
        "/account/settings/", {"name": name, "time_zone": "UTC", "language": "en-gb"}
    )
    assert response.status_code in (200, 400)
    member.refresh_from_db()
    assert member.name == "Mia"


def test_it_refuses_an_organisation_or_circle_name_with_a_line_break(admin, member):
    client = client_for(admin)
    client.post("/o/new/", {"name": "Acme\nBcc: x@evil.test"})
    assert not Organisation.objects.filter(name__contains="Bcc").exists()
    response = client_for(member).post(
        "/o/acme/circles/new/",
        {"name": "Parents\r\nat work", "topic": "Parenting", "language": "English",
         "time_zone": "Europe/London", "format": "video", "max_size": 4},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "must be on one line" in response.content.decode()
    assert not Circle.objects.exists()


def test_it_refuses_a_sign_up_name_with_a_line_break(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@acme.test", "name": "New\nBcc: x@evil.test",
         "password1": "a long enough password 1", "password2": "a long enough password 1"},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert not User.objects.filter(email="new@acme.test").exists()


def test_it_saves_a_display_name_on_one_line(member):
    response = client_for(member).post(
        "/account/settings/", {"name": "Mia Lovelace", "time_zone": "UTC", "language": "en-gb"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Mia Lovelace"
