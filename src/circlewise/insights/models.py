"""Pulse surveys after sessions and outcome surveys of a programme: who is asked (a request with
the link's token) and the answers.

An answer belongs to its author alone. Programme figures are computed from answers only through
:mod:`circlewise.insights.privacy`; the comment is read by the circle's coach (or, in a circle
without a coach, by the circle if its author shares it), never by an admin.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circlewise.circles.models import Circle
from circlewise.meetings.models import Session
from circlewise.programmes.models import Programme

if TYPE_CHECKING:  # the stubs' name for a str or a lazy translation; not needed at run time
    from django_stubs_ext import StrOrPromise

COMMENT_MAX = 1000


def _token() -> str:
    return secrets.token_urlsafe(24)


def _score(label: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class PulseRequest(models.Model):
    """A pulse owed by one attendee of one session. The token in the emailed link opens that
    one survey (for that one person) directly; ``emailed_at`` makes the email go out once."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="pulse_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_pulse_request_per_person")
        ]

    def __str__(self) -> str:
        return f"Pulse of {self.user} for {self.session}"


class PulseAnswer(models.Model):
    """One person's answer about one session: usefulness and three psychological-safety items."""

    request = models.OneToOneField(PulseRequest, on_delete=models.CASCADE, related_name="answer")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="pulse_answers")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="pulse_answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    usefulness = _score(_("How useful was the session?"))
    speak_up = _score(_("I could speak up without fear of judgement"))
    heard = _score(_("I felt heard"))
    trust = _score(_("I trust this circle with what I share"))
    comment = models.TextField(max_length=COMMENT_MAX, blank=True)
    # In a circle without a coach the comment is nobody's to read unless its author shares it.
    comment_shared = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_pulse_answer_per_person")
        ]
        indexes = [models.Index(fields=["circle", "session"])]

    def __str__(self) -> str:
        return f"Pulse answer {self.pk}"

    @property
    def safety(self) -> float:
        return (self.speak_up + self.heard + self.trust) / 3


# Outcome surveys ---------------------------------------------------------------------------------

CHANGED_MAX = 2000


class OutcomeWave(models.TextChoices):
    START = "start", _("Start")
    MID = "mid", _("Midpoint")
    END = "end", _("End")


# Each wave's survey by name: whole phrases, as languages word them differently ("Start survey").
SURVEY_NAMES = {
    OutcomeWave.START: _("Start survey"),
    OutcomeWave.MID: _("Midpoint survey"),
    OutcomeWave.END: _("End survey"),
}


class OutcomeRequest(models.Model):
    """An outcome survey owed by one participant for one wave of a programme. The token in the
    emailed link opens it directly; ``emailed_at`` and ``reminded_at`` are claimed (set by a
    conditional UPDATE) before each email goes out, so each is sent at most once."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="outcome_requests"
    )
    wave = models.CharField(max_length=5, choices=OutcomeWave.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "wave", "user"], name="one_outcome_request_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Outcome survey ({self.wave}) of {self.user} in {self.programme}"

    @property
    def survey_name(self) -> str:
        return str(SURVEY_NAMES[OutcomeWave(self.wave)])


class OutcomeAnswer(models.Model):
    """One participant's answer to one wave: progress on their own goals, four standard items
    and, at the end, whether they would recommend the programme and what changed for them.

    ``user`` is the owner (who may read and change it, and whose data export holds it). The
    figures never depend on it: each answer is one person of its wave (one answer per person per
    wave), and the groups it counts in (circle, department, level) are recorded with it. So when
    an account is deleted the answer can lose its owner (``user`` and ``request`` become NULL,
    ``changed`` is erased as personal content) and every aggregate stays the same.
    """

    request = models.OneToOneField(
        OutcomeRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="answer"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="outcome_answers"
    )
    wave = models.CharField(max_length=5, choices=OutcomeWave.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="outcome_answers",
    )  # fmt: skip
    # Where the answer counts, as it was when it was first given (see the class docstring).
    circle = models.ForeignKey(
        Circle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.CharField(max_length=150, blank=True)
    level = models.CharField(max_length=150, blank=True)
    goal_progress = _score(_("Progress towards your own goals"))
    confidence = _score(_("I feel confident as a leader"))
    not_alone = _score(_("I feel I am not alone with the challenges of my role"))
    support = _score(_("I have a network of people I can turn to for support"))
    skills = _score(_("I have practised new skills in my work"))
    # Only asked at the end: yes/no (see services.outcome_answer for why not 0-10).
    recommend = models.BooleanField(null=True, blank=True)
    # Only asked at the end, and read by its author alone (see services.outcome_answer).
    changed = models.TextField(max_length=CHANGED_MAX, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "wave", "user"], condition=models.Q(user__isnull=False),
                name="one_outcome_answer_per_person",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["programme", "wave"])]

    def __str__(self) -> str:
        return f"Outcome answer {self.pk}"
