"""RFC 5545 calendar objects for session series, built with the ``icalendar`` library.

One series is one calendar object: a master VEVENT with the series' RRULE (its DTSTART and
DTEND in the series' named time zone, whose VTIMEZONE is included), EXDATEs for sessions
cancelled on their own, and one VEVENT with a RECURRENCE-ID for every session moved on its own.
All of them carry the series' UID, which never changes, and its SEQUENCE, which grows with every
change, so a calendar that already holds the series replaces it instead of adding a copy.

- :func:`series_request` is the invitation (``METHOD:REQUEST``) sent by email;
- :func:`series_cancel` withdraws a whole series, :func:`session_cancel` one session
  (``METHOD:CANCEL``);
- :func:`feed` puts many series into one subscribable calendar (``METHOD:PUBLISH``), without
  attendees, since a feed is read by calendars rather than answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from circlewise.meetings.models import MeetingFormat, Session, SessionSeries
from circlewise.scheduling import zone

__all__ = ["Person", "feed", "series_cancel", "series_request", "session_cancel"]

PRODID = "-//Circlewise//Circle sessions//EN"


@dataclass(frozen=True)
class Person:
    """An organiser or attendee: an email address and the name calendars show."""

    email: str
    name: str


def _calendar(method: str | None, *, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        # Read by Apple Calendar and Outlook as the subscribed calendar's name.
        calendar.add("x-wr-calname", name)
    return calendar


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name or person.email)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _local(moment: datetime, series: SessionSeries) -> datetime:
    return moment.astimezone(zone(series.time_zone))


def _where(event: Event, *, format: str, video_url: str, place: str) -> None:
    if format == MeetingFormat.VIDEO and video_url:
        event.add("url", video_url)
        # Most calendars show LOCATION on the event but not URL, so the link goes in both.
        event.add("location", video_url)
    elif place:
        event.add("location", place)


def _base(series: SessionSeries, *, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", series.uid)
    event.add("sequence", series.sequence)
    event.add("dtstamp", stamp)
    event.add("summary", _("%(circle)s — circle session") % {"circle": series.circle.name})
    return event


def _people(event: Event, *, organiser: Person | None, attendees: Sequence[Person]) -> None:
    if organiser is not None:
        event.add("organizer", _address(organiser))
    for person in attendees:
        event.add(
            "attendee",
            _address(person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
        )


def _master(
    series: SessionSeries,
    sessions: Sequence[Session],
    *,
    description: str,
    stamp: datetime,
) -> Event:
    """The series' VEVENT: its rule from the first session the rule generated."""
    first = min(sessions, key=lambda s: s.original_start)
    event = _base(series, stamp=stamp)
    event.add("dtstart", _local(first.original_start, series))
    event.add("dtend", _local(first.original_start, series) + _length(series))
    rule = series.recurrence().rrule()
    event.add("rrule", vRecur({**rule, "COUNT": len(sessions)}))
    cancelled = [_local(s.original_start, series) for s in sessions if s.is_cancelled]
    if cancelled:
        event.add("exdate", cancelled)
    _where(event, format=series.format, video_url=series.video_url, place=series.place)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    return event


def _length(series: SessionSeries) -> timedelta:
    return timedelta(minutes=series.duration_minutes)


def _exception(
    series: SessionSeries, session: Session, *, description: str, stamp: datetime
) -> Event:
    """A session moved (or relocated) on its own: replaces its occurrence in the series."""
    event = _base(series, stamp=stamp)
    event.add("recurrence-id", _local(session.original_start, series))
    event.add("dtstart", _local(session.starts_at, series))
    event.add("dtend", _local(session.ends_at, series))
    _where(event, format=session.format, video_url=session.video_url, place=session.place)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    return event


def _series_events(
    series: SessionSeries,
    sessions: Sequence[Session],
    *,
    description: str,
    organiser: Person | None,
    attendees: Sequence[Person],
    stamp: datetime,
) -> list[Event]:
    events = [_master(series, sessions, description=description, stamp=stamp)]
    events += [
        _exception(series, session, description=description, stamp=stamp)
        for session in sessions
        if session.is_exception and not session.is_cancelled
    ]
    for event in events:
        _people(event, organiser=organiser, attendees=attendees)
    return events


def _finish(calendar: Calendar, sessions: Iterable[Session]) -> bytes:
    """Add the VTIMEZONEs the events use, with the transitions around the sessions' dates
    (a year either side), rather than every transition since 1970."""
    days = [moment.date() for s in sessions for moment in (s.original_start, s.starts_at)]
    year = timedelta(days=366)
    if days:
        calendar.add_missing_timezones(first_date=min(days) - year, last_date=max(days) + year)
    return calendar.to_ical()


def series_request(
    series: SessionSeries,
    sessions: Sequence[Session],
    *,
    description: str,
    organiser: Person | None,
    attendees: Sequence[Person],
) -> bytes:
    """The invitation to the whole series as it stands (``METHOD:REQUEST``).

    ``sessions`` are the series' sessions under its current rule (see
    :func:`circlewise.meetings.selectors.rule_sessions`); they must not be empty.
    """
    calendar = _calendar("REQUEST")
    stamp = timezone.now()
    for event in _series_events(
        series,
        sessions,
        description=description,
        organiser=organiser,
        attendees=attendees,
        stamp=stamp,
    ):
        calendar.add_component(event)
    return _finish(calendar, sessions)


def series_cancel(
    series: SessionSeries,
    sessions: Sequence[Session],
    *,
    organiser: Person | None,
    attendees: Sequence[Person],
) -> bytes:
    """Withdraw the whole series (``METHOD:CANCEL``, ``STATUS:CANCELLED``)."""
    calendar = _calendar("CANCEL")
    event = _base(series, stamp=timezone.now())
    first = min(sessions, key=lambda s: s.original_start)
    event.add("dtstart", _local(first.original_start, series))
    event.add("rrule", vRecur({**series.recurrence().rrule(), "COUNT": len(sessions)}))
    event.add("status", "CANCELLED")
    _people(event, organiser=organiser, attendees=attendees)
    calendar.add_component(event)
    return _finish(calendar, sessions)


def session_cancel(
    series: SessionSeries,
    session: Session,
    *,
    organiser: Person | None,
    attendees: Sequence[Person],
) -> bytes:
    """Withdraw one session of the series (``METHOD:CANCEL`` with its RECURRENCE-ID)."""
    calendar = _calendar("CANCEL")
    event = _base(series, stamp=timezone.now())
    event.add("recurrence-id", _local(session.original_start, series))
    event.add("dtstart", _local(session.starts_at, series))
    event.add("dtend", _local(session.ends_at, series))
    event.add("status", "CANCELLED")
    _people(event, organiser=organiser, attendees=attendees)
    calendar.add_component(event)
    return _finish(calendar, [session])


def feed(entries: Iterable[tuple[SessionSeries, Sequence[Session], str]], *, name: str) -> bytes:
    """One subscribable calendar of several series (``METHOD:PUBLISH``).

    ``entries`` are (series, its sessions under the current rule, description). Cancelled series
    are left out, so a subscribed calendar drops them at its next refresh.
    """
    calendar = _calendar("PUBLISH", name=name)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    # The older spelling of the same hint, read by Outlook and Apple Calendar.
    calendar.add("x-published-ttl", "PT6H")
    stamp = timezone.now()
    used: list[Session] = []
    for series, sessions, description in entries:
        if not sessions:
            continue
        used += sessions
        for event in _series_events(
            series,
            sessions,
            description=description,
            organiser=None,
            attendees=(),
            stamp=stamp,
        ):
            calendar.add_component(event)
    return _finish(calendar, used)
