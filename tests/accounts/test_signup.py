"""Sign-up with email, mandatory verification by link, then logged in."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.core import mail

from circlewise.accounts.models import User

SIGNUP = {
    "email": "New.Person@Example.test",
    "name": "New Person",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_it_signs_up_verifies_the_email_and_logs_in(client, db):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.test")
    assert user.name == "New Person"
    assert "_auth_user_id" not in client.session  # not before the address is verified

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.test"]
    link = _confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_to_log_in_before_the_email_is_verified(client, db):
    client.post("/accounts/signup/", SIGNUP)
    mail.outbox.clear()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # a fresh verification email


def test_it_shows_field_errors_on_the_signup_page(client, db):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": "something else"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "You must type the same password each time." in content
    assert 'aria-invalid="true"' in content
    assert not User.objects.exists()


def test_it_rejects_an_invalid_confirmation_link(client, db):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This email confirmation link expired or is invalid." in response.content.decode()


def test_it_keeps_the_language_the_sign_up_page_was_shown_in(client, db, settings):
    client.post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert User.objects.get(email="new.person@example.test").language == "de"
    assert mail.outbox[0].to == ["new.person@example.test"]


def test_it_gives_a_new_account_the_site_language_when_the_browser_asks_for_another(client, db):
    client.post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9")  # not offered
    assert User.objects.get(email="new.person@example.test").language == "en-gb"
