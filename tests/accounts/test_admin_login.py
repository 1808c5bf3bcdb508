"""Django's admin is no way around two-factor authentication (security issue, finding 2)."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.conftest import PASSWORD, client_for, make_user


def _staff_with_totp():
    user = make_user("staff@example.test")
    user.is_staff = user.is_superuser = True
    user.save()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_it_gives_no_admin_session_for_a_password_alone(db):
    _staff_with_totp()
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staff@example.test", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302


def test_it_sends_the_admin_login_through_allauths_two_factor_step(db):
    user, secret = _staff_with_totp()
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.url == "/accounts/login/?next=/admin/"
    client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # waiting for the app code
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/admin/").status_code == 200


def test_it_refuses_the_admin_to_a_member_who_is_not_staff(member):
    client = client_for(member)
    assert client.get("/admin/login/").status_code == 403
    response = client.post("/admin/login/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 403
