"""The private journal: one member's notes. Nobody else can reach an entry: not circle-mates, the
coach, nor the organisation's admins (404, as if it did not exist)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from circlewise import policy
from circlewise.circles.selectors import circles_for_user
from circlewise.core.http import AuthenticatedRequest
from circlewise.journal import selectors, services
from circlewise.journal.errors import JournalError
from circlewise.journal.forms import EntryForm
from circlewise.journal.models import JournalEntry
from circlewise.organisations.models import Membership


def _entry(membership: Membership, entry_id: int) -> JournalEntry:
    entry = JournalEntry.objects.filter(pk=entry_id).select_related("circle").first()
    if entry is None or not policy.can_see_journal_entry(membership, entry):
        raise Http404(_("No such journal entry."))
    return entry


def _context_circle(request: AuthenticatedRequest, membership: Membership):
    """The circle a note is written from (``?circle=`` or the form): one of the user's own."""
    circle_id = request.POST.get("circle") or request.GET.get("circle")
    if not circle_id or not str(circle_id).isdigit():
        return None
    return (
        circles_for_user(user=request.user, organisation=membership.organisation)
        .filter(pk=circle_id)
        .first()
    )


@login_required
def journal(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = _context_circle(request, membership)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_create(
                owner=request.user, organisation=membership.organisation, circle=circle,
                **form.cleaned_data,
            )  # fmt: skip
        except JournalError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved in your journal. Only you can read it."))
            return redirect("journal:journal", org_slug)
    entries = selectors.entries_of(owner=request.user, organisation=membership.organisation)
    context = {"form": form, "entries": entries, "circle": circle}
    return render(request, "journal/journal.html", context)


@login_required
def edit(request: AuthenticatedRequest, org_slug: str, entry_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    entry = _entry(membership, entry_id)
    form = EntryForm(request.POST or None, initial={"title": entry.title, "body": entry.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_update(entry=entry, **form.cleaned_data)
        except JournalError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Note saved."))
            return redirect("journal:journal", org_slug)
    return render(request, "journal/edit.html", {"form": form, "entry": entry})


@login_required
def delete(request: AuthenticatedRequest, org_slug: str, entry_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (it cannot be undone)."""
    membership = policy.enter_organisation(request, org_slug)
    entry = _entry(membership, entry_id)
    if request.method == "POST":
        services.journal_entry_delete(entry=entry)
        messages.success(request, _("Note deleted."))
        return redirect("journal:journal", org_slug)
    return render(request, "journal/delete.html", {"entry": entry})
