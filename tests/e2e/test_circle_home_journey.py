"""The circle home (issue 10): the admin assigns coaches evenly, members accept the contract one by
one (the circle shows who is missing until the last one does), and the rotation and the next
session show who is coachee. Screenshots at phone and laptop size go to ``test-results/``."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings import services as meetings
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import Programme
from tests.conftest import make_user
from tests.e2e.conftest import shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in


def _acme() -> Circle:
    acme = Organisation.objects.create(name="Acme", slug="acme")
    people = {}
    for email, name, role, zone in (
        ("ada@acme.test", "Ada Admin", Role.ADMIN, "Europe/London"),
        ("cody@acme.test", "Cody Coach", Role.COACH, "Europe/London"),
        ("mia@acme.test", "Mia Member", Role.MEMBER, "America/New_York"),
        ("dev@acme.test", "Dev Patel", Role.MEMBER, "Asia/Kolkata"),
        ("nour@acme.test", "Nour Haddad", Role.MEMBER, "Europe/Berlin"),
    ):
        user = make_user(email, name)
        user.time_zone, user.pronouns = zone, "she/her" if name.startswith("Mia") else ""
        user.save()
        Membership.objects.create(organisation=acme, user=user, role=role)
        people[email] = user
    programme = Programme.objects.create(
        organisation=acme, name="Leads", goal="Grow as leaders, together.",
        start_date=dt.date(2027, 1, 4), with_coach=True, created_by=people["ada@acme.test"],
    )  # fmt: skip
    oak = Circle.objects.create(organisation=acme, programme=programme, name="Oak", language="en")
    for email in ("mia@acme.test", "dev@acme.test", "nour@acme.test"):
        CircleMember.objects.create(circle=oak, user=people[email], email=email)
    schedule = meetings.Schedule(
        frequency="monthly", weekday=1, week_of_month=2, start_time=dt.time(16),
        time_zone="Europe/London", starts_on=dt.date(2027, 1, 1), count=12,
        duration_minutes=90, format="video", video_url="https://meet.example.org/oak",
    )  # fmt: skip
    meetings.series_set(circle=oak, by=people["ada@acme.test"], schedule=schedule, notify=False)
    return oak


def test_it_runs_a_circle_home_from_coach_to_contract_and_rotation(new_page):
    oak = _acme()
    home = f"/o/acme/circles/{oak.pk}/"

    ada = new_page()
    log_in(ada, "ada@acme.test")
    ada.goto(f"/o/acme/programmes/{oak.programme_id}/coaches/")
    ada.get_by_role("button", name="Assign coaches evenly").click()
    expect(ada.get_by_text("Coaches assigned to 1 circle.")).to_be_visible()
    expect(ada.get_by_role("listitem").filter(has_text="Oak")).to_contain_text("Coach: Cody Coach")
    shoot_at_both_sizes(ada, "circle-home-coaches")
    ada.goto(home)
    expect(ada.get_by_text("mia@acme.test")).to_have_count(0)  # the admin is not in the circle

    mia = new_page()
    log_in(mia, "mia@acme.test")
    mia.goto(home)
    missing = mia.locator("#contract-missing")
    expect(missing).to_contain_text("Mia Member, Dev Patel, Nour Haddad")
    expect(mia.get_by_test_id("next-coachee")).to_contain_text("Mia Member")
    expect(mia.get_by_test_id("next-session")).to_contain_text("Tuesday 12 January 2027, 11:00")
    expect(mia.get_by_test_id("next-session")).to_contain_text("Coachee: Mia Member")
    expect(mia.get_by_role("button", name="Copy all")).to_be_visible()
    expect(mia.get_by_text("Cody Coach")).to_be_visible()
    shoot_at_both_sizes(mia, "circle-home-before-accepting")
    mia.get_by_role("button", name="I accept this contract").click()
    expect(missing).to_contain_text("Dev Patel, Nour Haddad")
    expect(missing).not_to_contain_text("Mia")

    for email, still_missing in (("dev@acme.test", "Nour Haddad"), ("nour@acme.test", None)):
        member = new_page()
        log_in(member, email)
        member.goto(home)
        member.get_by_role("button", name="I accept this contract").click()
        if still_missing:
            expect(member.locator("#contract-missing")).to_have_text(
                f"Not accepted yet by: {still_missing}"
            )
    mia.reload()
    expect(mia.get_by_text("Accepted by everyone")).to_be_visible()
    expect(mia.locator("#contract-missing")).to_have_count(0)
    mia.get_by_text("After that").click()
    expect(mia.get_by_role("listitem").filter(has_text="9 Feb 2027")).to_contain_text("Dev Patel")
    shoot_at_both_sizes(mia, "circle-home-accepted")
    mia.get_by_role("link", name="Read the contract and its history").click()
    expect(mia.get_by_role("heading", name="Our contract")).to_be_visible()
    shoot_at_both_sizes(mia, "circle-home-contract")
