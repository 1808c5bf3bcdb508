"""The demo gives the member and coach logins a circle with history to try everything at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from circlewise.accounts.models import User
from circlewise.circles.models import Circle
from circlewise.coaching.demo import CIRCLE_NAME
from circlewise.coaching.models import Attendance, Commitment, Outcome, SessionRun
from circlewise.journal.models import JournalEntry
from circlewise.resources.models import Progress, Resource, Share
from tests.conftest import client_for


@pytest.fixture
def demo(db):
    call_command("load_demo")
    return Circle.objects.get(name=CIRCLE_NAME)


def _counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (
            Circle,
            SessionRun,
            Attendance,
            Commitment,
            Resource,
            Share,
            Progress,
            JournalEntry,
        )
    )


def test_it_loads_a_circle_with_history_once(demo):
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    past = demo.sessions.filter(ends_at__lt=timezone.now())
    assert past.count() >= 2 and SessionRun.objects.filter(session__in=past).count() == past.count()
    assert set(Attendance.objects.values_list("status", flat=True)) == {
        "present", "apology", "absent"
    }  # fmt: skip
    assert set(Commitment.objects.values_list("outcome", flat=True)) == set(Outcome.values)
    assert Share.objects.filter(circle=demo).count() == 2 and Progress.objects.exists()
    member = User.objects.get(email="member@northwind.example")
    assert JournalEntry.objects.filter(owner=member).count() == 1


def test_the_next_session_checks_in_on_the_last_sessions_commitments(demo):
    coach = User.objects.get(email="coach@northwind.example")
    upcoming = demo.sessions.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    client = client_for(coach)
    base = f"/o/northwind/circles/{demo.pk}/sessions/{upcoming.pk}/run/"
    for _ in range(3):  # start, then advance twice to the accountability check-in
        run = SessionRun.objects.filter(session=upcoming).first()
        action = "start" if run is None else "advance"
        client.post(base + "control/", {"action": action, "version": run.version if run else 0})
    page = client.get(base).text
    assert "Accountability check-in" in page
    assert (
        page.count('data-testid="checkin-item"')
        == Commitment.objects.filter(outcome=Outcome.OPEN).count()
    )


def test_the_member_login_sees_the_circle_inside(demo):
    member = User.objects.get(email="member@northwind.example")
    client = client_for(member)
    assert "Hand one decision" in client.get(f"/o/northwind/circles/{demo.pk}/commitments/").text
    assert (
        "Managing through a reorganisation"
        in client.get(f"/o/northwind/circles/{demo.pk}/resources/").text
    )
    assert "After our last session" in client.get("/o/northwind/journal/").text
