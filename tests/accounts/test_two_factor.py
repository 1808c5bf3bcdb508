"""Two-factor authentication with an authenticator app (allauth.mfa, in our layout)."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client

from tests.conftest import PASSWORD, client_for, make_user


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _user_with_totp():
    user = make_user("ann@example.test")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _log_in_with_password(client: Client):
    response = client.post("/accounts/login/", {"login": "ann@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    return response


def test_it_asks_for_the_app_code_after_the_password(db):
    user, secret = _user_with_totp()
    client = Client()
    _log_in_with_password(client)
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert 'class="skip-link"' in page  # our layout
    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_a_wrong_app_code(db):
    _user, secret = _user_with_totp()
    client = Client()
    _log_in_with_password(client)
    wrong = "000000" if _current_code(secret) != "000000" else "111111"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right. Type the 6-digit code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_shows_the_two_factor_page_with_activation(db):
    user = make_user("ann@example.test")
    content = client_for(user).get("/accounts/2fa/").content.decode()
    assert "An authenticator app is not active." in content
    assert 'href="/accounts/2fa/totp/activate/"' in content
    assert not Authenticator.objects.exists()
