from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what Circlewise is; members go to their organisation."""
    if request.user.is_authenticated:
        return redirect("organisations:list")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
