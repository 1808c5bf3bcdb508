"""The account settings page: name, pronouns, time zone, language, notifications."""

from __future__ import annotations

from tests.conftest import client_for, make_user

VALID = {
    "name": "Ann Other",
    "pronouns": "she/her",
    "time_zone": "Europe/Berlin",
    "language": "de",
    "notify_circle_updates": "on",
}


def test_it_saves_the_settings(db, settings):
    settings.LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]  # when German is complete
    user = make_user("ann@example.test")
    response = client_for(user).post("/account/settings/", VALID)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.pronouns, user.time_zone, user.language) == (
        "Ann Other",
        "she/her",
        "Europe/Berlin",
        "de",
    )
    assert user.notify_circle_updates is True
    assert user.notify_reminders is False
    assert response.cookies["django_language"].value == "de"


def test_it_rejects_an_unknown_time_zone_and_changes_nothing(db):
    user = make_user("ann@example.test", name="Ann")
    response = client_for(user).post("/account/settings/", {**VALID, "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert (user.name, user.time_zone) == ("Ann", "UTC")


def test_it_links_to_security_pages(db):
    content = client_for(make_user("ann@example.test")).get("/account/settings/").content.decode()
    for path in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/account/tokens/",
    ):
        assert f'href="{path}"' in content


def test_it_requires_login(client, db):
    response = client.get("/account/settings/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_puts_each_notification_checkbox_inside_its_own_label(db):
    page = client_for(make_user("ann@example.test")).get("/account/settings/").content.decode()
    for name in ("notify_circle_updates", "notify_reminders"):
        label = page.split(f'<label for="id_{name}">', 1)[1].split("</label>", 1)[0]
        assert f'name="{name}"' in label  # the box and its words share one label


def test_it_shows_pages_in_the_saved_language_on_any_browser(db, settings):
    # No language cookie and an English browser: the account's saved choice still wins.
    settings.LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
    user = make_user("ann@example.test")
    user.language = "de"
    user.save(update_fields=["language"])
    response = client_for(user).get("/account/settings/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response["Content-Language"] == "de"
    assert make_user("bob@example.test").language == "en-gb"
    response = client_for(make_user("bob@example.test")).get(
        "/account/settings/", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response["Content-Language"] == "en-gb"


def test_it_shows_the_site_language_when_the_saved_one_is_no_longer_offered(db):
    user = make_user("ann@example.test")
    user.language = "it"  # offered once, not any more (Italian is not in settings.LANGUAGES)
    user.save(update_fields=["language"])
    response = client_for(user).get("/account/settings/", HTTP_ACCEPT_LANGUAGE="it")
    assert response["Content-Language"] == "en-gb"
