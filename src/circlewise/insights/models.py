"""Pulse surveys after sessions: who is asked (a request with the link's token) and the answers.

An answer belongs to its author alone. Programme figures are computed from answers only through
:mod:`circlewise.insights.privacy`; the comment is read by the circle's coach (or, in a circle
without a coach, by the circle if its author shares it), never by an admin.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from circlewise.circles.models import Circle
from circlewise.meetings.models import Session

COMMENT_MAX = 1000


def _token() -> str:
    return secrets.token_urlsafe(24)


def _score(label: str) -> models.PositiveSmallIntegerField:
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
    usefulness = _score("How useful was the session?")
    speak_up = _score("I could speak up without fear of judgement")
    heard = _score("I felt heard")
    trust = _score("I trust this circle with what I share")
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
