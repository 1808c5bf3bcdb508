"""Weekly windows in UTC, common windows, bands and shared windows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from circlewise.scheduling import (
    MINUTES_PER_WEEK,
    SLOTS_PER_WEEK,
    WORKING_WEEK,
    WeeklyWindow,
    common_minutes,
    parse_availability,
    shared_windows,
    slot_row,
    time_zone_band,
    utc_intervals,
)

JANUARY = dt.date(2027, 1, 6)  # a Wednesday; the reference week starts Monday 4 January
JULY = dt.date(2027, 7, 7)


def utc(zone: str, windows=WORKING_WEEK, week_of: dt.date = JANUARY) -> list[tuple[int, int]]:
    return utc_intervals(zone, windows, week_of=week_of)


def test_it_converts_local_windows_to_utc_minutes_of_the_week():
    monday = [WeeklyWindow(0, 9 * 60, 17 * 60)]
    assert utc("Europe/Berlin", monday) == [(8 * 60, 16 * 60)]
    assert utc("Europe/Berlin", monday, JULY) == [(7 * 60, 15 * 60)]


def test_it_follows_a_clock_change_inside_the_reference_week():
    # Europe moves its clocks on Sunday 28 March 2027: Monday is on GMT, Sunday on BST.
    monday_and_sunday = [WeeklyWindow(0, 9 * 60, 10 * 60), WeeklyWindow(6, 9 * 60, 10 * 60)]
    sunday = 6 * 1440
    assert utc("Europe/London", monday_and_sunday, dt.date(2027, 3, 28)) == [
        (9 * 60, 10 * 60),
        (sunday + 8 * 60, sunday + 9 * 60),
    ]


def test_it_wraps_windows_around_the_end_of_the_week():
    # Monday 08:00-10:00 in Tokyo (UTC+9) is Sunday 23:00 to Monday 01:00 UTC.
    windows = utc("Asia/Tokyo", [WeeklyWindow(0, 8 * 60, 10 * 60)])
    assert windows == [(0, 60), (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK)]
    assert common_minutes([windows, windows]) == 120


def test_it_reads_24_00_as_midnight():
    windows = parse_availability([{"day": 6, "start": "22:00", "end": "24:00"}])
    assert utc("UTC", windows) == [(MINUTES_PER_WEEK - 120, MINUTES_PER_WEEK)]


def test_it_refuses_a_window_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="start before it ends"):
        parse_availability([{"day": 1, "start": "12:00", "end": "09:00"}])


def test_it_measures_the_longest_common_stretch():
    london, berlin, new_york = utc("Europe/London"), utc("Europe/Berlin"), utc("America/New_York")
    assert common_minutes([london, berlin]) == 7 * 60
    assert common_minutes([london, new_york]) == 3 * 60
    assert common_minutes([berlin, new_york]) == 2 * 60
    assert common_minutes([utc("Asia/Tokyo"), new_york]) == 0


def test_it_needs_a_slot_shared_by_everyone_not_just_pairs():
    morning = utc("UTC", [WeeklyWindow(0, 540, 660)])
    middle = utc("UTC", [WeeklyWindow(0, 600, 780)])
    afternoon = utc("UTC", [WeeklyWindow(0, 720, 840), WeeklyWindow(0, 570, 600)])
    assert common_minutes([morning, middle]) == 60
    assert common_minutes([middle, afternoon]) == 60
    assert common_minutes([morning, middle, afternoon]) == 0


def test_it_puts_time_zones_in_bands():
    bands = {
        "America/Los_Angeles": "americas",
        "America/Sao_Paulo": "americas",
        "Europe/London": "emea",
        "Asia/Dubai": "emea",
        "Asia/Kolkata": "apac",
        "Australia/Sydney": "apac",
        "": "",
        "Not/AZone": "",
    }
    assert {name: time_zone_band(name, on=JANUARY) for name in bands} == bands


def test_it_reads_availability_in_utc_slots():
    # 09:00 in New York in January is 14:00 UTC: four 15-minute slots from Monday 14:00.
    row = slot_row(utc("America/New_York", [WeeklyWindow(0, 540, 600)]))
    assert np.flatnonzero(row).tolist() == [56, 57, 58, 59]


def test_it_gives_everyone_in_a_group_one_common_window():
    """Pairwise overlaps without a common time (A-B Mon, B-C Tue, A-C Wed) are not enough."""
    slots = np.zeros((3, SLOTS_PER_WEEK), dtype=bool)
    monday, tuesday, wednesday = 40, 96 + 40, 192 + 40
    for person, days in enumerate([(monday, wednesday), (monday, tuesday), (tuesday, wednesday)]):
        for start in days:
            slots[person, start : start + 8] = True
    labels = shared_windows(slots, 90)
    assert len(set(labels)) == 2  # no window suits all three: they cannot share one label
    assert labels.count(labels[0]) == 2


windows = st.lists(
    st.builds(
        lambda day, start, length: WeeklyWindow(day, start, start + length),
        st.integers(0, 6),
        st.integers(0, 22 * 60),
        st.integers(1, 120),
    ),
    max_size=6,
)
zones = st.sampled_from(
    ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Pacific/Auckland"]
)


@given(zones, windows, zones, windows)
def test_overlap_is_symmetric_and_bounded(zone_a, windows_a, zone_b, windows_b):
    a, b = utc(zone_a, windows_a), utc(zone_b, windows_b)
    overlap = common_minutes([a, b])
    assert overlap == common_minutes([b, a])
    assert 0 <= overlap <= min(common_minutes([a]), common_minutes([b]))


@given(zones, windows, st.sampled_from([JANUARY, JULY]))
def test_a_week_without_a_clock_change_keeps_every_minute(zone, local, week_of):
    # Neither week holds a change in these zones, so UTC keeps the local minutes, shifted.
    intervals = utc(zone, local, week_of)
    local_minutes = {w.day * 1440 + m for w in local for m in range(w.start, w.end)}
    assert sum(end - start for start, end in intervals) == len(local_minutes)


@given(st.lists(windows, min_size=1, max_size=5), st.integers(15, 180))
def test_people_with_the_same_label_can_all_attend_it(people, minutes):
    rows = np.array([slot_row(utc("UTC", person)) for person in people])
    labels = shared_windows(rows, minutes)
    length = -(-minutes // 15)
    for label in set(labels) - {None}:
        holders = [i for i, own in enumerate(labels) if own == label]
        common = np.logical_and.reduce(rows[holders])
        wrapped = np.concatenate([common, common[: length - 1]])
        runs = np.convolve(wrapped.astype(int), np.ones(length, int), "valid")
        assert (runs == length).any()
