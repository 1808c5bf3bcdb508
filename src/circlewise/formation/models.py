"""Formation runs: one run of the engine for a programme and the proposal it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circlewise.programmes.models import Programme


class FormationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("status of forming circles", "Running")
    PROPOSED = "proposed", _("Proposal ready")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")


class FormationKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal for the whole programme")
    QUEUE = "queue", _("New circles from the people waiting")


class FormationStage(models.TextChoices):
    WAITING = "waiting", _("Waiting for a worker")
    PREPARING = "preparing", _("Preparing the participants")
    SEARCHING = "searching", _("Searching for the most diverse circles")
    DONE = "done", pgettext_lazy("stage of forming circles", "Done")


class FormationRun(models.Model):
    """One run of the circle-formation engine for a programme, and what it produced.

    A *proposal* run stores a proposal, edited in place (moves and swaps) until it is published;
    a *queue* run (after launch) creates circles from the people waiting for one directly.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="formation_runs"
    )
    kind = models.CharField(
        max_length=10, choices=FormationKind.choices, default=FormationKind.PROPOSAL
    )
    status = models.CharField(
        max_length=10, choices=FormationStatus.choices, default=FormationStatus.QUEUED
    )
    stage = models.CharField(
        max_length=10, choices=FormationStage.choices, default=FormationStage.WAITING
    )
    progress = models.FloatField(default=0.0)  # 0..1
    # How many times a worker took this run; a run whose worker died is retried once.
    attempts = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    seed = models.IntegerField(default=0)
    time_limit = models.FloatField(default=10.0)
    # [[participant_id, ...], ...]: one list per proposed circle.
    proposal = models.JSONField(default=list, blank=True)
    # {participant_id: circle_key}: people the admin placed by hand; kept on re-runs.
    pins = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The proposal's scores, stored when the run finishes and after each edit so the proposal
    # page does not score the whole proposal per view (see formation/summary.py); each circle's
    # own figures are rows of ProposedCircleSummary.
    summary = models.JSONField(default=dict, blank=True)
    objective = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the run was (re)queued and when a worker took it: the clocks for "stalled".
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Formation of {self.programme} ({self.status})"


class ProposedCircleSummary(models.Model):
    """One proposed circle's stored figures (members in order, diversity, mix): the proposal
    page reads the dozen it shows, whatever the number of circles."""

    run = models.ForeignKey(FormationRun, on_delete=models.CASCADE, related_name="circle_rows")
    index = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="one_summary_per_circle")
        ]

    def __str__(self) -> str:
        return f"Circle {self.index + 1} of {self.run}"
