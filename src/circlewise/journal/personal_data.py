"""This app's part of "Your data": the person's private journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from circlewise.accounts.personal_data import Section, rows
from circlewise.journal.models import JournalEntry

if TYPE_CHECKING:
    from circlewise.accounts.models import User


def export(*, user: User) -> dict[str, Any]:
    return {
        "journal_entries": rows(
            JournalEntry.objects.filter(owner=user).order_by("created_at", "pk"),
            "title",
            "body",
            "created_at",
            "updated_at",
            organisation_name=F("organisation__name"),
            circle_name=F("circle__name"),
        ),
    }


def erase(*, user: User, emails: frozenset[str]) -> None:
    JournalEntry.objects.filter(owner=user).delete()


SECTION = Section(key="journal", covers=("journal.JournalEntry.owner",), export=export, erase=erase)
