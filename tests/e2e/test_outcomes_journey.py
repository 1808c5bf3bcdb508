"""Outcome surveys (issue 12): a participant answers the start survey from the emailed link; the
admin sees the outcomes on the dashboard, with "not enough responses yet" for the surveys not
held yet and for a department of fewer than five.

The programme, its circles and the other participants' answers are made in the database.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from circlewise.circles.models import Circle, CircleMember
from circlewise.insights.privacy import NOT_ENOUGH
from circlewise.insights.services import outcome_emails
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import make_user
from tests.e2e.conftest import RESULTS, SIZES, latest_link
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_programme_journey import log_in
from tests.insights.conftest import answer_outcome
from tests.programmes.factories import make_participant, make_programme


def _shoot(page: Page, name: str) -> None:
    """Screenshots at phone and desktop size; at phone size the page is no wider than the screen
    (the wide outcome tables scroll inside their keyboard-focusable region) and axe-core finds
    no serious violation."""
    RESULTS.mkdir(exist_ok=True)
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=RESULTS / f"outcomes-{name}-{label}.png", full_page=True)
        if label == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
            assert serious_violations(page) == []


def _programme():
    """Two circles of six in a programme that started two days ago (its start survey is open);
    Mia is in Oak, Ash has three people from Legal."""
    acme = Organisation.objects.create(name="Acme", slug="acme")
    admin = make_user("ada@acme.test", "Ada")
    Membership.objects.create(organisation=acme, user=admin, role=Role.ADMIN)
    programme = make_programme(acme, name="New managers", status="published",
                               start_date=timezone.localdate() - dt.timedelta(days=2))  # fmt: skip
    people = []
    for name, departments in (("Oak", ["Sales"] * 6), ("Ash", ["Legal"] * 3 + ["Finance"] * 3)):
        circle = Circle.objects.create(organisation=acme, programme=programme, name=name)
        for number, department in enumerate(departments):
            email = "mia@acme.test" if (name, number) == ("Oak", 0) else f"{name}{number}@acme.test"
            user = make_user(email, f"{name} person {number}")
            Membership.objects.create(organisation=acme, user=user, role=Role.MEMBER)
            participant = make_participant(
                programme, email, user=user, ready=True,
                goals="Have harder conversations sooner" if number == 0 else "",
                attributes={"department": department, "level": "Lead"},
            )  # fmt: skip
            CircleMember.objects.create(circle=circle, participant=participant, user=user,
                                        email=email)  # fmt: skip
            people.append(user)
    return programme, people


def test_it_takes_an_outcome_survey_from_the_email_and_shows_it_only_in_aggregate(new_page):
    programme, people = _programme()
    assert outcome_emails(programme_id=programme.pk, wave="start") == 12
    for user in people[1:]:
        answer_outcome(programme, user, score=2)

    # Mia opens the link from her email: one click, no log-in, her own goals above the items.
    mia = new_page()
    mia.goto(latest_link("mia@acme.test", r"/outcomes/[^\s]+"))
    expect(mia.get_by_role("heading", name="Where you stand at the start")).to_be_visible()
    expect(mia.get_by_text("Have harder conversations sooner")).to_be_visible()
    for name, value in (("goal_progress", "1"), ("confidence", "3"), ("not_alone", "2"),
                        ("support", "4"), ("skills", "3")):  # fmt: skip
        mia.locator(f'input[name="{name}"][value="{value}"]').check()
    _shoot(mia, "survey")
    mia.get_by_role("button", name="Send").click()
    expect(mia.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(mia.get_by_role("button", name="Change my answer")).to_be_visible()
    expect(mia.locator('input[name="support"][value="4"]')).to_be_checked()

    # The admin: the start survey's figures, the later surveys and Legal withheld.
    admin = new_page()
    log_in(admin, "ada@acme.test")
    admin.goto(f"/o/acme/programmes/{programme.pk}/insights/?outcomes_by=department")
    outcomes = admin.get_by_test_id("outcomes")
    table = admin.get_by_test_id("outcomes-table")
    goals = table.get_by_role("row", name="Progress on own goals")
    expect(goals).to_contain_text("1.9")  # (11 x 2 + 1) / 12
    expect(goals).to_contain_text(NOT_ENOUGH)  # the midpoint and end surveys
    expect(admin.get_by_test_id("outcome-schedule")).to_contain_text("12 of 12 asked")
    breakdown = admin.get_by_test_id("outcome-breakdown")
    expect(breakdown.get_by_role("row", name="Legal")).to_contain_text(NOT_ENOUGH)
    expect(breakdown.get_by_role("row", name="Sales")).to_contain_text("1.8")  # (5 x 2 + 1) / 6
    expect(outcomes.locator("figure.chart svg").first).to_be_visible()
    expect(admin.get_by_text("Oak person")).to_have_count(0)
    expect(admin.get_by_test_id("kpi-recommend")).to_have_text(NOT_ENOUGH)
    outcomes.scroll_into_view_if_needed()
    _shoot(admin, "dashboard")
