"""The request type of a view that only a signed-in person reaches (for the type checker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from circlewise.accounts.models import User

__all__ = ["ApiRequest", "AuthenticatedRequest"]


class AuthenticatedRequest(HttpRequest):
    """A request past ``login_required`` (or a policy check that needs a user): ``user`` is a
    signed-in :class:`User`, never ``AnonymousUser``; ``htmx`` is set by django-htmx's middleware.

    Only annotations: Django builds the request; this tells mypy what the middleware guarantees.
    """

    user: User
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request to an API operation that needs a token: django-ninja puts the token's
    :class:`User` (what ``TokenAuth`` returned) in ``auth``."""

    auth: User
