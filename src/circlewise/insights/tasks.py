"""Background jobs of insights: asking a session's attendees for their pulse, and a programme's
participants for their outcome survey (with one reminder)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone

from circlewise.insights.models import OutcomeRequest, PulseRequest
from circlewise.insights.selectors import OutcomeWindow, outcome_schedule
from circlewise.insights.services import (
    CHANGE_WINDOW,
    outcome_asked,
    outcome_emails,
    pulse_email,
)
from circlewise.meetings.models import Session, SessionStatus
from circlewise.programmes.models import Programme, ProgrammeStatus


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


@task()
def outcome_send(programme_id: int, wave: str) -> int:
    """Email a wave's participants their outcome survey, or its reminder (each once; safe to run
    twice)."""
    return outcome_emails(programme_id=programme_id, wave=wave)


def _outcome_work(programme: Programme, window: OutcomeWindow, today: dt.date) -> bool:
    """Whether an open wave owes an email: someone not asked yet, or a reminder due."""
    requests = OutcomeRequest.objects.filter(programme=programme, wave=window.wave)
    if (
        requests.filter(emailed_at__isnull=True, answer__isnull=True).exists()
        or outcome_asked(programme=programme).exclude(user__in=requests.values("user")).exists()
    ):
        return True
    return (
        today >= window.reminds_on
        and requests.filter(reminded_at__isnull=True, answer__isnull=True).exists()
    )


def outcomes_plan(*, today: dt.date | None = None) -> int:
    """Queue :func:`outcome_send` for each open outcome survey that owes an email (called by the
    notices tick every minute; a survey with nothing owed costs a few counts). Returns how many
    were queued. Closing needs no job: an answer is refused once its survey has closed."""
    today = today or timezone.localdate()
    # The widest schedule ends a week after a 36-month programme: older ones have nothing open.
    running = Programme.objects.exclude(status=ProgrammeStatus.DRAFT).filter(
        start_date__lte=today, start_date__gte=today - dt.timedelta(days=37 * 31)
    )
    queued = 0
    for programme in running:
        for window in outcome_schedule(programme=programme):
            if window.is_open(today) and _outcome_work(programme, window, today):
                outcome_send.enqueue(programme.pk, window.wave)
                queued += 1
    return queued
