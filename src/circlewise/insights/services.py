"""Writes of pulse surveys: who is asked after a session, the email with the link, the answer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circlewise.circles.selectors import active_members
from circlewise.coaching.models import Attendance, AttendanceStatus
from circlewise.core.mail import absolute_url, send_templated
from circlewise.core.text import clean_text
from circlewise.insights.errors import PulseError
from circlewise.insights.models import COMMENT_MAX, PulseAnswer, PulseRequest
from circlewise.meetings.models import Session, SessionStatus
from circlewise.meetings.selectors import absences_by_session

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "CHANGE_WINDOW",
    "SCORES",
    "pulse_answer",
    "pulse_email",
    "pulse_requests_create",
]

CHANGE_WINDOW = dt.timedelta(days=7)
SCORES = ("usefulness", "speak_up", "heard", "trust")


def _attendees(session: Session) -> list[User]:
    """Who attended: those recorded present; before attendance is taken, the circle's members
    except those who said in advance that they could not come."""
    recorded = Attendance.objects.filter(session=session).select_related("user")
    if recorded.exists():
        return [a.user for a in recorded if a.status == AttendanceStatus.PRESENT]
    absent = {a.user_id for a in absences_by_session(sessions=[session])[session.pk]}
    return [
        m.user
        for m in active_members(circle=session.circle)
        if m.user is not None and m.user_id not in absent
    ]


def pulse_requests_create(*, session: Session) -> int:
    """One pulse request per attendee of a session that has taken place (a second call adds
    only people recorded present since). Returns how many were added."""
    if session.status != SessionStatus.SCHEDULED or session.starts_at > timezone.now():
        return 0
    rows = [PulseRequest(session=session, user=user) for user in _attendees(session)]
    before = PulseRequest.objects.filter(session=session).count()
    PulseRequest.objects.bulk_create(rows, ignore_conflicts=True)
    return PulseRequest.objects.filter(session=session).count() - before


def pulse_email(*, session_id: int) -> int:
    """Ask each attendee of the session by email (once each, even if run twice or in two
    workers: each request is claimed by a conditional UPDATE before its email goes out).
    Returns how many emails were sent."""
    session = Session.objects.select_related("circle__organisation").get(pk=session_id)
    pulse_requests_create(session=session)
    sent = 0
    waiting = PulseRequest.objects.filter(session=session, emailed_at__isnull=True)
    for pulse in waiting.select_related("user"):
        claimed = PulseRequest.objects.filter(pk=pulse.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not pulse.user.is_active:
            continue
        delivered = send_templated(
            template="pulse",
            to=[pulse.user.email],
            context={
                "user": pulse.user,
                "circle": session.circle,
                "url": absolute_url(reverse("insights:pulse", args=[pulse.token])),
                "closes_on": (session.ends_at + CHANGE_WINDOW).date(),
            },
        )
        if not delivered:
            # Nothing went out (send_templated logged why): release the claim for the next run.
            PulseRequest.objects.filter(pk=pulse.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


def _score(value: object, label: str, field: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise PulseError(f"{label}: choose a number from 1 to 5.", field=field) from None
    if not 1 <= number <= 5:
        raise PulseError(f"{label}: choose a number from 1 to 5.", field=field)
    return number


LABELS = {name: str(PulseAnswer._meta.get_field(name).verbose_name) for name in SCORES}


@transaction.atomic
def pulse_answer(
    *,
    pulse: PulseRequest,
    by: User,
    scores: dict[str, object],
    comment: str = "",
    comment_shared: bool = False,
    now: dt.datetime | None = None,
) -> PulseAnswer:
    """Record (or change) ``by``'s answer to their pulse request, until 7 days after the session.

    ``scores`` holds ``usefulness``, ``speak_up``, ``heard`` and ``trust``, each 1 to 5.
    """
    now = now or timezone.now()
    if pulse.user_id != by.pk:
        raise PulseError("This survey is someone else's.")
    session = pulse.session
    if now < session.starts_at:
        raise PulseError("The session has not taken place yet.")
    if now > session.ends_at + CHANGE_WINDOW:
        raise PulseError("This survey closed 7 days after the session; thank you all the same.")
    values = {name: _score(scores.get(name), LABELS[name], name) for name in SCORES}
    comment = clean_text(comment, label="The comment", max_length=COMMENT_MAX, required=False,
                         field="comment", error=PulseError)  # fmt: skip
    answer, created = PulseAnswer.objects.select_for_update().get_or_create(
        request=pulse,
        defaults={"session": session, "circle_id": session.circle_id, "user": by, **values,
                  "comment": comment, "comment_shared": comment_shared,
                  "answered_at": now, "changed_at": now},
    )  # fmt: skip
    if not created:
        for name, value in values.items():
            setattr(answer, name, value)
        answer.comment, answer.comment_shared, answer.changed_at = comment, comment_shared, now
        answer.save()
    return answer
