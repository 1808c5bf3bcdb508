"""Propose recurring session times for a group spread over time zones.

Every candidate series (each weekday, each start time on a grid in the anchor zone, and for a
monthly cadence each week of the month) is expanded to its real sessions, and every session is
looked at from each member's side, in their own local time: can they attend (their weekly
availability covers the whole session) and how many minutes fall outside their working hours.
Because Europe and the US change their clocks on different dates, a series that suits everyone
in January can fall an hour differently for some members in March; judging every session, not a
typical week, is what makes the proposal truthful for the whole series.

Steps of :func:`find_slots`:

1. Each member's availability and working hours become merged intervals of their *local* week
   (minutes since Monday 00:00 local; a session past Sunday midnight wraps to Monday).
2. Each candidate series is expanded to ``sessions`` occurrences and scored: total attendance
   over all sessions (higher first), then minutes outside anyone's working hours (fewer first).
   Only the winners are then judged in full (:func:`evaluate_slot`).
3. Only the best start time per weekday (and week of the month) is kept, so that the proposals
   offer different days rather than neighbouring times of one day; ties go to the earlier day and
   time, which makes the result deterministic.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from circlewise.scheduling.recurrence import Cadence, Recurrence, occurrences
from circlewise.scheduling.week import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    WORKING_WEEK,
    WeeklyWindow,
    zone,
)

__all__ = [
    "Attendance",
    "Inconvenience",
    "Member",
    "Session",
    "SlotProposal",
    "evaluate_slot",
    "find_slots",
]


@dataclass(frozen=True, slots=True)
class Member:
    """Someone to schedule: a key the caller knows them by, their zone and weekly windows.

    ``availability`` is when they can meet (empty: not given, their working hours are used);
    ``working_hours`` defaults to Monday to Friday, 09:00 to 17:00, local time.
    """

    key: str
    time_zone: str
    availability: tuple[WeeklyWindow, ...] = ()
    working_hours: tuple[WeeklyWindow, ...] = WORKING_WEEK


@dataclass(frozen=True, slots=True)
class Attendance:
    """One member at one session, in their own local time.

    ``start`` and ``end`` are aware datetimes in the member's zone; ``available`` says whether
    their availability covers the whole session; ``outside_minutes`` is how much of it falls
    outside their working hours.
    """

    member: str
    start: datetime
    end: datetime
    available: bool
    outside_minutes: int


@dataclass(frozen=True, slots=True)
class Session:
    """One session of a series (aware times in the series' zone) and how it suits each member."""

    start: datetime
    end: datetime
    attendance: tuple[Attendance, ...]

    @property
    def attendees(self) -> int:
        return sum(item.available for item in self.attendance)


@dataclass(frozen=True, slots=True)
class Inconvenience:
    """The sessions of a series that do not suit one member (each in their local time).

    ``missed`` are the sessions their availability does not cover; ``outside_hours`` those
    partly or wholly outside their working hours; ``outside_minutes`` the total of the latter.
    """

    member: str
    missed: tuple[Attendance, ...]
    outside_hours: tuple[Attendance, ...]
    outside_minutes: int


@dataclass(frozen=True, slots=True)
class SlotProposal:
    """A series with every session judged for every member.

    ``attendance`` is the number of (member, session) pairs that can meet, out of
    ``len(members) * len(sessions)``; ``fewest_attending`` the smallest group at any session;
    ``outside_minutes`` the minutes outside working hours over all members and sessions;
    ``inconvenienced`` one entry per member with at least one session that does not suit them.
    """

    recurrence: Recurrence
    sessions: tuple[Session, ...]
    attendance: int
    fewest_attending: int
    outside_minutes: int
    inconvenienced: tuple[Inconvenience, ...]


@dataclass(frozen=True, slots=True)
class _Week:
    """A member's windows as running totals over two local weeks (minutes since Monday 00:00).

    ``available[m]`` is how many minutes of ``[0, m)`` their availability covers, so the cover of
    any session is one subtraction; two weeks, because a session late on Sunday wraps to Monday.
    """

    member: Member
    available: list[int]
    working: list[int]


def _running_total(windows: Sequence[WeeklyWindow]) -> list[int]:
    covered = [0] * (2 * MINUTES_PER_WEEK)
    for window in windows:
        first = window.day * MINUTES_PER_DAY + window.start
        for week in (0, MINUTES_PER_WEEK):
            covered[week + first : week + first + window.end - window.start] = [1] * (
                window.end - window.start
            )
    return [0, *itertools.accumulate(covered)]


def _weeks(members: Sequence[Member]) -> list[_Week]:
    return [
        _Week(
            member,
            _running_total(member.availability or member.working_hours),
            _running_total(member.working_hours),
        )
        for member in members
    ]


def _span(week: _Week, start: datetime, end: datetime) -> tuple[datetime, datetime, int, int]:
    """The session in the member's zone, and as minutes ``[first, last)`` of their local week."""
    place = zone(week.member.time_zone)
    local_start, local_end = start.astimezone(place), end.astimezone(place)
    first = local_start.weekday() * MINUTES_PER_DAY + local_start.hour * 60 + local_start.minute
    # Wall-clock length: a session across a clock change covers one hour more or less of the day.
    wall = local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)
    return local_start, local_end, first, first + int(wall.total_seconds() // 60)


def _attendance(week: _Week, start: datetime, end: datetime) -> Attendance:
    local_start, local_end, first, last = _span(week, start, end)
    return Attendance(
        member=week.member.key,
        start=local_start,
        end=local_end,
        available=week.available[last] - week.available[first] >= last - first,
        outside_minutes=last - first - (week.working[last] - week.working[first]),
    )


def _score(recurrence: Recurrence, weeks: Sequence[_Week], sessions: int) -> tuple[int, int]:
    """:func:`_rank` of the series' proposal, without building it (the search's inner loop)."""
    attendance = outside = 0
    for occurrence in occurrences(recurrence, count=sessions):
        for week in weeks:
            first, last = _span(week, occurrence.start, occurrence.end)[2:]
            attendance += week.available[last] - week.available[first] >= last - first
            outside += last - first - (week.working[last] - week.working[first])
    return -attendance, outside


def _evaluate(recurrence: Recurrence, weeks: Sequence[_Week], sessions: int) -> SlotProposal:
    judged = tuple(
        Session(
            occurrence.start,
            occurrence.end,
            tuple(_attendance(week, occurrence.start, occurrence.end) for week in weeks),
        )
        for occurrence in occurrences(recurrence, count=sessions)
    )
    inconvenienced = []
    for index, week in enumerate(weeks):
        mine = [session.attendance[index] for session in judged]
        missed = tuple(item for item in mine if not item.available)
        outside = tuple(item for item in mine if item.outside_minutes)
        if missed or outside:
            minutes = sum(item.outside_minutes for item in outside)
            inconvenienced.append(Inconvenience(week.member.key, missed, outside, minutes))
    return SlotProposal(
        recurrence=recurrence,
        sessions=judged,
        attendance=sum(session.attendees for session in judged),
        fewest_attending=min((session.attendees for session in judged), default=0),
        outside_minutes=sum(item.outside_minutes for item in inconvenienced),
        inconvenienced=tuple(inconvenienced),
    )


def evaluate_slot(
    recurrence: Recurrence, members: Sequence[Member], *, sessions: int = 12
) -> SlotProposal:
    """Judge a chosen series (proposed, or set by hand) for every member at each of its sessions.

    Examples
    --------
    A monthly slot chosen in London in winter, 16:00 on the 3rd Tuesday: in March 2027 the US
    has moved its clocks (14 March) but Europe has not yet (28 March), so New York sees noon:

    >>> london = Member("ana", "Europe/London")
    >>> new_york = Member("ben", "America/New_York")
    >>> series = Recurrence.monthly(week=3, weekday=1, start=16 * 60, minutes=60,
    ...     time_zone="Europe/London", starts_on=date(2027, 1, 1))
    >>> proposal = evaluate_slot(series, [london, new_york], sessions=4)
    >>> [s.attendance[1].start.strftime("%b %H:%M %Z") for s in proposal.sessions]
    ['Jan 11:00 EST', 'Feb 11:00 EST', 'Mar 12:00 EDT', 'Apr 11:00 EDT']
    """
    return _evaluate(recurrence, _weeks(members), sessions)


def _rank(proposal: SlotProposal) -> tuple[int, int]:
    return (-proposal.attendance, proposal.outside_minutes)


def find_slots(
    members: Sequence[Member],
    *,
    cadence: Cadence,
    minutes: int,
    time_zone: str,
    starts_on: date,
    sessions: int = 12,
    step: int = 30,
    limit: int = 5,
) -> list[SlotProposal]:
    """The best recurring slots for a group, best first.

    Parameters
    ----------
    members : sequence of Member
    cadence : {"weekly", "fortnightly", "monthly"}
    minutes : int
        Length of a session.
    time_zone : str
        The zone the series is kept in (the host's or coach's, say): its local time stays fixed.
    starts_on : date
        The first day a session may fall on.
    sessions : int
        How many sessions of each candidate series are judged (a year of monthly sessions: 12).
    step : int
        Grid of candidate start times in minutes (divides 1440).
    limit : int
        How many proposals to return.

    Returns
    -------
    list of SlotProposal
        Ranked by attendance over all sessions (most first), then by minutes outside anyone's
        working hours (fewest first); at most one start time per weekday (and week of the
        month). A candidate nobody can attend is never proposed.

    Examples
    --------
    >>> from circlewise.scheduling.week import WeeklyWindow
    >>> tuesday_morning = (WeeklyWindow(1, 9 * 60, 12 * 60),)
    >>> people = [Member("ana", "Europe/London", tuesday_morning),
    ...           Member("chloé", "Europe/Paris", tuesday_morning)]
    >>> best = find_slots(people, cadence="monthly", minutes=90, time_zone="Europe/London",
    ...                   starts_on=date(2027, 1, 1), sessions=3)[0]
    >>> best.recurrence.describe(), best.attendance, best.outside_minutes
    ('1st Tuesday of each month, 09:00-10:30 Europe/London', 6, 0)
    """
    if step <= 0 or MINUTES_PER_DAY % step:
        raise ValueError(f"The step must divide a day into whole minutes, not {step}.")
    weeks = _weeks(members)
    month_weeks: tuple[int, ...] = (1, 2, 3, 4, -1) if cadence == "monthly" else (1,)
    best: list[SlotProposal] = []
    for week in month_weeks:
        for weekday in range(7):
            chosen: tuple[tuple[int, int], Recurrence] | None = None
            for start in range(0, MINUTES_PER_DAY, step):
                recurrence = Recurrence.for_cadence(
                    cadence,
                    weekday=weekday,
                    start=start,
                    minutes=minutes,
                    time_zone=time_zone,
                    starts_on=starts_on,
                    week=week,
                )
                score = _score(recurrence, weeks, sessions)
                if score[0] < 0 and (chosen is None or score < chosen[0]):
                    chosen = (score, recurrence)
            if chosen is not None:
                best.append(_evaluate(chosen[1], weeks, sessions))
    # A stable sort keeps the earlier week, weekday and time first among equals.
    best.sort(key=_rank)
    return best[:limit]
