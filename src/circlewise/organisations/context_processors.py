from __future__ import annotations

from django.http import HttpRequest

from circlewise.organisations.models import Organisation


def current_organisation(request: HttpRequest) -> dict[str, Organisation | None]:
    """The organisation the page belongs to, so every page can say which one the user is in.

    Views that work inside an organisation set ``request.organisation`` (via the policy helper's
    membership lookup); nothing is looked up here.
    """
    return {"current_organisation": getattr(request, "organisation", None)}
