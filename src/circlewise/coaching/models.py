"""What happens in and between sessions: the runner's shared clock, attendance, commitments, and
the powerful-questions library coaches draw on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circlewise.circles.models import Circle
from circlewise.meetings.models import Session
from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Programme

QUESTION_MAX = 300
WHAT_MAX = 300
HOW_MAX = 300
REFLECTION_MAX = 1000


class Category(models.TextChoices):
    GOAL = "goal", _("Goal")
    REALITY = "reality", _("Reality")
    OPTIONS = "options", _("Options")
    WILL = "will", _("Will (way forward)")
    CLARIFYING = "clarifying", _("Clarifying")
    REFLECTING = "reflecting", _("Reflecting")


class Question(models.Model):
    """A question for coaches. Built in (no organisation), a programme's, or a coach's own."""

    category = models.CharField(max_length=12, choices=Category.choices)
    text = models.CharField(max_length=QUESTION_MAX)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    # A coach's own question (no programme): shown in the circles they coach or host.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "pk"]

    def __str__(self) -> str:
        return self.text


class RunState(models.TextChoices):
    READY = "ready", _("Not started")
    RUNNING = "running", pgettext_lazy("status of a session", "Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class SessionRun(models.Model):
    """The live state of one session, the same for every device: the server's clock decides.

    The current phase has ``phase_seconds`` (its planned length plus any extensions); the time
    used so far is ``used_seconds`` plus, while running, the time since ``resumed_at``. Every
    change bumps ``version`` so that a click made on a stale screen changes nothing.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="run")
    timed = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.READY)
    # [minutes, ...] per phase of ``agenda.PHASES``, fixed when the run is created.
    plan = models.JSONField(default=list)
    phase = models.PositiveSmallIntegerField(default=0)
    phase_seconds = models.PositiveIntegerField(default=0)
    used_seconds = models.PositiveIntegerField(default=0)
    resumed_at = models.DateTimeField(null=True, blank=True)
    # The speaking order of rounds (first names of those present) and whose turn it is.
    speakers = models.JSONField(default=list)
    turn = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Run of {self.session}"

    def remaining_seconds(self, now: dt.datetime) -> int:
        used = self.used_seconds
        if self.state == RunState.RUNNING and self.resumed_at is not None:
            used += int((now - self.resumed_at).total_seconds())
        return self.phase_seconds - used  # negative: the phase has overrun


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "Present")
    APOLOGY = "apology", _("Absent with apology")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.status} at {self.session}"


class Outcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("status of a commitment", "Open")
    DONE = "done", pgettext_lazy("status of a commitment", "Done")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    LEARNED = "learned", _("Learned something")


class Commitment(models.Model):
    """The experiment a member commits to at the end of a session, until the next one.

    Seen by the circle and its coach only (never the organisation's admins).
    """

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="commitments")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="commitments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    what = models.CharField(max_length=WHAT_MAX)
    by_when = models.DateField()
    how_know = models.CharField(_("How I will know"), max_length=HOW_MAX)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    reflection = models.TextField(max_length=REFLECTION_MAX, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["circle", "outcome"])]

    def __str__(self) -> str:
        return self.what


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder 24 hours before a session")
    STARTING = "starting", _("The session is starting")
    NUDGE = "nudge", _("Midway nudge about a commitment")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")


class Notice(models.Model):
    """One email the scheduler owes one person. A row per (kind, person, session or commitment),
    claimed with a conditional UPDATE before sending, so that no run ever sends it twice."""

    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_because = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "session"],
                condition=models.Q(session__isnull=False),
                name="one_session_notice_per_person",
            ),
            models.UniqueConstraint(
                fields=["kind", "commitment"],
                condition=models.Q(commitment__isnull=False),
                name="one_nudge_per_commitment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user} ({self.status})"
