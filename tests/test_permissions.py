"""Who may see and do what, for every organisation view: outsider 404, member 403, role 200.

Apps add their rows here or write their own matrix with ``tests.permissions`` in the same style.
"""

from __future__ import annotations

import pytest

from circlewise.organisations.models import Invitation, Organisation
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _org(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug}


def _the_member(organisation: Organisation) -> dict:
    membership = organisation.memberships.get(role="member")
    return {"org_slug": organisation.slug, "membership_id": membership.pk}


def _an_invitation(organisation: Organisation) -> dict:
    invitation = Invitation.objects.create(organisation=organisation, email="new@acme.test")
    return {"org_slug": organisation.slug, "invitation_id": invitation.pk}


ROWS = [
    Row("organisations:dashboard", _org, expect(member=200, coach=200)),
    Row("organisations:members", _org, expect(coach=200)),
    Row("organisations:activity", _org, expect()),
    Row("organisations:invitations", _org, expect()),
    Row(
        "organisations:invitations",
        _org,
        expect(admin=302),
        method="post",
        data={"email": "someone@acme.test", "role": "member"},
    ),
    Row("organisations:member_role", _the_member, expect(admin=302), "post", {"role": "coach"}),
    Row("organisations:member_remove", _the_member, expect()),
    Row("organisations:member_remove", _the_member, expect(admin=302), method="post"),
    Row("organisations:invitation_revoke", _an_invitation, expect(admin=302), method="post"),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_permission_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_organisation_url():
    """A new organisation view without a row here fails this test."""
    from circlewise.organisations.urls import urlpatterns

    in_org = {f"organisations:{p.name}" for p in urlpatterns if "org_slug" in p.pattern.converters}
    assert in_org == {row.url_name for row in ROWS}
