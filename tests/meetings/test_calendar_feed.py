"""The private calendar feed: no login, the token is the key, 404 for a wrong one, resettable."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from circlewise.circles.models import Circle, CircleMember
from circlewise.meetings import services
from circlewise.meetings.models import CalendarFeed
from tests.conftest import client_for
from tests.meetings.conftest import london_schedule


def _feed_url(user) -> str:
    client = client_for(user)
    assert client.post("/account/calendar-feed/").status_code == 302
    return f"/calendar/{CalendarFeed.objects.get(user=user).token}.ics"


def test_it_serves_all_of_a_users_circles_without_a_login(scheduled, member, coach, organisation):
    other = Circle.objects.create(organisation=organisation, name="Birch", coach=coach)
    CircleMember.objects.create(circle=other, user=member, email=member.email)
    second = services.series_set(
        circle=other, by=coach, schedule=london_schedule(weekday=3, week_of_month=1)
    )
    response = Client().get(_feed_url(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {scheduled.uid, second.uid}
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    # A feed is read, not answered: no attendees' addresses in it.
    assert all("ATTENDEE" not in event for event in calendar.walk("VEVENT"))


def test_it_shows_moves_and_drops_cancelled_series(
    scheduled, member, coach, django_capture_on_commit_callbacks
):
    url = _feed_url(member)
    session = scheduled.sessions.get(number=2)
    services.session_move(
        session=session, by=coach, duration_minutes=90, format="video",
        starts_at=dt.datetime(2027, 2, 11, 16, tzinfo=dt.UTC), video_url="https://x.example/a",
    )  # fmt: skip
    events = Calendar.from_ical(Client().get(url).content).walk("VEVENT")
    assert [("RECURRENCE-ID" in e, e["SEQUENCE"]) for e in events] == [(False, 1), (True, 1)]
    services.series_cancel(series=scheduled, by=coach)
    assert Calendar.from_ical(Client().get(url).content).walk("VEVENT") == []


def test_it_answers_404_for_a_wrong_or_reset_token(scheduled, member):
    url = _feed_url(member)
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    client = client_for(member)
    assert client.post("/account/calendar-feed/").status_code == 302  # reset
    assert Client().get(url).status_code == 404
    new_url = f"/calendar/{CalendarFeed.objects.get(user=member).token}.ics"
    assert new_url != url and Client().get(new_url).status_code == 200


def test_it_leaves_out_circles_the_user_is_not_in(scheduled, outsider, admin):
    for user in (outsider, admin):
        calendar = Calendar.from_ical(Client().get(_feed_url(user)).content)
        assert calendar.walk("VEVENT") == []


def test_it_shows_the_feed_address_on_the_account_page_only_after_asking(member):
    client = client_for(member)
    page = client.get("/account/settings/").content.decode()
    assert "Get my calendar feed address" in page and "/calendar/" not in page
    client.post("/account/calendar-feed/")
    token = CalendarFeed.objects.get(user=member).token
    assert f"/calendar/{token}.ics" in client.get("/account/settings/").content.decode()


def test_it_makes_feed_changes_only_by_post(member):
    assert client_for(member).get("/account/calendar-feed/").status_code == 405
    assert Client().post("/account/calendar-feed/").status_code == 302  # to the login page
    assert not CalendarFeed.objects.exists()


def _another_circle(organisation, coach, member, name: str, count: int = 6) -> None:
    circle = Circle.objects.create(organisation=organisation, name=name, coach=coach)
    CircleMember.objects.create(circle=circle, user=member, email=member.email)
    services.series_set(
        circle=circle, by=coach, schedule=london_schedule(weekday=3, week_of_month=1, count=count)
    )


def test_it_reads_the_feed_in_as_many_queries_for_more_circles_and_sessions(
    scheduled, member, coach, organisation
):
    url = _feed_url(member)
    _another_circle(organisation, coach, member, "Birch")
    counts = []
    for names in (["Cedar"], ["Elm", "Fir", "Gum"]):
        for name in names:
            _another_circle(organisation, coach, member, name, count=12)
        services.absence_declare(
            session=scheduled.sessions.get(number=len(counts) + 2), user=member
        )
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(url)
        counts.append(len(queries))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len({str(e["UID"]) for e in events}) == 6
    assert counts[0] == counts[1], counts
    # The token, the series, their sessions (read once for events and coachees), seats, absences.
    assert counts[0] == 5, counts


def test_it_holds_the_series_whose_next_session_is_soonest_up_to_the_limit(
    scheduled, member, coach, organisation, monkeypatch
):
    monkeypatch.setattr("circlewise.meetings.selectors.FEED_MAX_SERIES", 1)
    later = Circle.objects.create(organisation=organisation, name="Aspen", coach=coach)
    CircleMember.objects.create(circle=later, user=member, email=member.email)
    services.series_set(
        circle=later, by=coach, schedule=london_schedule(starts_on=dt.date(2028, 1, 1))
    )
    events = Calendar.from_ical(Client().get(_feed_url(member)).content).walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {scheduled.uid}  # Oak meets first
