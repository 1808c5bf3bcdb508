"""Organisations, their members and roles, and email invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circlewise.core.validators import validate_one_line

INVITATION_LIFETIME = timedelta(days=14)


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")  # runs programmes, manages members
    COACH = "coach", _("Coach")  # facilitates circles
    MEMBER = "member", _("Member")


# The choices as words inside a sentence: strings of their own, because lower-casing a label
# would break languages that capitalise nouns.
ROLE_IN_SENTENCE = {
    Role.ADMIN: pgettext_lazy("in a sentence: you are … here", "an admin"),
    Role.COACH: pgettext_lazy("in a sentence: you are … here", "a coach"),
    Role.MEMBER: pgettext_lazy("in a sentence: you are … here", "a member"),
}


class Organisation(models.Model):
    name = models.CharField(max_length=120, validators=[validate_one_line])
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in an organisation, with the HR profile used to compose circles."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    job_title = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=80, blank=True)
    level = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=80, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def role_in_sentence(self) -> str:
        return str(ROLE_IN_SENTENCE[Role(self.role)])


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def role_in_sentence(self) -> str:
        return str(ROLE_IN_SENTENCE[Role(self.role)])

    @property
    def expires_at(self):
        return self.created_at + INVITATION_LIFETIME

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Activity(models.Model):
    """One entry of an organisation's audit log: who did what, and how many emails it sent.

    Services that act on someone's behalf (they take ``by``) write one entry; admins read them on
    the organisation's Activity page. ``recipients`` also counts the organisation's outgoing mail
    against its hourly sending limit (see ``policy.mail_allowance``).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="activities"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.action}: {self.summary}"
