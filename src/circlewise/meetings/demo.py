"""Demo schedules: every active demo circle without one gets a monthly series, as if its coach
(or host) had chosen it. Idempotent: circles that have a schedule are left alone.

A full slot search takes about half a second per circle; loading the demo must stay quick, so
each circle's choice is the best of a few typical monthly slots, judged for every member by
:func:`circlewise.scheduling.evaluate_slot` (the same judgement the schedule page shows).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from circlewise import scheduling
from circlewise.circles.models import Circle, CircleStatus
from circlewise.circles.selectors import active_members
from circlewise.meetings import selectors, services
from circlewise.meetings.models import MeetingFormat, SeriesStatus

__all__ = ["schedule_demo_circles"]

# (week of the month, weekday, local start in minutes): 2nd Tuesday 16:00, 1st Thursday 10:00, …
CANDIDATES = [(2, 1, 16 * 60), (1, 3, 10 * 60), (3, 2, 14 * 60), (2, 0, 11 * 60), (-1, 4, 9 * 60)]


def _anchor_zone(circle: Circle, zones: list[str]) -> str:
    return circle.time_zone or Counter(zones).most_common(1)[0][0]


def _best(circle: Circle, *, minutes: int, starts_on: dt.date) -> scheduling.Recurrence | None:
    members = [
        selectors.scheduling_member(member=member) for member in active_members(circle=circle)
    ]
    if not members:
        return None
    zone_name = _anchor_zone(circle, [member.time_zone for member in members])
    judged = [
        scheduling.evaluate_slot(
            scheduling.Recurrence.monthly(
                week=week,
                weekday=weekday,
                start=start,
                minutes=minutes,
                time_zone=zone_name,
                starts_on=starts_on,
            ),
            members,
            sessions=3,
        )
        for week, weekday, start in CANDIDATES
    ]
    return min(judged, key=lambda p: (-p.attendance, p.outside_minutes)).recurrence


@transaction.atomic
def schedule_demo_circles(*, organisation_slug: str) -> int:
    """Give each active circle of the organisation without a schedule one; return how many."""
    circles = Circle.objects.filter(
        organisation__slug=organisation_slug, status=CircleStatus.ACTIVE
    ).exclude(session_series__status=SeriesStatus.ACTIVE)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    scheduled = 0
    for circle in circles.select_related("programme", "coach", "host", "organisation"):
        programme = circle.programme
        by = circle.coach or circle.host or (programme.created_by if programme else None)
        minutes = programme.session_minutes if programme else 90
        starts_on = max(programme.start_date, tomorrow) if programme else tomorrow
        rule = _best(circle, minutes=minutes, starts_on=starts_on)
        if by is None or rule is None:
            continue
        schedule = services.Schedule(
            frequency="monthly",
            weekday=rule.weekday,
            week_of_month=rule.week,
            start_time=dt.time(rule.start // 60, rule.start % 60),
            time_zone=rule.time_zone,
            starts_on=starts_on,
            count=programme.duration_months if programme else 12,
            duration_minutes=minutes,
            format=MeetingFormat.VIDEO,
            video_url=f"https://meet.{circle.organisation.slug}.example/{slugify(circle.name)}",
        )
        services.series_set(circle=circle, by=by, schedule=schedule, notify=False)
        scheduled += 1
    return scheduled
