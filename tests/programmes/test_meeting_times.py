"""Meeting-time arithmetic and the other selectors the circles app relies on."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from circlewise.programmes.models import Participant, ParticipantStatus
from circlewise.programmes.selectors import (
    MINUTES_PER_WEEK,
    common_window_minutes,
    composition_values,
    meeting_window_overlap,
    overlap_matrix,
    participants_ready,
    time_zone_band,
    utc_windows,
)
from tests.programmes.factories import WEEKDAYS_9_TO_5, make_participant

JANUARY = dt.date(2027, 1, 6)  # a Wednesday; the reference week starts Monday 4 January
JULY = dt.date(2027, 7, 7)


def person(time_zone: str, availability=WEEKDAYS_9_TO_5) -> Participant:
    return Participant(email="x@acme.test", time_zone=time_zone, availability=availability)


def test_it_converts_local_windows_to_utc_minutes_of_the_week():
    monday_9_to_5 = [{"day": 0, "start": "09:00", "end": "17:00"}]
    assert utc_windows("Europe/Berlin", monday_9_to_5, week_of=JANUARY) == [(8 * 60, 16 * 60)]
    assert utc_windows("Europe/Berlin", monday_9_to_5, week_of=JULY) == [(7 * 60, 15 * 60)]


def test_it_wraps_windows_around_the_end_of_the_week():
    # Monday 08:00-10:00 in Tokyo (UTC+9) is Sunday 23:00 to Monday 01:00 UTC.
    windows = utc_windows(
        "Asia/Tokyo", [{"day": 0, "start": "08:00", "end": "10:00"}], week_of=JANUARY
    )
    assert windows == [(0, 60), (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK)]
    same = person("Asia/Tokyo", [{"day": 0, "start": "08:00", "end": "10:00"}])
    assert meeting_window_overlap(same, same, week_of=JANUARY) == 120


def test_it_reads_24_00_as_midnight():
    windows = utc_windows("UTC", [{"day": 6, "start": "22:00", "end": "24:00"}], week_of=JANUARY)
    assert windows == [(MINUTES_PER_WEEK - 120, MINUTES_PER_WEEK)]


def test_it_measures_the_longest_common_stretch():
    london, berlin, new_york = (
        person("Europe/London"),
        person("Europe/Berlin"),
        person("America/New_York"),
    )
    assert meeting_window_overlap(london, berlin, week_of=JANUARY) == 7 * 60
    assert meeting_window_overlap(london, new_york, week_of=JANUARY) == 3 * 60
    assert meeting_window_overlap(berlin, new_york, week_of=JANUARY) == 2 * 60
    assert meeting_window_overlap(person("Asia/Tokyo"), new_york, week_of=JANUARY) == 0


def test_it_needs_a_slot_shared_by_everyone_not_just_pairs():
    morning = person("UTC", [{"day": 0, "start": "09:00", "end": "11:00"}])
    middle = person("UTC", [{"day": 0, "start": "10:00", "end": "13:00"}])
    afternoon = person(
        "UTC",
        [
            {"day": 0, "start": "12:00", "end": "14:00"},
            {"day": 0, "start": "09:30", "end": "10:00"},
        ],
    )
    assert meeting_window_overlap(morning, middle, week_of=JANUARY) == 60
    assert meeting_window_overlap(middle, afternoon, week_of=JANUARY) == 60
    assert common_window_minutes([morning, middle, afternoon], week_of=JANUARY) == 0


def test_it_builds_a_symmetric_overlap_matrix():
    people = [person("Europe/London"), person("Europe/Berlin"), person("America/New_York")]
    matrix = overlap_matrix(people, week_of=JANUARY)
    assert matrix == [[480, 420, 180], [420, 480, 120], [180, 120, 480]]


def test_it_takes_the_reference_week_from_the_programme(programme):
    a = make_participant(
        programme, "a@acme.test", time_zone="Europe/London", availability=WEEKDAYS_9_TO_5
    )
    b = make_participant(
        programme, "b@acme.test", time_zone="America/New_York", availability=WEEKDAYS_9_TO_5
    )
    assert meeting_window_overlap(a, b) == 180  # programme starts 4 January 2027


def test_it_puts_time_zones_in_bands():
    assert time_zone_band("America/Los_Angeles", week_of=JANUARY) == "americas"
    assert time_zone_band("America/Sao_Paulo", week_of=JANUARY) == "americas"
    assert time_zone_band("Europe/London", week_of=JANUARY) == "emea"
    assert time_zone_band("Asia/Dubai", week_of=JANUARY) == "emea"
    assert time_zone_band("Asia/Kolkata", week_of=JANUARY) == "apac"
    assert time_zone_band("Australia/Sydney", week_of=JANUARY) == "apac"
    assert time_zone_band("", week_of=JANUARY) == ""
    assert time_zone_band("Not/AZone", week_of=JANUARY) == ""


def test_it_lists_only_active_participants_with_a_complete_intake(programme):
    ready = make_participant(programme, "ready@acme.test", ready=True)
    make_participant(programme, "invited@acme.test")
    make_participant(programme, "left@acme.test", ready=True, status=ParticipantStatus.LEFT)
    assert list(participants_ready(programme)) == [ready]


def test_it_gives_composition_values_with_derived_attributes(programme):
    participant = make_participant(programme, "a@acme.test", ready=True, languages=["de", "en"])
    assert composition_values(participant) == {
        "department": "Sales",
        "level": "Senior",
        "background": None,
        "language": "de",
        "time_zone_band": "emea",
    }


windows = st.lists(
    st.builds(
        lambda day, start, length: {
            "day": day,
            "start": f"{start // 60:02d}:{start % 60:02d}",
            "end": f"{(start + length) // 60:02d}:{(start + length) % 60:02d}",
        },
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
    a, b = person(zone_a, windows_a), person(zone_b, windows_b)
    overlap = meeting_window_overlap(a, b, week_of=JANUARY)
    assert overlap == meeting_window_overlap(b, a, week_of=JANUARY)
    assert (
        0
        <= overlap
        <= min(
            meeting_window_overlap(a, a, week_of=JANUARY),
            meeting_window_overlap(b, b, week_of=JANUARY),
        )
    )
