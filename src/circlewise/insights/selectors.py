"""Reads for the programme dashboard, its CSV and API, and the coach's view of a circle.

Every figure made of people's answers (pulse and outcome surveys) goes through
:mod:`circlewise.insights.privacy`; counts of enrolment, circles, sessions and attendance are
facts of the programme and are shown as they are. The number of queries is fixed, whatever the
number of circles or sessions: each kind of row is read once for the whole programme and grouped
in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from circlewise import policy
from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.coaching.models import Attendance, AttendanceStatus
from circlewise.contracts.models import ContractAcceptance, ContractVersion
from circlewise.insights import privacy
from circlewise.insights.models import (
    SURVEY_NAMES,
    OutcomeAnswer,
    OutcomeRequest,
    OutcomeWave,
    PulseAnswer,
)
from circlewise.meetings.models import SeriesStatus, Session, SessionSeries, SessionStatus
from circlewise.programmes.models import Programme
from circlewise.words import percent

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation

__all__ = [
    "DIMENSIONS",
    "INSIGHTS_FRESH",
    "OUTCOME_DIMENSIONS",
    "OUTCOME_ITEMS",
    "PULSE_ATTRIBUTES",
    "WARNINGS_SHOWN",
    "CircleHealth",
    "DashboardInsights",
    "OutcomeRow",
    "OutcomeWindow",
    "ProgrammeInsights",
    "ProgrammeOutcomes",
    "PulseRow",
    "circle_comments",
    "dashboard_insights",
    "open_outcome_surveys",
    "outcome_answers_of",
    "outcome_schedule",
    "programme_insights",
    "programme_outcomes",
]

DIMENSIONS = {
    "month": gettext_lazy("Month"),
    "circle": gettext_lazy("Circle"),
    "department": gettext_lazy("Department"),
    "level": gettext_lazy("Level"),
}
# The links that group figures, as whole phrases (a label lower-cased into "By …" would break
# languages that capitalise nouns).
GROUPED_BY = {
    "month": gettext_lazy("By month"),
    "circle": gettext_lazy("By circle"),
    "department": gettext_lazy("By department"),
    "level": gettext_lazy("By level"),
}
# The intake answers pulse figures are grouped by (kept, alone, when someone deletes their
# account, so that the figures stay as they were: see circlewise.programmes.personal_data).
PULSE_ATTRIBUTES = ("department", "level")
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
    outcomes: ProgrammeOutcomes

    @property
    def overall(self) -> PulseRow:
        return self.pulse["all"][0]

    @property
    def warnings(self) -> list[CircleHealth]:
        return [h for h in self.health if h.warnings]


class _Session(NamedTuple):
    pk: int
    circle_id: int
    month: dt.date  # the month it starts in (UTC)
    past: bool  # it has ended


def _month(value: dt.datetime) -> dt.date:
    return value.date().replace(day=1)


class _Columns(NamedTuple):
    """Answers as columns: ids, people (as codes), months (as codes), scores."""

    pk: np.ndarray
    person: np.ndarray
    month: np.ndarray
    usefulness: np.ndarray
    safety: np.ndarray  # the sum of the three items


def _pulse_groups(answers: list[tuple], attributes: dict[int, dict], months: dict[int, dt.date]
                  ) -> tuple[dict[tuple[str, Hashable], dict[int, int]],
                             dict[tuple[str, Hashable], tuple[float, float]]]:  # fmt: skip
    """Every group a pulse figure is made of (the programme, each month, circle, department and
    level), as ``response id -> person`` (a code standing for the person) of the closed months
    it may take in by :func:`privacy.periods_published`, with its sums of usefulness and of
    safety (the mean of the three items). A group with answers but none taken in yet is empty
    (withheld).

    A year of a large programme is tens of thousands of answers, each in five groups: the
    grouping and sums are NumPy operations on columns, and only the people of each (group,
    month) cell are looked at one by one, where a cell has fewer than five of them.
    """
    if not answers:
        return {}, {}
    pk, user, circle, session, usefulness, *items = (
        np.array(c) for c in zip(*answers, strict=True)
    )
    users, person = np.unique(user, return_inverse=True)
    month_of_session = {s: months[s] for s in np.unique(session).tolist()}
    calendar = sorted(set(month_of_session.values()))
    index = {month: i for i, month in enumerate(calendar)}
    month = np.array([index[month_of_session[s]] for s in session.tolist()])
    columns = _Columns(pk, person, month, usefulness, items[0] + items[1] + items[2])
    circle_ids, circle_code = np.unique(circle, return_inverse=True)
    dimensions: list[tuple[str, list[Hashable], np.ndarray]] = [
        ("all", [""], np.zeros(len(pk), dtype=np.int64)),
        ("month", list(calendar), month),
        ("circle", circle_ids.tolist(), circle_code),
    ]
    for name in PULSE_ATTRIBUTES:
        # A person's value as a code (-1: none given), then each answer's.
        values = [attributes.get(u, {}).get(name) for u in users.tolist()]
        labels = sorted({str(v) for v in values if v})
        code = {label: i for i, label in enumerate(labels)}
        of_person = np.array([code[str(v)] if v else -1 for v in values], dtype=np.int64)
        dimensions.append((name, list[Hashable](labels), of_person[person]))
    groups: dict[tuple[str, Hashable], dict[int, int]] = {}
    sums: dict[tuple[str, Hashable], tuple[float, float]] = {}
    for dimension, keys, codes in dimensions:
        for value, group, total in zip(
            keys, *_grouped(columns, codes, len(keys), len(calendar)), strict=True
        ):
            if group is not None:
                groups[dimension, value], sums[dimension, value] = group, total
    return groups, sums


def _grouped(columns: _Columns, codes: np.ndarray, n_groups: int, n_months: int
             ) -> tuple[list[dict[int, int] | None], list[tuple[float, float]]]:  # fmt: skip
    """For each of ``n_groups`` groups (an answer's group is its code; -1 is none): its
    answers of the months it may take in, as ``response id -> person code`` (None if it has no
    answer at all), and their sums."""
    kept = codes >= 0
    codes, month, person = codes[kept], columns.month[kept], columns.person[kept]
    n_people = int(columns.person.max()) + 1
    # The distinct people of each (group, month) cell, cells in order of group then month.
    pairs = np.unique((codes * n_months + month) * n_people + person)
    cells, starts, people = np.unique(pairs // n_people, return_index=True, return_counts=True)
    cell_group, cell_month = np.divmod(cells, n_months)
    # A group whose every month has five people or more takes them all in (each month is a
    # step of its own); the others are decided by the privacy module, month by month.
    last = np.full(n_groups, -1, dtype=np.int64)
    last[cell_group] = cell_month  # cells are in month order: the last one written wins
    first_cell = np.searchsorted(cell_group, np.arange(n_groups + 1)).tolist()
    for group in np.unique(cell_group[people < privacy.MIN_RESPONDENTS]).tolist():
        at = range(first_cell[group], first_cell[group + 1])
        periods = [set((pairs[starts[i] : starts[i] + people[i]] % n_people).tolist()) for i in at]
        steps = privacy.periods_published(periods)
        last[group] = cell_month[at[steps - 1]] if steps else -1
    taken = month <= last[codes]
    answered = np.bincount(codes, minlength=n_groups) > 0
    codes = codes[taken]
    usefulness = np.bincount(codes, weights=columns.usefulness[kept][taken], minlength=n_groups)
    safety = np.bincount(codes, weights=columns.safety[kept][taken], minlength=n_groups) / 3
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1)).tolist()
    pk = columns.pk[kept][taken][order].tolist()
    ids = person[taken][order].tolist()
    groups = [
        dict(zip(pk[bounds[g] : bounds[g + 1]], ids[bounds[g] : bounds[g + 1]], strict=True))
        if answered[g] else None
        for g in range(n_groups)
    ]  # fmt: skip
    return groups, list(zip(usefulness.tolist(), safety.tolist(), strict=True))


def _pulse_rows(answers: list[tuple], attributes: dict[int, dict], circles: dict[int, Circle],
                months: dict[int, dt.date]) -> dict[str, list[PulseRow]]:  # fmt: skip
    """Group answers by every dimension (:func:`_pulse_groups`), decide with
    :func:`privacy.disclose` what may be shown (all groups at once: see the privacy module), and
    compute the means of those.

    ``answers`` are ``(id, user id, circle id, session id, usefulness, three safety items)`` of
    closed periods only (:func:`_published_answers`); ``months`` gives each session's month.
    """
    groups, sums = _pulse_groups(answers, attributes, months)
    partitions = [
        privacy.Partition(OVERALL, [k for k in groups if k[0] == dimension])
        for dimension in ("month", "circle")  # every answer has one month and one circle
    ]
    shown = privacy.disclose(groups, partitions=partitions) if groups else frozenset()
    rows: dict[str, list[PulseRow]] = {name: [] for name in ("all", *DIMENSIONS)}
    # By dimension, then by value as text: months (ISO dates) come out in time order.
    for key in sorted(groups, key=lambda k: (k[0], str(k[1]))):
        group = groups[key]
        respondents, count = privacy.people(group), len(group)
        dimension, value = key
        if dimension == "circle":
            label = circles[value].name if value in circles else _("A closed circle")
        elif isinstance(value, dt.date):  # a month
            label = date_format(value, "M Y")
        else:
            label = str(value) if dimension != "all" else _("Whole programme")
        visible = key in shown
        usefulness, safety = sums[key]
        rows[dimension].append(PulseRow(
            dimension=dimension, key=value, label=label, respondents=respondents,
            usefulness=privacy.figure(usefulness, count, respondents, shown=visible),
            safety=privacy.figure(safety, count, respondents, shown=visible),
        ))  # fmt: skip
    if not rows["all"]:
        empty = privacy.figure(0, 0, 0, shown=False)
        rows["all"] = [PulseRow("all", "", _("Whole programme"), empty, empty, 0)]
    return rows


def _health(circles: Iterable[Circle], sessions: list[_Session], attendance: dict[int, tuple],
            safety_shown: Mapping[Hashable, PulseRow], active_series: set[int], now: dt.datetime,
            unaccepted: set[int]) -> list[CircleHealth]:  # fmt: skip
    """Warnings per circle. They name the circle, never a person, and low safety is raised only
    from a circle figure that may be shown (5 or more people answered)."""
    by_circle: dict[int, list[_Session]] = defaultdict(list)
    for session in sessions:
        by_circle[session.circle_id].append(session)
    health = []
    for circle in circles:
        h = CircleHealth(circle)
        past = [s for s in by_circle[circle.pk] if s.past]
        upcoming = [s for s in by_circle[circle.pk] if not s.past]
        rates = [attendance[s.pk][0] / attendance[s.pk][1] for s in past
                 if attendance.get(s.pk, (0, 0))[1]]  # fmt: skip
        if len(rates) >= 4:
            earlier, last = sum(rates[:-2]) / len(rates[:-2]), sum(rates[-2:]) / 2
            if last <= earlier - FALLING_BY:
                h.warnings.append(
                    _("Attendance fell from %(earlier)s to %(last)s")
                    % {"earlier": percent(earlier), "last": percent(last)}
                )
        missed = [s for s in past if s.pk not in attendance]
        if missed:
            h.warnings.append(
                ngettext(
                    "%(count)d past session with no attendance taken",
                    "%(count)d past sessions with no attendance taken",
                    len(missed),
                )
                % {"count": len(missed)}
            )
        if circle.pk not in active_series or not upcoming:
            h.warnings.append(_("No upcoming session scheduled"))
        if past and circle.pk in unaccepted:
            h.warnings.append(_("Contract not yet accepted by every member"))
        row = safety_shown.get(circle.pk)
        if row is not None and row.safety.value is not None and row.safety.value < LOW_SAFETY:
            h.warnings.append(
                _("Low psychological safety (%(safety).1f out of 5)") % {"safety": row.safety.value}
            )
        health.append(h)
    return health


def _months(sessions: list[_Session], attendance: dict[int, tuple],
            members: list[tuple[dt.datetime, dt.datetime | None]], now: dt.datetime
            ) -> list[MonthRow]:  # fmt: skip
    """Sessions held, attendance and members still in a circle, month by month until now."""
    past = [s for s in sessions if s.past]
    if not past:
        return []
    held: dict[dt.date, list[_Session]] = defaultdict(list)
    for session in past:
        held[session.month].append(session)
    rows, month, last = [], past[0].month, _month(now)
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


def _published_answers(answers: QuerySet[PulseAnswer], now: dt.datetime) -> list[tuple]:
    """The answers figures may use: those of closed periods (see "Closed periods" in
    :mod:`circlewise.insights.privacy`), as the rows :func:`_pulse_rows` reads. Every figure
    of answers -- the dashboard, its CSV and API, the coach's view -- reads them here."""
    return list(
        answers.filter(session__starts_at__lt=privacy.published_before(now)).values_list(
            "pk", "user_id", "circle_id", "session_id",
            "usefulness", "speak_up", "heard", "trust",
        )
    )  # fmt: skip


def circle_comments(*, circle: Circle, user_id: int) -> list[PulseAnswer]:
    """The pulse comments ``user_id`` may read in ``circle`` (see
    :func:`circlewise.policy.can_read_pulse_comment`), newest first, without their authors."""
    answers = (
        PulseAnswer.objects.filter(circle=circle).exclude(comment="")
        .select_related("session").order_by("-session__starts_at", "-pk")
    )  # fmt: skip
    return [a for a in answers if policy.can_read_pulse_comment(user_id, a, circle)]


def _sessions(programme: Programme, now: dt.datetime
              ) -> tuple[list[_Session], dict[int, tuple[int, int]]]:  # fmt: skip
    """The programme's scheduled sessions in order, and ``(present, recorded)`` of each session
    whose attendance was taken. (Two queries: on SQLite a month worked out in SQL is a Python
    function called per row, slower than converting the timestamps here.)"""
    sessions = [
        _Session(pk, circle_id, _month(starts_at), ends_at <= now)
        for pk, circle_id, starts_at, ends_at in
        Session.objects.filter(circle__programme=programme, status=SessionStatus.SCHEDULED)
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
    return sessions, attendance


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
    sessions, attendance = _sessions(programme, now)
    active_series = set(
        SessionSeries.objects.filter(circle__programme=programme, status=SeriesStatus.ACTIVE)
        .values_list("circle_id", flat=True)
    )  # fmt: skip
    attributes = dict(programme.participants.filter(user__isnull=False)
                      .values_list("user_id", "attributes"))  # fmt: skip
    answers = _published_answers(PulseAnswer.objects.filter(circle__programme=programme), now)
    pulse = _pulse_rows(answers, attributes, circles,
                        {s.pk: s.month for s in sessions})  # fmt: skip
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
        outcomes=programme_outcomes(
            programme=programme, circles=circles, today=timezone.localdate(now)
        ),
    )


# The dashboard's figures are reused for this many seconds: a year of a 10,000-person programme
# takes over a second to read and sum, and monthly trends do not change by the minute. They are
# kept in the shared cache, so every web process reuses the same figures.
INSIGHTS_FRESH = 300
INSIGHTS_FRESH_DELTA = dt.timedelta(seconds=INSIGHTS_FRESH)
INSIGHTS_KEPT = 7 * 24 * 3600  # shown (while new ones are computed) for up to a week
WARNINGS_SHOWN = 20  # circles with warnings listed on the dashboard (the CSV lists them all)


@dataclass(frozen=True)
class DashboardInsights:
    """The dashboard's figures: ``data`` with ``health`` cut to the first ``WARNINGS_SHOWN``
    circles with warnings (``warned`` counts them all) and ``pulse`` cut to the whole programme
    and the one grouping shown, computed at ``computed_at``."""

    data: ProgrammeInsights
    warned: int
    computed_at: dt.datetime


def dashboard_insights(*, programme: Programme, by: str) -> DashboardInsights:
    """:func:`programme_insights` for the dashboard grouped ``by`` one of ``DIMENSIONS``,
    computed at most every ``INSIGHTS_FRESH`` seconds per programme. Only aggregates (already
    through the privacy rules, the same for everyone allowed to see them) are kept; who may see
    them is checked on every request.

    Each grouping is kept on its own, so the default page does not read a row per circle of a
    large programme back from the cache; one computation fills them all. Older figures are
    still shown while one request (whichever takes the lock) computes new ones, so a busy
    dashboard never has every web process summing the same year at once.
    """
    # Per language: the figures' labels (months, "Whole programme", warnings) are worded.
    key = f"insights-dashboard:{programme.pk}:{get_language()}"
    found = cache.get(f"{key}:{by}")
    stale = found is not None and timezone.now() - found.computed_at > INSIGHTS_FRESH_DELTA
    if found is None or (stale and cache.add(f"{key}:busy", True, timeout=60)):
        data = programme_insights(programme=programme)
        warned = data.warnings
        now = timezone.now()
        kept = {
            f"{key}:{dimension}": DashboardInsights(
                replace(
                    data,
                    health=warned[:WARNINGS_SHOWN],
                    pulse={"all": data.pulse["all"], dimension: data.pulse[dimension]},
                ),
                len(warned),
                now,
            )
            for dimension in DIMENSIONS
        }
        cache.set_many(kept, INSIGHTS_KEPT)
        cache.delete(f"{key}:busy")
        found = kept[f"{key}:{by}"]
    return found


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


def circle_pulse(*, circle: Circle, now: dt.datetime | None = None) -> PulseRow:
    """A self-organised circle's own pulse (a programme circle's is read from
    :func:`programme_insights`, decided together with the rest of its programme)."""
    answers = _published_answers(PulseAnswer.objects.filter(circle=circle), now or timezone.now())
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
    answered: int | None  # None until the session's month is closed (privacy.published_before)


def circle_attendance(*, circle: Circle, now: dt.datetime | None = None
                      ) -> list[SessionAttendance]:  # fmt: skip
    """Past sessions of the circle with how many were present and how many answered the pulse
    (counts, never who; how many answered only once the session's period is closed, as every
    figure of answers)."""
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
    cutoff = privacy.published_before(now)
    return [
        SessionAttendance(s, s.present, s.recorded, s.answered if s.starts_at < cutoff else None)
        for s in sessions
    ]


# Outcome surveys ---------------------------------------------------------------------------------

OUTCOME_ITEMS = ("goal_progress", "confidence", "not_alone", "support", "skills")
OUTCOME_DIMENSIONS = {name: DIMENSIONS[name] for name in ("circle", "department", "level")}
# How long each survey is open, and when the one reminder goes (before it closes). A programme
# shorter than two months gets shorter windows, so its three surveys never overlap.
OUTCOME_OPEN_DAYS = 14
OUTCOME_END_EXTRA_DAYS = 7  # the end survey stays open a week after the programme's last day
OUTCOME_REMIND_DAYS_BEFORE_CLOSE = 4
OUTCOME_CACHE_SECONDS = 24 * 3600  # a new answer changes the key at once; this only frees space


@dataclass(frozen=True)
class OutcomeWindow:
    """When one wave of a programme's outcome survey is open (both days included)."""

    wave: str
    opens_on: dt.date
    closes_on: dt.date
    reminds_on: dt.date

    @property
    def label(self) -> str:
        return str(OutcomeWave(self.wave).label)

    @property
    def survey_name(self) -> str:
        return str(SURVEY_NAMES[OutcomeWave(self.wave)])

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def state(self, today: dt.date) -> str:
        if today < self.opens_on:
            return str(_("not open yet"))
        return str(_("open")) if today <= self.closes_on else str(_("closed"))


def outcome_schedule(*, programme: Programme) -> list[OutcomeWindow]:
    """The three outcome surveys of a programme, from its start and end dates: the start survey
    opens on the first day, the midpoint one halfway through, the end one two weeks before the
    last day (and closes a week after it). Each is reminded once, four days before it closes."""
    start, end = programme.start_date, programme.end_date
    days = max(3, min(OUTCOME_OPEN_DAYS, (end - start).days // 4))
    opens = {
        OutcomeWave.START: start,
        OutcomeWave.MID: start + (end - start) / 2,
        OutcomeWave.END: end - dt.timedelta(days=days),
    }
    windows = []
    for wave, opens_on in opens.items():
        closes_on = opens_on + dt.timedelta(days=days - 1)
        if wave == OutcomeWave.END:
            closes_on = end + dt.timedelta(days=OUTCOME_END_EXTRA_DAYS - 1)
        reminder = closes_on - dt.timedelta(days=OUTCOME_REMIND_DAYS_BEFORE_CLOSE)
        reminds_on = max(opens_on + dt.timedelta(days=1), reminder)
        windows.append(OutcomeWindow(str(wave), opens_on, closes_on, reminds_on))
    return windows


def outcome_window(*, programme: Programme, wave: str) -> OutcomeWindow:
    return next(w for w in outcome_schedule(programme=programme) if w.wave == wave)


@dataclass(frozen=True)
class OutcomeRow:
    """Outcome figures of one wave for one group (the programme, a circle, a department, a
    level): the mean of each item (1-5) and, at the end, the share who would recommend."""

    wave: str
    dimension: str
    key: Hashable
    label: str
    respondents: int
    items: dict[str, privacy.Figure]
    recommend: privacy.Figure | None  # None before the end survey (it is not asked)

    @property
    def withheld(self) -> bool:
        return self.items["goal_progress"].withheld


@dataclass(frozen=True)
class OutcomeWaveStatus:
    window: OutcomeWindow
    state: str
    asked: int
    answered: int  # a count of answers, never whose: shown however small


@dataclass
class ProgrammeOutcomes:
    schedule: list[OutcomeWaveStatus]
    rows: dict[str, dict[str, list[OutcomeRow]]]  # wave -> "all" or a dimension -> rows

    def overall(self, wave: str) -> OutcomeRow:
        return self.rows[wave]["all"][0]

    @property
    def recommend(self) -> privacy.Figure:
        figure = self.overall(OutcomeWave.END).recommend
        return figure or privacy.figure(0, 0, 0, shown=False)


def _outcome_label(dimension: str, key: Hashable, circles: dict[int, Circle]) -> str:
    if dimension == "all":
        return str(_("Whole programme"))
    if dimension == "circle":
        return circles[key].name if key in circles else str(_("A closed circle"))
    return str(key)


def _outcome_wave_rows(wave: str, answers: list[tuple], circles: dict[int, Circle]
                       ) -> dict[str, list[OutcomeRow]]:  # fmt: skip
    """One wave's rows by dimension. Each answer is one person (one answer per person per wave),
    so the answer's id stands for its person, whether or not the account still exists.

    The waves are decided apart: they share no answer, so a figure of one wave subtracted from a
    figure of another reveals nothing, and :func:`privacy.disclose` needs only one wave's groups.
    Every dimension is a partition of the wave (an answer has at most one circle, department and
    level), so the remainder rule covers "the programme minus the shown departments" too.
    """
    members: dict[tuple[str, Hashable], list[tuple]] = defaultdict(list)
    for answer in answers:
        circle_id, department, level = answer[1:4]
        members["all", ""].append(answer)
        if circle_id is not None:
            members["circle", circle_id].append(answer)
        if department:
            members["department", department].append(answer)
        if level:
            members["level", level].append(answer)
    groups: dict[tuple[str, Hashable], dict[int, int]] = {}
    sums: dict[tuple[str, Hashable], list[float]] = {}
    for key, rows_of in members.items():
        columns = list(zip(*rows_of, strict=True))  # sums by C loops over columns
        groups[key] = dict(zip(columns[0], columns[0], strict=True))
        recommend = [value for value in columns[-1] if value is not None]
        sums[key] = [*map(sum, columns[4:-1]), len(recommend), sum(recommend)]
    partitions = [
        privacy.Partition(("all", ""), [k for k in groups if k[0] == dimension])
        for dimension in OUTCOME_DIMENSIONS
    ]
    shown = privacy.disclose(groups, partitions=partitions) if groups else frozenset()
    rows: dict[str, list[OutcomeRow]] = {name: [] for name in ("all", *OUTCOME_DIMENSIONS)}
    asks_recommend = wave == OutcomeWave.END
    for key in sorted(groups, key=lambda k: (k[0], str(k[1]))):
        dimension, value = key
        count, total, visible = len(groups[key]), sums[key], key in shown
        rows[dimension].append(OutcomeRow(
            wave=wave, dimension=dimension, key=value, respondents=count,
            label=_outcome_label(dimension, value, circles),
            items={item: privacy.figure(total[i], count, count, shown=visible)
                   for i, item in enumerate(OUTCOME_ITEMS)},
            recommend=privacy.figure(total[6], int(total[5]), count, shown=visible)
            if asks_recommend else None,
        ))  # fmt: skip
    if dimension_circle := rows["circle"]:
        dimension_circle.sort(key=lambda row: row.label)
    if not rows["all"]:
        empty = privacy.figure(0, 0, 0, shown=False)
        rows["all"] = [OutcomeRow(wave, "all", "", str(_("Whole programme")), 0,
                                  dict.fromkeys(OUTCOME_ITEMS, empty),
                                  empty if asks_recommend else None)]  # fmt: skip
    return rows


def programme_outcomes(*, programme: Programme, circles: dict[int, Circle],
                       today: dt.date | None = None) -> ProgrammeOutcomes:  # fmt: skip
    """The outcome surveys' schedule, response counts and figures, in a fixed number of
    queries."""
    today = today or timezone.localdate()
    asked = dict(
        OutcomeRequest.objects.filter(programme=programme).values("wave")
        .annotate(n=Count("pk")).values_list("wave", "n")
    )  # fmt: skip
    rows = _outcome_rows(programme, circles)
    schedule = [
        OutcomeWaveStatus(window, window.state(today), asked.get(window.wave, 0),
                          rows[window.wave]["all"][0].respondents)
        for window in outcome_schedule(programme=programme)
    ]  # fmt: skip
    return ProgrammeOutcomes(schedule=schedule, rows=rows)


def _outcome_rows(programme: Programme, circles: dict[int, Circle]
                  ) -> dict[str, dict[str, list[OutcomeRow]]]:  # fmt: skip
    """The figures of every wave, kept in the cache under a version of their data.

    Outcome answers come three times a year in bursts, the dashboard (and its CSV and API) is
    read far more often, and these figures are a function of the programme's answers alone (their
    groups are recorded on each answer) and of the circles' names. So the version is one indexed
    aggregate: how many answers, how many with a circle (a deleted circle empties it), the
    newest id and the latest change (:func:`services.outcome_answer` sets ``changed_at`` on every
    change), plus the circles' names. Anything else that changed a figure's input would have to
    move one of these. Measured on the 2,000-person bench: about 35 ms of CPU a request saved.
    """
    answers = OutcomeAnswer.objects.filter(programme=programme)
    version = answers.aggregate(n=Count("pk"), placed=Count("circle_id"), top=Max("pk"),
                                last=Max("changed_at"))  # fmt: skip
    names = sorted((pk, circle.name) for pk, circle in circles.items())
    # The labels are in the reader's language.
    digest = hashlib.sha256(repr((version, names, get_language())).encode()).hexdigest()
    key = f"insights:outcomes:{programme.pk}:{digest}"
    rows = cache.get(key)
    if rows is None:
        by_wave: dict[str, list[tuple]] = {wave: [] for wave in OutcomeWave.values}
        for wave, *row in answers.values_list(
            "wave", "pk", "circle_id", "department", "level", *OUTCOME_ITEMS, "recommend"
        ):
            by_wave[wave].append(tuple(row))
        rows = {wave: _outcome_wave_rows(wave, found, circles) for wave, found in by_wave.items()}
        cache.set(key, rows, timeout=OUTCOME_CACHE_SECONDS)
    return rows


def open_outcome_surveys(*, user: User, organisation: Organisation | None = None,
                         today: dt.date | None = None) -> list[OutcomeRequest]:  # fmt: skip
    """The outcome surveys ``user`` can answer or change today (for their home page)."""
    today = today or timezone.localdate()
    requests = OutcomeRequest.objects.filter(user=user).select_related("programme", "answer")
    if organisation is not None:
        requests = requests.filter(programme__organisation=organisation)
    return [
        r
        for r in requests.order_by("-created_at")
        if outcome_window(programme=r.programme, wave=r.wave).is_open(today)
    ]


def outcome_answers_of(*, user: User) -> list[dict]:
    """Everything ``user`` answered in outcome surveys, as plain data (for their data export):
    the programme, the wave, each item, the recommendation and what changed for them."""
    answers = (
        OutcomeAnswer.objects.filter(user=user).select_related("programme")
        .order_by("answered_at", "pk")
    )  # fmt: skip
    return [
        {
            "programme": a.programme.name,
            "survey": a.wave,
            **{item: getattr(a, item) for item in OUTCOME_ITEMS},
            "would_recommend": a.recommend,
            "what_changed": a.changed,
            "answered_at": a.answered_at.isoformat(),
            "changed_at": a.changed_at.isoformat(),
        }
        for a in answers
    ]
