"""Reads: a circle's series and sessions, who is invited, and the calendar a user subscribes to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circlewise import scheduling
from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.circles.selectors import (
    active_members,
    circle_rotation,
    circle_rotations,
    circle_sessions,
    member_name,
    user_circle_ids,
)
from circlewise.core.mail import absolute_url
from circlewise.core.rows import one_or_none
from circlewise.meetings import ics
from circlewise.meetings.ics import Person
from circlewise.meetings.models import (
    CalendarFeed,
    Frequency,
    MeetingFormat,
    SeriesStatus,
    Session,
    SessionAbsence,
    SessionSeries,
    SessionStatus,
)
from circlewise.organisations.models import Membership

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "FEED_MAX_SERIES",
    "Defaults",
    "Proposal",
    "absences_by_session",
    "active_series",
    "attendees",
    "calendar_feed",
    "feed_calendar",
    "feed_circles",
    "feed_url",
    "invitation_text",
    "local_moment",
    "next_session",
    "organiser",
    "rule_sessions",
    "schedule_defaults",
    "scheduling_member",
    "series_calendar",
    "sessions_for",
    "slot_key",
    "slot_proposals",
]


def active_series(*, circle: Circle) -> SessionSeries | None:
    """The circle's current schedule, if one has been set (and not cancelled)."""
    return circle.session_series.filter(status=SeriesStatus.ACTIVE).first()


def sessions_for(*, circle: Circle, upcoming: bool = False) -> QuerySet[Session]:
    """Every session of the circle, past and future, cancelled ones included, by start.

    ``upcoming``: only sessions that have not ended yet.
    """
    sessions = circle.sessions.select_related("series")
    if upcoming:
        sessions = sessions.filter(ends_at__gt=timezone.now())
    return sessions.order_by("starts_at", "pk")


def next_session(
    *, circle: Circle, now: datetime | None = None, sessions: Sequence[Session] | None = None
) -> Session | None:
    """The session that is on now or comes next, or None: cancelled sessions, and those of a
    cancelled series, are skipped. Found among ``sessions`` (:func:`circle_sessions`) when
    already read."""
    now = now or timezone.now()
    found = circle_sessions(circle=circle) if sessions is None else sessions
    return next(
        (s for s in found if s.series.status == SeriesStatus.ACTIVE and s.ends_at > now), None
    )


def rule_sessions(*, series: SessionSeries) -> list[Session]:
    """The sessions the series' current rule generated (its calendar object describes these).

    When a schedule changes, the sessions already held under the old rule stay as rows (they
    hold attendance); the new rule's sessions are numbered after them, so they are the last
    ``count`` by number.
    """
    newest = list(series.sessions.order_by("-number")[: series.count])
    return sorted(newest, key=lambda session: session.original_start)


def organiser(*, circle: Circle) -> Person | None:
    """Who invites: the coach, else the host of a self-organised circle."""
    user = circle.coach or circle.host
    return Person(user.email, user.name) if user is not None else None


def attendees(*, circle: Circle) -> list[Person]:
    """Everyone the invitation is for: the circle's members and its coach, once each."""
    people: dict[str, Person] = {}
    for member in active_members(circle=circle):
        # No name given: the invitation shows the address it is sent to (``ics`` falls back to
        # it), which every attendee already sees, rather than several "A member"s.
        name = member_name(member=member, default="")
        people.setdefault(member.email.lower(), Person(member.email, name))
    if circle.coach is not None:
        people.setdefault(circle.coach.email.lower(), Person(circle.coach.email, circle.coach.name))
    return list(people.values())


def invitation_text(*, series: SessionSeries) -> str:
    """The event's DESCRIPTION: what it is, where, and where to say "can't make it"."""
    sessions = circle_sessions(circle=series.circle)
    session = next_session(circle=series.circle, sessions=sessions)
    coachees = (
        circle_rotation(circle=series.circle, sessions=sessions).coachees(session.pk)
        if session
        else []
    )
    return _invitation(series, session, coachees)


def _invitation(series: SessionSeries, session: Session | None, coachees: list[str]) -> str:
    """:func:`invitation_text` with the next session and its coachees already known."""
    circle = series.circle
    schedule = absolute_url(
        reverse(
            "meetings:schedule",
            kwargs={"org_slug": circle.organisation.slug, "circle_id": circle.pk},
        )
    )
    where = (
        _("Join the video call: %(link)s") % {"link": series.video_url}
        if series.format == MeetingFormat.VIDEO
        else _("Where: %(place)s") % {"place": series.place}
    )
    return (
        _("Peer coaching circle “%(circle)s”: %(schedule)s.")
        % {"circle": circle.name, "schedule": series.describe()}
        + f"\n{where}\n{_coachees_line(series, session, coachees)}"
        + _("Can't make a session? Say so on the circle's schedule: %(link)s") % {"link": schedule}
    )


def _coachees_line(series: SessionSeries, session: Session | None, coachees: list[str]) -> str:
    """ "Coachees on 9 March 2027: Dev and Nour" and a line break, or "" before a rotation. The
    date (in the series' zone) keeps the line true in a calendar that is not refreshed."""
    if session is None or not coachees:
        return ""
    day = session.starts_at.astimezone(scheduling.zone(series.time_zone))
    first = ", ".join(str(name) for name in coachees[:-1]) or str(coachees[0])
    words = {"date": date_format(day, "j F Y"), "first": first, "second": coachees[-1]}
    if len(coachees) == 1:
        return _("Coachee on %(date)s: %(first)s") % words + "\n"
    return _("Coachees on %(date)s: %(first)s and %(second)s") % words + "\n"


def absences_by_session(*, sessions: list[Session]) -> dict[int, list[SessionAbsence]]:
    """Who said they cannot make each session, by session id."""
    found: dict[int, list[SessionAbsence]] = {session.pk: [] for session in sessions}
    for absence in SessionAbsence.objects.filter(session__in=sessions).select_related("user"):
        found[absence.session_id].append(absence)
    return found


def calendar_feed(*, user: User) -> CalendarFeed | None:
    return one_or_none(CalendarFeed.objects.all(), user=user)


def local_moment(*, day: date, at: time, time_zone: str) -> datetime:
    """A wall-clock date and time in a named zone as an aware datetime (gaps read as RFC 5545)."""
    return scheduling.local_datetime(day, at.hour * 60 + at.minute, time_zone)


def series_calendar(*, series: SessionSeries) -> tuple[str, bytes]:
    """The series' calendar object as it stands: (method, .ics bytes).

    ``METHOD:CANCEL`` once the series is cancelled, else the ``METHOD:REQUEST`` invitation.
    """
    circle = series.circle
    sessions = rule_sessions(series=series)
    host, people = organiser(circle=circle), attendees(circle=circle)
    if series.status == SeriesStatus.CANCELLED:
        return "CANCEL", ics.series_cancel(series, sessions, organiser=host, attendees=people)
    text = invitation_text(series=series)
    return "REQUEST", ics.series_request(
        series, sessions, description=text, organiser=host, attendees=people
    )


def feed_url(*, user: User) -> str | None:
    """The absolute address of the user's private feed, if they have made one."""
    feed = calendar_feed(user=user)
    if feed is None:
        return None
    return absolute_url(reverse("meetings:feed", kwargs={"token": feed.token}))


# The most series (one per circle) a calendar feed holds, soonest first: a coach of very many
# circles gets the next FEED_MAX_SERIES, and each fetch stays a few queries and milliseconds.
FEED_MAX_SERIES = 50


def feed_calendar(*, user: User, now: datetime | None = None) -> bytes:
    """The user's calendar feed: the active series of the circles they are in or coach (at
    most ``FEED_MAX_SERIES``, those whose next session is soonest), each with its next
    coachees. Four queries whatever the number of circles or sessions."""
    now = now or timezone.now()
    coming = Session.objects.filter(
        series=OuterRef("pk"), ends_at__gt=now, status=SessionStatus.SCHEDULED
    )
    soonest = Subquery(coming.order_by("starts_at").values("starts_at")[:1])
    series = list(
        SessionSeries.objects.filter(circle__in=feed_circles(user=user), status=SeriesStatus.ACTIVE)
        .select_related("circle__organisation", "circle__programme")
        .annotate(soonest=soonest)
        .order_by(F("soonest").asc(nulls_last=True), "circle__name", "pk")[:FEED_MAX_SERIES]
    )
    # One read of the circles' sessions serves the events and the rotations' coachees.
    circles = [s.circle for s in series]
    every = list(Session.objects.filter(circle__in=circles))
    sessions: dict[int, list[Session]] = {s.pk: [] for s in series}
    for session in sorted(every, key=lambda s: -s.number):
        if session.series_id in sessions:
            sessions[session.series_id].append(session)
    rotations = circle_rotations(circles=circles, now=now, sessions=every)
    entries = []
    for each in sorted(series, key=lambda s: s.circle.name):
        # The current rule's sessions are the last ``count`` by number (see rule_sessions).
        rule = sorted(sessions[each.pk][: each.count], key=lambda s: s.original_start)
        ahead = [
            s for s in sessions[each.pk] if s.status == SessionStatus.SCHEDULED and s.ends_at > now
        ]
        following = min(ahead, key=lambda s: s.starts_at, default=None)
        coachees = rotations[each.circle_id].coachees(following.pk) if following else []
        entries.append((each, rule, _invitation(each, following, coachees)))
    return ics.feed(entries, name=f"Circlewise — {user.name or user.email}")


def feed_circles(*, user: User) -> QuerySet[Circle]:
    """Active circles, in any organisation the user belongs to, that they are in, host or coach."""
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    return Circle.objects.filter(
        pk__in=user_circle_ids(user=user),
        organisation__in=organisations,
        status=CircleStatus.ACTIVE,
    ).select_related("organisation")


# Proposals ---------------------------------------------------------------------------------------
PROPOSED_SESSIONS = 12  # a year of monthly sessions: enough to cross both DST changes
SESSIONS_PER_MONTH = {"weekly": 4, "fortnightly": 2, "monthly": 1}


@dataclass(frozen=True)
class Defaults:
    """What the schedule page starts from: the programme's cadence and length, or sensible ones."""

    cadence: str
    minutes: int
    count: int
    time_zone: str
    starts_on: date

    @property
    def cadence_label(self) -> str:
        """The cadence in words, in the active language ("Monthly")."""
        return str(Frequency(self.cadence).label)


def schedule_defaults(*, circle: Circle, viewer: User) -> Defaults:
    programme = circle.programme
    cadence = programme.cadence if programme else Frequency.MONTHLY
    months = programme.duration_months if programme else 12
    leader = circle.coach or circle.host or viewer
    tomorrow = timezone.localdate() + timedelta(days=1)
    return Defaults(
        cadence=cadence,
        minutes=programme.session_minutes if programme else 90,
        count=min(months * SESSIONS_PER_MONTH[cadence], 60),
        time_zone=circle.time_zone or leader.time_zone or "UTC",
        starts_on=max(programme.start_date, tomorrow) if programme else tomorrow,
    )


def scheduling_member(*, member: CircleMember) -> scheduling.Member:
    """A circle member as the slot finder sees them: zone and intake availability."""
    participant = member.participant
    time_zone = (participant and participant.time_zone) or (member.user and member.user.time_zone)
    availability = scheduling.parse_availability(participant.availability) if participant else ()
    return scheduling.Member(str(member.pk), time_zone or "UTC", availability)


def slot_key(*, recurrence: scheduling.Recurrence) -> str:
    """How a proposal is named in the form: weekday, week of the month (0: weekly), start."""
    return f"{recurrence.weekday}:{recurrence.week or 0}:{recurrence.start}"


def _local_span(attendance: scheduling.Attendance) -> str:
    return (
        f"{attendance.start:%a %H:%M}\N{EN DASH}{attendance.end:%H:%M} {attendance.start.tzname()}"
    )


def duration_text(*, minutes: int) -> str:
    """90 -> "1 h 30 min", 45 -> "45 min", 1080 -> "18 h"."""
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest or not hours else [])
    return " ".join(parts)


@dataclass(frozen=True)
class Inconvenienced:
    """One member a proposal does not suit, in their own local time."""

    name: str
    time_zone: str
    missed: int
    outside_hours: int
    outside_minutes: int
    local_times: list[str]

    @property
    def outside_text(self) -> str:
        return duration_text(minutes=self.outside_minutes)


@dataclass(frozen=True)
class Proposal:
    key: str
    describe: str
    first: datetime
    attendance: int
    possible: int
    sessions: int
    fewest_attending: int
    members: int
    outside_minutes: int
    inconvenienced: list[Inconvenienced]

    @property
    def outside_text(self) -> str:
        return duration_text(minutes=self.outside_minutes)


def slot_proposals(*, circle: Circle, defaults: Defaults, limit: int = 5) -> list[Proposal]:
    """The best recurring slots for the circle's members, best first (see ``find_slots``)."""
    members = list(active_members(circle=circle))
    if not members:
        return []
    names = {str(member.pk): member_name(member=member) for member in members}
    people = [scheduling_member(member=member) for member in members]
    zones = {person.key: person.time_zone for person in people}
    sessions = min(defaults.count, PROPOSED_SESSIONS)
    found = scheduling.find_slots(
        people,
        cadence=defaults.cadence,  # type: ignore[arg-type]
        minutes=defaults.minutes,
        time_zone=defaults.time_zone,
        starts_on=defaults.starts_on,
        sessions=sessions,
        limit=limit,
    )
    return [
        Proposal(
            key=slot_key(recurrence=proposal.recurrence),
            describe=proposal.recurrence.describe(),
            first=proposal.sessions[0].start,
            attendance=proposal.attendance,
            possible=len(people) * len(proposal.sessions),
            sessions=len(proposal.sessions),
            fewest_attending=proposal.fewest_attending,
            members=len(people),
            outside_minutes=proposal.outside_minutes,
            inconvenienced=[
                Inconvenienced(
                    name=names[item.member],
                    time_zone=zones[item.member],
                    missed=len(item.missed),
                    outside_hours=len(item.outside_hours),
                    outside_minutes=item.outside_minutes,
                    # Distinct local times: DST makes the same slot fall at two times a year.
                    local_times=list(
                        dict.fromkeys(_local_span(a) for a in (*item.missed, *item.outside_hours))
                    ),
                )
                for item in proposal.inconvenienced
            ],
        )
        for proposal in found
    ]
