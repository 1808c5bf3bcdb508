"""Background jobs of insights: asking a session's attendees for their pulse."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone

from circlewise.insights.models import PulseRequest
from circlewise.insights.services import CHANGE_WINDOW, pulse_email
from circlewise.meetings.models import Session, SessionStatus


@task()
def pulse_send(session_id: int) -> int:
    """Email the session's attendees their pulse link (each once; safe to run twice)."""
    return pulse_email(session_id=session_id)


def pulses_plan(*, now: dt.datetime | None = None) -> int:
    """Queue :func:`pulse_send` for sessions that ended in the last 7 days and have asked
    nobody yet (called by the notices tick). Returns how many were queued."""
    now = now or timezone.now()
    asked = PulseRequest.objects.filter(session=OuterRef("pk"))
    due = Session.objects.filter(
        status=SessionStatus.SCHEDULED, ends_at__lte=now, ends_at__gt=now - CHANGE_WINDOW
    ).filter(~Exists(asked))
    ids = list(due.values_list("pk", flat=True))
    for session_id in ids:
        pulse_send.enqueue(session_id)
    return len(ids)
