"""Programmes and participants for tests of the programmes app and the API."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Participant, ParticipantStatus, Programme

WEEKDAYS_9_TO_5 = [{"day": day, "start": "09:00", "end": "17:00"} for day in range(5)]


def make_programme(organisation: Organisation, **fields: object) -> Programme:
    values = {
        "name": "New managers",
        "goal": "New managers support each other through their first year.",
        "start_date": dt.date(2027, 1, 4),
        "diversify": ["department", "level"],
        "same": ["language"],
        "optional_attributes": ["background"],
    }
    return Programme.objects.create(organisation=organisation, **(values | fields))


def make_participant(programme: Programme, email: str, *, ready: bool = False, **fields):
    values: dict[str, object] = {"email": email, "name": email.split("@")[0].title()}
    if ready:
        values |= {
            "status": ParticipantStatus.ACTIVE,
            "intake_completed_at": timezone.now(),
            "attributes": {"department": "Sales", "level": "Senior"},
            "languages": ["en"],
            "time_zone": "Europe/London",
            "availability": WEEKDAYS_9_TO_5,
        }
    return Participant.objects.create(programme=programme, **(values | fields))
