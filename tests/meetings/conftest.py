"""A programme circle spread over time zones, with a coach, and a schedule helper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from circlewise.accounts.models import ApiToken
from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings import services
from circlewise.meetings.models import SessionSeries
from tests.conftest import make_user
from tests.programmes.factories import WEEKDAYS_9_TO_5, make_participant, make_programme

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Name, time zone: London and New York change their clocks on different dates.
PEOPLE = [
    ("Dev", "Europe/London"),
    ("Nour", "Europe/Berlin"),
    ("Ana", "America/New_York"),
]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def api_client():
    """``api_client(user)``: a client that sends a fresh personal access token of ``user``."""

    def _client(user) -> Client:
        _, raw = ApiToken.issue(user=user, name="test")
        return Client(headers={"authorization": f"Bearer {raw}"})

    return _client


@pytest.fixture
def circle(organisation, coach, member) -> Circle:
    """Oak: Dev, Nour, Ana and Mia (the matrix's member), coached by Cody."""
    programme = make_programme(organisation, cadence="monthly", session_minutes=90)
    circle = Circle.objects.create(
        organisation=organisation, programme=programme, name="Oak", coach=coach
    )
    for name, time_zone in PEOPLE:
        email = f"{name.lower()}@acme.test"
        user = make_user(email, name)
        user.time_zone = time_zone
        user.save()
        person = make_participant(
            programme, email, ready=True, user=user, time_zone=time_zone, name=name
        )
        CircleMember.objects.create(circle=circle, participant=person, user=user, email=email)
    mine = make_participant(
        programme, member.email, ready=True, user=member, availability=WEEKDAYS_9_TO_5
    )
    CircleMember.objects.create(circle=circle, participant=mine, user=member, email=member.email)
    return circle


def london_schedule(**changes) -> services.Schedule:
    """2nd Tuesday of each month, 16:00 London, from January 2027 (DST starts 28 March)."""
    values = {
        "frequency": "monthly",
        "weekday": 1,
        "week_of_month": 2,
        "start_time": dt.time(16, 0),
        "time_zone": "Europe/London",
        "starts_on": dt.date(2027, 1, 1),
        "count": 6,
        "duration_minutes": 90,
        "format": "video",
        "video_url": "https://meet.example.org/oak",
    }
    return services.Schedule(**(values | changes))


@pytest.fixture
def scheduled(circle, coach, django_capture_on_commit_callbacks) -> SessionSeries:
    """Oak with the London schedule set by its coach (the invitation email already sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        series = services.series_set(circle=circle, by=coach, schedule=london_schedule())
    mail.outbox.clear()
    return series
