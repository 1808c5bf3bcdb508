"""The private journal in the JSON API: a token reads and writes its own user's entries only.

Mounted on the project's API (``circlewise.api.api``): same token authentication, same error
answers. Someone else's entry is 404, whatever the token's role.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from circlewise import policy
from circlewise.api.schemas import FieldErrors, Message
from circlewise.core.http import ApiRequest
from circlewise.journal import selectors, services
from circlewise.journal.errors import JournalError
from circlewise.journal.models import JournalEntry

router = Router(tags=["journal"])
ERRORS = {401: Message, 403: Message, 404: Message, 422: FieldErrors}  # as the project API


class JournalEntryIn(Schema):
    title: str = ""
    body: str


class JournalEntryOut(Schema):
    id: int
    title: str
    body: str
    circle_id: int | None
    created_at: datetime
    updated_at: datetime


@router.get(
    "/organisations/{org_slug}/journal",
    response={200: list[JournalEntryOut], **ERRORS},
    summary="Your own journal entries (nobody else's, whatever their role)",
)
def list_journal(request: ApiRequest, org_slug: str):
    membership = policy.membership_or_404(request.auth, org_slug)
    return selectors.entries_of(owner=request.auth, organisation=membership.organisation)


@router.post(
    "/organisations/{org_slug}/journal",
    response={201: JournalEntryOut, **ERRORS},
)
def create_journal_entry(request: ApiRequest, org_slug: str, payload: JournalEntryIn):
    """Invalid input (NUL characters, a title on two lines, too long) is 422, nothing saved."""
    membership = policy.membership_or_404(request.auth, org_slug)
    try:
        entry = services.journal_entry_create(
            owner=request.auth, organisation=membership.organisation, **payload.model_dump()
        )
    except JournalError as error:
        errors = {error.field or "body": [error.message]}
        return Status(422, {"detail": error.message, "errors": errors})
    return Status(201, entry)


@router.get(
    "/organisations/{org_slug}/journal/{entry_id}", response={200: JournalEntryOut, **ERRORS}
)
def read_journal_entry(request: ApiRequest, org_slug: str, entry_id: int):
    membership = policy.membership_or_404(request.auth, org_slug)
    entry = JournalEntry.objects.filter(pk=entry_id).first()
    if entry is None or not policy.can_see_journal_entry(membership, entry):
        raise Http404(_("No such journal entry."))
    return entry
