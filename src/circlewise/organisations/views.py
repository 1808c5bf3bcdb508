from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from circlewise import policy
from circlewise.organisations import services
from circlewise.organisations.forms import OrganisationForm


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation")
    return render(request, "organisations/list.html", {"memberships": memberships})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(name=form.cleaned_data["name"], by=request.user)
        return redirect("organisations:dashboard", organisation.slug)
    return render(request, "organisations/create.html", {"form": form})


@login_required
def dashboard(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = policy.enter_organisation(request, org_slug)
    return render(request, "organisations/dashboard.html", {"membership": membership})
