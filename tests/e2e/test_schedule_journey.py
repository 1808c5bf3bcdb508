"""Scheduling a circle (issue 10): the coach picks a proposed slot; a member sees the sessions in
their own time, downloads the invitation, gets a calendar feed address and opens it.

The circle and its members' intakes are made in the database (their own pages are tested
elsewhere); the invitation email task runs in-process (immediate backend).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings.models import SessionSeries
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import make_user
from tests.e2e.conftest import shoot_at_both_sizes
from tests.e2e.test_programme_journey import log_in
from tests.programmes.factories import make_participant, make_programme

PEOPLE = [
    ("cody@acme.test", "Cody Coach", "Europe/London"),
    ("mia@acme.test", "Mia Member", "America/New_York"),
    ("dev@acme.test", "Dev", "Europe/London"),
    ("nour@acme.test", "Nour", "Europe/Berlin"),
    ("ana@acme.test", "Ana", "Asia/Kolkata"),
]


def _oak() -> Circle:
    acme = Organisation.objects.create(name="Acme", slug="acme")
    users = {}
    for email, name, zone in PEOPLE:
        users[email] = make_user(email, name)
        users[email].time_zone = zone
        users[email].save()
        role = Role.COACH if email.startswith("cody") else Role.MEMBER
        Membership.objects.create(organisation=acme, user=users[email], role=role)
    programme = make_programme(acme)
    circle = Circle.objects.create(
        organisation=acme, programme=programme, name="Oak", coach=users["cody@acme.test"]
    )
    for email, name, zone in PEOPLE[1:]:
        person = make_participant(
            programme, email, ready=True, user=users[email], time_zone=zone, name=name
        )
        CircleMember.objects.create(
            circle=circle, participant=person, user=users[email], email=email
        )
    return circle


def test_the_coach_picks_a_slot_and_a_member_subscribes(new_page, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    circle = _oak()

    cody = new_page()
    log_in(cody, "cody@acme.test")
    cody.goto(f"/o/acme/circles/{circle.pk}/")
    cody.get_by_role("link", name="Sessions and calendar").click()
    expect(cody.get_by_role("heading", name="Choose a time")).to_be_visible()
    proposals = cody.get_by_test_id("proposal")
    expect(proposals.first).to_be_visible()
    # No time suits India, Europe and New York at once: Mia's mornings are named, in her own
    # time, before and after the US changes its clocks (two weeks before Europe does).
    expect(proposals.first).to_contain_text("Mia Member (America/New_York)")
    expect(proposals.first).to_contain_text("EST")
    expect(proposals.first).to_contain_text("EDT")
    shoot_at_both_sizes(cody, "meetings-schedule-coach")
    chosen = proposals.first.locator("strong").inner_text()
    proposals.first.get_by_role("radio").check()
    cody.get_by_role("radio", name="Video call").check()
    cody.get_by_label("Video call link").fill("https://meet.example.org/oak")
    cody.get_by_role("button", name="Choose this time").click()
    expect(cody.get_by_text("Schedule set:")).to_be_visible()
    expect(cody.get_by_test_id("chosen-schedule")).to_contain_text(chosen)
    series = SessionSeries.objects.get(circle=circle)
    assert series.describe() == chosen
    assert {m.to[0] for m in mail.outbox} >= {"mia@acme.test", "cody@acme.test"}

    # He moves the third session to a place, and cancels the fourth (after confirming).
    third = cody.get_by_test_id("session").nth(2)
    third.get_by_role("link", name="Move session 3").click()
    expect(cody.get_by_role("heading", name="Move session 3")).to_be_visible()
    cody.get_by_label("Start time").fill("13:00")
    cody.get_by_role("radio", name="In person").check()
    cody.get_by_label("Place").fill("Leeds office, room 4")
    shoot_at_both_sizes(cody, "meetings-move")
    cody.get_by_role("button", name="Move this session").click()
    expect(cody.get_by_test_id("session").nth(2)).to_contain_text("Moved")
    expect(cody.get_by_test_id("session").nth(2)).to_contain_text("Leeds office, room 4")
    cody.get_by_test_id("session").nth(3).get_by_role("link", name="Cancel session 4").click()
    cody.get_by_role("button", name="Cancel this session").click()
    expect(cody.get_by_test_id("session").nth(3)).to_contain_text("Cancelled")
    series.refresh_from_db()
    assert series.sequence == 2

    # Mia, in New York, sees the sessions in her own time and downloads the invitation.
    mia = new_page()
    log_in(mia, "mia@acme.test")
    mia.goto(f"/o/acme/circles/{circle.pk}/schedule/")
    expect(mia.get_by_text("America/New_York").first).to_be_visible()
    expect(mia.get_by_test_id("session")).to_have_count(12)
    expect(mia.get_by_role("heading", name="Choose a time")).to_have_count(0)
    shoot_at_both_sizes(mia, "meetings-schedule-member")
    with mia.expect_download() as download_info:
        mia.get_by_role("button", name="Add to my calendar (.ics)").click()
    download = download_info.value
    invitation = Calendar.from_ical(Path(download.path()).read_bytes())
    master, moved = invitation.walk("VEVENT")
    assert str(master["UID"]) == str(moved["UID"]) == series.uid and "RRULE" in master
    assert "RECURRENCE-ID" in moved and "EXDATE" in master

    # She says she cannot make the second session.
    second = mia.get_by_test_id("session").nth(1)
    second.get_by_text("Can't make this one").click()
    second.get_by_label("A note for the circle (optional)").fill("School play")
    second.get_by_role("button", name="Send my apologies").click()
    expect(mia.get_by_text("Can't make it: Mia Member (“School play”)")).to_be_visible()

    # Her private calendar feed: made on the account page, opened without logging in.
    mia.get_by_role("link", name="Subscribe to all my circles").click()
    mia.get_by_role("button", name="Get my calendar feed address").click()
    feed_url = mia.get_by_test_id("calendar-feed-url").input_value()
    assert "/calendar/" in feed_url
    shoot_at_both_sizes(mia, "meetings-account-feed")
    stranger = new_page()
    # The address is built from SITE_URL; the test server listens elsewhere.
    response = stranger.request.get(urlsplit(feed_url).path)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    feed = Calendar.from_ical(response.body())
    assert [str(e["UID"]) for e in feed.walk("VEVENT")] == [series.uid, series.uid]
