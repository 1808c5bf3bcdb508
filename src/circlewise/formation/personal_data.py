"""This app's part of "Your data": the formation runs the person started (as an admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.formation.models import FormationRun

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "formation_runs_started": rows(
            FormationRun.objects.filter(started_by=user).order_by("created_at"),
            "kind",
            "status",
            "created_at",
            programme_name=F("programme__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    """The runs are the programme's; only who started them goes."""
    FormationRun.objects.filter(started_by=user).update(started_by=None)


SECTION = Section(
    key="formation",
    covers=("formation.FormationRun.started_by",),
    export=export,
    erase=erase,
)
