"""Running a session (issue 11): the coach runs every phase with the timer while a member, on
their own device, sees the same phase and time; two members record commitments; at the next
session they are listed for the check-in and one is marked done.

The circle and its two sessions are made in the database (scheduling has its own journey).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from circlewise.coaching.agenda import PHASES
from circlewise.coaching.models import Commitment, Question
from circlewise.coaching.question_bank import BUILT_IN
from circlewise.organisations.models import Membership, Organisation, Role
from tests.circle_fixtures import make_circle, make_session
from tests.conftest import make_user
from tests.e2e.conftest import shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in


def _seconds(page: Page) -> int:
    text = page.get_by_test_id("remaining").inner_text().strip()
    minutes, seconds = re.fullmatch(r"\+?(\d+):(\d\d)", text).groups()
    return (-1 if text.startswith("+") else 1) * (int(minutes) * 60 + int(seconds))


def _same_clock(coach: Page, member: Page, phase: str) -> None:
    """Both devices show ``phase``, and times at most 3 seconds apart (one poll plus rounding)."""
    expect(coach.get_by_test_id("phase")).to_have_text(phase)
    expect(member.get_by_test_id("phase")).to_have_text(phase)
    assert abs(_seconds(coach) - _seconds(member)) <= 3, (_seconds(coach), _seconds(member))


def _built_in_questions() -> None:
    """Browser tests run against a live server on a database that is flushed between tests,
    which also empties what data migrations loaded: put the built-in questions back."""
    if not Question.objects.filter(organisation__isnull=True).exists():
        Question.objects.bulk_create(
            Question(category=category, text=text)
            for category, texts in BUILT_IN.items()
            for text in texts
        )


def _oak():
    _built_in_questions()
    acme = Organisation.objects.create(name="Acme", slug="acme")
    people = {}
    for email, name, role in (
        ("cody@acme.test", "Cody Coach", Role.COACH),
        ("mia@acme.test", "Mia Member", Role.MEMBER),
        ("dev@acme.test", "Dev Member", Role.MEMBER),
    ):
        people[email.split("@")[0]] = make_user(email, name)
        Membership.objects.create(organisation=acme, user=people[email.split("@")[0]], role=role)
    circle = make_circle(acme, members=[people["mia"], people["dev"]], coach=people["cody"])
    now = timezone.now().replace(microsecond=0)
    first = make_session(circle, starts_at=now - dt.timedelta(minutes=5), number=1)
    second = make_session(circle, starts_at=now + dt.timedelta(days=28), number=2)
    return circle, first, second


def _commit(page: Page, what: str) -> None:
    page.get_by_label("What I will try before the next session").fill(what)
    page.get_by_label("By when").fill((timezone.localdate() + dt.timedelta(days=21)).isoformat())
    page.get_by_label("How I will know").fill("I keep a note after each 1:1")
    page.get_by_role("button", name="Record my commitment").click()
    expect(page.get_by_text("Your commitment is recorded")).to_be_visible()


def test_the_coach_runs_a_session_and_the_circle_checks_in_next_time(new_page):
    circle, first, second = _oak()
    runner = f"/o/acme/circles/{circle.pk}/sessions/{first.pk}/run/"
    coach, mia, dev = new_page(), new_page(), new_page()
    for page, email in ((coach, "cody@acme.test"), (mia, "mia@acme.test"), (dev, "dev@acme.test")):
        log_in(page, email)
        page.goto(runner)

    expect(mia.get_by_role("button", name="Start the session")).to_have_count(0)
    coach.get_by_role("button", name="Start the session").click()
    _same_clock(coach, mia, PHASES[0].title)
    expect(mia.get_by_test_id("speaker")).to_have_text("Mia")
    shoot_at_both_sizes(mia, "running-runner-member")
    shoot_at_both_sizes(coach, "running-runner-coach")

    coach.get_by_role("button", name="Next person").click()
    expect(mia.get_by_test_id("speaker")).to_have_text("Dev")

    # Pause and extend: the member's clock stops and gains the two minutes.
    coach.get_by_role("button", name="Pause").click()
    expect(mia.get_by_test_id("clock")).to_contain_text("Paused")
    before = _seconds(mia)
    coach.get_by_role("button", name="+2 min").click()
    expect(mia.get_by_test_id("remaining")).not_to_have_text(
        mia.get_by_test_id("remaining").inner_text()
    )
    assert _seconds(mia) == before + 120
    coach.get_by_role("button", name="Resume").click()
    expect(mia.get_by_test_id("clock")).to_contain_text("Running")

    for phase in PHASES[1:]:
        coach.get_by_role("button", name="Next phase").click()
        _same_clock(coach, mia, phase.title)
        if phase.key == "powerful":
            expect(coach.get_by_role("heading", name="Questions to try")).to_be_visible()
            shoot_at_both_sizes(coach, "running-runner-questions")
        if phase.key == "commit":
            expect(mia.get_by_role("heading", name="My commitment")).to_be_visible()
            _commit(mia, "Ask two questions before I give advice")
            dev.reload()
            _commit(dev, "Hand the rota decision to my deputy")
            shoot_at_both_sizes(mia, "running-runner-commit")
    coach.get_by_role("button", name="Finish the session").click()
    expect(mia.get_by_test_id("clock")).to_contain_text("Finished")
    assert Commitment.objects.filter(session=first).count() == 2

    # The next session: the accountability check-in lists both commitments; Mia marks hers done.
    runner = f"/o/acme/circles/{circle.pk}/sessions/{second.pk}/run/"
    coach.goto(runner)
    mia.goto(runner)
    coach.get_by_role("button", name="Start the session").click()
    coach.get_by_role("button", name="Next phase").click()
    coach.get_by_role("button", name="Next phase").click()
    _same_clock(coach, mia, "Accountability check-in")
    items = mia.get_by_test_id("checkin-item")
    expect(items).to_have_count(2)
    expect(items.filter(has_text="Dev Member")).to_contain_text("Hand the rota decision")
    mine = items.filter(has_text="Ask two questions before I give advice")
    mine.get_by_label("Done", exact=True).check()
    mine.get_by_label("A short reflection (optional)").fill("My team found better answers.")
    mine.get_by_role("button", name="Save").click()
    expect(
        mia.get_by_text("Marked “Ask two questions before I give advice”: done.")
    ).to_be_visible()
    coach.reload()
    expect(coach.get_by_test_id("checkin-item").filter(has_text="Mia Member")).to_contain_text(
        "Done"
    )
    shoot_at_both_sizes(coach, "running-checkin")

    mia.goto(f"/o/acme/circles/{circle.pk}/commitments/")
    expect(mia.get_by_test_id("commitment")).to_have_count(2)
    shoot_at_both_sizes(mia, "running-commitments")


def test_a_member_reflects_on_a_resource_and_keeps_a_private_note(new_page):
    from circlewise.resources.services import resource_add, resource_share

    circle, _, _ = _oak()
    coach = circle.coach
    circle.host = coach
    circle.save()
    book = resource_add(
        by=coach, circle=circle, kind="book", title="Transitions", tags="change, endings",
        url="https://example.org/transitions", note="Endings come before beginnings.",
    )  # fmt: skip
    resource_share(circle=circle, resource=book, by=coach)
    mia = new_page()
    log_in(mia, "mia@acme.test")
    mia.goto(f"/o/acme/circles/{circle.pk}/")
    mia.get_by_role("link", name="Shared resources").click()
    mia.get_by_label("I have read, watched or listened to it").check()
    mia.get_by_label("Reflection for the circle (optional)").fill("Naming the ending helped.")
    mia.get_by_role("button", name="Save").click()
    expect(mia.locator("ul.marks")).to_contain_text("Mia Member ✓ done: Naming the ending helped.")
    shoot_at_both_sizes(mia, "running-resources")

    mia.goto(f"/o/acme/circles/{circle.pk}/")
    mia.get_by_role("link", name="My journal").click()
    expect(mia.get_by_role("heading", name="New note about Oak")).to_be_visible()
    mia.get_by_role("textbox", name="Note:").fill(
        "I avoid endings. Say goodbye to the old rota properly."
    )
    mia.get_by_role("button", name="Save note").click()
    expect(mia.get_by_text("Saved in your journal. Only you can read it.")).to_be_visible()
    shoot_at_both_sizes(mia, "running-journal")

    coach_page = new_page()
    log_in(coach_page, "cody@acme.test")
    coach_page.goto("/o/acme/questions/")
    coach_page.get_by_label("Phase").select_option("options")
    coach_page.get_by_role("textbox", name="Question:").fill(
        "What would you try if nobody was watching?"
    )
    coach_page.get_by_role("button", name="Add").click()
    expect(coach_page.get_by_text("Question added.")).to_be_visible()
    shoot_at_both_sizes(coach_page, "running-questions")
    assert "I avoid endings" not in coach_page.content()
