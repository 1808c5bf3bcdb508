"""Circles, their members and join requests (programme circles and self-organised ones)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circlewise.core.languages import language_name
from circlewise.core.validators import validate_one_line
from circlewise.organisations.models import Organisation
from circlewise.programmes.models import FORMAT_IN_SENTENCE, Format, Participant, Programme

# An invitation link of a self-organised circle works this long after it was made or reset.
INVITE_LINK_LIFETIME = timedelta(days=30)


def _invite_token() -> str:
    return secrets.token_urlsafe(16)


def _invite_expiry() -> datetime:
    return timezone.now() + INVITE_LINK_LIFETIME


class CircleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Circle(models.Model):
    """A peer coaching circle: formed by a programme, or started by a member (self-organised)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="circles")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=120, validators=[validate_one_line])
    topic = models.CharField(max_length=200, blank=True)
    # An ISO 639 code ("en"); pages show its name (circlewise.core.languages).
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
        _("Listed: colleagues can find this circle and ask to join"), default=False
    )
    invite_token = models.CharField(max_length=32, unique=True, default=_invite_token)
    invite_expires_at = models.DateTimeField(default=_invite_expiry)
    status = models.CharField(
        max_length=10, choices=CircleStatus.choices, default=CircleStatus.ACTIVE
    )
    coachees_per_session = models.PositiveSmallIntegerField(
        _("Coachees per session"), choices=[(1, "One"), (2, "Two")], default=1
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_announced_at = models.DateTimeField(null=True, blank=True)
    # The weekly window every member of a programme circle can meet in, when the programme
    # requires one (shown in the welcome email).
    meeting_window = models.CharField(max_length=60, blank=True)
    # For a programme circle below the minimum size: circles it could join whole. Computed by
    # formation when the circle's members change, so pages only read it.
    merge_targets = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        indexes = [
            # A programme's circles are listed 50 at a time by name: read in that order from
            # here, a page is found without sorting all of them (2,000 at 10,000 people).
            models.Index(fields=["programme", "status", "name", "id"], name="circle_listing"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def format_in_sentence(self) -> str:
        return str(FORMAT_IN_SENTENCE[Format(self.format)])

    @property
    def language_name(self) -> str:
        """The language the circle meets in, named in the page's language ("" for any)."""
        return language_name(self.language)

    @property
    def invite_link_is_live(self) -> bool:
        return timezone.now() < self.invite_expires_at


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
    # When the welcome email to this seat was handed to the mailer: sent once, even if the task
    # that sends it runs twice.
    welcomed_at = models.DateTimeField(null=True, blank=True)

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
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


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
