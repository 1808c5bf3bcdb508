"""Recurring sessions anchored in a named time zone, expanded to aware datetimes.

A :class:`Recurrence` is a local wall-clock time in one IANA zone (``16:00 Europe/London``) on a
weekly pattern (every week, every other week) or a monthly one (the 2nd Tuesday, the last
Friday). Expanding it keeps the *local* time fixed across daylight-saving changes, so the
session's UTC time moves by an hour twice a year, as a calendar would show it. The rules
follow RFC 5545: a local time that does not exist (in the spring gap) is read with the offset
before the gap (02:30 becomes 03:30), and an ambiguous one (in the autumn overlap) is the first
of the two. A session lasts its length in real time, even when it spans a change.

:meth:`Recurrence.rrule` gives the matching iCalendar ``RRULE`` parts.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from circlewise.scheduling.week import MINUTES_PER_DAY, zone
from circlewise.words import gettext as _

__all__ = ["CADENCES", "Cadence", "Occurrence", "Recurrence", "local_datetime", "occurrences"]

Cadence = Literal["weekly", "fortnightly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("weekly", "fortnightly", "monthly")
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKS = (1, 2, 3, 4, -1)  # of the month: the nth weekday, or -1 for the last


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A session series: ``start`` minutes after local midnight in ``time_zone``, ``minutes`` long.

    Parameters
    ----------
    frequency : {"weekly", "monthly"}
    weekday : int
        0 (Monday) to 6.
    start : int
        Local start, minutes since midnight (0 to 1439).
    minutes : int
        Length of a session (1 to 1440).
    time_zone : str
        IANA name of the zone the local time is kept in.
    starts_on : date
        No session before this date; for ``interval`` > 1 the series counts from here.
    interval : int
        Weeks (weekly) or months (monthly) from one session to the next.
    week : int or None
        Monthly only: 1 to 4 (the nth weekday of the month) or -1 (the last one).

    Examples
    --------
    >>> second_tuesday = Recurrence.monthly(
    ...     week=2, weekday=1, start=16 * 60, minutes=90,
    ...     time_zone="Europe/London", starts_on=date(2027, 1, 1))
    >>> second_tuesday.describe()
    '2nd Tuesday of each month, 16:00-17:30 Europe/London'
    >>> second_tuesday.rrule()
    {'FREQ': 'MONTHLY', 'INTERVAL': 1, 'BYDAY': '2TU'}
    """

    frequency: Literal["weekly", "monthly"]
    weekday: int
    start: int
    minutes: int
    time_zone: str
    starts_on: date
    interval: int = 1
    week: int | None = None

    def __post_init__(self) -> None:
        if self.frequency not in ("weekly", "monthly"):
            raise ValueError(f"A recurrence is weekly or monthly, not {self.frequency!r}.")
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"The weekday must be 0 (Monday) to 6, not {self.weekday}.")
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise ValueError(f"The start must be 0 to 1439 minutes after midnight: {self.start}.")
        if not 0 < self.minutes <= MINUTES_PER_DAY:
            raise ValueError(f"A session lasts 1 to 1440 minutes, not {self.minutes}.")
        if self.interval < 1:
            raise ValueError(f"The interval must be at least 1, not {self.interval}.")
        if self.frequency == "monthly" and self.week not in _WEEKS:
            raise ValueError(f"A monthly series needs week 1 to 4 or -1 (last), not {self.week}.")
        if self.frequency == "weekly" and self.week is not None:
            raise ValueError("A weekly series has no week of the month.")
        if zone(self.time_zone).key != self.time_zone:
            raise ValueError(f"“{self.time_zone}” is not a time zone name like Europe/London.")

    @classmethod
    def weekly(
        cls,
        *,
        weekday: int,
        start: int,
        minutes: int,
        time_zone: str,
        starts_on: date,
        interval: int = 1,
    ) -> Recurrence:
        """Every ``interval`` weeks on ``weekday`` (2: every other week)."""
        return cls("weekly", weekday, start, minutes, time_zone, starts_on, interval)

    @classmethod
    def monthly(
        cls,
        *,
        week: int,
        weekday: int,
        start: int,
        minutes: int,
        time_zone: str,
        starts_on: date,
        interval: int = 1,
    ) -> Recurrence:
        """The ``week``-th (or last, -1) ``weekday`` of every ``interval`` months."""
        return cls("monthly", weekday, start, minutes, time_zone, starts_on, interval, week)

    @classmethod
    def for_cadence(
        cls,
        cadence: Cadence,
        *,
        weekday: int,
        start: int,
        minutes: int,
        time_zone: str,
        starts_on: date,
        week: int = 1,
    ) -> Recurrence:
        """A programme's cadence as a recurrence (``week`` is used for ``"monthly"`` only).

        Examples
        --------
        >>> Recurrence.for_cadence("fortnightly", weekday=3, start=600, minutes=60,
        ...     time_zone="UTC", starts_on=date(2027, 1, 4)).describe()
        'Every other Thursday, 10:00-11:00 UTC'
        """
        if cadence == "monthly":
            return cls.monthly(
                week=week,
                weekday=weekday,
                start=start,
                minutes=minutes,
                time_zone=time_zone,
                starts_on=starts_on,
            )
        if cadence not in ("weekly", "fortnightly"):
            raise ValueError(f"The cadence is one of {', '.join(CADENCES)}, not {cadence!r}.")
        return cls.weekly(
            weekday=weekday,
            start=start,
            minutes=minutes,
            time_zone=time_zone,
            starts_on=starts_on,
            interval=2 if cadence == "fortnightly" else 1,
        )

    def describe(self) -> str:
        """The series in words (the active language in the web app), with the local time and
        its zone."""
        end = (self.start + self.minutes) % MINUTES_PER_DAY
        words = {
            "day": _day_name(self.weekday),
            "hours": f"{_hhmm(self.start)}-{_hhmm(end)} {self.time_zone}",
            "interval": self.interval,
        }
        if self.frequency == "monthly":
            words["ordinal"] = _ordinal(self.week or 1)
            if self.interval == 1:
                return _("%(ordinal)s %(day)s of each month, %(hours)s") % words
            return _("%(ordinal)s %(day)s of every %(interval)s months, %(hours)s") % words
        if self.interval == 1:
            return _("Every %(day)s, %(hours)s") % words
        if self.interval == 2:
            return _("Every other %(day)s, %(hours)s") % words
        return _("Every %(interval)s weeks on %(day)s, %(hours)s") % words

    def rrule(self) -> dict[str, str | int]:
        """The iCalendar RRULE parts (for ``icalendar.vRecur``); DTSTART is the first session."""
        byday = _ICAL_DAYS[self.weekday]
        if self.frequency == "monthly":
            byday = f"{self.week}{byday}"
        return {"FREQ": self.frequency.upper(), "INTERVAL": self.interval, "BYDAY": byday}


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One session: aware ``start`` and ``end`` in the recurrence's time zone."""

    start: datetime
    end: datetime


def _day_name(weekday: int) -> str:
    # Translated when called: the web app hands in its translation after this module is imported.
    names = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    return names[weekday]


def _ordinal(week: int) -> str:
    """Which week of the month: 1 to 4, or -1 for the last."""
    # Translators: "1st" to "last" start "1st Tuesday of each month", "last Friday of each month".
    return {1: _("1st"), 2: _("2nd"), 3: _("3rd"), 4: _("4th"), -1: _("last")}[week]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def local_datetime(day: date, minutes: int, time_zone: str) -> datetime:
    """The aware datetime ``minutes`` after local midnight of ``day`` in ``time_zone``.

    A wall time in the spring gap is read with the offset before the gap (RFC 5545), which
    moves it forward; in the autumn overlap it is the first of the two.

    Examples
    --------
    >>> local_datetime(date(2027, 3, 14), 150, "America/New_York").isoformat()
    '2027-03-14T03:30:00-04:00'
    >>> local_datetime(date(2027, 11, 7), 90, "America/New_York").isoformat()
    '2027-11-07T01:30:00-04:00'
    """
    place = zone(time_zone)
    wall = (datetime.combine(day, time(0)) + timedelta(minutes=minutes)).replace(tzinfo=place)
    return wall.astimezone(UTC).astimezone(place)


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    first = date(year, month, 1)
    if week > 0:
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _session_dates(recurrence: Recurrence) -> Iterator[date]:
    """The series' dates, in order, without end."""
    origin = recurrence.starts_on
    if recurrence.frequency == "weekly":
        day = origin + timedelta(days=(recurrence.weekday - origin.weekday()) % 7)
        while True:
            yield day
            day += timedelta(weeks=recurrence.interval)
    index = origin.year * 12 + origin.month - 1
    while True:
        year, month = divmod(index, 12)
        day = _nth_weekday(year, month + 1, recurrence.weekday, recurrence.week or 1)
        if day >= origin:
            yield day
        index += recurrence.interval


def occurrences(
    recurrence: Recurrence, *, count: int | None = None, until: date | None = None
) -> list[Occurrence]:
    """The series' sessions from ``starts_on``: the first ``count``, and/or those up to ``until``.

    Examples
    --------
    The last Friday of each month at 09:00 in New York is 14:00 UTC in winter and 13:00 UTC
    once the US has moved its clocks (14 March 2027), while London still runs on GMT:

    >>> last_friday = Recurrence.monthly(week=-1, weekday=4, start=9 * 60, minutes=60,
    ...     time_zone="America/New_York", starts_on=date(2027, 2, 1))
    >>> [o.start.astimezone(UTC).strftime("%d %b %H:%M") for o in occurrences(last_friday, count=2)]
    ['26 Feb 14:00', '26 Mar 13:00']
    """
    if count is None and until is None:
        raise ValueError("Give a count of sessions, an end date, or both.")
    result: list[Occurrence] = []
    for day in _session_dates(recurrence):
        if (count is not None and len(result) >= count) or (until is not None and day > until):
            break
        start = local_datetime(day, recurrence.start, recurrence.time_zone)
        end = (start.astimezone(UTC) + timedelta(minutes=recurrence.minutes)).astimezone(
            start.tzinfo
        )
        result.append(Occurrence(start, end))
    return result
