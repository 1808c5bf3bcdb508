"""Insights (issue 12): a participant answers the pulse from the emailed link; the admin sees
the programme dashboard with charts and "not enough responses yet" where a group is too small;
the coach sees their circle's pulse and the comment written for them.

The programme, its circles and the earlier answers are made in the database: the earlier answers
in a closed month (figures count closed months only), Mia's in this week's session.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.coaching.models import Attendance
from circlewise.insights.privacy import NOT_ENOUGH
from circlewise.insights.services import pulse_email
from circlewise.organisations.models import Membership, Organisation, Role
from tests.circle_fixtures import make_session
from tests.conftest import make_user
from tests.e2e.conftest import latest_link, shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in
from tests.insights.conftest import answer
from tests.programmes.factories import make_participant, make_programme


def _programme():
    acme = Organisation.objects.create(name="Acme", slug="acme")
    staff = {}
    for email, role in (("ada@acme.test", Role.ADMIN), ("cody@acme.test", Role.COACH)):
        staff[email] = make_user(email, email.split("@")[0].title())
        Membership.objects.create(organisation=acme, user=staff[email], role=role)
    programme = make_programme(acme, name="New managers")
    when = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    closed_month = when - dt.timedelta(days=60)
    sessions = {}
    for name, departments in (("Oak", ["Sales"] * 6), ("Ash", ["Legal"] * 3 + ["Finance"] * 3)):
        circle = Circle.objects.create(organisation=acme, programme=programme, name=name,
                                       coach=staff["cody@acme.test"])  # fmt: skip
        earlier = make_session(circle, starts_at=closed_month)
        session = sessions[name] = make_session(circle, starts_at=when, number=2)
        for number, department in enumerate(departments):
            email = "mia@acme.test" if (name, number) == ("Oak", 0) else f"{name}{number}@acme.test"
            user = make_user(email, f"{name} person {number}")
            Membership.objects.create(organisation=acme, user=user, role=Role.MEMBER)
            participant = make_participant(
                programme,
                email,
                user=user,
                ready=True,
                attributes={"department": department, "level": "Lead"},
            )
            CircleMember.objects.create(circle=circle, participant=participant, user=user,
                                        email=email)  # fmt: skip
            for held in (earlier, session):
                Attendance.objects.create(session=held, user=user, status="present")
            if (name, number) != ("Oak", 5):
                answer(earlier, user, scores=(4, 4, 5, 4))
    return programme, sessions


def test_it_takes_a_pulse_from_the_email_and_shows_it_only_in_aggregate(new_page, settings):
    programme, sessions = _programme()
    pulse_email(session_id=sessions["Oak"].pk)

    # Mia opens the link from her email: one click, no log-in.
    mia = new_page()
    mia.goto(latest_link("mia@acme.test", r"/pulse/[^\s]+"))
    expect(mia.get_by_role("heading", name="How was your session?")).to_be_visible()
    for name, value in (("usefulness", "5"), ("speak_up", "4"), ("heard", "5"), ("trust", "4")):
        mia.locator(f'input[name="{name}"][value="{value}"]').check()
    mia.get_by_label("Anything you want your coach to know?").fill("More time for the last case")
    shoot_at_both_sizes(mia, "insights-pulse-form")
    mia.get_by_role("button", name="Send").click()
    expect(mia.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(mia.get_by_role("button", name="Change my answer")).to_be_visible()

    # The admin: charts, and the too-small groups withheld.
    admin = new_page()
    log_in(admin, "ada@acme.test")
    base = f"/o/acme/programmes/{programme.pk}/insights/"
    admin.goto(base)
    expect(admin.locator("figure.chart svg").first).to_be_visible()
    expect(admin.get_by_test_id("kpi-usefulness")).not_to_have_text(NOT_ENOUGH)
    shoot_at_both_sizes(admin, "insights-dashboard")
    admin.goto(base + "?by=department")
    table = admin.get_by_test_id("pulse-table")
    expect(table.get_by_role("row", name="Legal")).to_contain_text(NOT_ENOUGH)
    shoot_at_both_sizes(admin, "insights-dashboard-department")
    expect(admin.get_by_text("More time for the last case")).to_have_count(0)

    # In German the bars are drawn too: their widths are SVG numbers ("130.2"; "130,2" drew none).
    User.objects.filter(email="ada@acme.test").update(language="de")
    admin.goto(base)
    expect(admin.get_by_role("heading", level=1)).to_contain_text("So stehen die Kreise da")
    bars = admin.locator("rect.chart-bar")
    expect(bars.first).to_be_visible()
    assert all(bars.nth(i).bounding_box()["width"] > 5 for i in range(bars.count()))
    shoot_at_both_sizes(admin, "insights-dashboard-de")

    # The coach: Oak's pulse (five answers in the closed month) and Mia's comment, without her
    # name; this week's answers are counted when the month closes.
    coach = new_page()
    log_in(coach, "cody@acme.test")
    coach.goto(f"/o/acme/circles/{sessions['Oak'].circle_id}/pulse/")
    expect(coach.get_by_test_id("circle-usefulness")).not_to_have_text(NOT_ENOUGH)
    expect(coach.get_by_test_id("comment")).to_contain_text("More time for the last case")
    expect(coach.get_by_text("counted when the month closes")).to_be_visible()
    expect(coach.get_by_text("Oak person 0")).to_have_count(0)
    shoot_at_both_sizes(coach, "insights-coach")
