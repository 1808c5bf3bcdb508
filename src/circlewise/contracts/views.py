"""Pages of a circle's contract: read it with who accepted it, accept it, change it; and the
agreements a programme's circles start from.

The contract is the circle's alone (:func:`policy.can_see_circle_private`): anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.circles.models import Circle
from circlewise.contracts import selectors, services
from circlewise.contracts.errors import ContractError
from circlewise.contracts.forms import ContractForm, TemplateForm, agreement_lines
from circlewise.contracts.models import ContractTemplate
from circlewise.contracts.terms import DEFAULT_AGREEMENTS
from circlewise.core.http import AuthenticatedRequest
from circlewise.organisations.models import Membership
from circlewise.policy import Perm
from circlewise.programmes.models import Programme


def _private_circle(membership: Membership, circle_id: int) -> Circle:
    circle = get_object_or_404(
        Circle.objects.select_related("programme"),
        pk=circle_id,
        organisation=membership.organisation,
    )
    if not policy.can_see_circle_private(membership, circle):
        raise Http404(_("No such circle."))
    return circle


def _is_member(circle: Circle, request: AuthenticatedRequest) -> bool:
    return circle.members.filter(user=request.user, left_at__isnull=True).exists()


@login_required
def show(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = _private_circle(membership, circle_id)
    status = selectors.contract_status(circle=circle)
    context = {
        "circle": circle,
        "status": status,
        "history": selectors.contract_history(circle=circle),
        "is_member": _is_member(circle, request),
        "i_accepted": any(m.user_id == request.user.pk for m, _ in status.accepted),
    }
    return render(request, "contracts/show.html", context)


@login_required
@require_POST
def accept(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = _private_circle(membership, circle_id)
    if not _is_member(circle, request):
        raise PermissionDenied(_("Only the circle's members accept its contract."))
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = -1
    try:
        services.contract_accept(circle=circle, user=request.user, number=number)
    except ContractError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the contract."))
    # Accepting from the circle home returns there; from the contract page, to the contract.
    back = "circles:detail" if request.POST.get("next") == "home" else "contracts:show"
    return redirect(back, org_slug, circle.pk)


@login_required
def edit(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = _private_circle(membership, circle_id)
    if not _is_member(circle, request):
        raise PermissionDenied(_("Only the circle's members change its contract."))
    terms = selectors.contract_status(circle=circle).terms
    initial = {
        "agreements": "\n".join(terms.agreements),
        "goal": terms.goal,
        "duration": terms.duration,
    }
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contract_change(
                circle=circle,
                user=request.user,
                agreements=agreement_lines(data["agreements"]),
                goal=data["goal"],
                duration=data["duration"],
            )
        except ContractError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Contract changed: everyone is asked to accept it again."))
            return redirect("contracts:show", org_slug, circle.pk)
    return render(request, "contracts/edit.html", {"circle": circle, "form": form})


@login_required
def template(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    """The agreements the programme's circles start from (admins)."""
    membership = policy.enter_organisation(request, org_slug)
    programme = get_object_or_404(Programme, pk=programme_id, organisation=membership.organisation)
    if not policy.can_see_programme(membership, programme):
        raise Http404(_("No such programme."))
    policy.require(membership, Perm.MANAGE_PROGRAMMES)
    current = ContractTemplate.objects.filter(programme=programme).first()
    agreements = current.agreements if current else DEFAULT_AGREEMENTS
    form = TemplateForm(request.POST or None, initial={"agreements": "\n".join(agreements)})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_template_set(
                programme=programme,
                by=request.user,
                agreements=agreement_lines(form.cleaned_data["agreements"]),
            )
        except ContractError as error:
            form.add_error("agreements", error.message)
        else:
            messages.success(request, _("Saved: new circles start from these agreements."))
            return redirect("programmes:detail", org_slug, programme.pk)
    return render(request, "contracts/template.html", {"programme": programme, "form": form})
