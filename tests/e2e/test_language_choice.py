"""Choosing a language changes the whole product, not just the account pages (issue 9, item 13).

A member chooses each offered language in their settings and walks through the pages a member
sees. On every page the document's language is the chosen one and no sentence of the catalogue
is left in English. Screenshots go to test-results/languages-*.png to be looked at.
"""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from playwright.sync_api import Page, expect

from circlewise.circles import services as circle_services
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import PASSWORD, make_user
from tests.core.test_translations import SOURCE
from tests.e2e.conftest import RESULTS, SIZES

pytestmark = pytest.mark.e2e

OFFERED = {code: name for code, name in settings.LANGUAGES if not code.startswith("en")}
# Each offered language at phone size; German at desktop size too.
CASES = [(code, "phone") for code in OFFERED] + [("de", "desktop")] * ("de" in OFFERED)
PAGES = [
    "/o/acme/circles/",
    "/o/acme/circles/find/",
    "/o/acme/programmes/",
    "/account/settings/",
    "/account/your-data/",
]


def english_sentences(code: str) -> set[str]:
    """Whole English sentences of the catalogue that ``code`` words differently: none of them
    may be seen on a page shown in ``code``."""
    with (SOURCE / "locale" / code / "LC_MESSAGES" / "django.po").open("rb") as file:
        catalogue = read_po(file, locale=code)
    return {
        message.id
        for message in catalogue
        if isinstance(message.id, str)
        and message.string != message.id
        and " " in message.id.strip()
        and "%" not in message.id
        and "<" not in message.id
        and len(message.id) >= 20
    }


@pytest.fixture
def acme(transactional_db):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    mia = make_user("mia@acme.test", "Mia Member")
    Membership.objects.create(organisation=acme, user=mia, role=Role.MEMBER)
    circle_services.circle_start(organisation=acme, by=mia, name="Readers", is_listed=True)
    return acme


def log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("mia@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.skipif(not OFFERED, reason="English is the only language offered")
@pytest.mark.parametrize(("code", "size"), CASES)
def test_a_chosen_language_is_used_on_every_page(code, size, acme, page, new_page):
    page.set_viewport_size(SIZES[size])
    log_in(page)
    page.goto("/account/settings/")
    page.get_by_label("Language").select_option(label=OFFERED[code])
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("html")).to_have_attribute("lang", code)

    english = english_sentences(code)
    circle = page.get_by_role("link", name="Readers")
    for path in PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", code)
        text = page.locator("body").inner_text()
        left = sorted(sentence for sentence in english if sentence in text)
        assert not left, f"{path} in {code} still says: {left}"
    page.goto("/o/acme/circles/")
    circle.first.click()
    text = page.locator("body").inner_text()
    assert not sorted(sentence for sentence in english if sentence in text)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"languages-{code}-{size}.png", full_page=True)

    # The choice is saved on the account: another browser shows it after logging in.
    other = new_page()
    other.set_viewport_size(SIZES[size])
    other.goto("/accounts/login/")
    other.locator("input[name=login]").fill("mia@acme.test")
    other.locator("input[name=password]").fill(PASSWORD)
    other.locator("form button[type=submit]").click()
    other.wait_for_url(lambda url: "/accounts/login/" not in url)
    other.goto("/o/acme/circles/")
    expect(other.locator("html")).to_have_attribute("lang", code)
