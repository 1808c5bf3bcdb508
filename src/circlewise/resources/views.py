"""Resource libraries and what circles share from them.

A programme's library is curated by its admins (others who see the programme read it). What a
circle shares, and its members' marks and reflections, stay inside the circle: admins get 404.
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
from circlewise.core.http import AuthenticatedRequest
from circlewise.organisations.models import Membership
from circlewise.policy import Perm
from circlewise.resources import selectors, services
from circlewise.resources.errors import ResourceError
from circlewise.resources.forms import ProgressForm, ResourceForm
from circlewise.resources.models import Resource, Share


def _add(form: ResourceForm, **library: object) -> bool:
    """Add the form's resource to a library; False (with the message on the form) if refused."""
    try:
        services.resource_add(**form.cleaned_data, **library)  # type: ignore[arg-type]
    except ResourceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


@login_required
def programme_library(
    request: AuthenticatedRequest, org_slug: str, programme_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    programme = policy.programme_for(membership, programme_id)
    curates = policy.can(membership, Perm.MANAGE_PROGRAMMES)
    form = ResourceForm(request.POST or None)
    if request.method == "POST":
        policy.require(membership, Perm.MANAGE_PROGRAMMES)
        if form.is_valid() and _add(form, by=request.user, programme=programme):
            messages.success(
                request, _("“%(title)s” is in the library.") % {"title": form.cleaned_data["title"]}
            )
            return redirect("resources:programme_library", org_slug, programme.pk)
    context = {
        "programme": programme,
        "resources": selectors.library_of_programme(programme=programme),
        "form": form if curates else None,
    }
    return render(request, "resources/programme_library.html", context)


@login_required
def circle_resources(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    """What the circle shares; its coach or host shares more, or adds to a self-organised
    circle's own library (POST)."""
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    leads = policy.can_lead_circle(membership, circle)
    form = ResourceForm(request.POST or None) if leads and circle.programme_id is None else None
    if request.method == "POST":
        circle = policy.circle_inside_for(membership, circle_id, lead=True)
        if form is None:
            raise PermissionDenied(_("Programme circles share from the programme's library."))
        if form.is_valid() and _add(form, by=request.user, circle=circle):
            messages.success(
                request,
                _("“%(title)s” is in the circle's library.")
                % {"title": form.cleaned_data["title"]},
            )
            return redirect("resources:circle", org_slug, circle.pk)
    shares = list(selectors.shares_of_circle(circle=circle))
    for share in shares:
        marks = share.marks  # type: ignore[attr-defined]  # prefetched with to_attr by the selector
        mine = next((m for m in marks if m.user_id == request.user.pk), None)
        share.mine = mine  # type: ignore[attr-defined]  # for the template
        share.form = ProgressForm(  # type: ignore[attr-defined]  # for the template
            initial={"done": mine.done, "reflection": mine.reflection} if mine else None
        )
    shared_ids = {share.resource_id for share in shares}
    library = selectors.library_of_circle(circle=circle) if leads else []
    context = {
        "circle": circle,
        "shares": shares,
        "leads": leads,
        "form": form,
        "to_share": [resource for resource in library if resource.pk not in shared_ids],
        "own_library": list(library) if circle.programme_id is None else [],
    }
    return render(request, "resources/circle.html", context)


@login_required
@require_POST
def share(request: AuthenticatedRequest, org_slug: str, circle_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id, lead=True)
    resource = Resource.objects.filter(
        pk=request.POST.get("resource") or 0, organisation=membership.organisation
    ).first()
    if resource is None:
        messages.error(request, _("Choose a resource of the circle's library to share."))
        return redirect("resources:circle", org_slug, circle.pk)
    try:
        services.resource_share(circle=circle, resource=resource, by=request.user)
    except ResourceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(resource)s” is shared with %(circle)s.")
            % {"resource": resource.title, "circle": circle.name},
        )
    return redirect("resources:circle", org_slug, circle.pk)


@login_required
@require_POST
def progress(
    request: AuthenticatedRequest, org_slug: str, circle_id: int, share_id: int
) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    circle = policy.circle_inside_for(membership, circle_id)
    shared = get_object_or_404(Share.objects.select_related("resource"), pk=share_id, circle=circle)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("resources:circle", org_slug, circle.pk)
    try:
        services.progress_record(share=shared, user=request.user, **form.cleaned_data)
    except ResourceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Saved for “%(resource)s”.") % {"resource": shared.resource.title}
        )
    return redirect("resources:circle", org_slug, circle.pk)


def _removable(membership: Membership, resource: Resource) -> None:
    """404 unless the member can see the library; 403 unless they curate it."""
    if resource.programme is not None:
        if not policy.can_see_programme(membership, resource.programme):
            raise Http404(_("No such resource."))
        policy.require(membership, Perm.MANAGE_PROGRAMMES)
    elif resource.circle_id is not None:
        policy.circle_inside_for(membership, resource.circle_id, lead=True)
    else:  # the model's constraint: a resource is a programme's or a circle's
        raise Http404("No such resource.")


@login_required
@require_POST
def remove(request: AuthenticatedRequest, org_slug: str, resource_id: int) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    resource = get_object_or_404(
        Resource.objects.select_related("programme"),
        pk=resource_id,
        organisation=membership.organisation,
    )
    _removable(membership, resource)
    services.resource_remove(resource=resource)
    messages.success(
        request, _("“%(resource)s” was removed from the library.") % {"resource": resource.title}
    )
    if resource.programme_id is not None:
        return redirect("resources:programme_library", org_slug, resource.programme_id)
    return redirect("resources:circle", org_slug, resource.circle_id)
