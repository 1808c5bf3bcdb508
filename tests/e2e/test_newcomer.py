"""What a new member met (issue 9, items 9, 11, 12, 14), at a phone's and a laptop's size.

Screenshots go to test-results/newcomer-*.png to be looked at.
"""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from circlewise.circles import services as circle_services
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import RESULTS, SIZES

pytestmark = pytest.mark.e2e


@pytest.fixture
def acme(transactional_db):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    for email, name, role in [
        ("ada@acme.test", "Ada Admin", Role.ADMIN),
        ("mia@acme.test", "Mia Member", Role.MEMBER),
        ("sam@acme.test", "Sam O'Neil", Role.MEMBER),
    ]:
        Membership.objects.create(organisation=acme, user=make_user(email, name), role=role)
    return acme


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def shoot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"newcomer-{name}.png", full_page=True)


def _box(page: Page, locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def _same_line(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two boxes overlap vertically: they sit on one line."""
    return a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("size", SIZES)
def test_it_finds_circles_by_language_name_with_an_ordinary_search_button(size, acme, page):
    ada = acme.memberships.get(role=Role.ADMIN).user
    for name, language in [("Runners", "en"), ("Lectores", "Spanish")]:
        circle_services.circle_start(
            organisation=acme, by=ada, name=name, language=language, is_listed=True
        )
    page.set_viewport_size(SIZES[size])
    log_in(page, "mia@acme.test")
    page.goto("/o/acme/circles/find/")
    page.get_by_label("Language").fill("English")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Runners")).to_be_visible()
    expect(page.get_by_role("link", name="Lectores")).to_have_count(0)
    expect(page.get_by_text("English ·")).to_be_visible()
    button = _box(page, page.get_by_role("button", name="Search"))
    assert button["height"] < 60 and button["width"] < 200, button  # not a giant pill
    shoot(page, f"find-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_it_links_to_the_address_the_app_is_served_on(
    size, acme, page, new_page, live_server, settings
):
    settings.SITE_URL = live_server.url  # what `make run PORT=…` sets
    mia = acme.memberships.get(user__email="mia@acme.test").user
    circle = circle_services.circle_start(
        organisation=acme, by=mia, name="Parents at work", is_listed=True
    )
    page.set_viewport_size(SIZES[size])
    log_in(page, "mia@acme.test")
    page.goto(f"/o/acme/circles/{circle.pk}/")
    invite = page.get_by_label("Invitation link", exact=False)
    expect(invite).to_have_value(
        f"{live_server.url}/o/acme/circles/{circle.pk}/join/{circle.invite_token}/"
    )
    shoot(page, f"invite-link-{size}")
    sam = new_page()
    sam.set_viewport_size(SIZES[size])
    log_in(sam, "sam@acme.test")
    sam.goto(f"/o/acme/circles/{circle.pk}/")
    sam.get_by_label("A note to the host").fill("I'd like to join: I'm a parent & a runner.")
    sam.get_by_role("button", name="Ask to join").click()
    expect(sam.get_by_text("You have asked to join")).to_be_visible()
    message = mail.outbox[-1]
    assert f"{live_server.url}/o/acme/circles/{circle.pk}/" in message.body
    # Plain text: the note arrives as typed, not as I&#x27;d … &amp;.
    assert "I'd like to join: I'm a parent & a runner." in message.body
    assert "Sam O'Neil asks to join" in message.subject


@pytest.mark.parametrize("size", SIZES)
def test_it_puts_checkboxes_and_remove_links_where_they_belong(size, acme, page):
    mia = acme.memberships.get(user__email="mia@acme.test").user
    sam = acme.memberships.get(user__email="sam@acme.test").user
    circle = circle_services.circle_start(organisation=acme, by=mia, name="Parents at work")
    circle_services.circle_join_by_link(circle=circle, token=circle.invite_token, user=sam)
    page.set_viewport_size(SIZES[size])
    log_in(page, "mia@acme.test")
    page.goto("/account/settings/")
    for label in ("Email me about my circles", "Email me reminders"):
        box = page.get_by_label(label, exact=False)
        expect(box).to_be_visible()
        words = page.locator("label", has_text=label)
        assert _same_line(_box(page, box), _box(page, words.get_by_text(label, exact=False)))
    shoot(page, f"settings-{size}")
    page.goto(f"/o/acme/circles/{circle.pk}/")
    remove = page.get_by_role("button", name="Remove Sam O'Neil from the circle")
    seat = page.get_by_role("listitem").filter(has_text="Sam O'Neil")
    words = [_box(page, seat.get_by_text("Sam O'Neil").first)]
    if seat.locator(".when").count():
        words.append(_box(page, seat.locator(".when")))
    # Beside the person's words (their name or their local time), not centred below them.
    assert any(_same_line(_box(page, remove), box) for box in words)
    assert _box(page, remove)["width"] < 120
    shoot(page, f"circle-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_api_docs_with_no_network_but_this_server(size, page, live_server):
    outside: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.set_viewport_size(SIZES[size])
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Circlewise API")).to_be_visible()
    expect(page.get_by_text("List Programmes").first).to_be_visible()
    assert outside == []
    shoot(page, f"api-docs-{size}")
