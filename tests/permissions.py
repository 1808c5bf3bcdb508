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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from circlewise.accounts.models import User
from circlewise.organisations.models import Organisation
from tests.conftest import client_for

__all__ = ["ROLES", "Row", "assert_matrix", "expect", "resolve_url"]

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


def assert_matrix(row: Row, *, users: Mapping[str, User], organisation: Organisation) -> None:
    """Request ``row`` as each role and compare all the status codes at once."""
    url = resolve_url(row, organisation)
    actual = {}
    for role in ROLES:  # admin last: its POST may change what the others would see
        client = client_for(users[role])
        response = getattr(client, row.method)(url, dict(row.data))
        actual[role] = response.status_code
    assert actual == dict(row.expected), f"{row.method.upper()} {url}: {actual}"
