"""axe-core over every page a signed-in person can reach, at phone size (390 x 844).

The demo organisation (small), with circles formed for its programme and a self-organised circle,
is crawled link by link as the admin and as a member: one page per URL pattern, so pages added
later are checked as soon as something links to them. Any serious or critical violation fails.
axe-core is vendored from npm (tests/e2e/vendor, MPL-2.0) and injected into the page under test:
the product never serves it.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from circlewise.circles import services as circle_services
from circlewise.core.demo import DEMO_PASSWORD, LOGINS, PROGRAMME_NAME, load_demo
from circlewise.formation.services import formation_start
from circlewise.organisations.models import Role
from circlewise.programmes.models import Programme

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PHONE = {"width": 390, "height": 844}
MAX_PAGES = 80
# Not pages of ours to check, or not pages: leaving, Django's admin, the API and its docs.
SKIP = ("/accounts/logout/", "/admin/", "/api/")
SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3)
      .map(n => n.target.join(" ")).join("; ")})`);
}"""


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS)


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return [h for h in hrefs if not h.startswith(("mailto:", "tel:", "javascript:"))]


def crawl(page: Page, base_url: str) -> dict[str, list[str]]:
    """Visit one page per URL pattern reachable from the home page; their axe findings."""
    seen: set[str] = set()
    findings: dict[str, list[str]] = {}
    queue = deque(["/"])
    host = urlsplit(base_url).netloc
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        pattern = _pattern(path)
        if pattern is None or pattern in seen or path.startswith(SKIP):
            continue
        seen.add(pattern)
        try:
            response = page.goto(path)
        except PlaywrightError:  # an empty error answer (e.g. 405 for a POST-only action)
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if problems := serious_violations(page):
            findings[path] = problems
        for href in _links(page):
            url = urlsplit(href)
            if url.netloc == host:
                queue.append(url.path)
    assert len(seen) > 10, seen  # the crawl really went through the product
    return findings


@pytest.fixture
def northwind(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    result = load_demo(people=40, seed=2027)
    admin = result.organisation.memberships.get(role=Role.ADMIN, user__email=LOGINS[Role.ADMIN])
    formation_start(programme=Programme.objects.get(name=PROGRAMME_NAME), by=admin.user)
    member = result.organisation.memberships.get(user__email=LOGINS[Role.MEMBER]).user
    circle_services.circle_start(
        organisation=result.organisation, by=member, name="Parents at work",
        topic="Juggling work and family", language="English", is_listed=True,
    )  # fmt: skip
    return result.organisation


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_it_has_no_serious_accessibility_violation_on_any_signed_in_page(
    role, northwind, page, live_server
):
    page.set_viewport_size(PHONE)
    _log_in(page, LOGINS[role])
    findings = crawl(page, live_server.url)
    assert findings == {}, "\n".join(f"{p}: {v}" for p, vs in findings.items() for v in vs)
