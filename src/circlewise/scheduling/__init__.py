"""Scheduling across time zones: weekly windows, recurring sessions and slot proposals.

A pure package (standard library and NumPy; no Django): plain frozen dataclasses in, plain data
out, deterministic. Times of day are whole minutes since local midnight; days of the week are
0 (Monday) to 6; time zones are IANA names. Datetimes returned are aware.

Public API (stable):

Weekly windows (:mod:`circlewise.scheduling.week`)
    :data:`DAYS`, :data:`WORKING_WEEK` (Monday-Friday 09:00-17:00), :class:`WeeklyWindow`,
    :func:`parse_availability` (the intake's stored availability to windows), :func:`clock`
    (``"HH:MM"`` to minutes), :func:`zone`, :func:`reference_monday`,
    :func:`utc_offset_minutes`, :func:`time_zone_band`, :func:`merge`,
    :func:`utc_intervals` (local windows to UTC minutes of a reference week, across DST),
    :func:`intersect`, :func:`longest_stretch`, :func:`common_minutes` (the longest time a whole
    group shares), :func:`slot_row` and :func:`shared_windows` (one weekly UTC window per person
    that their whole group can make, for the formation engine's "same" rule).
Recurring sessions (:mod:`circlewise.scheduling.recurrence`)
    :class:`Recurrence` (weekly, every other week, or monthly on the nth or last weekday, at a
    local time in a named zone; ``describe()`` and ``rrule()``), :data:`CADENCES` (the
    :data:`Cadence` values ``weekly``, ``fortnightly``, ``monthly``), :func:`occurrences`
    (:class:`Occurrence` start and end as aware datetimes, correct across DST) and
    :func:`local_datetime`.
Constants
    :data:`MINUTES_PER_DAY`, :data:`MINUTES_PER_WEEK`, :data:`SLOT_MINUTES`,
    :data:`SLOTS_PER_WEEK`; :data:`Interval` is ``(start, end)`` minutes of a week.
Slot proposals (:mod:`circlewise.scheduling.slots`)
    :class:`Member` in; :func:`find_slots` (the best series for a cadence and session length)
    and :func:`evaluate_slot` (judge a chosen series) give :class:`SlotProposal` with every
    :class:`Session` and each member's :class:`Attendance` in their own local time, and who is
    inconvenienced (:class:`Inconvenience`). Build a member from a participant with
    ``Member(key, participant.time_zone, parse_availability(participant.availability))``.

Examples
--------
>>> from datetime import date
>>> from circlewise.scheduling import Member, find_slots, parse_availability
>>> evenings = parse_availability([{"day": 2, "start": "16:00", "end": "20:00"}])
>>> people = [Member("ana", "Europe/Berlin"), Member("ben", "America/Chicago"),
...           Member("dev", "Europe/Berlin", evenings)]
>>> best = find_slots(people, cadence="monthly", minutes=60, time_zone="Europe/Berlin",
...                   starts_on=date(2027, 1, 1), sessions=12)[0]
>>> best.recurrence.describe()
'1st Wednesday of each month, 16:00-17:00 Europe/Berlin'
>>> best.attendance, best.inconvenienced
(36, ())
>>> best.sessions[0].attendance[1].start.strftime("%a %d %b %H:%M %Z")
'Wed 06 Jan 09:00 CST'
"""

from __future__ import annotations

from circlewise.scheduling.recurrence import (
    CADENCES,
    Cadence,
    Occurrence,
    Recurrence,
    local_datetime,
    occurrences,
)
from circlewise.scheduling.slots import (
    Attendance,
    Inconvenience,
    Member,
    Session,
    SlotProposal,
    evaluate_slot,
    find_slots,
)
from circlewise.scheduling.week import (
    DAYS,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
    WORKING_WEEK,
    Interval,
    WeeklyWindow,
    clock,
    common_minutes,
    intersect,
    longest_stretch,
    merge,
    parse_availability,
    reference_monday,
    shared_windows,
    slot_row,
    time_zone_band,
    utc_intervals,
    utc_offset_minutes,
    zone,
)

__all__ = [
    "CADENCES",
    "DAYS",
    "MINUTES_PER_DAY",
    "MINUTES_PER_WEEK",
    "SLOTS_PER_WEEK",
    "SLOT_MINUTES",
    "WORKING_WEEK",
    "Attendance",
    "Cadence",
    "Inconvenience",
    "Interval",
    "Member",
    "Occurrence",
    "Recurrence",
    "Session",
    "SlotProposal",
    "WeeklyWindow",
    "clock",
    "common_minutes",
    "evaluate_slot",
    "find_slots",
    "intersect",
    "local_datetime",
    "longest_stretch",
    "merge",
    "occurrences",
    "parse_availability",
    "reference_monday",
    "shared_windows",
    "slot_row",
    "time_zone_band",
    "utc_intervals",
    "utc_offset_minutes",
    "zone",
]
