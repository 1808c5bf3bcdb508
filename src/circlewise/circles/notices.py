"""Emails about a circle that the worker sends (services queue them; tasks call these)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from circlewise.circles.models import Circle, CircleStatus
from circlewise.core.mail import absolute_url, send_templated

__all__ = ["circle_closed_notify", "circle_url"]


def circle_url(circle: Circle) -> str:
    """The circle home's address, for emails."""
    return absolute_url(reverse("circles:detail", args=[circle.organisation.slug, circle.pk]))


def circle_closed_notify(*, circle_id: int) -> int:
    """Email the members of a closed circle (who want circle updates); returns how many.

    The announcement is claimed with a conditional UPDATE, so a second run sends nothing.
    """
    claimed = Circle.objects.filter(
        pk=circle_id, status=CircleStatus.CLOSED, closure_announced_at__isnull=True
    ).update(closure_announced_at=timezone.now())
    if not claimed:
        return 0
    circle = Circle.objects.select_related("organisation").get(pk=circle_id)
    to = [
        member.email
        for member in circle.members.filter(left_at__isnull=True).select_related("user")
        if member.user is None or member.user.notify_circle_updates
    ]
    context = {"circle": circle, "url": circle_url(circle)}
    return send_templated(template="circle_closed", to=to, context=context)
