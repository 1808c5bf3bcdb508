"""This app's part of "Your data": "can't make it" notes, the calendar feed, series organised.
(The sessions themselves are in the .ics download: see ``accounts.views.your_data_ics``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.meetings.models import CalendarFeed, SessionAbsence, SessionSeries

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "cant_make_it": rows(
            SessionAbsence.objects.filter(user=user).order_by("session__starts_at"),
            "note",
            "created_at",
            circle_name=F("session__circle__name"),
            session_starts_at=F("session__starts_at"),
        ),
        # Whether a private feed address exists, never the address (its token is the key).
        "calendar_feed": {"exists": feed is not None, "created_at": feed and feed.created_at},
        "session_series_organised": rows(
            SessionSeries.objects.filter(organiser=user).order_by("created_at"),
            "created_at",
            circle_name=F("circle__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """The feed goes; a "can't make it" keeps only the fact (the coachee rotation of the circle's
    past sessions was planned with it), not the note."""
    CalendarFeed.objects.filter(user=user).delete()
    SessionAbsence.objects.filter(user=user).update(note="")
    SessionSeries.objects.filter(organiser=user).update(organiser=None)


SECTION = Section(
    key="meetings",
    covers=(
        "meetings.SessionAbsence.user",
        "meetings.CalendarFeed.user",
        "meetings.SessionSeries.organiser",
    ),
    export=export,
    erase=erase,
)
