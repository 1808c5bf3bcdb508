"""Browser tests: Playwright (sync API) driving Debian's chromium against a live server.

Every test here is marked ``e2e`` (run them with ``make e2e``): modules say so with
``pytestmark = pytest.mark.e2e``, and the collection hook below marks any that forget, so a
browser test never runs in the fast suite. The ``page`` fixture saves a screenshot to
``test-results/`` when a test fails; ``new_page`` opens another, independent browser context
(a second person).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# The two sizes every page is looked at in: a phone and a laptop.
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shoot_at_both_sizes(page: Page, name: str) -> None:
    """Full-page screenshots of ``page`` at phone and desktop size, saved as
    ``test-results/<name>-phone.png`` and ``…-desktop.png`` for a person to look at."""
    RESULTS.mkdir(exist_ok=True)
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=RESULTS / f"{name}-{label}.png", full_page=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    # Keep each phase's report on the test item, so fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    Its threads share the test database's one connection (SQLite in memory), so two requests
    at once (two people's runner clocks polling while the coach clicks) would read each other's
    rows: the session lookup then failed with "list index out of range". A lock around each
    request keeps threads for the browser's open connections, and the queries in turn.
    """

    def set_app(self, application: Callable[..., Iterable[bytes]]) -> None:
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATime)
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium per test module, closed (with Playwright's event loop) after it.

    Playwright's sync API runs an event loop in this thread; the database calls the tests make
    between browser steps are ordinary synchronous ones, so Django's async guard must stand
    aside, but only while the loop exists: the variable is unset again afterwards (it would also
    fail ``check --deploy`` in any subprocess started later).
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium`.")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server, request: pytest.FixtureRequest, transactional_db
) -> Iterator[Callable[[], Page]]:
    """Open pages, each in its own browser context (own cookies: a separate person).

    Login rate-limit counters live in the database cache, whose table a flush between tests
    does not empty: each test starts without them, or a long suite trips the login limit.
    """
    cache.clear()
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1200, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=RESULTS / f"{name}-{n}-{m}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


def latest_link(to: str, pattern: str) -> str:
    """The path of the last link matching ``pattern`` emailed to ``to`` (from the test outbox)."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = re.search(rf"https?://[^/\s]+({pattern})", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"No email to {to} with a link like {pattern}")
