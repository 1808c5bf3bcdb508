"""Reads of the resources app."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from circlewise.circles.models import Circle
from circlewise.programmes.models import Programme
from circlewise.resources.models import Progress, Resource, Share

__all__ = ["library_of_circle", "library_of_programme", "shares_of_circle"]


def library_of_programme(*, programme: Programme) -> QuerySet[Resource]:
    return Resource.objects.filter(programme=programme)


def library_of_circle(*, circle: Circle) -> QuerySet[Resource]:
    """The library a circle shares from: its programme's, or its own when self-organised."""
    if circle.programme_id is not None:
        return Resource.objects.filter(programme_id=circle.programme_id)
    return Resource.objects.filter(circle=circle)


def shares_of_circle(*, circle: Circle) -> QuerySet[Share]:
    """What was shared with the circle, newest first, with everyone's marks and reflections."""
    progress = Progress.objects.select_related("user").order_by("updated_at")
    return (
        Share.objects.filter(circle=circle)
        .select_related("resource", "shared_by")
        .prefetch_related(Prefetch("progress", queryset=progress, to_attr="marks"))
    )
