"""The schedule page: proposals judged in each member's own time, choosing, setting by hand,
moving, cancelling, "can't make this one", times in the viewer's zone; selectors; the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from circlewise.meetings import selectors, services
from circlewise.meetings.models import SessionAbsence, SessionSeries
from circlewise.programmes.models import Participant
from tests.conftest import client_for
from tests.meetings.test_meetings_permissions import BY_HAND, MOVE


def test_it_proposes_slots_and_says_who_is_inconvenienced_in_their_own_time(circle, coach):
    # Ana in New York can only make early mornings: 08:00-09:30 her time is 13:00 in London.
    Participant.objects.filter(email="ana@acme.test").update(
        availability=[{"day": d, "start": "07:00", "end": "10:00"} for d in range(5)]
    )
    defaults = selectors.schedule_defaults(circle=circle, viewer=coach)
    proposals = selectors.slot_proposals(circle=circle, defaults=defaults)
    assert proposals and defaults.cadence == "monthly" and defaults.minutes == 90
    best = proposals[0]
    assert best.attendance == best.possible  # someone's early morning suits everyone
    ana = [p for p in best.inconvenienced if p.name == "Ana"]
    assert ana and ana[0].time_zone == "America/New_York"
    assert all(t.endswith(("EST", "EDT")) for t in ana[0].local_times)
    page = client_for(coach).get(f"/o/acme/circles/{circle.pk}/schedule/").content.decode()
    assert best.describe in page and "Ana (America/New_York)" in page


def test_it_sets_the_chosen_proposal(circle, coach):
    defaults = selectors.schedule_defaults(circle=circle, viewer=coach)
    best = selectors.slot_proposals(circle=circle, defaults=defaults)[0]
    response = client_for(coach).post(
        f"/o/acme/circles/{circle.pk}/schedule/pick/",
        {
            "slot": best.key,
            "starts_on": defaults.starts_on.isoformat(),
            "count": 12,
            "duration_minutes": 90,
            "format": "place",
            "place": "Leeds office, room 4",
        },
    )
    assert response.status_code == 302
    series = SessionSeries.objects.get(circle=circle)
    assert series.describe() == best.describe
    assert series.count == 12 and circle.sessions.count() == 12
    assert series.sessions.first().starts_at == best.first


def test_it_shows_the_form_again_with_the_reason_when_a_link_is_bad(circle, coach):
    response = client_for(coach).post(
        f"/o/acme/circles/{circle.pk}/schedule/set/", BY_HAND | {"video_url": "ftp://x.example"}
    )
    assert response.status_code == 400
    assert "starting with https://" in response.content.decode()
    assert not SessionSeries.objects.exists()


def test_it_shows_times_in_the_viewers_time_zone(scheduled, member):
    member.time_zone = "America/New_York"
    member.save()
    page = client_for(member).get(f"/o/acme/circles/{scheduled.circle_id}/schedule/")
    text = page.content.decode()
    # 16:00 in London is 11:00 in New York in winter (GMT, EST) and in April (BST, EDT).
    assert "Tue 12 Jan 2027, 11:00" in text
    assert "Tue 13 Apr 2027, 11:00" in text
    assert "America/New_York" in text


def test_it_moves_one_session_and_leaves_the_rest(scheduled, coach):
    second = scheduled.sessions.get(number=2)
    url = f"/o/acme/circles/{scheduled.circle_id}/sessions/{second.pk}/move/"
    before = {s.pk: s.starts_at for s in scheduled.sessions.exclude(pk=second.pk)}
    assert client_for(coach).post(url, MOVE).status_code == 302
    second.refresh_from_db()
    assert second.starts_at == dt.datetime(2027, 2, 10, 9, 30, tzinfo=dt.UTC)  # GMT in February
    assert second.place == "Room 4" and second.is_moved
    assert {s.pk: s.starts_at for s in scheduled.sessions.exclude(pk=second.pk)} == before


def test_it_refuses_to_move_a_session_into_the_past(scheduled, coach):
    second = scheduled.sessions.get(number=2)
    url = f"/o/acme/circles/{scheduled.circle_id}/sessions/{second.pk}/move/"
    response = client_for(coach).post(url, MOVE | {"date": "2020-01-01"})
    assert response.status_code == 400 and "in the future" in response.content.decode()
    second.refresh_from_db()
    assert not second.is_moved


def test_it_lets_a_member_say_they_cannot_make_one_session(scheduled, member):
    session = scheduled.sessions.get(number=3)
    client = client_for(member)
    url = f"/o/acme/circles/{scheduled.circle_id}/sessions/{session.pk}/absence/"
    client.post(url, {"absent": "1", "note": "School play"})
    client.post(url, {"absent": "1"})  # twice changes nothing
    assert list(SessionAbsence.objects.values_list("session_id", "note")) == [
        (session.pk, "School play")
    ]
    page = client.get(f"/o/acme/circles/{scheduled.circle_id}/schedule/").content.decode()
    assert "Can't make it: Mia (“School play”)" in page
    assert "I can make it after all" in page
    client.post(url, {"absent": "0"})
    assert not SessionAbsence.objects.exists()


def test_it_refuses_a_note_with_a_line_break(scheduled, member):
    session = scheduled.sessions.get(number=3)
    url = f"/o/acme/circles/{scheduled.circle_id}/sessions/{session.pk}/absence/"
    client_for(member).post(url, {"absent": "1", "note": "a\nb"})
    assert not SessionAbsence.objects.exists()


def test_it_keeps_sessions_already_held_when_the_schedule_changes(scheduled, coach, circle):
    first = scheduled.sessions.get(number=1)
    # The first session has happened.
    type(first).objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() - dt.timedelta(hours=22),
    )
    services.series_set(
        circle=circle, by=coach, schedule=services_schedule(weekday=3, week_of_month=1)
    )
    numbers = list(circle.sessions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    series = SessionSeries.objects.get()
    assert [s.number for s in selectors.rule_sessions(series=series)] == [2, 3, 4, 5, 6, 7]
    assert series.sequence == 1


def services_schedule(**changes):
    from tests.meetings.conftest import london_schedule

    return london_schedule(**changes)


def test_it_gives_the_next_session_and_skips_cancelled_ones(scheduled, coach, circle):
    assert selectors.next_session(circle=circle).number == 1
    services.session_cancel(session=scheduled.sessions.get(number=1), by=coach)
    assert selectors.next_session(circle=circle).number == 2
    later = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    assert selectors.next_session(circle=circle, now=later) is None
    assert len(selectors.sessions_for(circle=circle)) == 6


def test_there_is_no_next_session_once_the_series_is_cancelled(scheduled, coach, circle):
    services.series_cancel(series=scheduled, by=coach)
    assert selectors.next_session(circle=circle) is None


@pytest.mark.parametrize("role, status", [("member", 200), ("coach", 200), ("admin", 200)])
def test_it_reads_a_circles_sessions_through_the_api(scheduled, role, status, request, api_client):
    user = request.getfixturevalue(role)
    response = api_client(user).get(
        f"/api/organisations/acme/circles/{scheduled.circle_id}/sessions"
    )
    assert response.status_code == status
    body = response.json()
    assert body["series"]["uid"] == scheduled.uid
    assert body["series"]["description"].startswith("2nd Tuesday of each month, 16:00")
    assert [s["number"] for s in body["sessions"]] == [1, 2, 3, 4, 5, 6]
    assert body["sessions"][0]["starts_at"].startswith("2027-01-12T16:00:00")


def test_it_hides_sessions_from_the_api_for_outsiders_and_other_circles(
    scheduled, outsider, api_client, organisation
):
    from circlewise.circles.models import Circle
    from circlewise.organisations.models import Membership, Organisation
    from tests.conftest import make_user

    stranger = make_user("sam@acme.test", "Sam")
    Membership.objects.create(organisation=organisation, user=stranger, role="member")
    url = f"/api/organisations/acme/circles/{scheduled.circle_id}/sessions"
    assert api_client(stranger).get(url).status_code == 404
    assert api_client(outsider).get(url).status_code == 404
    other = Circle.objects.create(organisation=Organisation.objects.get(slug="globex"), name="X")
    assert (
        api_client(stranger).get(f"/api/organisations/acme/circles/{other.pk}/sessions").status_code
        == 404
    )


@pytest.mark.parametrize("slot", ["", "9:1:600", "1:5:600", "1:2:1440", "1:2:x"])
def test_it_refuses_a_malformed_slot(circle, coach, slot):
    response = client_for(coach).post(
        f"/o/acme/circles/{circle.pk}/schedule/pick/",
        {"slot": slot, "starts_on": "2027-01-04", "count": 6, "duration_minutes": 90,
         "format": "video", "video_url": "https://meet.example.org/oak"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choose one of the proposed times." in response.content.decode()
    assert not SessionSeries.objects.exists()
