"""The first journey: sign up, verify, log in, create an organisation, invite, accept."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import latest_link

pytestmark = pytest.mark.e2e

PASSWORD = "a long and unusual passphrase"


def sign_up(page: Page, *, email: str, name: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up", exact=True).click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()


def confirm_email(page: Page, email: str) -> None:
    page.goto(latest_link(email, r"/accounts/confirm-email/[^\s]+/"))
    page.get_by_role("button", name="Confirm").click()


def test_it_signs_up_creates_an_organisation_and_invites_a_member(new_page):
    ada = new_page()
    ada.goto("/")
    ada.get_by_role("navigation").get_by_role("button", name="Sign up").click()
    sign_up(ada, email="ada@acme.example", name="Ada Admin")
    confirm_email(ada, "ada@acme.example")
    expect(ada.get_by_role("heading", name="Your organisations")).to_be_visible()

    # Log out and back in with the password.
    ada.get_by_role("button", name="Log out").click()
    ada.goto("/accounts/login/")
    ada.get_by_label("Email").fill("ada@acme.example")
    ada.get_by_label("Password").fill(PASSWORD)
    ada.get_by_role("button", name="Sign In").click()
    expect(ada.get_by_role("heading", name="Your organisations")).to_be_visible()

    ada.get_by_role("button", name="Create an organisation").click()
    ada.get_by_label("Organisation name").fill("Acme Health")
    ada.get_by_role("button", name="Create organisation").click()
    expect(ada.get_by_role("heading", name="Acme Health")).to_be_visible()
    expect(ada.get_by_test_id("current-organisation")).to_contain_text("Acme Health")

    ada.get_by_role("button", name="Invite people").click()
    ada.get_by_label("Email address").fill("mia@acme.example")
    ada.get_by_role("button", name="Send invitation").click()
    expect(ada.get_by_text("Invitation sent to mia@acme.example.")).to_be_visible()
    expect(ada.get_by_role("cell", name="mia@acme.example", exact=True)).to_be_visible()

    # Mia, in her own browser, follows the emailed link, signs up, verifies and accepts.
    mia = new_page()
    mia.goto(latest_link("mia@acme.example", r"/o/invitations/[^\s]+/"))
    expect(mia.get_by_role("heading", name="Join Acme Health")).to_be_visible()
    mia.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(mia.get_by_label("Email")).to_have_value("mia@acme.example")
    sign_up(mia, email="mia@acme.example", name="Mia Member")
    confirm_email(mia, "mia@acme.example")
    expect(mia.get_by_role("heading", name="Join Acme Health")).to_be_visible()
    mia.get_by_role("button", name="Accept invitation").click()
    expect(mia.get_by_text("Welcome to Acme Health!")).to_be_visible()
    expect(mia.get_by_test_id("current-organisation")).to_contain_text("Acme Health")

    ada.goto(ada.url.replace("/invitations/", "/members/"))
    # The members table shows the email under the name, in the same cell.
    expect(ada.get_by_role("cell").filter(has_text="mia@acme.example")).to_be_visible()
