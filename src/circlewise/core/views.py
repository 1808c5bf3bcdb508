from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from circlewise.organisations import selectors

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what Circlewise is; members go to their organisation (or choose one)."""
    if request.user.is_authenticated:
        memberships = list(selectors.memberships_of(user=request.user)[:2])
        if len(memberships) == 1:
            return redirect("organisations:dashboard", memberships[0].organisation.slug)
        return redirect("organisations:list")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when this process can query the database, else 503: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
