"""This app's part of "Your data": pulse and outcome-survey answers, and the requests for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.insights.models import OutcomeAnswer, OutcomeRequest, PulseAnswer, PulseRequest
from circlewise.insights.selectors import outcome_answers_of

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "pulse_answers": rows(
            PulseAnswer.objects.filter(user=user).order_by("session__starts_at"),
            "usefulness",
            "speak_up",
            "heard",
            "trust",
            "comment",
            "comment_shared",
            "answered_at",
            "changed_at",
            circle_name=F("circle__name"),
            session_starts_at=F("session__starts_at"),
        ),
        # When each survey was asked for; never the link's token (it opens the survey).
        "pulse_requests": rows(
            PulseRequest.objects.filter(user=user).order_by("created_at"),
            "created_at",
            "emailed_at",
            circle_name=F("session__circle__name"),
            session_starts_at=F("session__starts_at"),
        ),
        "outcome_answers": outcome_answers_of(user=user),
        "outcome_requests": rows(
            OutcomeRequest.objects.filter(user=user).order_by("created_at"),
            "wave",
            "created_at",
            "emailed_at",
            "reminded_at",
            programme_name=F("programme__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Scores stay, linked to the tombstone only, so every pulse figure and its respondent count
    stay as they were; comments go. Unanswered requests go; an answered one (its answer hangs on
    it) gets a new token, so the emailed link no longer opens that answer."""
    PulseAnswer.objects.filter(user=user).update(comment="", comment_shared=False)
    # Outcome answers count without their person (see OutcomeAnswer): they lose their owner,
    # their request and what the person wrote; their scores stay in the figures.
    OutcomeAnswer.objects.filter(user=user).update(user=None, request=None, changed="")
    OutcomeRequest.objects.filter(user=user).delete()
    PulseRequest.objects.filter(user=user, answer__isnull=True).delete()
    for request in PulseRequest.objects.filter(user=user):
        request.token = PulseRequest._meta.get_field("token").get_default()
        request.save(update_fields=["token"])


SECTION = Section(
    key="insights",
    covers=(
        "insights.PulseRequest.user",
        "insights.PulseAnswer.user",
        "insights.OutcomeRequest.user",
        "insights.OutcomeAnswer.user",
    ),
    export=export,
    erase=erase,
)
