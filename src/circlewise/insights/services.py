"""Writes of pulse surveys (who is asked after a session, the email with the link, the answer)
and of outcome surveys (who is asked in each wave, the emails and reminder, the answer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circlewise.circles.models import CircleMember
from circlewise.circles.selectors import active_members
from circlewise.coaching.models import Attendance, AttendanceStatus
from circlewise.core.errors import ServiceError
from circlewise.core.mail import absolute_url, send_templated
from circlewise.core.text import clean_text
from circlewise.insights.errors import OutcomeError, PulseError
from circlewise.insights.models import (
    CHANGED_MAX,
    COMMENT_MAX,
    OutcomeAnswer,
    OutcomeRequest,
    OutcomeWave,
    PulseAnswer,
    PulseRequest,
)
from circlewise.insights.privacy import ANSWER_WINDOW
from circlewise.insights.selectors import OUTCOME_ITEMS, OutcomeWindow, outcome_window
from circlewise.meetings.models import Session, SessionStatus
from circlewise.meetings.selectors import absences_by_session
from circlewise.programmes.models import Participant, ParticipantStatus, Programme

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "CHANGE_WINDOW",
    "SCORES",
    "outcome_answer",
    "outcome_asked",
    "outcome_emails",
    "outcome_requests_create",
    "pulse_answer",
    "pulse_email",
    "pulse_requests_create",
]

CHANGE_WINDOW = ANSWER_WINDOW  # one window, which the privacy module's closed periods wait for
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


def _score(value: object, label: str, field: str,
           error: type[ServiceError] = PulseError) -> int:  # fmt: skip
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise error(_("%(label)s: choose a number from 1 to 5.") % {"label": label}, field=field)
    return number


def _label(name: str) -> str:
    field = PulseAnswer._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


LABELS = {name: _label(name) for name in SCORES}


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
        raise PulseError(_("This survey is someone else's."))
    session = pulse.session
    if now < session.starts_at:
        raise PulseError(_("The session has not taken place yet."))
    if now > session.ends_at + CHANGE_WINDOW:
        raise PulseError(_("This survey closed 7 days after the session; thank you all the same."))
    values = {name: _score(scores.get(name), LABELS[name], name) for name in SCORES}
    comment = clean_text(comment, label=_("The comment"), max_length=COMMENT_MAX, required=False,
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


# Outcome surveys ---------------------------------------------------------------------------------

OUTCOME_LABELS = {
    name: cast("models.Field", OutcomeAnswer._meta.get_field(name)).verbose_name
    for name in OUTCOME_ITEMS
}


def outcome_asked(*, programme: Programme) -> QuerySet[Participant]:
    """Who is asked for the programme's outcome surveys: its active participants with an
    account (not those who left)."""
    return programme.participants.filter(
        status=ParticipantStatus.ACTIVE, left_at__isnull=True, user__is_active=True
    )


def outcome_requests_create(*, programme: Programme, wave: str) -> int:
    """One request per participant asked (see :func:`outcome_asked`); a second call adds only
    people who joined since. Returns how many were added."""
    users = outcome_asked(programme=programme).values_list("user_id", flat=True)
    rows = [OutcomeRequest(programme=programme, wave=wave, user_id=pk) for pk in users]
    before = OutcomeRequest.objects.filter(programme=programme, wave=wave).count()
    OutcomeRequest.objects.bulk_create(rows, ignore_conflicts=True)
    return OutcomeRequest.objects.filter(programme=programme, wave=wave).count() - before


def _outcome_send(request: OutcomeRequest, window: OutcomeWindow, *, reminder: bool) -> bool:
    return bool(send_templated(
        template="outcome_reminder" if reminder else "outcome",
        to=[request.user.email],
        context={
            "user": request.user, "programme": request.programme,
            "wave": window.wave, "closes_on": window.closes_on,
            "url": absolute_url(reverse("insights:outcome", args=[request.token])),
        },
    ))  # fmt: skip


def _claim_and_send(request: OutcomeRequest, window: OutcomeWindow, *, reminder: bool) -> bool:
    """Claim the request's email (a conditional UPDATE, so a second run or a parallel worker
    never sends it again), then send it; a send that failed releases the claim for the next
    run. True when an email went out."""
    column = "reminded_at" if reminder else "emailed_at"
    claimed = OutcomeRequest.objects.filter(pk=request.pk, **{f"{column}__isnull": True}).update(
        **{column: timezone.now()}
    )
    user = request.user
    if not claimed or not user.is_active or (reminder and not user.notify_reminders):
        return False
    if not _outcome_send(request, window, reminder=reminder):
        OutcomeRequest.objects.filter(pk=request.pk).update(**{column: None})
        return False
    return True


def outcome_emails(*, programme_id: int, wave: str, today: dt.date | None = None) -> int:
    """While the wave is open: ask each participant (once), and from the reminder day remind
    those who have not answered (once). Safe to run twice or in two workers. Returns how many
    emails went out."""
    today = today or timezone.localdate()
    programme = Programme.objects.get(pk=programme_id)
    window = outcome_window(programme=programme, wave=wave)
    if not window.is_open(today):
        return 0
    outcome_requests_create(programme=programme, wave=wave)
    requests = OutcomeRequest.objects.filter(programme=programme, wave=wave).select_related(
        "user", "programme"
    )
    # Someone who already answered in the app is not asked again.
    waiting = requests.filter(emailed_at__isnull=True, answer__isnull=True)
    sent = sum(_claim_and_send(r, window, reminder=False) for r in waiting)
    if today >= window.reminds_on:
        unanswered = requests.filter(
            emailed_at__isnull=False, reminded_at__isnull=True, answer__isnull=True
        )
        sent += sum(_claim_and_send(r, window, reminder=True) for r in unanswered)
    return sent


def _outcome_place(request: OutcomeRequest) -> dict:
    """Where an answer counts: the person's circle in the programme and their department and
    level, as they are when they first answer (see :class:`OutcomeAnswer`)."""
    participant = request.programme.participants.filter(user_id=request.user_id).first()
    attributes = participant.attributes if participant else {}
    seat = (
        CircleMember.objects.filter(circle__programme_id=request.programme_id,
                                    user_id=request.user_id, left_at__isnull=True)
        .order_by("-joined_at").first()
    )  # fmt: skip
    return {
        "circle_id": seat.circle_id if seat else None,
        "department": str(attributes.get("department") or "")[:150],
        "level": str(attributes.get("level") or "")[:150],
    }


def _recommend(value: object) -> bool:
    if value in ("yes", "no"):
        return value == "yes"
    raise OutcomeError(
        _("Would you recommend the programme to a colleague? Choose yes or no."), field="recommend"
    )


@transaction.atomic
def outcome_answer(
    *,
    request: OutcomeRequest,
    by: User,
    scores: Mapping[str, object],
    recommend: object = None,
    changed: str = "",
    today: dt.date | None = None,
) -> OutcomeAnswer:
    """Record (or change) ``by``'s answer to one outcome survey while it is open.

    ``scores`` holds the five items of :data:`OUTCOME_ITEMS`, each 1 to 5. The end survey also
    takes ``recommend`` ("yes" or "no") and ``changed``, what changed for them.

    *Recommend* is yes/no rather than 0-10: the figure leaders ask for is "85 % would
    recommend", which a yes/no gives directly and anyone reads the same way; a 0-10 "net
    promoter" score is read differently by everyone, and on groups as small as 5 it swings with
    one person.

    *What changed* is read by its author alone (in the survey and in their data export), never
    quoted, not even anonymously with consent: free text identifies its writer by what it says
    ("since my promotion in Finance"), which no respondent threshold can hide, and checking
    quotes before showing them would mean someone reads individuals' answers. Leaders get the
    figures; the text is the participant's own reflection.
    """
    today = today or timezone.localdate()
    if request.user_id != by.pk:
        raise OutcomeError(_("This survey is someone else's."))
    window = outcome_window(programme=request.programme, wave=request.wave)
    if today < window.opens_on:
        day = date_format(window.opens_on, "j F Y")
        raise OutcomeError(_("This survey opens on %(day)s.") % {"day": day})
    if today > window.closes_on:
        raise OutcomeError(_("This survey closed on %(day)s; thank you all the same.")
                           % {"day": date_format(window.closes_on, "j F Y")})  # fmt: skip
    values = {name: _score(scores.get(name), str(OUTCOME_LABELS[name]), name,
                           error=OutcomeError) for name in OUTCOME_ITEMS}  # fmt: skip
    end = request.wave == OutcomeWave.END
    extra = {"recommend": _recommend(recommend) if end else None,
             "changed": clean_text(changed, label=str(_("What changed for you")),
                                   max_length=CHANGED_MAX, required=False, field="changed",
                                   error=OutcomeError) if end else ""}  # fmt: skip
    now = timezone.now()
    answer = OutcomeAnswer.objects.select_for_update().filter(request=request).first()
    if answer is None:
        return OutcomeAnswer.objects.create(
            request=request, programme_id=request.programme_id, wave=request.wave, user=by,
            **_outcome_place(request), **values, **extra, answered_at=now, changed_at=now,
        )  # fmt: skip
    for name, value in {**values, **extra}.items():
        setattr(answer, name, value)
    answer.changed_at = now
    answer.save()
    return answer
