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
kwargs function builds its object in *another* organisation, the URL keeps the user's *own*
organisation's slug, and even the admin must get 404. A lookup that forgets to filter by the
organisation fails there. API endpoints get the same check through ``assert_api_matrix``.
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
    "assert_api_matrix",
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


def _foreign_url(row: Row, organisation: Organisation) -> str | None:
    """Own organisation's slug with another organisation's object; None without an object."""
    if not callable(row.kwargs):
        return None
    kwargs = dict(row.kwargs(other_organisation()))
    if set(kwargs) <= {"org_slug"}:
        return None
    kwargs["org_slug"] = organisation.slug
    return reverse(row.url_name, kwargs=kwargs)


def assert_matrix(row: Row, *, users: Mapping[str, User], organisation: Organisation) -> None:
    """Request ``row`` as each role and compare all the status codes at once.

    First, for a URL with an object id: the admin asks for another organisation's object under
    their own organisation's slug, and must get 404.
    """
    foreign = _foreign_url(row, organisation)
    if foreign is not None:
        response = getattr(client_for(users["admin"]), row.method)(foreign, dict(row.data))
        assert response.status_code == 404, (
            f"{row.method.upper()} {foreign}: another organisation's object under the own "
            f"organisation's slug answered {response.status_code}, not 404"
        )
    url = resolve_url(row, organisation)
    actual = {}
    for role in ROLES:  # admin last: its POST may change what the others would see
        client = client_for(users[role])
        response = getattr(client, row.method)(url, dict(row.data))
        actual[role] = response.status_code
    assert actual == dict(row.expected), f"{row.method.upper()} {url}"


ApiUrl = str | Callable[[Organisation], str]


def assert_api_matrix(
    method: str,
    url: ApiUrl,
    body: Mapping[str, Any] | None,
    expected: tuple[int, ...],
    *,
    clients: Mapping[str, Client],
    organisation: Organisation,
) -> None:
    """The API's matrix: ``url`` (or a function building it for an organisation) as each role.

    A URL function writes the own organisation's slug and builds its object in the organisation
    it is given, so calling it with another organisation gives the cross-organisation case: the
    admin must get 404 there before the roles are tried.
    """
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    if callable(url):
        foreign = url(other_organisation())
        status = getattr(clients["admin"], method)(foreign, **kwargs).status_code
        assert status == 404, (
            f"{method.upper()} {foreign}: another organisation's object answered {status}, not 404"
        )
        url = url(organisation)
    actual = {role: getattr(clients[role], method)(url, **kwargs).status_code for role in ROLES}
    assert actual == dict(zip(ROLES, expected, strict=True)), f"{method.upper()} {url}"
