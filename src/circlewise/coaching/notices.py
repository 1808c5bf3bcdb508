"""Emails the scheduler owes: the reminder 24 hours before a session, "the session is starting",
and the midway nudge about a commitment.

Two steps, both safe to run any number of times and at once in two workers:

1. :func:`notices_plan` writes one :class:`Notice` row per email owed (unique constraints make a
   second plan a no-op);
2. :func:`notices_send_due` sends the rows that are due. Each row is *claimed* by a conditional
   UPDATE (pending → sending) before its email goes out and marked sent afterwards, so a second
   run, a parallel worker or a run after a crash never sends it again. A worker killed between
   the claim and the send leaves that one row "sending": it is not retried, because a reminder
   sent twice is worse than one missed (the trade-off is at most one email per crash).

After downtime the next run catches up once: rows that came due while no worker ran are sent if
they still make sense (the session has not begun, the commitment is still open) and skipped
otherwise.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from circlewise.circles.selectors import active_members
from circlewise.coaching.models import (
    Commitment,
    Notice,
    NoticeKind,
    NoticeStatus,
    Outcome,
)
from circlewise.coaching.selectors import session_coachees
from circlewise.core.mail import absolute_url, send_templated
from circlewise.meetings.models import Session, SessionStatus

__all__ = ["NUDGE_LOCAL_HOUR", "STARTING_LEAD", "notices_plan", "notices_send_due"]


REMINDER_LEAD = dt.timedelta(hours=24)
STARTING_LEAD = dt.timedelta(minutes=10)
NUDGE_LOCAL_HOUR = 9  # nudges arrive at 09:00 in each person's own time zone
PLAN_HORIZON = dt.timedelta(hours=25)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _people(session: Session) -> list:
    """Everyone a session concerns: its members with a login, its coach and its host."""
    circle = session.circle
    users = {m.user.pk: m.user for m in active_members(circle=circle) if m.user is not None}
    for leader in (circle.coach, circle.host):
        if leader is not None:
            users.setdefault(leader.pk, leader)
    return list(users.values())


def nudge_due_at(commitment: Commitment) -> dt.datetime:
    """09:00 local time on the day midway between the session and the commitment's date."""
    zone = _zone(commitment.user.time_zone)
    start = commitment.session.starts_at.astimezone(zone).date()
    midway = start + (commitment.by_when - start) / 2
    return dt.datetime.combine(midway, dt.time(NUDGE_LOCAL_HOUR), tzinfo=zone)


def notices_plan(*, now: dt.datetime | None = None) -> int:
    """Write the notices owed for sessions in the next 25 hours and for open commitments.

    Returns how many new rows were written (0 on a second run).
    """
    now = now or timezone.now()
    rows: list[Notice] = []
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + PLAN_HORIZON
    ).select_related("circle__coach", "circle__host")
    for session in sessions:
        for user in _people(session):
            rows.append(Notice(kind=NoticeKind.REMINDER, user=user, session=session,
                               due_at=session.starts_at - REMINDER_LEAD))  # fmt: skip
            rows.append(Notice(kind=NoticeKind.STARTING, user=user, session=session,
                               due_at=session.starts_at - STARTING_LEAD))  # fmt: skip
    open_commitments = Commitment.objects.filter(
        outcome=Outcome.OPEN, by_when__gte=now.date(), notices__isnull=True
    ).select_related("user", "session")
    for commitment in open_commitments:
        rows.append(Notice(kind=NoticeKind.NUDGE, user=commitment.user, commitment=commitment,
                           due_at=nudge_due_at(commitment)))  # fmt: skip
    before = Notice.objects.count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return Notice.objects.count() - before


def _skip_reason(notice: Notice, now: dt.datetime) -> str:
    """Why a due notice no longer makes sense (after downtime or a change), or ''."""
    if not notice.user.is_active:
        return "the account is closed"
    if not notice.user.notify_reminders:
        return "the person turned reminders off"
    if notice.session is not None:
        session = notice.session
        if session.status != SessionStatus.SCHEDULED:
            return "the session was cancelled"
        if notice.kind == NoticeKind.REMINDER and session.starts_at <= now:
            return "the session had already begun"
        if notice.kind == NoticeKind.STARTING and session.ends_at <= now:
            return "the session had already ended"
    if notice.commitment is not None:
        commitment = notice.commitment
        if commitment.outcome != Outcome.OPEN:
            return "the commitment was already marked"
        if commitment.by_when < now.astimezone(_zone(notice.user.time_zone)).date():
            return "the commitment's date had passed"
    return ""


def _context(notice: Notice) -> dict:
    zone = _zone(notice.user.time_zone)
    if notice.session is not None:
        session = notice.session
        circle = session.circle
        runner = reverse("coaching:runner", args=[circle.organisation.slug, circle.pk, session.pk])
        return {
            "user": notice.user,
            "circle": circle,
            "session": session,
            "coachees": session_coachees(session=session),
            "zone": str(zone),
            "runner_url": absolute_url(runner),
        }
    commitment = notice.commitment
    if commitment is None:  # the model's constraint: about a session or about a commitment
        raise ValueError(f"Notice {notice.pk} is about neither a session nor a commitment.")
    circle = commitment.circle
    page = reverse("coaching:commitments", args=[circle.organisation.slug, circle.pk])
    return {"user": notice.user, "circle": circle, "commitment": commitment,
            "url": absolute_url(page)}  # fmt: skip


def notices_send_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the notices that are due; returns how many emails went out."""
    now = now or timezone.now()
    sent = 0
    due = (
        Notice.objects.filter(status=NoticeStatus.PENDING, due_at__lte=now)
        .select_related("user", "session__circle__organisation", "commitment__circle__organisation")
        .order_by("due_at", "pk")[:limit]
    )
    for notice in due:
        claimed = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.PENDING).update(
            status=NoticeStatus.SENDING, claimed_at=timezone.now()
        )
        if not claimed:
            continue  # another run took it
        reason = _skip_reason(notice, now)
        if reason:
            Notice.objects.filter(pk=notice.pk).update(
                status=NoticeStatus.SKIPPED, skipped_because=reason
            )
            continue
        delivered = send_templated(
            template=f"session_{notice.kind}", to=[notice.user.email], context=_context(notice)
        )
        if not delivered:
            # The mail server refused (send_templated logged why): nothing went out, so the next
            # run tries again.
            Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.PENDING)
            continue

        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENT, sent_at=timezone.now())
        sent += 1
    return sent
