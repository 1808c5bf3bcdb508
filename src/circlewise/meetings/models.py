"""A circle's sessions: the recurring schedule (series), each session as a row, absences, feeds.

Times are stored in UTC (``DateTimeField``); the series keeps the named time zone its rule is
written in, so "16:00 Europe/London" stays 16:00 in London across daylight-saving changes, and
every page converts to the viewer's own zone.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circlewise import scheduling
from circlewise.circles.models import Circle


def _series_uid() -> str:
    # The iCalendar UID: globally unique and never changed, so calendars update the same event.
    return f"{uuid.uuid4()}@circlewise"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class MeetingFormat(models.TextChoices):
    VIDEO = "video", _("Video call")
    PLACE = "place", _("In person")


class SeriesStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SessionSeries(models.Model):
    """A circle's recurring schedule, and the calendar invitation that carries it.

    The rule: ``frequency`` on ``weekday`` (0 = Monday) at ``start_time`` in ``time_zone``, from
    ``starts_on`` for ``count`` sessions; monthly series meet on the ``week_of_month``-th weekday
    (1..4, or -1 for the last). ``uid`` never changes; ``sequence`` grows with every change to
    the series or one of its sessions (RFC 5545 §3.8.7.4), so calendars replace what they hold.
    """

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="session_series")
    uid = models.CharField(max_length=120, unique=True, default=_series_uid)
    sequence = models.PositiveIntegerField(default=0)
    # The last sequence whose invitation was emailed: the task sends each change once.
    notified_sequence = models.IntegerField(default=-1)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField()
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    starts_on = models.DateField()
    count = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=10, choices=MeetingFormat.choices)
    video_url = models.URLField(max_length=500, blank=True)
    place = models.CharField(max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=SeriesStatus.choices, default=SeriesStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("session series")
        constraints = [
            models.UniqueConstraint(
                fields=["circle"],
                condition=models.Q(status="active"),
                name="one_active_series_per_circle",
            )
        ]

    def __str__(self) -> str:
        return f"Sessions of {self.circle}"

    @property
    def is_active(self) -> bool:
        return self.status == SeriesStatus.ACTIVE

    def recurrence(self) -> scheduling.Recurrence:
        """The rule as the scheduling package reads it (expansion, RRULE, description)."""
        return scheduling.Recurrence.for_cadence(
            self.frequency,  # type: ignore[arg-type]
            weekday=self.weekday,
            start=self.start_time.hour * 60 + self.start_time.minute,
            minutes=self.duration_minutes,
            time_zone=self.time_zone,
            starts_on=self.starts_on,
            week=self.week_of_month or 1,
        )

    def describe(self) -> str:
        """Like "2nd Tuesday of each month, 16:00-17:30 Europe/London"."""
        return self.recurrence().describe()


class Session(models.Model):
    """One meeting of a circle. A row of its own so it can be moved, cancelled, attended.

    ``original_start`` is where the series rule put it (its iCalendar RECURRENCE-ID) and never
    changes; ``starts_at`` is when it really happens. ``number`` counts from 1 within the series.
    """

    series = models.ForeignKey(SessionSeries, on_delete=models.CASCADE, related_name="sessions")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=MeetingFormat.choices)
    video_url = models.URLField(max_length=500, blank=True)
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    changed_at = models.DateTimeField(null=True, blank=True)  # moved or cancelled on its own
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="one_session_per_occurrence"
            ),
            models.UniqueConstraint(fields=["series", "number"], name="one_session_per_number"),
        ]
        indexes = [models.Index(fields=["circle", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.circle} #{self.number}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.original_start

    @property
    def is_exception(self) -> bool:
        """Differs from its series: calendars get an instance of its own (RECURRENCE-ID)."""
        return self.changed_at is not None


class SessionAbsence(models.Model):
    """A member said in advance that they cannot make one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="absences")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_absences"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_absence_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} cannot make {self.session}"


class CalendarFeed(models.Model):
    """A user's private calendar feed: the secret token in its URL is the only credential."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
