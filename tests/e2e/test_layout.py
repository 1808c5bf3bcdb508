"""The layout in a browser: keyboard users can skip the navigation; phones get a menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_it_puts_the_skip_link_first_for_keyboard_users(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_it_folds_the_navigation_into_a_menu_on_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    log_in = page.get_by_role("navigation").get_by_role("link", name="Log in")
    menu = page.get_by_role("button", name="Menu")
    expect(log_in).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(log_in).to_be_visible()
