"""Logging in: password, emailed code, wrong codes and rate limits."""

from __future__ import annotations

import re

from django.core import mail

from tests.conftest import PASSWORD, make_user


def _login(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_it_logs_in_with_email_and_password(client, db):
    user = make_user("ann@example.test")
    response = _login(client, "ANN@example.test", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_says_clearly_when_the_password_is_wrong(client, db):
    make_user("ann@example.test")
    response = _login(client, "ann@example.test", "wrong password")
    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def _request_code(client, email: str) -> str:
    response = client.post("/accounts/login/code/", {"email": email})
    assert response.status_code == 302
    assert response.url == "/accounts/login/code/confirm/"
    assert len(mail.outbox) == 1
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_it_logs_in_with_an_emailed_code(client, db):
    user = make_user("ann@example.test")
    code = _request_code(client, "ann@example.test")
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_says_clearly_when_the_code_is_wrong(client, db):
    make_user("ann@example.test")
    code = _request_code(client, "ann@example.test")
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    response = client.post("/accounts/login/code/confirm/", {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_rate_limits_failed_logins_for_an_account(client, db):
    make_user("ann@example.test")
    for _ in range(5):
        assert "not correct" in _login(client, "ann@example.test", "nope").content.decode()
    response = _login(client, "ann@example.test", PASSWORD)  # even the right password waits
    assert "Too many failed attempts to log in to this account." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_renders_the_login_page_in_our_layout_with_labels(client, db):
    content = client.get("/accounts/login/").content.decode()
    assert 'class="skip-link"' in content
    assert '<label for="id_login">' in content
    assert '<label for="id_password">' in content
    assert "Send me a sign-in code" in content
