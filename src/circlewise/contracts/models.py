"""A circle's contract: its agreements, goal and duration, in versions each member accepts.

Every change makes a new version; acceptances belong to a version, so a change needs everyone's
acceptance again and the history of who accepted what, and when, is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from circlewise.circles.models import Circle, CircleMember
from circlewise.programmes.models import Programme


class ContractTemplate(models.Model):
    """The agreements a programme's circles start from (instead of the default ones)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="contract_template"
    )
    agreements = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Contract template of {self.programme}"


class ContractVersion(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="contract_versions")
    number = models.PositiveIntegerField()
    agreements = models.JSONField(default=list)
    goal = models.TextField(blank=True)
    duration = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "number"], name="one_contract_number")
        ]

    def __str__(self) -> str:
        return f"Contract v{self.number} of {self.circle}"


class ContractAcceptance(models.Model):
    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="acceptances"
    )
    member = models.ForeignKey(
        CircleMember, on_delete=models.CASCADE, related_name="contract_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="one_acceptance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} accepted {self.version}"
