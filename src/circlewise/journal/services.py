"""Writes of the journal: create, edit, delete one's own entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.core.text import clean_line, clean_text
from circlewise.journal.errors import JournalError
from circlewise.journal.models import BODY_MAX, TITLE_MAX, JournalEntry

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.circles.models import Circle
    from circlewise.organisations.models import Organisation

__all__ = ["journal_entry_create", "journal_entry_delete", "journal_entry_update"]


def _clean(title: str, body: str) -> tuple[str, str]:
    title = clean_line(
        title, label=_("The title"), max_length=TITLE_MAX, required=False, field="title",
        error=JournalError,
    )  # fmt: skip
    body = clean_text(
        body, label=_("The note"), max_length=BODY_MAX, field="body", error=JournalError
    )
    return title, body


def journal_entry_create(
    *,
    owner: User,
    organisation: Organisation,
    body: str,
    title: str = "",
    circle: Circle | None = None,
) -> JournalEntry:
    """A new note for ``owner``; ``circle`` (the context) must be in the same organisation."""
    title, body = _clean(title, body)
    if circle is not None and circle.organisation_id != organisation.pk:
        raise JournalError(_("That circle is not in this organisation."))
    return JournalEntry.objects.create(
        owner=owner, organisation=organisation, circle=circle, title=title, body=body
    )


@transaction.atomic
def journal_entry_update(*, entry: JournalEntry, title: str, body: str) -> JournalEntry:
    entry.title, entry.body = _clean(title, body)
    entry.updated_at = timezone.now()
    entry.save(update_fields=["title", "body", "updated_at"])
    return entry


def journal_entry_delete(*, entry: JournalEntry) -> None:
    entry.delete()
