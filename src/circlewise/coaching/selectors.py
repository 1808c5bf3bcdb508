"""Reads for sessions and commitments: the questions to show, the check-in list, progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from circlewise.circles.selectors import circle_rotation
from circlewise.coaching.agenda import PHASES, split_minutes
from circlewise.coaching.models import (
    Attendance,
    Category,
    Commitment,
    Outcome,
    Question,
    SessionRun,
)

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.circles.models import Circle
    from circlewise.meetings.models import Session
    from circlewise.organisations.models import Organisation

__all__ = [
    "apologised_user_ids",
    "attendance_of",
    "checkin_commitments",
    "circle_commitments",
    "questions_for_circle",
    "questions_library",
    "session_coachees",
    "session_plan",
]


def questions_for_circle(*, circle: Circle, categories: tuple[str, ...]) -> QuerySet[Question]:
    """Built-in questions, the circle's programme's, and its coach's and host's own."""
    leaders = [user_id for user_id in (circle.coach_id, circle.host_id) if user_id]
    mine = Q(organisation__isnull=True)
    if circle.programme_id:
        mine |= Q(programme_id=circle.programme_id)
    if leaders:
        mine |= Q(organisation_id=circle.organisation_id, programme__isnull=True,
                  added_by_id__in=leaders)  # fmt: skip
    return Question.objects.filter(mine, category__in=categories)


def checkin_commitments(*, session: Session, run: SessionRun) -> QuerySet[Commitment]:
    """Commitments made at the circle's earlier sessions that are still open, and those marked
    during this session (so the check-in shows its results as people speak)."""
    earlier = Commitment.objects.filter(
        circle_id=session.circle_id, session__starts_at__lt=session.starts_at
    )
    reviewed_now = Q(reviewed_at__gte=run.started_at) if run.started_at else Q(pk__in=[])
    return (
        earlier.filter(Q(outcome=Outcome.OPEN) | reviewed_now)
        .select_related("user", "session")
        .order_by("user__name", "created_at")
    )


def circle_commitments(*, circle: Circle) -> QuerySet[Commitment]:
    """Every commitment of the circle, newest session first."""
    return (
        Commitment.objects.filter(circle=circle)
        .select_related("user", "session")
        .order_by("-session__starts_at", "user__name", "pk")
    )


def attendance_of(*, session: Session) -> dict[int, str]:
    return dict(Attendance.objects.filter(session=session).values_list("user_id", "status"))


def questions_library(
    *, organisation: Organisation, user: User
) -> list[tuple[str, list[Question]]]:
    """The library by phase: built-in, the organisation's programmes', and the user's own."""
    rows = Question.objects.filter(
        Q(organisation__isnull=True)
        | Q(organisation=organisation, programme__isnull=False)
        | Q(organisation=organisation, added_by=user)
    ).select_related("programme")
    by_category: dict[str, list[Question]] = {value: [] for value in Category.values}
    for question in rows:
        by_category[question.category].append(question)
    return [(str(label), by_category[value]) for value, label in Category.choices]


def apologised_user_ids(*, session: Session) -> set[int]:
    """Who said on the schedule, in advance, that they cannot make the session."""
    return set(session.absences.values_list("user_id", flat=True))


def session_coachees(*, session: Session) -> list[str]:
    """Who is coachee at ``session`` by the circle's rotation (one or two names), seen from the
    session's start so that a session under way or already held keeps its coachees."""
    return circle_rotation(circle=session.circle, now=session.starts_at).coachees(session.pk)


def session_plan(*, session: Session) -> list[int]:
    """Minutes per agenda phase for the session's length."""
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return split_minutes(max(len(PHASES), minutes))
