"""Writes: set a circle's schedule, move or cancel one session, cancel the series, say "can't
make this one", and the private calendar feed token. Invitations go out from a task on commit.

Every change to a series or to one of its sessions increases the series' SEQUENCE (RFC 5545),
so calendars that hold the invitation replace it; the UID never changes.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from circlewise import scheduling
from circlewise.circles.models import Circle
from circlewise.circles.selectors import active_members
from circlewise.circles.services import circle_activity_record
from circlewise.core.errors import ServiceError
from circlewise.core.mail import Attachment, send_templated
from circlewise.core.text import line_problem
from circlewise.meetings import ics, selectors
from circlewise.meetings.models import (
    CalendarFeed,
    Frequency,
    MeetingFormat,
    SeriesStatus,
    Session,
    SessionAbsence,
    SessionSeries,
    SessionStatus,
    _feed_token,
)

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "MAX_SESSIONS",
    "MeetingError",
    "Schedule",
    "absence_declare",
    "absence_withdraw",
    "calendar_feed_reset",
    "series_cancel",
    "series_notify",
    "series_set",
    "session_cancel",
    "session_move",
]

MAX_SESSIONS = 60
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)
_http_url = URLValidator(schemes=["http", "https"])


class MeetingError(ServiceError):
    """A schedule change that cannot be made; the message says why, for the person acting."""


@dataclass(frozen=True)
class Schedule:
    """What a coach or host chooses: the rule, how many sessions, and where they happen."""

    frequency: str
    weekday: int
    start_time: time
    time_zone: str
    starts_on: date
    count: int
    duration_minutes: int
    format: str
    video_url: str = ""
    place: str = ""
    week_of_month: int | None = None

    @classmethod
    def from_first_session(
        cls, *, frequency: str, first: date, start_time: time, **rest: object
    ) -> Schedule:
        """A rule set by hand from its first date: same weekday, and for a monthly series the
        same week of the month (a date in the 5th week means "the last")."""
        week = (first.day - 1) // 7 + 1
        return cls(
            frequency=frequency,
            weekday=first.weekday(),
            start_time=start_time,
            starts_on=first,
            week_of_month=(week if week <= 4 else -1) if frequency == Frequency.MONTHLY else None,
            **rest,  # type: ignore[arg-type]
        )


def _clean_line(value: str, *, label: str, field: str, limit: int) -> str:
    value = value.strip()
    problem = line_problem(value, label=f"The {label}", max_length=limit)
    if problem:
        raise MeetingError(problem, field=field)
    return value


def _where(format: str, video_url: str, place: str) -> tuple[str, str, str]:
    """Validated (format, video_url, place): a video call needs an http(s) link, a meeting a
    place; the other one is cleared."""
    if format == MeetingFormat.VIDEO:
        url = _clean_line(video_url, label=_("video link"), field="video_url", limit=500)
        if not url:
            raise MeetingError(_("Give the link of the video call."), field="video_url")
        try:
            _http_url(url)
        except ValidationError:
            raise MeetingError(
                _("The video link must be a full web address starting with https:// or http://."),
                field="video_url",
            ) from None
        return format, url, ""
    if format == MeetingFormat.PLACE:
        where = _clean_line(
            place, label=pgettext("where a session happens", "place"), field="place", limit=200
        )
        if not where:
            raise MeetingError(_("Say where the circle meets."), field="place")
        return format, "", where
    raise MeetingError(_("Choose a video call or a place."), field="format")


def _validate(schedule: Schedule) -> Schedule:
    if schedule.frequency not in Frequency.values:
        raise MeetingError(_("Choose weekly, every two weeks or monthly."), field="frequency")
    if schedule.time_zone not in zoneinfo.available_timezones():
        raise MeetingError(
            _("“%(time_zone)s” is not a time zone name like Europe/London.")
            % {"time_zone": schedule.time_zone[:64]},
            field="time_zone",
        )
    if not 1 <= schedule.count <= MAX_SESSIONS:
        raise MeetingError(
            _("A series has between 1 and %(most)s sessions.") % {"most": MAX_SESSIONS},
            field="count",
        )
    if not 15 <= schedule.duration_minutes <= 480:
        raise MeetingError(
            _("A session must last between 15 and 480 minutes."), field="duration_minutes"
        )
    if not 0 <= schedule.weekday <= 6:
        raise MeetingError(_("Choose a day of the week."), field="weekday")
    if schedule.frequency == Frequency.MONTHLY and schedule.week_of_month not in WEEKS_OF_MONTH:
        raise MeetingError(_("Choose which week of the month."), field="week_of_month")
    format, video_url, place = _where(schedule.format, schedule.video_url, schedule.place)
    week = schedule.week_of_month if schedule.frequency == Frequency.MONTHLY else None
    return Schedule(
        **{**schedule.__dict__, "format": format, "video_url": video_url, "place": place}
        | {"week_of_month": week}
    )


def _bump(series: SessionSeries) -> None:
    SessionSeries.objects.filter(pk=series.pk).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    series.refresh_from_db(fields=["sequence", "updated_at"])


def _notify_on_commit(series: SessionSeries, *, session: Session | None = None) -> None:
    from circlewise.meetings.tasks import notify_series_task

    series_id, sequence = series.pk, series.sequence
    session_id = session.pk if session is not None else None
    transaction.on_commit(
        lambda: notify_series_task.enqueue(
            series_id=series_id, sequence=sequence, session_id=session_id
        )
    )


def _generate(series: SessionSeries) -> None:
    """Create the rows of the series' current rule, numbered after any sessions already held."""
    held = series.sessions.aggregate(last=Max("number"))["last"] or 0
    occurrences = scheduling.occurrences(series.recurrence(), count=series.count)
    Session.objects.bulk_create(
        Session(
            series=series,
            circle_id=series.circle_id,
            number=held + index,
            original_start=occurrence.start,
            starts_at=occurrence.start,
            ends_at=occurrence.end,
            format=series.format,
            video_url=series.video_url,
            place=series.place,
        )
        for index, occurrence in enumerate(occurrences, start=1)
    )


@transaction.atomic
def series_set(
    *, circle: Circle, by: User, schedule: Schedule, notify: bool = True
) -> SessionSeries:
    """Set the circle's recurring schedule, or change it.

    A change keeps the sessions that have begun (they hold attendance) and replaces the ones
    still to come with the new rule's; the series keeps its UID and its SEQUENCE grows. Members
    get the invitation by email unless ``notify`` is false (demo data: it counts as sent).
    """
    schedule = _validate(schedule)
    now = timezone.now()
    fields = {**schedule.__dict__, "organiser": by, "updated_at": now}
    series = (
        SessionSeries.objects.select_for_update()
        .filter(circle=circle, status=SeriesStatus.ACTIVE)
        .first()
    )
    if series is None:
        series = SessionSeries(circle=circle, **fields)
    else:
        for name, value in fields.items():
            setattr(series, name, value)
        series.sequence += 1
    first = scheduling.occurrences(series.recurrence(), count=1)[0]
    if first.start <= now:
        raise MeetingError(_("The first session must be in the future."), field="starts_on")
    if not notify:
        series.notified_sequence = series.sequence
    series.save()
    series.sessions.filter(starts_at__gte=now).delete()
    _generate(series)
    circle_activity_record(
        circle=circle,
        by=by,
        action="sessions.schedule",
        summary=f"Set the schedule of {circle.name}: {series.describe()}.",
    )
    if notify:
        _notify_on_commit(series)
    return series


def _lock_session(session: Session) -> tuple[Session, SessionSeries]:
    session = Session.objects.select_for_update().select_related("series").get(pk=session.pk)
    series = SessionSeries.objects.select_for_update().get(pk=session.series_id)
    if series.status != SeriesStatus.ACTIVE or session.status != SessionStatus.SCHEDULED:
        raise MeetingError(_("This session has been cancelled."))
    if session.ends_at <= timezone.now():
        raise MeetingError(_("This session is over; it can no longer be changed."))
    return session, series


@transaction.atomic
def session_move(
    *,
    session: Session,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    video_url: str = "",
    place: str = "",
) -> Session:
    """Move one session (and/or change where it happens) without touching the rest."""
    session, series = _lock_session(session)
    if timezone.is_naive(starts_at):
        raise MeetingError(_("Give the time with its time zone."), field="starts_at")
    if starts_at <= timezone.now():
        raise MeetingError(_("A session can only be moved to a time in the future."), field="date")
    if not 15 <= duration_minutes <= 480:
        raise MeetingError(
            _("A session must last between 15 and 480 minutes."), field="duration_minutes"
        )
    session.format, session.video_url, session.place = _where(format, video_url, place)
    session.starts_at = starts_at
    session.ends_at = starts_at + timedelta(minutes=duration_minutes)
    session.changed_at = timezone.now()
    session.save()
    _bump(series)
    circle_activity_record(
        circle=series.circle,
        by=by,
        action="sessions.move",
        summary=f"Moved session {session.number} of {series.circle.name}.",
    )
    _notify_on_commit(series)
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User) -> Session:
    """Cancel one session; the others stay. Calendars get METHOD:CANCEL for that occurrence."""
    session, series = _lock_session(session)
    now = timezone.now()
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = session.changed_at = now
    session.save()
    _bump(series)
    circle_activity_record(
        circle=series.circle,
        by=by,
        action="sessions.cancel",
        summary=f"Cancelled session {session.number} of {series.circle.name}.",
    )
    _notify_on_commit(series, session=session)
    return session


@transaction.atomic
def series_cancel(*, series: SessionSeries, by: User) -> SessionSeries:
    """Cancel the whole schedule: every session still to come is cancelled, calendars drop it."""
    series = SessionSeries.objects.select_for_update().get(pk=series.pk)
    if series.status != SeriesStatus.ACTIVE:
        raise MeetingError(_("This schedule has already been cancelled."))
    now = timezone.now()
    series.sessions.filter(starts_at__gte=now, status=SessionStatus.SCHEDULED).update(
        status=SessionStatus.CANCELLED, cancelled_at=now
    )
    series.status = SeriesStatus.CANCELLED
    series.cancelled_at = series.updated_at = now
    series.sequence += 1
    series.save()
    circle_activity_record(
        circle=series.circle,
        by=by,
        action="sessions.cancel_schedule",
        summary=f"Cancelled the schedule of {series.circle.name}.",
    )
    _notify_on_commit(series)
    return series


def _seat_user(session: Session, user: User) -> None:
    circle = session.circle
    if (
        user.pk == circle.coach_id
        or circle.members.filter(user=user, left_at__isnull=True).exists()
    ):
        return
    raise MeetingError(_("Only the circle's members and coach can say this."))


@transaction.atomic
def absence_declare(*, session: Session, user: User, note: str = "") -> SessionAbsence:
    """Say "I can't make this one" for a single session (saying it twice changes nothing)."""
    session = Session.objects.select_related("circle").get(pk=session.pk)
    _seat_user(session, user)
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= timezone.now():
        raise MeetingError(_("You can only send apologies for a session that is still to come."))
    note = _clean_line(note, label="note", field="note", limit=200)
    absence, created = SessionAbsence.objects.get_or_create(
        session=session, user=user, defaults={"note": note}
    )
    if not created and note:
        absence.note = note
        absence.save(update_fields=["note"])
    return absence


@transaction.atomic
def absence_withdraw(*, session: Session, user: User) -> None:
    """ "I can make it after all": remove the apology."""
    SessionAbsence.objects.filter(session=session, user=user).delete()


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the user a feed URL, or a new secret: the old URL stops working at once (404)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = _feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


# Sending -----------------------------------------------------------------------------------------
def _recipients(circle: Circle) -> dict[str, list[str]]:
    """Addresses to invite, grouped by time zone (each group's email shows its local times).

    People who turned off circle updates are left out: their calendar feed still has it all.
    """
    by_zone: dict[str, set[str]] = defaultdict(set)
    for member in active_members(circle=circle):
        if member.user is not None and not member.user.notify_circle_updates:
            continue
        time_zone = (
            (member.user and member.user.time_zone)
            or (member.participant and member.participant.time_zone)
            or "UTC"
        )
        by_zone[time_zone].add(member.email)
    coach = circle.coach
    already = any(coach.email in addresses for addresses in by_zone.values()) if coach else True
    if coach is not None and coach.notify_circle_updates and not already:
        by_zone[coach.time_zone].add(coach.email)
    return {zone_name: sorted(addresses) for zone_name, addresses in by_zone.items()}


def series_notify(*, series_id: int, sequence: int, session_id: int | None = None) -> int:
    """Email the invitation for change ``sequence`` of a series; return the messages sent.

    Safe to run twice: the change is claimed with a conditional UPDATE, so only the first run
    sends. What is sent is the series as it stands now (a cancelled session stays cancelled),
    so an older change found after a newer one was sent is moot and skipped.
    """
    claimed = SessionSeries.objects.filter(pk=series_id, notified_sequence__lt=sequence).update(
        notified_sequence=sequence
    )
    if not claimed:
        return 0
    series = SessionSeries.objects.select_related(
        "circle__organisation", "circle__coach", "circle__host"
    ).get(pk=series_id)
    circle = series.circle
    session = series.sessions.get(pk=session_id) if session_id is not None else None
    if session is not None and session.is_cancelled and series.status == SeriesStatus.ACTIVE:
        template = "session_cancelled"
    elif series.status == SeriesStatus.CANCELLED:
        template = "series_cancelled"
    else:
        template = "series_invitation"

    def invitation() -> list[Attachment]:
        """The .ics, built in the language of the email it goes with (its titles are worded)."""
        if template == "session_cancelled":
            assert session is not None
            method, calendar = (
                "CANCEL",
                ics.session_cancel(
                    series,
                    session,
                    organiser=selectors.organiser(circle=circle),
                    attendees=selectors.attendees(circle=circle),
                ),
            )
        else:
            method, calendar = selectors.series_calendar(series=series)
        return [Attachment("invitation.ics", calendar, f"text/calendar; method={method}")]

    sessions = selectors.rule_sessions(series=series)
    sent = 0
    for zone_name, addresses in _recipients(circle).items():
        context = {
            "circle": circle,
            "series": series,
            "session": session,
            "upcoming": [s for s in sessions if s.starts_at > timezone.now()][:3],
            "time_zone": zone_name,
            # Worded when each language's email is rendered, not once in the worker's language.
            "invitation_text": lazy(selectors.invitation_text, str)(series=series),
        }
        sent += send_templated(
            template=f"meetings_{template}",
            to=addresses,
            context=context,
            attachments=invitation,
        )
    return sent
