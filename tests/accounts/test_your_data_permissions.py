"""The permission matrix of "Your data": every logged-in person reaches their own data (and
only theirs: no URL names anyone else), a visitor is sent to log in, and deleting is a POST
that changes nothing without the password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from circlewise.accounts.models import User
from circlewise.accounts.urls import urlpatterns
from circlewise.organisations.models import Membership, Role
from tests.conftest import make_user
from tests.permissions import Row, assert_matrix, expect

EVERYONE = expect(outsider=200, member=200, coach=200, admin=200)

ROWS = [
    Row("accounts:your_data", {}, EVERYONE),
    Row("accounts:your_data_json", {}, EVERYONE),
    Row("accounts:your_data_ics", {}, EVERYONE),
    Row("accounts:delete", {}, EVERYONE),
    # A wrong password: refused for everyone, and nobody is deleted (checked below).
    Row(
        "accounts:delete",
        {},
        expect(outsider=400, member=400, coach=400, admin=400),
        method="post",
        data={"password": "not the password"},
    ),
]


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    # Each organisation has a second admin, so an admin's attempt is refused for the password
    # like everyone's, not for being the only admin (409).
    for user in (admin, outsider):
        organisation = user.memberships.get().organisation
        second = make_user(f"second-admin@{organisation.slug}.test")
        Membership.objects.create(organisation=organisation, user=second, role=Role.ADMIN)
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)
    assert not User.objects.filter(deleted_at__isnull=False).exists()


@pytest.mark.parametrize("name", ["your_data", "your_data_json", "your_data_ics", "delete"])
def test_a_visitor_is_sent_to_log_in(db, name):
    response = Client().get(reverse(f"accounts:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_post_without_the_csrf_token_is_refused(member):
    from tests.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.get(pk=member.pk).deleted_at is None


def test_every_your_data_url_has_a_row():
    """A new "Your data" URL without a row here fails this test."""
    ours = {f"accounts:{p.name}" for p in urlpatterns if p.name.startswith(("your_data", "delete"))}
    assert ours == {row.url_name for row in ROWS}
