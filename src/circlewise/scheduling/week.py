"""Weekly windows: local availability, its place in UTC, and what several people share.

People give weekly windows in their *own* time zone (intake stores them as
``[{"day": 0..6, "start": "HH:MM", "end": "HH:MM"}]``, day 0 is Monday, ``"24:00"`` ends a window
at midnight). To compare people in different zones, each window is placed on one concrete
**reference week** (the Monday-to-Sunday week containing ``week_of``) and converted to UTC, as
minutes since that week's Monday 00:00 UTC (``0..MINUTES_PER_WEEK``). A weekly pattern wraps
around: a window running past Sunday midnight UTC continues at minute 0. Daylight-saving
differences are those in force in the reference week.

Unknown or blank time-zone names are read as UTC here (:func:`zone`), so that one bad profile
cannot break a computation over a whole cohort; validate names where they are entered.
"""

from __future__ import annotations

import math
import zoneinfo
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAYS",
    "MINUTES_PER_DAY",
    "MINUTES_PER_WEEK",
    "SLOTS_PER_WEEK",
    "SLOT_MINUTES",
    "WORKING_WEEK",
    "Interval",
    "WeeklyWindow",
    "clock",
    "common_minutes",
    "intersect",
    "longest_stretch",
    "merge",
    "parse_availability",
    "reference_monday",
    "shared_windows",
    "slot_row",
    "time_zone_band",
    "utc_intervals",
    "utc_offset_minutes",
    "zone",
]

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
SLOT_MINUTES = 15  # every UTC offset in use is a multiple of 15 minutes
SLOTS_PER_WEEK = MINUTES_PER_WEEK // SLOT_MINUTES

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A weekly window in someone's local time: ``day`` 0 (Monday) to 6, minutes of that day.

    ``end`` may be 1440 (midnight at the end of the day); ``start < end``.

    Examples
    --------
    >>> WeeklyWindow(1, 9 * 60, 17 * 60)
    WeeklyWindow(day=1, start=540, end=1020)
    >>> WeeklyWindow(0, 600, 540)
    Traceback (most recent call last):
    ...
    ValueError: A window must start before it ends (day 0, 600-540).
    """

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.day <= 6:
            raise ValueError(f"A window's day must be 0 (Monday) to 6, not {self.day}.")
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(
                f"A window must start before it ends (day {self.day}, {self.start}-{self.end})."
            )


# Assumed working hours (and availability when none was given): Monday to Friday, 9 to 5.
WORKING_WEEK = tuple(WeeklyWindow(day, 9 * 60, 17 * 60) for day in range(5))


def clock(text: str) -> int:
    """Minutes since midnight of ``"HH:MM"`` (``"24:00"`` is 1440).

    Examples
    --------
    >>> clock("16:30"), clock("24:00")
    (990, 1440)
    """
    hours, minutes = (int(part) for part in text.split(":"))
    return hours * 60 + minutes


def parse_availability(rows: Iterable[Mapping[str, object]]) -> tuple[WeeklyWindow, ...]:
    """Windows from the intake's stored format ``{"day": 0..6, "start": "HH:MM", "end": "HH:MM"}``.

    Examples
    --------
    >>> parse_availability([{"day": 0, "start": "09:00", "end": "12:30"}])
    (WeeklyWindow(day=0, start=540, end=750),)
    """
    return tuple(
        WeeklyWindow(int(str(row["day"])), clock(str(row["start"])), clock(str(row["end"])))
        for row in rows
    )


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The named IANA time zone; UTC for a blank or unknown name.

    Examples
    --------
    >>> zone("Europe/Paris").key, zone("").key, zone("Not/AZone").key
    ('Europe/Paris', 'UTC', 'UTC')
    """
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def reference_monday(week_of: date) -> date:
    """The Monday of the week containing ``week_of``.

    Examples
    --------
    >>> reference_monday(date(2027, 1, 6))
    datetime.date(2027, 1, 4)
    """
    return week_of - timedelta(days=week_of.weekday())


def utc_offset_minutes(time_zone: str, on: date) -> int:
    """The zone's UTC offset in minutes at noon (local) on ``on``.

    Examples
    --------
    >>> utc_offset_minutes("America/New_York", date(2027, 1, 4))
    -300
    >>> utc_offset_minutes("America/New_York", date(2027, 7, 5))
    -240
    """
    offset = datetime.combine(on, time(12), tzinfo=zone(time_zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def time_zone_band(time_zone: str, *, on: date) -> str:
    """A coarse band of similar UTC offsets on ``on``.

    ``americas`` (below UTC-2:30), ``emea`` (UTC-2:30 to below UTC+5) or ``apac`` (UTC+5 and
    above); ``""`` for a blank or unknown zone. India (UTC+5:30) is in ``apac``; Dubai (UTC+4)
    and Moscow (UTC+3) in ``emea``. The offset is read at noon UTC on the Monday of the week.

    Examples
    --------
    >>> [time_zone_band(name, on=date(2027, 1, 6)) for name in ("Asia/Kolkata", "Asia/Dubai", "")]
    ['apac', 'emea', '']
    """
    try:
        place = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    instant = datetime.combine(reference_monday(on), time(12), tzinfo=UTC)
    offset = instant.astimezone(place).utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0.0
    if hours < -2.5:
        return "americas"
    return "emea" if hours < 5 else "apac"


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined.

    Examples
    --------
    >>> merge([(5, 9), (0, 3), (3, 4)])
    [(0, 4), (5, 9)]
    """
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def utc_intervals(
    time_zone: str, windows: Iterable[WeeklyWindow], *, week_of: date
) -> list[Interval]:
    """Local weekly windows as merged ``(start, end)`` minutes of the reference week in UTC.

    Windows crossing the week's end are split in two.

    Examples
    --------
    Monday 09:00-17:00 in Berlin is 08:00-16:00 UTC in January and 07:00-15:00 UTC in July:

    >>> monday = [WeeklyWindow(0, 9 * 60, 17 * 60)]
    >>> utc_intervals("Europe/Berlin", monday, week_of=date(2027, 1, 4))
    [(480, 960)]
    >>> utc_intervals("Europe/Berlin", monday, week_of=date(2027, 7, 5))
    [(420, 900)]
    """
    place = zone(time_zone)
    monday = reference_monday(week_of)
    origin = datetime.combine(monday, time(0), tzinfo=UTC)
    intervals: list[Interval] = []
    for window in windows:
        day = datetime.combine(monday + timedelta(days=window.day), time(0))
        # Wall-clock times: the zone decides each one's offset, so a window on a DST day is right.
        start = (day + timedelta(minutes=window.start)).replace(tzinfo=place)
        end = (day + timedelta(minutes=window.end)).replace(tzinfo=place)
        first = int((start - origin).total_seconds() // 60) % MINUTES_PER_WEEK
        length = int((end - start).total_seconds() // 60)
        if first + length <= MINUTES_PER_WEEK:
            intervals.append((first, first + length))
        else:
            intervals += [(first, MINUTES_PER_WEEK), (0, first + length - MINUTES_PER_WEEK)]
    return merge(intervals)


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The stretches in both of two merged interval lists.

    Examples
    --------
    >>> intersect([(0, 10), (20, 30)], [(5, 25)])
    [(5, 10), (20, 25)]
    """
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def longest_stretch(intervals: Sequence[Interval]) -> int:
    """The longest stretch of merged weekly intervals, joining one that runs past the week's end.

    Examples
    --------
    >>> longest_stretch([(0, 60), (MINUTES_PER_WEEK - 30, MINUTES_PER_WEEK)])
    90
    """
    if not intervals:
        return 0
    longest = max(end - start for start, end in intervals)
    first, last = intervals[0], intervals[-1]
    if len(intervals) > 1 and first[0] == 0 and last[1] == MINUTES_PER_WEEK:
        longest = max(longest, (first[1] - first[0]) + (last[1] - last[0]))
    return longest


def common_minutes(people: Sequence[Sequence[Interval]]) -> int:
    """The longest stretch of the week when *everyone* is free (each a merged UTC list).

    Pairwise overlaps do not imply a common time for three or more people.

    Examples
    --------
    >>> common_minutes([[(540, 660)], [(600, 780)], [(570, 600), (720, 840)]])
    0
    >>> common_minutes([[(540, 660)], [(600, 780)]])
    60
    """
    if not people:
        return 0
    common = list(people[0])
    for intervals in people[1:]:
        common = intersect(common, intervals)
    return longest_stretch(common)


def slot_row(intervals: Iterable[Interval]) -> npt.NDArray[np.bool_]:
    """Weekly UTC intervals as a boolean row of ``SLOTS_PER_WEEK`` slots.

    A slot counts only when an interval covers it entirely.

    Examples
    --------
    >>> int(slot_row([(10, 40)]).sum())  # only the slot 15-30 is covered whole
    1
    """
    row = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    for start, end in intervals:
        row[math.ceil(start / SLOT_MINUTES) : end // SLOT_MINUTES] = True
    return row


def _label(start_slot: int, minutes: int) -> str:
    start = start_slot * SLOT_MINUTES
    end = (start + minutes) % MINUTES_PER_WEEK
    day, minute = divmod(start, MINUTES_PER_DAY)
    return (
        f"{DAYS[day][:3]} {minute // 60:02d}:{minute % 60:02d}-"
        f"{end % MINUTES_PER_DAY // 60:02d}:{end % 60:02d} UTC"
    )


def shared_windows(
    slots: npt.NDArray[np.bool_], minutes: int, groups: Sequence[Hashable] | None = None
) -> list[str | None]:
    """Give each person a weekly UTC window of ``minutes`` that they can attend.

    ``slots`` is a (people x ``SLOTS_PER_WEEK``) boolean matrix (rows from :func:`slot_row`).
    Within each group (people that other rules already keep together), repeatedly pick the
    window that the most still-unassigned people can attend and give it to all of them. Returns
    one label per person (e.g. ``"Tue 14:00-15:30 UTC"``), or None for someone with no window
    that long.

    Why this and not pairwise overlaps: with several windows a week, pairwise overlap does not
    imply a common time for a whole group, and pairs grow with the square of the cohort. Equal
    labels guarantee one time all holders can make, at linear cost. It is stricter than needed
    (someone who could make two windows is tied to one), which the greedy choice of the most
    popular windows keeps small.

    Examples
    --------
    >>> rows = np.array([slot_row([(540, 720)]), slot_row([(600, 720)]), slot_row([(0, 30)])])
    >>> shared_windows(rows, 90)
    ['Mon 10:00-11:30 UTC', 'Mon 10:00-11:30 UTC', None]
    """
    people = slots.shape[0]
    length = max(1, math.ceil(minutes / SLOT_MINUTES))
    # can_start[p, s]: person p is free for `length` slots from slot s (the week wraps round).
    wrapped = np.concatenate([slots, slots[:, : length - 1]], axis=1).astype(np.int32)
    running = np.concatenate([np.zeros((people, 1), np.int32), wrapped.cumsum(axis=1)], axis=1)
    can_start = (running[:, length:] - running[:, :-length])[:, :SLOTS_PER_WEEK] == length
    labels: list[str | None] = [None] * people
    group_of: list[Hashable] = list(groups) if groups is not None else [None] * people
    members: dict[Hashable, list[int]] = defaultdict(list)
    for person, group in enumerate(group_of):
        members[group].append(person)
    for indices in members.values():
        rest = np.array(indices)
        while rest.size:
            counts = can_start[rest].sum(axis=0)
            best = int(counts.argmax())
            if counts[best] == 0:
                break
            chosen = can_start[rest, best]
            for person in rest[chosen]:
                labels[int(person)] = _label(best, minutes)
            rest = rest[~chosen]
    return labels
