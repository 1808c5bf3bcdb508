"""Reads: which circles someone is in, which they may find, and a programme's circles."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    FormationRun,
    FormationStatus,
    JoinRequest,
    JoinRequestStatus,
)
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Cadence
from circlewise.rotation import plan_rotation

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation
    from circlewise.programmes.models import Participant, Programme

__all__ = [
    "CircleRotation",
    "CoachOption",
    "Seat",
    "active_members",
    "circle_rotation",
    "circle_seats",
    "circles_for_programme",
    "circles_for_user",
    "coach_options",
    "latest_run",
    "listed_circles",
    "member_name",
    "pending_requests",
    "programme_session_dates",
    "unplaced_participants",
]


def active_members(circle: Circle) -> QuerySet[CircleMember]:
    return circle.members.filter(left_at__isnull=True).select_related("user", "participant")


def _with_active_members(circles: QuerySet[Circle]) -> QuerySet[Circle]:
    members = CircleMember.objects.filter(left_at__isnull=True).select_related(
        "user", "participant"
    )
    return circles.annotate(
        size=Count("members", filter=Q(members__left_at__isnull=True))
    ).prefetch_related(Prefetch("members", queryset=members, to_attr="active"))


def circles_for_user(user: User, organisation: Organisation) -> QuerySet[Circle]:
    """Active circles in the organisation that the user is in, hosts or coaches."""
    mine = Q(members__user=user, members__left_at__isnull=True) | Q(host=user) | Q(coach=user)
    ids = Circle.objects.filter(mine, organisation=organisation).values("pk")
    return _with_active_members(
        Circle.objects.filter(pk__in=ids, status=CircleStatus.ACTIVE).select_related("programme")
    )


def circles_for_programme(programme: Programme) -> QuerySet[Circle]:
    """A programme's circles with ``size`` and the ``active`` members prefetched."""
    return _with_active_members(programme.circles.all())


def listed_circles(
    organisation: Organisation, *, query: str = "", language: str = "", time_zone: str = ""
) -> QuerySet[Circle]:
    """Active, listed circles colleagues may find; filters are case-insensitive."""
    circles = Circle.objects.filter(
        organisation=organisation, is_listed=True, status=CircleStatus.ACTIVE
    )
    if query:
        circles = circles.filter(Q(topic__icontains=query) | Q(name__icontains=query))
    if language:
        circles = circles.filter(language__iexact=language)
    if time_zone:
        circles = circles.filter(time_zone__icontains=time_zone)
    return _with_active_members(circles.select_related("host"))


def pending_requests(circle: Circle) -> QuerySet[JoinRequest]:
    return circle.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")


def latest_run(programme: Programme) -> FormationRun | None:
    return programme.formation_runs.first()


def running_run(programme: Programme) -> FormationRun | None:
    return programme.formation_runs.filter(
        status__in=[FormationStatus.QUEUED, FormationStatus.RUNNING]
    ).first()


def unplaced_participants(programme: Programme) -> list[Participant]:
    """Active participants of a published programme who are in none of its circles: the queue."""
    from circlewise.programmes.selectors import participants_ready

    seated = CircleMember.objects.filter(
        circle__programme=programme, left_at__isnull=True, participant__isnull=False
    ).values("participant_id")
    return list(participants_ready(programme).exclude(pk__in=seated))


# --- The circle home ---------------------------------------------------------------------------


def member_name(member: CircleMember) -> str:
    """How a member is named to others: never their email address."""
    return (
        (member.user and member.user.name)
        or (member.participant and member.participant.name)
        or "A member"
    )


@dataclass(frozen=True)
class Seat:
    """A person on the circle home: a member (or the host) or the coach, with their local time."""

    name: str
    pronouns: str
    role: str  # "host", "member" or "coach"
    email: str
    time_zone: str
    local_time: datetime | None
    member: CircleMember | None


def _local(time_zone: str, now: datetime) -> datetime | None:
    try:
        return now.astimezone(ZoneInfo(time_zone)) if time_zone else None
    except (ValueError, KeyError):
        return None


def circle_seats(circle: Circle, *, now: datetime | None = None) -> list[Seat]:
    """The coach first (never counted as a member), then the members in joining order."""
    now = now or timezone.now()
    seats = []
    if circle.coach is not None:
        coach = circle.coach
        seats.append(
            Seat(
                coach.name or "The coach",
                coach.pronouns,
                "coach",
                coach.email,
                coach.time_zone,
                _local(coach.time_zone, now),
                None,
            )
        )
    for member in active_members(circle):
        user, participant = member.user, member.participant
        zone = (user and user.time_zone) or (participant and participant.time_zone) or ""
        seats.append(
            Seat(
                member_name(member),
                user.pronouns if user else "",
                "host" if user is not None and user.pk == circle.host_id else "member",
                member.email,
                zone,
                _local(zone, now),
                member,
            )
        )
    return seats


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def programme_session_dates(programme: Programme) -> list[date]:
    """The session days the programme's cadence gives, from its start for its duration."""
    end = _add_months(programme.start_date, programme.duration_months)
    dates: list[date] = []
    while True:
        if programme.cadence == Cadence.MONTHLY:
            day = _add_months(programme.start_date, len(dates))
        else:
            step = 7 if programme.cadence == Cadence.WEEKLY else 14
            day = programme.start_date + timedelta(days=step * len(dates))
        if day >= end:
            return dates
        dates.append(day)


@dataclass(frozen=True)
class CircleRotation:
    """Who is coachee when. ``upcoming`` pairs a session day (None for a circle without a
    programme calendar: turns in order) with its coachees' names, from the next session on."""

    per_session: int
    upcoming: list[tuple[date | None, list[str]]]

    @property
    def next(self) -> tuple[date | None, list[str]] | None:
        return self.upcoming[0] if self.upcoming else None


def _first_on_or_after(days: list[date], moment: datetime | None) -> int | None:
    if moment is None:
        return None
    day = moment.date()
    return next((i for i, session in enumerate(days) if session >= day), len(days))


def circle_rotation(circle: Circle, *, today: date | None = None) -> CircleRotation:
    """Plan the circle's coachee rotation from its members' history (see
    :mod:`circlewise.rotation`): who joined and left when, in joining order."""
    today = today or timezone.localdate()
    seats = list(circle.members.select_related("user", "participant").order_by("joined_at", "pk"))
    days: list[date] = programme_session_dates(circle.programme) if circle.programme else []
    if not days:  # no calendar: one round of turns, in order, for the members now
        seated = [seat for seat in seats if seat.left_at is None]
        plan = plan_rotation(
            [seat.pk for seat in seated],
            list(range(len(seated))),
            per_session=circle.coachees_per_session,
        )
        names = {seat.pk: member_name(seat) for seat in seated}
        upcoming = [(None, [names[pk] for pk in slot.coachees]) for slot in plan.slots]
        return CircleRotation(circle.coachees_per_session, upcoming)
    members, joined, left = [], {}, {}
    for seat in seats:
        start = _first_on_or_after(days, seat.joined_at) or 0
        end = _first_on_or_after(days, seat.left_at)
        if start >= len(days) or end == 0 or (end is not None and end <= start):
            continue  # never in the circle at any session
        members.append(seat.pk)
        if start:
            joined[seat.pk] = days[start]
        if end is not None and end < len(days):
            left[seat.pk] = days[end]
    plan = plan_rotation(
        members, days, per_session=circle.coachees_per_session, joined=joined, left=left
    )
    names = {seat.pk: member_name(seat) for seat in seats}
    upcoming = [
        (slot.session, [names[pk] for pk in slot.coachees])
        for slot in plan.slots
        if slot.session >= today
    ]
    return CircleRotation(circle.coachees_per_session, upcoming)


# --- Coaches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachOption:
    """An organisation coach for a circle, with why they fit (or do not)."""

    coach: User
    circles: int
    shares_language: bool
    shares_band: bool

    @property
    def rank(self) -> tuple[int, int, int, str]:
        return (not self.shares_language, not self.shares_band, self.circles, self.coach.email)


def _band(time_zone: str) -> str:
    from circlewise.programmes.selectors import time_zone_band

    return time_zone_band(time_zone)


def _circle_band(circle: Circle) -> str:
    zones = [
        (m.user and m.user.time_zone) or (m.participant and m.participant.time_zone) or ""
        for m in active_members(circle)
    ]
    bands = Counter(band for band in map(_band, zones) if band)
    return bands.most_common(1)[0][0] if bands else ""


def _language_code(text: str) -> str:
    from circlewise.programmes.parsing import parse_languages

    try:
        codes = parse_languages(text)
    except ValueError:
        return ""
    return codes[0].split("-")[0] if codes else ""


def coach_options(circle: Circle) -> list[CoachOption]:
    """The organisation's coaches who are not members of the circle, best suggestion first:
    a shared language, then the circle's time-zone band, then the fewest active circles."""
    seated = circle.members.filter(left_at__isnull=True, user__isnull=False).values("user_id")
    coaches = (
        Membership.objects.filter(organisation_id=circle.organisation_id, role=Role.COACH)
        .exclude(user_id__in=seated)
        .select_related("user")
        .annotate(
            coached=Count(
                "user__coached_circles",
                filter=Q(user__coached_circles__status=CircleStatus.ACTIVE),
            )
        )
    )
    language, band = _language_code(circle.language), _circle_band(circle)
    options = [
        CoachOption(
            coach=membership.user,
            circles=membership.coached,
            shares_language=bool(language) and _language_code(membership.user.language) == language,
            shares_band=bool(band) and _band(membership.user.time_zone) == band,
        )
        for membership in coaches
    ]
    return sorted(options, key=lambda option: option.rank)
