"""This app's part of "Your data": marks and reflections on shared resources, and resources the
person added or shared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.resources.models import Progress, Resource, Share

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "resource_marks": rows(
            Progress.objects.filter(user=user).order_by("updated_at"),
            "done",
            "reflection",
            "updated_at",
            resource_title=F("share__resource__title"),
            circle_name=F("share__circle__name"),
        ),
        "resources_added": rows(
            Resource.objects.filter(added_by=user).order_by("created_at"),
            "title",
            "url",
            "note",
            "created_at",
        ),
        "resources_shared": rows(
            Share.objects.filter(shared_by=user).order_by("shared_at"),
            "shared_at",
            resource_title=F("resource__title"),
            circle_name=F("circle__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """Marks and reflections go; resources added or shared stay the library's and the circle's."""
    Progress.objects.filter(user=user).delete()
    Resource.objects.filter(added_by=user).update(added_by=None)
    Share.objects.filter(shared_by=user).update(shared_by=None)


SECTION = Section(
    key="resources",
    covers=("resources.Progress.user", "resources.Resource.added_by", "resources.Share.shared_by"),
    export=export,
    erase=erase,
)
