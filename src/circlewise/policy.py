"""Who may see and do what. The one place that decides; views and the API only ask.

Two rules run through every answer, so that nothing leaks between organisations or circles:
- what a person may not *see* is reported as missing (404), never as forbidden;
- what they may see but not *change* is forbidden (403).

Organisation-level permissions come from the member's role (``ROLE_PERMISSIONS``); object-level
answers (a programme, a circle) add who is in it. Pages and the API reach every object through
one helper per kind (:func:`programme_for`, :func:`run_for`, :func:`circle_for`), always within
the membership's organisation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationRun
from circlewise.organisations.models import Membership, Role
from circlewise.programmes.models import Programme

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "ROLE_PERMISSIONS",
    "Perm",
    "can",
    "can_manage_circle",
    "can_see_circle",
    "can_see_programme",
    "circle_for",
    "enter_organisation",
    "membership_or_404",
    "permissions_of",
    "programme_for",
    "require",
    "run_for",
    "visible_circles",
]


class Perm(StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_PROGRAMMES = "view_programmes"
    MANAGE_PROGRAMMES = "manage_programmes"
    START_CIRCLE = "start_circle"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.COACH: frozenset(
        {Perm.VIEW_ORGANISATION, Perm.VIEW_MEMBERS, Perm.VIEW_PROGRAMMES, Perm.START_CIRCLE}
    ),
    Role.MEMBER: frozenset({Perm.VIEW_ORGANISATION, Perm.START_CIRCLE}),
}


def membership_or_404(user: User, organisation_slug: str) -> Membership:
    """The user's membership of the organisation; 404 for anyone outside it."""
    if not user.is_authenticated:
        raise Http404("No such organisation.")
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=organisation_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organisation.")
    return membership


def enter_organisation(request: HttpRequest, organisation_slug: str) -> Membership:
    """Resolve the organisation a view works in, or 404; mark it as the page's organisation."""
    membership = membership_or_404(request.user, organisation_slug)
    request.organisation = membership.organisation  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    return membership


def permissions_of(membership: Membership | None) -> frozenset[Perm]:
    if membership is None:
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset())


def can(membership: Membership | None, perm: Perm) -> bool:
    return perm in permissions_of(membership)


def require(membership: Membership, perm: Perm) -> None:
    """Raise 403 unless the member's role grants ``perm``."""
    if not can(membership, perm):
        raise PermissionDenied(f"Your role in {membership.organisation} does not allow this.")


def can_see_programme(membership: Membership, programme: Programme) -> bool:
    """Admins and coaches see every programme; a participant sees the one they are in."""
    if programme.organisation_id != membership.organisation_id:
        return False
    if can(membership, Perm.VIEW_PROGRAMMES):
        return True
    return programme.participants.filter(user_id=membership.user_id).exists()


def _is_in_circle(user_id: int, circle: Circle) -> bool:
    return circle.members.filter(user_id=user_id, left_at__isnull=True).exists()


def can_see_circle(membership: Membership, circle: Circle) -> bool:
    """Who may see a circle and its members.

    Confidentiality: participants never see another circle's members unless that circle is
    listed. Programme managers (admins) see the composition of every circle they formed.
    """
    if circle.organisation_id != membership.organisation_id:
        return False
    user_id = membership.user_id
    return (
        can(membership, Perm.MANAGE_PROGRAMMES)
        or circle.is_listed
        or circle.host_id == user_id
        or circle.coach_id == user_id
        or _is_in_circle(user_id, circle)
    )


def visible_circles(membership: Membership, circles: QuerySet[Circle]) -> QuerySet[Circle]:
    """``circles`` narrowed to those ``can_see_circle`` allows, in one query whatever their number
    (the same rule as a filter, for lists)."""
    circles = circles.filter(organisation_id=membership.organisation_id)
    if can(membership, Perm.MANAGE_PROGRAMMES):
        return circles
    user_id = membership.user_id
    mine = CircleMember.objects.filter(user_id=user_id, left_at__isnull=True).values("circle_id")
    return circles.filter(
        Q(is_listed=True) | Q(host_id=user_id) | Q(coach_id=user_id) | Q(pk__in=mine)
    )


def can_manage_circle(membership: Membership, circle: Circle) -> bool:
    """Change a circle (approve join requests, edit details, remove members)."""
    if circle.organisation_id != membership.organisation_id:
        return False
    if circle.programme_id is not None and can(membership, Perm.MANAGE_PROGRAMMES):
        return True
    return membership.user_id in (circle.host_id, circle.coach_id)


# Reaching objects: one helper per kind, the organisation filter always applied --------------


def programme_for(
    membership: Membership, programme_id: int, *, perm: Perm | None = None
) -> Programme:
    """A programme of the membership's organisation that they may see (else 404), and that
    their role lets them act on with ``perm`` (else 403)."""
    programme = (
        Programme.objects.select_related("organisation")
        .filter(pk=programme_id, organisation_id=membership.organisation_id)
        .first()
    )
    if programme is None or not can_see_programme(membership, programme):
        raise Http404("No such programme.")
    if perm is not None:
        require(membership, perm)
    return programme


def run_for(
    membership: Membership,
    programme_id: int,
    run_id: int,
    *,
    perm: Perm = Perm.MANAGE_PROGRAMMES,
) -> FormationRun:
    """A formation run of a programme reached through :func:`programme_for`; 404 otherwise."""
    programme = programme_for(membership, programme_id, perm=perm)
    run = FormationRun.objects.filter(pk=run_id, programme=programme).first()
    if run is None:
        raise Http404("No such formation run.")
    run.programme = programme
    return run


def circle_for(membership: Membership, circle_id: int, *, manage: bool = False) -> Circle:
    """A circle of the membership's organisation that they may see (else 404); with
    ``manage``, one they may also change (else 403)."""
    circle = (
        Circle.objects.select_related("organisation", "programme", "host", "coach")
        .filter(pk=circle_id, organisation_id=membership.organisation_id)
        .first()
    )
    if circle is None or not can_see_circle(membership, circle):
        raise Http404("No such circle.")
    if manage and not can_manage_circle(membership, circle):
        raise PermissionDenied("Only the circle's host, coach or programme admins can do this.")
    return circle
