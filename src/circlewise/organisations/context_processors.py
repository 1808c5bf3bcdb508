from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from circlewise import policy
from circlewise.organisations import selectors


def current_organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation the page belongs to, and the user's others for the switcher.

    Views that work inside an organisation set ``request.organisation`` and
    ``request.memberships`` (via ``policy.enter_organisation``); nothing is looked up for them
    here. ``current_permissions`` lets the navigation offer only what the role allows. Elsewhere
    the switcher's list is lazy, so pages that do not render it cost no query.
    """
    user = request.user
    read = getattr(request, "memberships", None)
    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_permissions": policy.permissions_of(getattr(request, "membership", None)),
        "user_memberships": read
        if read is not None
        else SimpleLazyObject(
            lambda: list(selectors.memberships_of(user=user)) if user.is_authenticated else []
        ),
    }
