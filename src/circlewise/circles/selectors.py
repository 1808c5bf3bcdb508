"""Reads: which circles someone is in, which they may find; a programme's circles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    JoinRequest,
    JoinRequestStatus,
)
from circlewise.core.languages import language_codes_matching

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation
    from circlewise.programmes.models import Programme

__all__ = [
    "active_members",
    "circles_for_programme",
    "circles_for_user",
    "listed_circles",
    "pending_requests",
]


def active_members(*, circle: Circle) -> QuerySet[CircleMember]:
    return circle.members.filter(left_at__isnull=True).select_related("user", "participant")


def _with_active_members(circles: QuerySet[Circle]) -> QuerySet[Circle]:
    members = CircleMember.objects.filter(left_at__isnull=True).select_related(
        "user", "participant"
    )
    return circles.annotate(
        size=Count("members", filter=Q(members__left_at__isnull=True))
    ).prefetch_related(Prefetch("members", queryset=members, to_attr="active"))


def circles_for_user(*, user: User, organisation: Organisation) -> QuerySet[Circle]:
    """Active circles in the organisation that the user is in, hosts or coaches."""
    mine = Q(members__user=user, members__left_at__isnull=True) | Q(host=user) | Q(coach=user)
    ids = Circle.objects.filter(mine, organisation=organisation).values("pk")
    return _with_active_members(
        Circle.objects.filter(pk__in=ids, status=CircleStatus.ACTIVE).select_related("programme")
    )


def circles_for_programme(*, programme: Programme) -> QuerySet[Circle]:
    """A programme's circles with ``size`` and the ``active`` members prefetched."""
    return _with_active_members(programme.circles.all())


def listed_circles(
    *, organisation: Organisation, query: str = "", language: str = "", time_zone: str = ""
) -> QuerySet[Circle]:
    """Active, listed circles colleagues may find; filters are case-insensitive.

    ``language`` is a code or (part of) a language's name: "English" and "engl" find "en".
    """
    circles = Circle.objects.filter(
        organisation=organisation, is_listed=True, status=CircleStatus.ACTIVE
    )
    if query:
        circles = circles.filter(Q(topic__icontains=query) | Q(name__icontains=query))
    if language:
        circles = circles.filter(language__in=language_codes_matching(language))
    if time_zone:
        circles = circles.filter(time_zone__icontains=time_zone)
    return _with_active_members(circles.select_related("host"))


def pending_requests(*, circle: Circle) -> QuerySet[JoinRequest]:
    return circle.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")
