"""This app's part of "Your data": attendance, commitments with their check-ins, questions
added to the library and the reminders the scheduler owed or sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.coaching.models import Attendance, Commitment, Notice, Question

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "attendance": rows(
            Attendance.objects.filter(user=user).order_by("session__starts_at"),
            "status",
            "recorded_at",
            circle_name=F("session__circle__name"),
            session_starts_at=F("session__starts_at"),
        ),
        "commitments": rows(
            Commitment.objects.filter(user=user).order_by("created_at"),
            "what",
            "by_when",
            "how_know",
            "outcome",
            "reflection",
            "reviewed_at",
            "created_at",
            circle_name=F("circle__name"),
            session_starts_at=F("session__starts_at"),
        ),
        "questions_added": rows(
            Question.objects.filter(added_by=user).order_by("created_at"),
            "category",
            "text",
            "created_at",
        ),
        "reminders": rows(
            Notice.objects.filter(user=user).order_by("due_at"),
            "kind",
            "due_at",
            "status",
            "sent_at",
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Commitments (with their check-ins and nudges) and owed reminders go. Attendance stays,
    linked to the tombstone only, so attendance figures stay as they were; questions added to a
    library stay in it without their author."""
    Commitment.objects.filter(user=user).delete()
    Notice.objects.filter(user=user).delete()
    Question.objects.filter(added_by=user).update(added_by=None)


SECTION = Section(
    key="coaching",
    covers=(
        "coaching.Attendance.user",
        "coaching.Commitment.user",
        "coaching.Notice.user",
        "coaching.Question.added_by",
    ),
    export=export,
    erase=erase,
)
