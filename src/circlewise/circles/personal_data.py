"""This app's part of "Your data": circle memberships, hosting and coaching, join requests and
coachee turns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.circles.models import Circle, CircleMember, CircleStatus, JoinRequest
from circlewise.circles.selectors import circle_rotation

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def _turns(user: User) -> list[dict[str, Any]]:
    """The person's coming coachee turns in the circles they are in now."""
    turns = []
    seats = CircleMember.objects.filter(
        user=user, left_at__isnull=True, circle__status=CircleStatus.ACTIVE
    ).select_related("circle")
    for seat in seats:
        for turn in circle_rotation(circle=seat.circle).upcoming:
            if seat.pk in turn.seats:
                turns.append({"circle": seat.circle.name, "day": turn.day})
    return turns


def export(*, user: User) -> dict[str, Any]:
    return {
        "circle_memberships": rows(
            CircleMember.objects.filter(user=user).order_by("joined_at"),
            "email",
            "joined_at",
            "left_at",
            circle_name=F("circle__name"),
            organisation_name=F("circle__organisation__name"),
            programme_name=F("circle__programme__name"),
        ),
        "circles_hosted": rows(Circle.objects.filter(host=user).order_by("name"), "name"),
        "circles_coached": rows(Circle.objects.filter(coach=user).order_by("name"), "name"),
        "join_requests": rows(
            JoinRequest.objects.filter(user=user).order_by("created_at"),
            "message",
            "status",
            "created_at",
            "decided_at",
            circle_name=F("circle__name"),
        ),
        "join_requests_decided": rows(
            JoinRequest.objects.filter(decided_by=user).order_by("decided_at"),
            "status",
            "decided_at",
            circle_name=F("circle__name"),
        ),
        "coachee_turns": _turns(user),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Seats stay, as "a former member" (so the circle's history, attendance and rotation read
    as before); a seat in an active circle ends as when someone leaves, so the person gets no
    turn or reminder and the remaining members are told. Coaching ends; closed circles lose
    their former host (an active circle's host must hand over first: see accounts.services)."""
    from circlewise.circles.services import circle_member_remove

    CircleMember.objects.filter(user=user).update(email=user.email)
    for seat in CircleMember.objects.filter(
        user=user, left_at__isnull=True, circle__status=CircleStatus.ACTIVE
    ):
        circle_member_remove(member=seat, by=user)
    Circle.objects.filter(coach=user).update(coach=None)
    Circle.objects.filter(host=user).update(host=None)
    JoinRequest.objects.filter(user=user).delete()
    JoinRequest.objects.filter(decided_by=user).update(decided_by=None)


SECTION = Section(
    key="circles",
    covers=(
        "circles.CircleMember.user",
        "circles.Circle.host",
        "circles.Circle.coach",
        "circles.JoinRequest.user",
        "circles.JoinRequest.decided_by",
    ),
    export=export,
    erase=erase,
)
