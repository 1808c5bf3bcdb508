"""Personal access tokens: created once-visible, listed, revoked."""

from __future__ import annotations

import re

from circlewise.accounts.models import ApiToken
from tests.conftest import client_for, make_user


def _create(client, name: str):
    return client.post("/account/tokens/", {"name": name}, follow=True)


def test_it_shows_a_new_token_once(db):
    user = make_user("ann@example.test")
    client = client_for(user)
    content = _create(client, "HR sync").content.decode()
    raw = re.search(r'data-testid="new-token">(cw_[^<]+)<', content).group(1)

    token = ApiToken.find(raw)
    assert token is not None and token.user == user and token.name == "HR sync"
    assert raw not in client.get("/account/tokens/").content.decode()  # never again


def test_it_lists_only_the_users_own_active_tokens(db):
    user = make_user("ann@example.test")
    other = make_user("bob@example.test")
    ApiToken.issue(user=user, name="Mine")
    ApiToken.issue(user=other, name="Bob's")
    content = client_for(user).get("/account/tokens/").content.decode()
    assert "Mine" in content
    assert "Bob&#x27;s" not in content


def test_it_refuses_a_duplicate_name_and_creates_nothing(db):
    user = make_user("ann@example.test")
    ApiToken.issue(user=user, name="HR sync")
    response = client_for(user).post("/account/tokens/", {"name": "hr SYNC"})
    assert response.status_code == 400
    assert "You already have a token called" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_it_revokes_a_token_so_it_stops_working(db):
    user = make_user("ann@example.test")
    token, raw = ApiToken.issue(user=user, name="HR sync")
    response = client_for(user).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.find(raw) is None


def test_it_hides_other_peoples_tokens_from_revoking(db):
    owner = make_user("ann@example.test")
    token, raw = ApiToken.issue(user=owner, name="HR sync")
    response = client_for(make_user("eve@example.test")).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.find(raw) is not None


def _works(raw: str) -> bool:
    from django.test import Client

    response = Client(headers={"authorization": f"Bearer {raw}"}).get(
        "/api/organisations/x/programmes"
    )
    return response.status_code != 401


def test_it_lets_a_token_expire(db):
    from datetime import timedelta

    from django.utils import timezone

    user = make_user("ann@example.test")
    client = client_for(user)
    content = client.post("/account/tokens/", {"name": "HR sync", "expires": "30"}, follow=True)
    raw = re.search(r'data-testid="new-token">(cw_[^<]+)<', content.text).group(1)
    token = ApiToken.objects.get()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert _works(raw)
    ApiToken.objects.update(expires_at=timezone.now())
    assert not _works(raw)


def test_it_revokes_every_token_when_the_password_changes(db):
    from tests.conftest import PASSWORD

    user = make_user("ann@example.test")
    _, raw = ApiToken.issue(user=user, name="HR sync")
    assert _works(raw)
    response = client_for(user).post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase 42",
            "password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert not _works(raw)
    assert ApiToken.objects.get().revoked_at is not None
