"""Reads of the journal. Every read is filtered by owner: there is no way to list anyone else's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from circlewise.journal.models import JournalEntry

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation

__all__ = ["entries_of"]


def entries_of(*, owner: User, organisation: Organisation) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(owner=owner, organisation=organisation).select_related(
        "circle"
    )
