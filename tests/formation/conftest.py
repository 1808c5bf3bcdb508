"""Programmes with participants ready to be formed into circles."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core import mail
from django.utils import timezone

from circlewise.formation import services
from circlewise.formation.models import FormationRun
from circlewise.programmes.models import Participant, ParticipantStatus, Programme

DEPARTMENTS = ("Sales", "Engineering", "Finance", "People", "Legal", "Design")
LEVELS = ("Junior", "Senior", "Lead")

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


def _make_programme(organisation, **rules) -> Programme:
    fields = {
        "name": "New managers",
        "goal": "New managers support each other through their first year.",
        "start_date": dt.date(2027, 1, 4),
        "diversify": ["department", "level"],
        "same": [],
    }
    return Programme.objects.create(organisation=organisation, **(fields | rules))


def _add_participants(programme: Programme, count: int, *, start: int = 0, **extra) -> list:
    """``count`` ready participants, cycling through departments and levels."""
    people = []
    cycle = itertools.islice(
        itertools.cycle(itertools.product(DEPARTMENTS, LEVELS)), start, start + count
    )
    for number, (department, level) in enumerate(cycle, start=start):
        fields = {
            "email": f"p{number}@acme.test",
            "name": f"Person {number}",
            "attributes": {"department": department, "level": level},
            "languages": ["English"],
            "time_zone": "Europe/London",
            "status": ParticipantStatus.ACTIVE,
            "intake_completed_at": timezone.now(),
        }
        people.append(Participant.objects.create(programme=programme, **(fields | extra)))
    return people


@pytest.fixture
def make_programme(organisation):
    return lambda **rules: _make_programme(organisation, **rules)


@pytest.fixture
def add_participants(db):
    return _add_participants


@pytest.fixture
def form(django_capture_on_commit_callbacks):
    """Start a run and let the (immediate) task finish it."""

    def _form(programme: Programme, by) -> FormationRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.formation_start(programme=programme, by=by, time_limit=0.5)
        run.refresh_from_db()
        return run

    return _form


@pytest.fixture
def programme(organisation):
    return _make_programme(organisation)


@pytest.fixture
def published(programme, add_participants, form, admin, django_capture_on_commit_callbacks):
    """A programme of 10 formed and published in two circles of 5 (room for one more each)."""
    add_participants(programme, 10)
    run = form(programme, admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.formation_publish(run=run, by=admin)
    mail.outbox.clear()
    return programme
