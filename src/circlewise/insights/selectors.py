"""Reads for the programme dashboard, its CSV and API, and the coach's view of a circle.

Every figure made of people's answers goes through :mod:`circlewise.insights.privacy`; counts
of enrolment, circles, sessions and attendance are facts of the programme and are shown as they
are. The number of queries is fixed, whatever the number of circles or sessions: each kind of row
is read once for the whole programme and grouped in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone

from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.coaching.models import Attendance, AttendanceStatus
from circlewise.contracts.models import ContractAcceptance, ContractVersion
from circlewise.insights import privacy
from circlewise.insights.models import PulseAnswer
from circlewise.meetings.models import SeriesStatus, Session, SessionSeries, SessionStatus
from circlewise.programmes.models import Programme

__all__ = [
    "DIMENSIONS",
    "CircleHealth",
    "ProgrammeInsights",
    "PulseRow",
    "circle_comments",
    "programme_insights",
]

DIMENSIONS = {"month": "Month", "circle": "Circle", "department": "Department", "level": "Level"}
LOW_SAFETY = 3.5  # mean of the three safety items, out of 5
FALLING_BY = 0.2  # attendance of the last two sessions this much below the earlier ones
OVERALL = ("all", "")


@dataclass(frozen=True)
class PulseRow:
    """Pulse figures for one group (the programme, a month, a circle, a department, a level)."""

    dimension: str
    key: Hashable  # the month, circle id, department or level
    label: str
    usefulness: privacy.Figure
    safety: privacy.Figure
    respondents: int

    @property
    def withheld(self) -> bool:
        return self.usefulness.withheld


@dataclass
class CircleHealth:
    circle: Circle
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    sessions: int
    present: int
    recorded: int
    active_members: int

    @property
    def attendance(self) -> float | None:
        return self.present / self.recorded if self.recorded else None


@dataclass
class ProgrammeInsights:
    programme: Programme
    participants: int
    intake_completed: int
    circles: int
    members_placed: int
    months: list[MonthRow]
    pulse: dict[str, list[PulseRow]]  # by dimension; "all" holds the programme's one row
    health: list[CircleHealth]

    @property
    def overall(self) -> PulseRow:
        return self.pulse["all"][0]

    @property
    def warnings(self) -> list[CircleHealth]:
        return [h for h in self.health if h.warnings]


class _Session(NamedTuple):
    pk: int
    circle_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def _month(value: dt.datetime) -> dt.date:
    return value.date().replace(day=1)


def _pulse_rows(answers: list[tuple], attributes: dict[int, dict], circles: dict[int, Circle],
                months: dict[int, dt.date]) -> dict[str, list[PulseRow]]:  # fmt: skip
    """Group answers by every dimension, decide with :func:`privacy.disclose` what may be shown
    (all groups at once: see the privacy module), and compute the means of those.

    ``answers`` are ``(id, user id, circle id, session id, usefulness, three safety items)``;
    ``months`` gives each session's month.
    """
    groups: dict[tuple[str, Hashable], dict[int, int]] = defaultdict(dict)
    sums: dict[tuple[str, Hashable], list[float]] = defaultdict(lambda: [0, 0.0])
    # The keys of each session and person, made once (tens of thousands of answers each use 5).
    session_keys = {pk: (OVERALL, ("month", month)) for pk, month in months.items()}
    person_keys: dict[int, tuple] = {}
    for pk, user_id, circle_id, session_id, usefulness, speak_up, heard, trust in answers:
        safety = (speak_up + heard + trust) / 3
        extra = person_keys.get(user_id)
        if extra is None:
            attrs = attributes.get(user_id, {})
            extra = person_keys[user_id] = tuple(
                (name, str(attrs[name])) for name in ("department", "level") if attrs.get(name)
            )
        for key in (*session_keys[session_id], ("circle", circle_id), *extra):
            groups[key][pk] = user_id
            total = sums[key]
            total[0] += usefulness
            total[1] += safety
    partitions = [
        privacy.Partition(OVERALL, [k for k in groups if k[0] == dimension])
        for dimension in ("month", "circle")  # every answer has one month and one circle
    ]
    shown = privacy.disclose(groups, partitions=partitions) if groups else frozenset()
    rows: dict[str, list[PulseRow]] = {name: [] for name in ("all", *DIMENSIONS)}
    for key in sorted(groups, key=lambda k: (k[0], str(k[1]))):
        group = groups[key]
        respondents, count = privacy.people(group), len(group)
        dimension, value = key
        if dimension == "circle":
            label = circles[value].name if value in circles else "A closed circle"
        elif dimension == "month":
            label = value.strftime("%b %Y")
        else:
            label = str(value) if dimension != "all" else "Whole programme"
        visible = key in shown
        usefulness, safety = sums[key]
        rows[dimension].append(PulseRow(
            dimension=dimension, key=value, label=label, respondents=respondents,
            usefulness=privacy.figure(usefulness, count, respondents, shown=visible),
            safety=privacy.figure(safety, count, respondents, shown=visible),
        ))  # fmt: skip
    rows["month"].sort(key=lambda row: row.key)
    if not rows["all"]:
        empty = privacy.figure(0, 0, 0, shown=False)
        rows["all"] = [PulseRow("all", "", "Whole programme", empty, empty, 0)]
    return rows


def _health(circles: Iterable[Circle], sessions: list[_Session], attendance: dict[int, tuple],
            safety_shown: dict[int, PulseRow], active_series: set[int], now: dt.datetime,
            unaccepted: set[int]) -> list[CircleHealth]:  # fmt: skip
    """Warnings per circle. They name the circle, never a person, and low safety is raised only
    from a circle figure that may be shown (5 or more people answered)."""
    by_circle: dict[int, list[_Session]] = defaultdict(list)
    for session in sessions:
        by_circle[session.circle_id].append(session)
    health = []
    for circle in circles:
        h = CircleHealth(circle)
        past = [s for s in by_circle[circle.pk] if s.ends_at <= now]
        upcoming = [s for s in by_circle[circle.pk] if s.ends_at > now]
        rates = [attendance[s.pk][0] / attendance[s.pk][1] for s in past
                 if attendance.get(s.pk, (0, 0))[1]]  # fmt: skip
        if len(rates) >= 4:
            earlier, last = sum(rates[:-2]) / len(rates[:-2]), sum(rates[-2:]) / 2
            if last <= earlier - FALLING_BY:
                h.warnings.append(f"Attendance fell from {earlier:.0%} to {last:.0%}")
        missed = [s for s in past if s.pk not in attendance]
        if missed:
            h.warnings.append(
                f"{len(missed)} past session{'s' if len(missed) != 1 else ''} "
                "with no attendance taken"
            )
        if circle.pk not in active_series or not upcoming:
            h.warnings.append("No upcoming session scheduled")
        if past and circle.pk in unaccepted:
            h.warnings.append("Contract not yet accepted by every member")
        row = safety_shown.get(circle.pk)
        if row is not None and row.safety.value is not None and row.safety.value < LOW_SAFETY:
            h.warnings.append(f"Low psychological safety ({row.safety.value:.1f} out of 5)")
        health.append(h)
    return health


def _months(sessions: list[_Session], attendance: dict[int, tuple],
            members: list[tuple[dt.datetime, dt.datetime | None]], now: dt.datetime
            ) -> list[MonthRow]:  # fmt: skip
    """Sessions held, attendance and members still in a circle, month by month until now."""
    past = [s for s in sessions if s.ends_at <= now]
    if not past:
        return []
    held: dict[dt.date, list[_Session]] = defaultdict(list)
    for session in past:
        held[_month(session.starts_at)].append(session)
    rows, month, last = [], _month(past[0].starts_at), _month(now)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        end = dt.datetime.combine(following, dt.time(), tzinfo=dt.UTC)
        in_month = held.get(month, [])
        rows.append(MonthRow(
            month=month,
            sessions=len(in_month),
            present=sum(attendance.get(s.pk, (0, 0))[0] for s in in_month),
            recorded=sum(attendance.get(s.pk, (0, 0))[1] for s in in_month),
            active_members=sum(1 for joined, left in members
                               if joined < end and (left is None or left >= end)),
        ))  # fmt: skip
        month = following
    return rows


def circle_comments(*, circle: Circle, user_id: int) -> list[PulseAnswer]:
    """The pulse comments ``user_id`` may read in ``circle`` (see
    :func:`circlewise.policy.can_read_pulse_comment`), newest first, without their authors."""
    from circlewise import policy

    answers = (
        PulseAnswer.objects.filter(circle=circle).exclude(comment="")
        .select_related("session").order_by("-session__starts_at", "-pk")
    )  # fmt: skip
    return [a for a in answers if policy.can_read_pulse_comment(user_id, a, circle)]


def programme_insights(*, programme: Programme, now: dt.datetime | None = None
                       ) -> ProgrammeInsights:  # fmt: skip
    """Everything the dashboard, its CSV and the API show, in a fixed number of queries."""
    now = now or timezone.now()
    counts = programme.participants.aggregate(
        total=Count("pk"), intake=Count("pk", filter=Q(intake_completed_at__isnull=False))
    )
    circles = {c.pk: c for c in Circle.objects.filter(programme=programme).order_by("name")}
    active_circles = [c for c in circles.values() if c.status == CircleStatus.ACTIVE]
    seats = list(
        CircleMember.objects.filter(circle__programme=programme).values_list(
            "pk", "circle_id", "joined_at", "left_at"
        )
    )
    members = [(joined, left) for _, _, joined, left in seats]
    sessions = [
        _Session(*row)
        for row in Session.objects.filter(circle__programme=programme,
                                          status=SessionStatus.SCHEDULED)
        .order_by("starts_at").values_list("pk", "circle_id", "starts_at", "ends_at")
    ]  # fmt: skip
    attendance = {
        row["session_id"]: (row["present"], row["recorded"])
        for row in Attendance.objects.filter(session__circle__programme=programme)
        .values("session_id")
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)), recorded=Count("pk")
        )
    }
    active_series = set(
        SessionSeries.objects.filter(circle__programme=programme, status=SeriesStatus.ACTIVE)
        .values_list("circle_id", flat=True)
    )  # fmt: skip
    attributes = dict(programme.participants.filter(user__isnull=False)
                      .values_list("user_id", "attributes"))  # fmt: skip
    answers = list(
        PulseAnswer.objects.filter(circle__programme=programme).values_list(
            "pk", "user_id", "circle_id", "session_id",
            "usefulness", "speak_up", "heard", "trust",
        )
    )  # fmt: skip
    pulse = _pulse_rows(answers, attributes, circles,
                        {s.pk: _month(s.starts_at) for s in sessions})  # fmt: skip
    return ProgrammeInsights(
        programme=programme,
        participants=counts["total"],
        intake_completed=counts["intake"],
        circles=len(circles),
        members_placed=sum(1 for _, left in members if left is None),
        months=_months(sessions, attendance, members, now),
        pulse=pulse,
        health=_health(
            active_circles,
            sessions,
            attendance,
            {row.key: row for row in pulse["circle"]},
            active_series,
            now,
            _unaccepted(programme, seats),
        ),
    )


def _unaccepted(programme: Programme, seats: list[tuple]) -> set[int]:
    """Circles where someone in the circle now has not accepted its latest contract (or none was
    agreed yet). Who, and how many, is the circle's alone: the warning names the circle only."""
    latest: dict[int, int] = {}
    for pk, circle_id in (
        ContractVersion.objects.filter(circle__programme=programme)
        .order_by("number").values_list("pk", "circle_id")
    ):  # fmt: skip
        latest[circle_id] = pk
    accepted = set(
        ContractAcceptance.objects.filter(version_id__in=latest.values()).values_list(
            "version_id", "member_id"
        )
    )
    return {
        circle_id
        for member_id, circle_id, _, left in seats
        if left is None and (latest.get(circle_id), member_id) not in accepted
    }


def circle_pulse(*, circle: Circle) -> PulseRow:
    """A self-organised circle's own pulse (a programme circle's is read from
    :func:`programme_insights`, decided together with the rest of its programme)."""
    answers = list(
        PulseAnswer.objects.filter(circle=circle).values_list(
            "pk", "user_id", "circle_id", "session_id",
            "usefulness", "speak_up", "heard", "trust",
        )
    )  # fmt: skip
    months = {pk: _month(starts_at) for pk, starts_at
              in Session.objects.filter(circle=circle).values_list("pk", "starts_at")}  # fmt: skip
    rows = _pulse_rows(answers, {}, {circle.pk: circle}, months)["circle"]
    if rows:
        return rows[0]
    empty = privacy.figure(0, 0, 0, shown=False)
    return PulseRow("circle", circle.pk, circle.name, empty, empty, 0)


@dataclass(frozen=True)
class SessionAttendance:
    session: Session
    present: int
    recorded: int
    answered: int


def circle_attendance(*, circle: Circle, now: dt.datetime | None = None
                      ) -> list[SessionAttendance]:  # fmt: skip
    """Past sessions of the circle with how many were present and how many answered the pulse
    (counts, never who)."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(circle=circle, status=SessionStatus.SCHEDULED, ends_at__lte=now)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT),
                          distinct=True),
            recorded=Count("attendance", distinct=True),
            answered=Count("pulse_answers", distinct=True),
        ).order_by("-starts_at")
    )  # fmt: skip
    return [SessionAttendance(s, s.present, s.recorded, s.answered) for s in sessions]
