from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from circlewise.organisations import selectors


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what Circlewise is; members go to their organisation (or choose one)."""
    if request.user.is_authenticated:
        memberships = list(selectors.memberships_of(user=request.user)[:2])
        if len(memberships) == 1:
            return redirect("organisations:dashboard", memberships[0].organisation.slug)
        return redirect("organisations:list")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
