"""Circles, their members, formation runs (proposals) and join requests."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Format, Participant, Programme


def _invite_token() -> str:
    return secrets.token_urlsafe(16)


class FormationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PROPOSED = "proposed", "Proposal ready"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"


class FormationRun(models.Model):
    """One run of the circle-formation engine for a programme, and the proposal it produced.

    The proposal is edited in place (moves and swaps) until it is published.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="formation_runs"
    )
    status = models.CharField(
        max_length=10, choices=FormationStatus.choices, default=FormationStatus.QUEUED
    )
    progress = models.FloatField(default=0.0)  # 0..1
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    seed = models.IntegerField(default=0)
    time_limit = models.FloatField(default=10.0)
    # [[participant_id, ...], ...]: one list per proposed circle.
    proposal = models.JSONField(default=list, blank=True)
    # {participant_id: circle_key}: people the admin placed by hand; kept on re-runs.
    pins = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    objective = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Formation of {self.programme} ({self.status})"


class CircleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Circle(models.Model):
    """A peer coaching circle: formed by a programme, or started by a member (self-organised)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="circles")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=120)
    topic = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.VIDEO)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_circles",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_circles",
    )
    max_size = models.PositiveSmallIntegerField(default=6)
    is_listed = models.BooleanField(
        "Listed: colleagues can find this circle and ask to join", default=False
    )
    invite_token = models.CharField(max_length=32, unique=True, default=_invite_token)
    status = models.CharField(
        max_length=10, choices=CircleStatus.choices, default=CircleStatus.ACTIVE
    )
    coachees_per_session = models.PositiveSmallIntegerField(
        "Coachees per session", choices=[(1, "One"), (2, "Two")], default=1
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CircleMember(models.Model):
    """Someone in a circle. Programme circles link the participant; all link the user if any."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="circle_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="circle_memberships",
    )
    email = models.EmailField()  # who this is, even before they have a login
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "email"],
                condition=models.Q(left_at__isnull=True),
                name="one_active_seat_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} in {self.circle}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.circle} ({self.status})"
