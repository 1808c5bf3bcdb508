"""Recurring sessions: patterns, time zones and daylight-saving changes."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circlewise.scheduling import Recurrence, local_datetime, occurrences

UTC = dt.UTC


def utc_hours(recurrence: Recurrence, count: int) -> list[tuple[dt.date, str]]:
    return [
        (o.start.date(), o.start.astimezone(UTC).strftime("%H:%M"))
        for o in occurrences(recurrence, count=count)
    ]


def test_it_expands_the_second_tuesday_of_each_month():
    series = Recurrence.monthly(
        week=2, weekday=1, start=16 * 60, minutes=90, time_zone="Europe/London",
        starts_on=dt.date(2027, 1, 1),
    )  # fmt: skip
    days = [o.start.date() for o in occurrences(series, count=4)]
    assert days == [dt.date(2027, 1, 12), dt.date(2027, 2, 9), dt.date(2027, 3, 9),
                    dt.date(2027, 4, 13)]  # fmt: skip
    assert series.describe() == "2nd Tuesday of each month, 16:00-17:30 Europe/London"


def test_it_expands_the_last_friday_and_skips_a_month_already_past():
    series = Recurrence.monthly(
        week=-1, weekday=4, start=9 * 60, minutes=60, time_zone="UTC",
        starts_on=dt.date(2027, 1, 30),
    )  # fmt: skip
    days = [o.start.date() for o in occurrences(series, count=3)]
    assert days == [dt.date(2027, 2, 26), dt.date(2027, 3, 26), dt.date(2027, 4, 30)]
    assert series.rrule() == {"FREQ": "MONTHLY", "INTERVAL": 1, "BYDAY": "-1FR"}


def test_it_expands_every_other_week_from_the_first_day():
    series = Recurrence.weekly(
        weekday=2, start=600, minutes=60, time_zone="UTC", starts_on=dt.date(2027, 1, 4),
        interval=2,
    )  # fmt: skip
    assert [o.start.day for o in occurrences(series, until=dt.date(2027, 2, 3))] == [6, 20, 3]
    assert series.describe() == "Every other Wednesday, 10:00-11:00 UTC"
    assert series.rrule() == {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": "WE"}


def test_it_keeps_local_time_while_europe_and_the_us_change_clocks_on_different_dates():
    # US: 14 March and 7 November 2027; Europe: 28 March and 31 October 2027.
    london = Recurrence.weekly(
        weekday=0, start=16 * 60, minutes=60, time_zone="Europe/London",
        starts_on=dt.date(2027, 3, 8),
    )  # fmt: skip
    new_york = Recurrence.weekly(
        weekday=0, start=11 * 60, minutes=60, time_zone="America/New_York",
        starts_on=dt.date(2027, 3, 8),
    )  # fmt: skip
    assert [h for _, h in utc_hours(london, 4)] == ["16:00", "16:00", "16:00", "15:00"]
    assert [h for _, h in utc_hours(new_york, 4)] == ["16:00", "15:00", "15:00", "15:00"]
    assert {o.start.strftime("%H:%M") for o in occurrences(london, count=4)} == {"16:00"}
    autumn = Recurrence.weekly(
        weekday=0, start=16 * 60, minutes=60, time_zone="Europe/London",
        starts_on=dt.date(2027, 10, 25),
    )  # fmt: skip
    assert [h for _, h in utc_hours(autumn, 3)] == ["15:00", "16:00", "16:00"]


def test_it_moves_a_time_in_the_spring_gap_forward_and_takes_the_first_of_an_autumn_overlap():
    assert local_datetime(dt.date(2027, 3, 28), 90, "Europe/London").isoformat() == (
        "2027-03-28T02:30:00+01:00"
    )
    assert local_datetime(dt.date(2027, 10, 31), 90, "Europe/London").isoformat() == (
        "2027-10-31T01:30:00+01:00"
    )


def test_it_lasts_its_length_in_real_time_across_a_change():
    series = Recurrence.weekly(
        weekday=6, start=0, minutes=120, time_zone="Europe/London", starts_on=dt.date(2027, 3, 28)
    )
    session = occurrences(series, count=1)[0]
    # Python subtracts wall-clock times when both share a tzinfo: compare in UTC.
    assert session.end.astimezone(UTC) - session.start.astimezone(UTC) == dt.timedelta(hours=2)
    assert (session.start.strftime("%H:%M %Z"), session.end.strftime("%H:%M %Z")) == (
        "00:00 GMT",
        "03:00 BST",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"week": 5}, "week 1 to 4 or -1"),
        ({"weekday": 7}, "weekday must be 0"),
        ({"time_zone": "Mars/Olympus"}, "not a time zone"),
        ({"minutes": 0}, "1 to 1440 minutes"),
    ],
)
def test_it_refuses_a_series_that_cannot_be(arguments, message):
    values = {"week": 2, "weekday": 1, "start": 600, "minutes": 60, "time_zone": "UTC",
              "starts_on": dt.date(2027, 1, 1)} | arguments  # fmt: skip
    with pytest.raises(ValueError, match=message):
        Recurrence.monthly(**values)


def test_it_needs_a_count_or_an_end():
    series = Recurrence.weekly(
        weekday=0, start=0, minutes=60, time_zone="UTC", starts_on=dt.date(2027, 1, 1)
    )
    with pytest.raises(ValueError, match="count"):
        occurrences(series)


zones = st.sampled_from(
    ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
     "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"]
)  # fmt: skip
series = st.builds(
    lambda monthly, week, weekday, start, minutes, zone, first, interval: (
        Recurrence.monthly(
            week=week,
            weekday=weekday,
            start=start,
            minutes=minutes,
            time_zone=zone,
            starts_on=first,
            interval=interval,
        )
        if monthly
        else Recurrence.weekly(
            weekday=weekday,
            start=start,
            minutes=minutes,
            time_zone=zone,
            starts_on=first,
            interval=interval,
        )
    ),
    st.booleans(),
    st.sampled_from([1, 2, 3, 4, -1]),
    st.integers(0, 6),
    st.integers(0, 24 * 4 - 1).map(lambda quarter: quarter * 15),
    st.integers(15, 240),
    zones,
    st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    st.integers(1, 3),
)


@given(series)
def test_every_session_keeps_its_pattern_and_its_local_time(recurrence):
    sessions = occurrences(recurrence, count=14)
    place = ZoneInfo(recurrence.time_zone)
    assert len(sessions) == 14
    for session in sessions:
        start = session.start
        assert start.date() >= recurrence.starts_on
        assert start.tzinfo == place
        length = session.end.astimezone(UTC) - start.astimezone(UTC)
        assert length == dt.timedelta(minutes=recurrence.minutes)
        wall = start.hour * 60 + start.minute
        # Only a time that does not exist that day (a spring gap) moves, and then forward.
        shift = wall - recurrence.start
        assert shift == 0 or (0 < shift <= 60 and start.dst() != dt.timedelta(0))
        assert start.weekday() == recurrence.weekday
        if recurrence.frequency == "monthly":
            last_day = calendar.monthrange(start.year, start.month)[1]
            if recurrence.week == -1:
                assert start.day + 7 > last_day
            else:
                assert 7 * (recurrence.week - 1) < start.day <= 7 * recurrence.week
    gaps = {(b.start.date() - a.start.date()).days for a, b in itertools.pairwise(sessions)}
    if recurrence.frequency == "weekly":
        assert gaps == {7 * recurrence.interval}
    else:
        months = [s.start.year * 12 + s.start.month for s in sessions]
        assert {b - a for a, b in itertools.pairwise(months)} == {recurrence.interval}
