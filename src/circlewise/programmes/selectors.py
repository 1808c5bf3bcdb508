"""Reads about programmes and participants, and the meeting-time arithmetic circles rely on.

Meeting times
-------------
Participants give weekly availability windows in their *own* time zone
(``Participant.availability``: ``[{"day": 0..6, "start": "HH:MM", "end": "HH:MM"}]``, day 0 is
Monday). To compare people in different zones, each window is placed on one concrete **reference
week** and converted to UTC, as minutes since that week's Monday 00:00 UTC (0..10080). A weekly
pattern wraps around: a window running past Sunday midnight UTC continues at minute 0.

The reference week is the Monday-to-Sunday week containing ``week_of``, by default the
programme's start date, so daylight-saving differences are those in force when the circles
begin. Time-zone bands use the UTC offset at noon UTC on that Monday.

- :func:`meeting_window_overlap` — the longest stretch, in minutes, both of two people are free.
- :func:`common_window_minutes` — the longest stretch *all* of a group are free (pairwise
  overlaps do not imply a common slot for three or more people).
- :func:`overlap_matrix` — pairwise overlaps for many people, converting each once.
- :func:`time_zone_band` — ``"americas"``, ``"emea"`` or ``"apac"``: a coarse band for
  "same time-zone band" rules.
- :func:`composition_values` — one participant's values for the composition rules, including
  the derived ``language`` (first listed) and ``time_zone_band``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from circlewise.programmes.models import (
    EnrolmentUpload,
    Participant,
    ParticipantStatus,
    Programme,
)
from circlewise.programmes.parsing import language_name, parse_languages

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Membership, Organisation

__all__ = [
    "MINUTES_PER_WEEK",
    "REMIND_INTERVAL",
    "common_window_minutes",
    "composition_values",
    "intake_counts",
    "meeting_window_overlap",
    "membership_profile",
    "overlap_matrix",
    "participant_for_user",
    "participants_listed",
    "participants_pending_intake",
    "participants_ready",
    "pending_upload",
    "programmes_for",
    "reference_monday",
    "time_zone_band",
    "utc_windows",
]

MINUTES_PER_WEEK = 7 * 24 * 60
REMIND_INTERVAL = timedelta(hours=24)
Interval = tuple[int, int]


# Programmes and participants ---------------------------------------------------------------------
def programmes_for(organisation: Organisation, *, user: User, all_programmes: bool) -> QuerySet:
    """Programmes of an organisation: all of them, or only those the user takes part in."""
    programmes = Programme.objects.filter(organisation=organisation)
    if not all_programmes:
        # A subquery, not a join, so the participant count below counts everyone.
        mine = Participant.objects.filter(user=user).values("programme_id")
        programmes = programmes.filter(pk__in=mine)
    not_left = ~Q(participants__status=ParticipantStatus.LEFT)
    return programmes.annotate(participant_count=Count("participants", filter=not_left))


def membership_profile(membership: Membership) -> dict[str, str]:
    """What the organisation already knows about a member, to prefill their intake."""
    user = membership.user
    try:
        language = ", ".join(language_name(code) for code in parse_languages(user.language))
    except ValueError:
        language = ""
    return {
        "department": membership.department,
        "level": membership.level,
        "location": membership.location,
        "job_title": membership.job_title,
        "manager_email": membership.manager.user.email if membership.manager_id else "",
        "time_zone": user.time_zone,
        "language": language,
    }


def participant_for_user(programme: Programme, user: User) -> Participant | None:
    return programme.participants.filter(user=user).first()


def participants_ready(programme: Programme) -> QuerySet[Participant]:
    """Participants who can be placed in a circle: active, with their intake complete."""
    return programme.participants.filter(
        status=ParticipantStatus.ACTIVE, intake_completed_at__isnull=False
    )


def participants_pending_intake(programme: Programme) -> QuerySet[Participant]:
    """Enrolled people (not left) who have not completed their intake yet."""
    return programme.participants.exclude(status=ParticipantStatus.LEFT).filter(
        intake_completed_at__isnull=True
    )


def participants_listed(programme: Programme, *, show: str, query: str) -> QuerySet[Participant]:
    """Enrolled participants by name: ``show`` all, "pending" or "completed" intakes; ``query``
    matches name or email (case-insensitive)."""
    people = programme.participants.exclude(status=ParticipantStatus.LEFT)
    if show == "pending":
        people = people.filter(intake_completed_at__isnull=True)
    elif show == "completed":
        people = people.filter(intake_completed_at__isnull=False)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return people


def intake_counts(programme: Programme) -> dict[str, int]:
    enrolled = programme.participants.exclude(status=ParticipantStatus.LEFT)
    total = enrolled.count()
    done = enrolled.filter(intake_completed_at__isnull=False).count()
    return {"enrolled": total, "completed": done, "pending": total - done}


def pending_upload(programme: Programme, upload_id: int) -> EnrolmentUpload | None:
    """An unconfirmed upload of this programme (never another programme's)."""
    return programme.uploads.filter(pk=upload_id, confirmed_at__isnull=True).first()


# Meeting times -----------------------------------------------------------------------------------
def reference_monday(week_of: date) -> date:
    return week_of - timedelta(days=week_of.weekday())


def _clock(text: str) -> time | None:
    """``"HH:MM"`` as a time; ``"24:00"`` (midnight at the end of the day) as None."""
    hours, minutes = (int(part) for part in text.split(":"))
    return None if hours == 24 else time(hours, minutes)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def utc_windows(time_zone: str, availability: Sequence[dict], *, week_of: date) -> list[Interval]:
    """Availability as merged ``(start, end)`` minutes of the reference week in UTC.

    Windows crossing the week's end are split in two. An unknown or blank time zone is read as
    UTC.
    """
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    monday = reference_monday(week_of)
    origin = datetime.combine(monday, time(0), tzinfo=ZoneInfo("UTC"))
    intervals: list[Interval] = []
    for window in availability:
        day = monday + timedelta(days=int(window["day"]))
        start_clock, end_clock = _clock(window["start"]), _clock(window["end"])
        start = datetime.combine(day, start_clock or time(0), tzinfo=zone)
        end = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            if end_clock is None
            else datetime.combine(day, end_clock, tzinfo=zone)
        )
        first = int((start - origin).total_seconds() // 60) % MINUTES_PER_WEEK
        length = int((end - start).total_seconds() // 60)
        if first + length <= MINUTES_PER_WEEK:
            intervals.append((first, first + length))
        else:
            intervals += [(first, MINUTES_PER_WEEK), (0, first + length - MINUTES_PER_WEEK)]
    return _merge(intervals)


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
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


def _longest(intervals: list[Interval]) -> int:
    """Longest stretch, joining a stretch that runs past the week's end into its start."""
    if not intervals:
        return 0
    longest = max(end - start for start, end in intervals)
    first, last = intervals[0], intervals[-1]
    if len(intervals) > 1 and first[0] == 0 and last[1] == MINUTES_PER_WEEK:
        longest = max(longest, (first[1] - first[0]) + (last[1] - last[0]))
    return longest


def _week_of(participant: Participant, week_of: date | None) -> date:
    return week_of or participant.programme.start_date


def _windows(participant: Participant, week_of: date) -> list[Interval]:
    return utc_windows(participant.time_zone, participant.availability, week_of=week_of)


def meeting_window_overlap(a: Participant, b: Participant, *, week_of: date | None = None) -> int:
    """The longest stretch of the week, in minutes, when both people are available.

    Compare it with ``programme.session_minutes`` to decide whether they can meet.
    """
    week = _week_of(a, week_of)
    return _longest(_intersect(_windows(a, week), _windows(b, week)))


def common_window_minutes(
    participants: Sequence[Participant], *, week_of: date | None = None
) -> int:
    """The longest stretch of the week, in minutes, when *everyone* given is available."""
    if not participants:
        return 0
    week = _week_of(participants[0], week_of)
    common = _windows(participants[0], week)
    for participant in participants[1:]:
        common = _intersect(common, _windows(participant, week))
    return _longest(common)


def overlap_matrix(
    participants: Sequence[Participant], *, week_of: date | None = None
) -> list[list[int]]:
    """Pairwise :func:`meeting_window_overlap` of many people (diagonal: own longest window)."""
    if not participants:
        return []
    week = _week_of(participants[0], week_of)
    windows = [_windows(participant, week) for participant in participants]
    size = len(windows)
    matrix = [[0] * size for _ in range(size)]
    for i in range(size):
        matrix[i][i] = _longest(windows[i])
        for j in range(i + 1, size):
            matrix[i][j] = matrix[j][i] = _longest(_intersect(windows[i], windows[j]))
    return matrix


def time_zone_band(time_zone: str, *, week_of: date | None = None) -> str:
    """A coarse band of similar UTC offsets: ``americas`` (below UTC-2:30), ``emea`` (UTC-2:30 to
    below UTC+5) or ``apac`` (UTC+5 and above); ``""`` for a blank or unknown zone.

    India (UTC+5:30) is in ``apac``; Dubai (UTC+4) and Moscow (UTC+3) in ``emea``.
    """
    try:
        zone = ZoneInfo(time_zone)
    except (ValueError, KeyError):
        return ""
    monday = reference_monday(week_of or timezone.now().date())
    offset = datetime.combine(monday, time(12), tzinfo=ZoneInfo("UTC")).astimezone(zone)
    hours = offset.utcoffset().total_seconds() / 3600
    if hours < -2.5:
        return "americas"
    return "emea" if hours < 5 else "apac"


def composition_values(participant: Participant, *, week_of: date | None = None) -> dict:
    """A participant's values for the composition rules of their programme.

    The stored attributes, plus ``language`` (the first language they listed, or None) and
    ``time_zone_band``. Missing attributes are None.
    """
    programme = participant.programme
    values: dict[str, object] = {
        name: participant.attributes.get(name) or None for name in programme.asked_attributes
    }
    values["language"] = participant.languages[0] if participant.languages else None
    values["time_zone_band"] = (
        time_zone_band(participant.time_zone, week_of=_week_of(participant, week_of)) or None
    )
    return values
