"""Reads: which circles someone is in, which they may find; a programme's circles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    JoinRequest,
    JoinRequestStatus,
)
from circlewise.core.languages import language_codes_matching
from circlewise.meetings.models import Session, SessionAbsence, SessionStatus
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Cadence, add_months
from circlewise.programmes.parsing import parse_languages
from circlewise.rotation import plan_rotation
from circlewise.scheduling import time_zone_band

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation
    from circlewise.programmes.models import Programme

__all__ = [
    "CircleRotation",
    "CoachOption",
    "Seat",
    "Turn",
    "active_members",
    "circle_history",
    "circle_rotation",
    "circle_rotations",
    "circle_seats",
    "circle_sessions",
    "circles_for_programme",
    "circles_for_user",
    "closed_circles_for_user",
    "coach_options_for",
    "listed_circles",
    "member_name",
    "pending_requests",
    "person_name",
    "programme_circles_search",
    "programme_circles_shown",
    "programme_circles_with_room",
    "programme_session_dates",
    "user_circle_ids",
]


def active_members(*, circle: Circle) -> QuerySet[CircleMember]:
    return circle.members.filter(left_at__isnull=True).select_related("user", "participant")


def circle_history(*, circle: Circle) -> list[CircleMember]:
    """Every seat the circle ever had, in joining order (those who left too): one read the
    circle page shares between its members, contract and rotation."""
    return list(circle.members.select_related("user", "participant").order_by("joined_at", "pk"))


def _active_size() -> Coalesce:
    """A circle's number of members who have not left (annotate it as ``size``).

    A subquery per circle read, not a join: counting or paging the circles then never reads
    every seat of the programme (a join made the API's count 2 ms at 10,000 people)."""
    seats = (
        CircleMember.objects.filter(circle=OuterRef("pk"), left_at__isnull=True)
        .order_by()
        .values("circle")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(seats, output_field=IntegerField()), 0)


def _with_active_members(circles: QuerySet[Circle]) -> QuerySet[Circle]:
    members = CircleMember.objects.filter(left_at__isnull=True).select_related(
        "user", "participant"
    )
    return circles.annotate(size=_active_size()).prefetch_related(
        Prefetch("members", queryset=members, to_attr="active")
    )


def user_circle_ids(*, user: User) -> QuerySet:
    """Ids of the circles, in any organisation, that the user holds a seat in, hosts or coaches.

    Three index lookups joined as a union: an OR across them makes the planner read every seat
    and circle of the organisation (2 ms at 10,000 people, growing with it)."""
    seated = CircleMember.objects.filter(user=user, left_at__isnull=True).values("circle_id")
    hosted = Circle.objects.filter(host=user).values("pk")
    coached = Circle.objects.filter(coach=user).values("pk")
    return seated.union(hosted, coached)


def circles_for_user(*, user: User, organisation: Organisation) -> QuerySet[Circle]:
    """Active circles in the organisation that the user is in, hosts or coaches, with ``size``
    (active members)."""
    return (
        Circle.objects.filter(
            pk__in=user_circle_ids(user=user),
            organisation=organisation,
            status=CircleStatus.ACTIVE,
        )
        .select_related("programme")
        .annotate(size=_active_size())
    )


def closed_circles_for_user(*, user: User, organisation: Organisation) -> QuerySet[Circle]:
    """Closed circles the user was in when they closed: their history stays readable."""
    return Circle.objects.filter(
        organisation=organisation,
        status=CircleStatus.CLOSED,
        members__user=user,
        members__left_at__isnull=True,
    ).order_by("-closed_at")


def circles_for_programme(*, programme: Programme) -> QuerySet[Circle]:
    """A programme's circles with ``size`` and the ``active`` members prefetched."""
    return _with_active_members(programme.circles.all())


def programme_circles_search(*, programme: Programme, query: str = "") -> QuerySet[Circle]:
    """A programme's active circles whose name, or a current member's name or email, contains
    ``query`` (case-insensitive), by name. Page its ids first, then
    :func:`programme_circles_shown`: counting members of every circle only to show one page
    would cost the whole programme."""
    circles = programme.circles.filter(status=CircleStatus.ACTIVE)
    if query:
        matching = CircleMember.objects.filter(circle__programme=programme, left_at__isnull=True)
        matching = matching.filter(
            Q(participant__name__icontains=query)
            | Q(user__name__icontains=query)
            | Q(email__icontains=query)
        )
        circles = circles.filter(Q(name__icontains=query) | Q(pk__in=matching.values("circle_id")))
    return circles.order_by("name", "pk")


def programme_circles_shown(*, programme: Programme, circle_ids: Sequence[int]) -> list[Circle]:
    """The circles of a page of ``programme`` (their ids, in order), their names alone, with
    ``size`` (active members), ``room`` (seats left) and ``below_minimum``; those below the
    minimum with their merge targets' names (read only when the page shows one). The page shows
    names and how many members, not who."""
    ids = list(circle_ids)
    found = Circle.objects.filter(pk__in=ids).only("name").annotate(size=_active_size())
    by_id = {circle.pk: circle for circle in found}
    circles: list[Circle] = [by_id[pk] for pk in ids]
    for circle in circles:
        circle.room = max(programme.max_size - circle.size, 0)  # type: ignore[attr-defined]
        circle.below_minimum = circle.size < programme.min_size  # type: ignore[attr-defined]
    small = [circle for circle in circles if circle.below_minimum]  # type: ignore[attr-defined]
    names = Circle.objects.only("name")
    prefetch_related_objects(small, Prefetch("merge_targets", queryset=names))
    return circles


def programme_circles_with_room(*, programme: Programme) -> QuerySet[Circle]:
    """A programme's active circles below its maximum size."""
    return (
        programme.circles.filter(status=CircleStatus.ACTIVE)
        .annotate(size=_active_size())
        .filter(size__lt=programme.max_size)
    )


def listed_circles(
    *, organisation: Organisation, query: str = "", language: str = "", time_zone: str = ""
) -> QuerySet[Circle]:
    """Active, listed circles colleagues may find; filters are case-insensitive.

    ``language`` is a code or (part of) a language's name: "English" and "engl" find "en".
    """
    circles = Circle.objects.filter(
        organisation=organisation, is_listed=True, status=CircleStatus.ACTIVE
    )
    if query:
        circles = circles.filter(Q(topic__icontains=query) | Q(name__icontains=query))
    if language:
        circles = circles.filter(language__in=language_codes_matching(language))
    if time_zone:
        circles = circles.filter(time_zone__icontains=time_zone)
    return _with_active_members(circles.select_related("host"))


def pending_requests(*, circle: Circle) -> QuerySet[JoinRequest]:
    """Requests to join waiting for an answer; none (and no query) for a programme's circle,
    which takes no requests (``services.join_request_create``)."""
    if circle.programme_id is not None:
        return JoinRequest.objects.none()
    return circle.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")


# --- The circle home ---------------------------------------------------------------------------


def member_name(*, member: CircleMember, default: str = "A member") -> str:
    """How a member is named to others: never their email address (``default`` when they
    have given no name; "a former member" once they deleted their account)."""
    if member.user is not None and member.user.is_former:
        return _("a former member")
    return (
        (member.user and member.user.name)
        or (member.participant and member.participant.name)
        or default
    )


def person_name(*, user: User) -> str:
    """How a circle names someone it knows by their login (e.g. who can't make a session):
    their name, else their address; "a former member" once they deleted their account."""
    return _("a former member") if user.is_former else (user.name or user.email)


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


def circle_seats(
    *, circle: Circle, members: Sequence[CircleMember] | None = None, now: datetime | None = None
) -> list[Seat]:
    """The coach first (never counted as a member), then the members in joining order
    (``members``, the active ones, when already read)."""
    now = now or timezone.now()
    seats = []
    if circle.coach is not None:
        coach = circle.coach
        seats.append(
            Seat(
                coach.name or _("The coach"),
                coach.pronouns,
                "coach",
                coach.email,
                coach.time_zone,
                _local(coach.time_zone, now),
                None,
            )
        )
    for member in active_members(circle=circle) if members is None else members:
        user, participant = member.user, member.participant
        zone = (user and user.time_zone) or (participant and participant.time_zone) or ""
        former = user is not None and user.is_former  # no address, pronouns or place left
        zone = "" if former else zone
        seats.append(
            Seat(
                member_name(member=member),
                user.pronouns if user else "",
                "host" if user is not None and user.pk == circle.host_id else "member",
                "" if former else member.email,
                zone,
                _local(zone, now),
                member,
            )
        )
    return seats


def programme_session_dates(*, programme: Programme) -> list[date]:
    """The session days the programme's cadence gives, from its start for its duration."""
    end = programme.end_date
    dates: list[date] = []
    while True:
        if programme.cadence == Cadence.MONTHLY:
            day = add_months(programme.start_date, len(dates))
        else:
            step = 7 if programme.cadence == Cadence.WEEKLY else 14
            day = programme.start_date + timedelta(days=step * len(dates))
        if day >= end:
            return dates
        dates.append(day)


@dataclass(frozen=True)
class Turn:
    """One coming session of the rotation: its key (a meetings session id, a programme session
    day, or a turn number for a circle without a calendar), its day and its coachees' names."""

    key: object
    day: date | None
    coachees: list[str]
    seats: tuple[Hashable, ...] = ()  # the coachees' CircleMember ids, in the same order


@dataclass(frozen=True)
class CircleRotation:
    per_session: int
    upcoming: list[Turn]

    @property
    def next(self) -> Turn | None:
        return self.upcoming[0] if self.upcoming else None

    def coachees(self, key: object) -> list[str]:
        """The coachees of a coming session (e.g. a meetings session id), else []."""
        return next((turn.coachees for turn in self.upcoming if turn.key == key), [])


def circle_sessions(*, circle: Circle) -> list[Session]:
    """The circle's sessions that are not cancelled, in order, with their series: the calendar
    of its rotation and where its next session is found (one read, when a page shows both)."""
    return list(
        circle.sessions.exclude(status=SessionStatus.CANCELLED)
        .select_related("series")
        .order_by("starts_at", "pk")
    )


def _calendar(
    circle: Circle, now: datetime, sessions: Sequence[Session] | None = None
) -> tuple[list[tuple[Hashable, date, date]], set[Hashable], dict[Hashable, set[int]]]:
    """The circle's sessions as (key, day, shown day) in order, which are still to come, and
    who said they cannot come to which: the meetings schedule if one is set (``sessions``, from
    :func:`circle_sessions`, when already read), else the programme's cadence (no absences
    known).

    A session's *day* is in the server's time zone, like the days members joined and left, so
    that the rotation is the same for everyone; its *shown day* is in the viewer's."""
    sessions = circle_sessions(circle=circle) if sessions is None else list(sessions)
    absences = (
        SessionAbsence.objects.filter(session__in=sessions).values_list("session_id", "user_id")
        if sessions
        else []
    )
    return _calendar_of(circle, sessions, absences, now)


def _calendar_of(
    circle: Circle, sessions: list, absences: Iterable[tuple[int, int]], now: datetime
) -> tuple[list[tuple[object, date, date]], set, dict]:
    """:func:`_calendar` from the circle's sessions (not cancelled, in order) and absences
    (session id, user id) already read."""
    if sessions:
        away: dict[object, set[int]] = {}
        for session_id, user_id in absences:
            away.setdefault(session_id, set()).add(user_id)
        days = [(s.pk, _server_day(s.starts_at), timezone.localdate(s.starts_at)) for s in sessions]
        coming = {s.pk for s in sessions if s.ends_at > now}
        return days, coming, away
    if circle.programme is None:
        return [], set(), {}
    today = _server_day(now)
    dates = programme_session_dates(programme=circle.programme)
    return [(day, day, day) for day in dates], {day for day in dates if day >= today}, {}


def _server_day(moment: datetime) -> date:
    """The day of ``moment`` in the server's time zone, whichever zone the page shows."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def _first_on_or_after(days: list[date], moment: datetime | None) -> int | None:
    """The index of the first of ``days`` (server days) on or after the day of ``moment``;
    None without a moment."""
    if moment is None:
        return None
    day = _server_day(moment)
    return next((i for i, session in enumerate(days) if session >= day), len(days))


def circle_rotation(
    *,
    circle: Circle,
    history: Sequence[CircleMember] | None = None,
    sessions: Sequence[Session] | None = None,
    now: datetime | None = None,
) -> CircleRotation:
    """Plan the circle's coachee rotation (see :mod:`circlewise.rotation`) from its history
    (:func:`circle_history`) and sessions (:func:`circle_sessions`), each read here unless
    given: who joined and left when, in joining order, and who said they cannot come to a
    session."""
    now = now or timezone.now()
    seats = list(circle_history(circle=circle) if history is None else history)
    return _rotation(circle, seats, *_calendar(circle, now, sessions))


def circle_rotations(
    *,
    circles: Sequence[Circle],
    now: datetime | None = None,
    sessions: Iterable[Session] | None = None,
) -> dict[int, CircleRotation]:
    """:func:`circle_rotation` of several circles by id, in three queries for any number of
    circles (the calendar feed plans every circle of a person at once); two when ``sessions``,
    every session of these circles in any status, were already read."""
    now = now or timezone.now()
    seats: dict[int, list[CircleMember]] = {circle.pk: [] for circle in circles}
    members = CircleMember.objects.filter(circle__in=circles).select_related("user", "participant")
    for seat in members.order_by("joined_at", "pk"):
        seats[seat.circle_id].append(seat)
    every = Session.objects.filter(circle__in=circles) if sessions is None else sessions
    held: dict[int, list[Session]] = {circle.pk: [] for circle in circles}
    for session in sorted(
        (s for s in every if s.status != SessionStatus.CANCELLED), key=lambda s: (s.starts_at, s.pk)
    ):
        held[session.circle_id].append(session)
    absences: dict[int, list[tuple[int, int]]] = {circle.pk: [] for circle in circles}
    away = SessionAbsence.objects.filter(session__circle__in=circles)
    for circle_id, session_id, user_id in away.values_list(
        "session__circle_id", "session_id", "user_id"
    ):
        absences[circle_id].append((session_id, user_id))
    return {
        circle.pk: _rotation(
            circle,
            seats[circle.pk],
            *_calendar_of(circle, held[circle.pk], absences[circle.pk], now),
        )
        for circle in circles
    }


def _rotation(
    circle: Circle,
    seats: list[CircleMember],
    calendar: list[tuple[object, date, date]],
    coming: set,
    away: dict,
) -> CircleRotation:
    """Plan the rotation from the circle's seats (every member ever, in joining order) and
    calendar (see :func:`_calendar`)."""
    per = circle.coachees_per_session
    names: dict[Hashable, str] = {seat.pk: member_name(member=seat) for seat in seats}
    if not calendar:  # no calendar yet: one round of turns, in order, for the members now
        seated = [seat.pk for seat in seats if seat.left_at is None]
        plan = plan_rotation(seated, list(range(len(seated))), per_session=per)
        turns = [
            Turn(s.session, None, [names[pk] for pk in s.coachees], tuple(s.coachees))
            for s in plan.slots
        ]
        return CircleRotation(per, turns)
    keys = [key for key, _, _ in calendar]
    days = [day for _, day, _ in calendar]
    members: list[Hashable] = []
    joined: dict[Hashable, Hashable] = {}
    left: dict[Hashable, Hashable] = {}
    for seat in seats:
        start = _first_on_or_after(days, seat.joined_at) or 0
        end = _first_on_or_after(days, seat.left_at)
        if start >= len(days) or (end is not None and end <= start):
            continue  # never in the circle at any session
        members.append(seat.pk)
        if start:
            joined[seat.pk] = keys[start]
        if end is not None and end < len(days):
            left[seat.pk] = keys[end]
    seat_of_user = {seat.user_id: seat.pk for seat in seats if seat.user_id}
    absences = {
        key: {seat_of_user[user] for user in users if user in seat_of_user}
        for key, users in away.items()
    }
    plan = plan_rotation(
        members, keys, per_session=per, joined=joined, left=left, absences=absences
    )
    shown = {key: day for key, _, day in calendar}
    turns = [
        Turn(
            slot.session,
            shown[slot.session],
            [names[pk] for pk in slot.coachees],
            tuple(slot.coachees),
        )
        for slot in plan.slots
        if slot.session in coming
    ]
    return CircleRotation(per, turns)


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
        # Language first (a coach must follow the circle), then load, so that assigning one
        # circle after another spreads circles evenly; the time-zone band breaks ties.
        return (not self.shares_language, self.circles, not self.shares_band, self.coach.email)


def _band(time_zone: str) -> str:
    """The band today: coaching happens now, whatever the programme's start date."""
    return time_zone_band(time_zone, on=timezone.localdate())


def _circle_band(seats: Iterable[CircleMember]) -> str:
    zones = [
        (m.user and m.user.time_zone) or (m.participant and m.participant.time_zone) or ""
        for m in seats
    ]
    bands = Counter(band for band in map(_band, zones) if band)
    return bands.most_common(1)[0][0] if bands else ""


def _language_code(text: str) -> str:

    try:
        codes = parse_languages(text)
    except ValueError:
        return ""
    return codes[0].split("-")[0] if codes else ""


def coach_options_for(*, circles: Sequence[Circle]) -> dict[int, list[CoachOption]]:
    """For each circle (by id) of one organisation, the organisation's coaches who are not
    members of it, best suggestion first: a shared language, then the fewest active circles,
    then the circle's time-zone band. Two queries whatever the number of circles."""
    if not circles:
        return {}
    coaches = list(
        Membership.objects.filter(organisation_id=circles[0].organisation_id, role=Role.COACH)
        .select_related("user")
        .annotate(
            coached=Count(
                "user__coached_circles",
                filter=Q(user__coached_circles__status=CircleStatus.ACTIVE),
            )
        )
    )
    seats: dict[int, list[CircleMember]] = {circle.pk: [] for circle in circles}
    active = CircleMember.objects.filter(circle__in=circles, left_at__isnull=True)
    for seat in active.select_related("user", "participant"):
        seats[seat.circle_id].append(seat)
    return {circle.pk: _coach_options(circle, seats[circle.pk], coaches) for circle in circles}


def _coach_options(
    circle: Circle, seats: list[CircleMember], coaches: Sequence[Membership]
) -> list[CoachOption]:
    seated = {seat.user_id for seat in seats if seat.user_id is not None}
    language, band = _language_code(circle.language), _circle_band(seats)
    options = [
        CoachOption(
            coach=membership.user,
            circles=membership.coached,  # type: ignore[attr-defined]
            shares_language=bool(language) and _language_code(membership.user.language) == language,
            shares_band=bool(band) and _band(membership.user.time_zone) == band,
        )
        for membership in coaches
        if membership.user_id not in seated
    ]
    return sorted(options, key=lambda option: option.rank)
