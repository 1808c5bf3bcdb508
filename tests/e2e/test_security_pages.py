"""Pages of the security work in a browser, on a phone and a laptop: the invitation welcome
page (a page, then a button), a host resetting their circle's link, the admin's activity log.
Screenshots go to test-results/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from circlewise.circles import services as circle_services
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.organisations.services import activity_record
from tests.conftest import make_user
from tests.e2e.conftest import shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in
from tests.programmes.factories import make_participant, make_programme

pytestmark = pytest.mark.e2e


def test_it_shows_the_welcome_page_then_claims_on_the_button(new_page):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    programme = make_programme(acme)
    make_participant(programme, "newcomer@elsewhere.test")
    make_user("newcomer@elsewhere.test", "Nia Newcomer")
    page = new_page()
    log_in(page, "newcomer@elsewhere.test")
    page.goto(f"/o/acme/programmes/{programme.pk}/welcome/")
    expect(page.get_by_text("newcomer@elsewhere.test")).to_be_visible()
    shoot_at_both_sizes(page, "security-welcome")
    assert programme.participants.get().user is None
    page.get_by_role("button", name="Accept and tell us about you").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_be_visible()
    assert programme.participants.get().user is not None


def test_it_lets_a_host_make_a_new_invitation_link(new_page):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    host = make_user("hana@acme.test", "Hana Host")
    Membership.objects.create(organisation=acme, user=host, role=Role.MEMBER)
    circle = circle_services.circle_start(organisation=acme, by=host, name="Walkers")
    old = circle.invite_token
    page = new_page()
    log_in(page, "hana@acme.test")
    page.goto(f"/o/acme/circles/{circle.pk}/")
    page.get_by_text("Make a new invitation link").click()
    shoot_at_both_sizes(page, "security-circle-link")
    page.get_by_role("button", name="Make a new link").click()
    expect(page.get_by_text("the old one no longer works")).to_be_visible()
    circle.refresh_from_db()
    assert circle.invite_token != old


def test_it_shows_admins_the_activity_log(new_page):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    admin = make_user("ada@acme.test", "Ada Admin")
    Membership.objects.create(organisation=acme, user=admin, role=Role.ADMIN)
    for n in range(3):
        activity_record(
            organisation=acme, by=admin, action="t", summary=f"Invited person{n}@acme.test.",
            recipients=1,
        )  # fmt: skip
    page = new_page()
    log_in(page, "ada@acme.test")
    page.goto("/o/acme/")
    page.get_by_role("button", name="Activity").click()
    expect(page.get_by_text("Invited person2@acme.test.")).to_be_visible()
    shoot_at_both_sizes(page, "security-activity")
