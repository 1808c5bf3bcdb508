"""The permission matrix: who gets which status code from each organisation URL.

Every organisation page answers four people the same way (see ``circlewise.policy``): an
*outsider* (admin of another organisation) gets 404, a *member* without the role 403, and the
right role 200 (or a redirect after a POST). Describe each URL once as a ``Row`` and let
``assert_matrix`` try it as everyone::

    from tests.permissions import Row, assert_matrix, expect

    ROWS = [
        Row("programmes:list", {"org_slug": "acme"}, expect(member=403, coach=200)),
        Row("programmes:create", {"org_slug": "acme"}, expect(), method="post", data={...}),
    ]

    @pytest.mark.parametrize("row", ROWS, ids=str)
    def test_it_enforces_the_matrix(row, matrix_users, organisation):
        assert_matrix(row, users=matrix_users, organisation=organisation)

``kwargs`` may be a function of the organisation, for URLs that need an object's id. POSTs run
for the admin last, so the refused attempts happen before the one that changes something.

Every row whose URL names an object also gets the cross-organisation check, automatically: the
kwargs function builds its objects in *another* organisation too, and the URL keeps the user's
*own* organisation's slug with the other organisation's objects — all of them, then each one in
turn among the own organisation's (own programme, other's run) — and even the admin must get
404. A lookup that forgets to filter by its organisation or its parent fails there.

API endpoints are rows too (``api=True``: the body goes as JSON, each role with its token).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from circlewise.accounts.models import User
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import client_for, make_user

__all__ = [
    "ROLES",
    "Row",
    "assert_matrix",
    "expect",
    "other_organisation",
    "resolve_url",
]

ROLES = ("outsider", "member", "coach", "admin")

Kwargs = Mapping[str, Any] | Callable[[Organisation], Mapping[str, Any]]


def expect(*, outsider: int = 404, member: int = 403, coach: int = 403, admin: int = 200):
    """Expected status per role; the defaults describe an admin-only page."""
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


@dataclass(frozen=True)
class Row:
    url_name: str
    kwargs: Kwargs
    expected: Mapping[str, int]
    method: str = "get"
    data: Mapping[str, Any] = field(default_factory=dict)
    api: bool = False

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def resolve_url(row: Row, organisation: Organisation) -> str:
    kwargs = row.kwargs(organisation) if callable(row.kwargs) else row.kwargs
    return reverse(row.url_name, kwargs=dict(kwargs))


def other_organisation() -> Organisation:
    """A second organisation with an admin, a coach and a member, to own foreign objects."""
    other, created = Organisation.objects.get_or_create(
        slug="initech", defaults={"name": "Initech"}
    )
    if created:
        for role in (Role.ADMIN, Role.COACH, Role.MEMBER):
            user = make_user(f"{role}@initech.test")
            Membership.objects.create(organisation=other, user=user, role=role)
    return other


def _foreign_urls(
    row: Row, own: Mapping[str, Any], organisation: Organisation, *, mix: bool
) -> list[str]:
    """Own organisation's slug with another organisation's objects: all of them, then (with
    ``mix``) each one in turn among the own objects ``own``."""
    if not callable(row.kwargs):
        return []
    foreign = dict(row.kwargs(other_organisation()))
    objects = [name for name in foreign if name != "org_slug"]
    if not objects:
        return []
    mixes = [{**foreign, "org_slug": organisation.slug}]
    if mix and len(objects) > 1:
        mixes += [{**own, name: foreign[name]} for name in objects]
    return [reverse(row.url_name, kwargs=kwargs) for kwargs in mixes]


def _request(client: Client, row: Row, url: str):
    if row.api and row.data:
        return getattr(client, row.method)(
            url, json.dumps(dict(row.data)), content_type="application/json"
        )
    return getattr(client, row.method)(url, dict(row.data))


def assert_matrix(
    row: Row,
    *,
    users: Mapping[str, User],
    organisation: Organisation,
    clients: Mapping[str, Client] | None = None,
) -> None:
    """Request ``row`` as each role and compare all the status codes at once.

    First, for a URL with object ids: the admin asks for another organisation's objects under
    their own organisation's slug, and must get 404 every time. ``clients`` (by role) replace
    the logged-in browser clients, e.g. with API token clients.
    """
    clients = clients or {role: client_for(users[role]) for role in ROLES}
    own = dict(row.kwargs(organisation) if callable(row.kwargs) else row.kwargs)
    # The probe: a role that may use the own objects, so only a foreign one can refuse it (rows
    # nobody in the matrix may use get the all-foreign check only).
    allowed = [role for role in ROLES if row.expected[role] < 400]
    probe = clients[allowed[-1] if allowed else "admin"]
    for foreign in _foreign_urls(row, own, organisation, mix=bool(allowed)):
        status = _request(probe, row, foreign).status_code
        assert status == 404, (
            f"{row.method.upper()} {foreign}: another organisation's object under the own "
            f"organisation's slug answered {status}, not 404"
        )
    url = reverse(row.url_name, kwargs=own)
    actual = {}
    for role in ROLES:  # admin last: its POST may change what the others would see
        actual[role] = _request(clients[role], row, url).status_code
    assert actual == dict(row.expected), f"{row.method.upper()} {url}: {actual}"
