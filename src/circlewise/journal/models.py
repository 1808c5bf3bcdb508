"""A member's private journal: notes and reflections that only the member can ever read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from circlewise.circles.models import Circle
from circlewise.organisations.models import Organisation

TITLE_MAX = 120
BODY_MAX = 10_000


class JournalEntry(models.Model):
    """One note. ``circle`` is only the context it was written in (the runner, a circle home):
    being in that circle gives nobody else access."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="journal_entries"
    )
    circle = models.ForeignKey(
        Circle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    body = models.TextField(max_length=BODY_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "organisation", "-created_at"])]

    def __str__(self) -> str:
        return self.title or f"Note of {self.created_at:%d %b %Y}"
