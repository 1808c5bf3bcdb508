"""Resolving a circle for pages about what happens *inside* it (sessions, commitments, shared
resources): 404 for anyone who is not in it, including the organisation's admins; 403 for a
member who may see it but not lead it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from circlewise import policy
from circlewise.circles.models import Circle
from circlewise.organisations.models import Membership

__all__ = ["circle_inside_or_404", "circle_led_or_403"]


def circle_inside_or_404(membership: Membership, circle_id: int) -> Circle:
    circle = (
        Circle.objects.select_related("programme", "host", "coach")
        .filter(pk=circle_id, organisation=membership.organisation)
        .first()
    )
    if circle is None or not policy.can_see_inside_circle(membership, circle):
        raise Http404("No such circle.")
    return circle


def circle_led_or_403(membership: Membership, circle_id: int) -> Circle:
    circle = circle_inside_or_404(membership, circle_id)
    if not policy.can_lead_circle(membership, circle):
        raise PermissionDenied("Only the circle's coach or host can do this.")
    return circle
