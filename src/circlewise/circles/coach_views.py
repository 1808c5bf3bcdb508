"""Coaches for a programme's circles: the admin assigns one per circle, or all evenly at once.

Admins only (:data:`Perm.MANAGE_PROGRAMMES`); another organisation's programme or circle is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from circlewise import policy
from circlewise.accounts.models import User
from circlewise.circles import selectors, services
from circlewise.circles.errors import CircleError
from circlewise.circles.models import Circle, CircleStatus
from circlewise.core.http import AuthenticatedRequest
from circlewise.organisations.models import Membership
from circlewise.policy import Perm
from circlewise.programmes.models import Programme

COACHES_PER_PAGE = 50  # circles a page, each with its coaches to choose from


def _require_manager(membership: Membership, programme: Programme | None) -> None:
    """404 for those who may not see the programme, 403 for those who may not change it."""
    if programme is None or not policy.can_see_programme(membership, programme):
        raise Http404(_("No such programme."))
    policy.require(membership, Perm.MANAGE_PROGRAMMES)


@login_required
def coaches(request: AuthenticatedRequest, org_slug: str, programme_id: int) -> HttpResponse:
    """Each circle with its coach and the suggested ones; POST assigns coaches evenly."""
    membership = policy.enter_organisation(request, org_slug)
    programme = get_object_or_404(Programme, pk=programme_id, organisation=membership.organisation)
    _require_manager(membership, programme)
    if request.method == "POST":
        try:
            assigned = services.coaches_assign_evenly(programme=programme, by=request.user)
        except CircleError as error:
            messages.error(request, error.message)
        else:
            count = len(assigned)
            messages.success(
                request,
                ngettext(
                    "Coaches assigned to %(count)d circle.",
                    "Coaches assigned to %(count)d circles.",
                    count,
                )
                % {"count": count},
            )
        return redirect("circles:coaches", org_slug, programme.pk)
    active = programme.circles.filter(status=CircleStatus.ACTIVE)
    circles = active.select_related("coach").order_by("name", "pk")
    page = Paginator(circles, COACHES_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    options = selectors.coach_options_for(circles=shown)
    context = {
        "programme": programme,
        "page": page,
        "rows": [(circle, options[circle.pk]) for circle in shown],
        "without_coach": active.filter(coach__isnull=True).count(),
    }
    return render(request, "circles/coaches.html", context)


@login_required
@require_POST
def assign(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = get_object_or_404(
        Circle.objects.select_related("programme"),
        pk=circle_id,
        organisation=membership.organisation,
        programme__isnull=False,
    )
    _require_manager(membership, circle.programme)
    raw = request.POST.get("coach", "")
    coach = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if raw and coach is None:
        messages.error(request, _("Choose one of the organisation's coaches."))
    else:
        try:
            services.circle_coach_assign(circle=circle, coach=coach, by=request.user)
        except CircleError as error:
            messages.error(request, error.message)
        else:
            done = (
                _("%(coach)s coaches %(circle)s.") % {"coach": coach, "circle": circle.name}
                if coach
                else _("%(circle)s has no coach.") % {"circle": circle.name}
            )
            messages.success(request, done)
    return redirect("circles:coaches", org_slug, circle.programme_id)
