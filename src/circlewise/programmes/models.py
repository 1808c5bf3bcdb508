"""Programmes: a cohort of participants formed into circles under composition rules."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from circlewise.organisations.models import Organisation


def _signup_token() -> str:
    return secrets.token_urlsafe(16)


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Format(models.TextChoices):
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class OverlapRule(models.TextChoices):
    HARD = "hard", "Required: members' working hours must overlap by the session length"
    PREFER = "prefer", "Preferred: keep members in nearby time zones where possible"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    PUBLISHED = "published", "Circles published"
    CLOSED = "closed", "Closed"


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=120)
    goal = models.TextField(help_text="What the programme is for, in a sentence or two.")
    start_date = models.DateField()
    duration_months = models.PositiveSmallIntegerField(default=12)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    session_minutes = models.PositiveSmallIntegerField(default=90)
    min_size = models.PositiveSmallIntegerField(default=5)
    max_size = models.PositiveSmallIntegerField(default=6)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    with_coach = models.BooleanField("Circles get a coach", default=False)
    # Composition rules, by participant attribute name (see Participant.attributes).
    diversify = models.JSONField(default=list, blank=True)
    same = models.JSONField(default=list, blank=True)
    optional_attributes = models.JSONField(
        default=list, blank=True, help_text="Attributes participants may leave blank (consent)."
    )
    separate_reporting_line = models.BooleanField(default=True)
    separation_depth = models.PositiveSmallIntegerField(default=1)
    overlap_rule = models.CharField(
        max_length=10, choices=OverlapRule.choices, default=OverlapRule.PREFER
    )
    avoid_previous_circles = models.BooleanField(
        "Avoid putting together people who shared a circle before", default=True
    )
    signup_token = models.CharField(max_length=32, unique=True, default=_signup_token)
    signup_open = models.BooleanField(default=True)
    status = models.CharField(
        max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    LEFT = "left", "Left"


class Source(models.TextChoices):
    CSV = "csv", "CSV upload"
    LINK = "link", "Sign-up link"
    MANUAL = "manual", "Added by an admin"
    API = "api", "API"


class Participant(models.Model):
    """A person enrolled in a programme. They may not have a login yet (CSV or API invite)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    manager_email = models.EmailField(blank=True)
    # Profile attributes for composition: {"department": "Sales", "level": "Manager", ...}.
    attributes = models.JSONField(default=dict, blank=True)
    consented_attributes = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # Weekly availability in the participant's own time zone: [{"day": 0..6, "start": "09:00",
    # "end": "17:00"}, ...]; day 0 is Monday.
    availability = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "email"], name="one_enrolment_per_email")
        ]

    def __str__(self) -> str:
        return self.name or self.email
