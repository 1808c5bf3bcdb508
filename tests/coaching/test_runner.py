"""The session runner: one shared clock kept by the server, run by the coach or host."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circlewise.coaching.agenda import PHASES, split_minutes
from circlewise.coaching.models import Attendance, RunState, SessionRun
from tests.circle_fixtures import circle_mate, make_circle, make_session
from tests.conftest import client_for


@pytest.fixture
def circle(organisation, member, coach):
    return make_circle(organisation, members=[member, circle_mate(organisation)], coach=coach)


@pytest.fixture
def session(circle):
    return make_session(circle)


def _url(session, part: str = "") -> str:
    return f"/o/acme/circles/{session.circle_id}/sessions/{session.pk}/run/{part}"


def _act(client, session, action: str):
    run = SessionRun.objects.filter(session=session).first()
    version = run.version if run else 0
    return client.post(_url(session, "control/"), {"action": action, "version": version})


def _clock(client, session) -> str:
    page = client.get(_url(session)).text
    clock_url = re.search(r'hx-get="([^"]+/clock/[^"]+)"', page).group(1).replace("&amp;", "&")
    return client.get(clock_url, headers={"HX-Request": "true"})


def _shown(response) -> tuple[str, str]:
    text = response.content.decode()
    phase = re.search(r'data-testid="phase">([^<]+)<', text).group(1)
    remaining = re.search(r'data-remaining="(-?\d+)"', text).group(1)
    return phase, remaining


def test_it_splits_any_session_length_into_the_eight_phases():
    for total in (8, 15, 45, 60, 90, 120, 480):
        minutes = split_minutes(total)
        assert sum(minutes) == total and min(minutes) >= 1 and len(minutes) == len(PHASES)
    assert split_minutes(90) == [phase.minutes_in_90 for phase in PHASES]
    with pytest.raises(ValueError, match="at least 8 minutes"):
        split_minutes(7)


def test_every_device_sees_the_same_phase_and_time_from_the_server(session, coach, member):
    leader, follower = client_for(coach), client_for(member)
    assert "Start the session" not in follower.get(_url(session)).text
    _act(leader, session, "start")
    run = SessionRun.objects.get(session=session)
    # Twenty seconds pass on the server: every device is told the same remaining time.
    SessionRun.objects.filter(pk=run.pk).update(
        resumed_at=run.resumed_at - dt.timedelta(seconds=20)
    )
    assert _shown(_clock(leader, session)) == _shown(_clock(follower, session)) == (
        "Check-in round", str(10 * 60 - 20)
    )  # fmt: skip
    _act(leader, session, "advance")
    assert _shown(_clock(follower, session)) == ("Contract reminder", str(3 * 60))


def test_it_pauses_extends_and_resumes_the_phase_clock(session, coach):
    client = client_for(coach)
    _act(client, session, "start")
    run = SessionRun.objects.get(session=session)
    SessionRun.objects.filter(pk=run.pk).update(
        resumed_at=run.resumed_at - dt.timedelta(seconds=65)
    )
    _act(client, session, "pause")
    run.refresh_from_db()
    assert (run.state, run.used_seconds) == (RunState.PAUSED, 65)
    far_later = run.remaining_seconds(run.session.starts_at + dt.timedelta(hours=3))
    assert far_later == 600 - 65  # paused time does not count
    _act(client, session, "extend")
    _act(client, session, "resume")
    run.refresh_from_db()
    assert run.state == RunState.RUNNING and run.phase_seconds == 600 + 120


def test_it_walks_through_every_phase_and_finishes(session, coach):
    client = client_for(coach)
    _act(client, session, "start")
    seen = []
    for _ in range(len(PHASES) - 1):
        seen.append(SessionRun.objects.get(session=session).phase)
        _act(client, session, "advance")
    refused = _act(client, session, "advance")
    assert refused.status_code == 302
    _act(client, session, "finish")
    run = SessionRun.objects.get(session=session)
    assert seen == list(range(7)) and run.phase == 7 and run.state == RunState.FINISHED


def test_a_member_who_does_not_lead_cannot_advance_and_nothing_changes(session, coach, member):
    _act(client_for(coach), session, "start")
    before = SessionRun.objects.values().get(session=session)
    response = _act(client_for(member), session, "advance")
    assert response.status_code == 403
    assert "Only the circle&#x27;s coach or host can run the session." in response.text
    assert SessionRun.objects.values().get(session=session) == before


def test_a_click_on_a_stale_screen_changes_nothing(session, coach):
    client = client_for(coach)
    _act(client, session, "start")
    run = SessionRun.objects.get(session=session)
    client.post(_url(session, "control/"), {"action": "advance", "version": run.version})
    response = client.post(
        _url(session, "control/"), {"action": "advance", "version": run.version}, follow=True
    )
    assert "moved on in the meantime" in response.text
    assert SessionRun.objects.get(session=session).phase == 1


def test_it_shows_whose_turn_it_is_in_a_round_among_those_present(session, coach, member):
    client = client_for(coach)
    mate = circle_mate(session.circle.organisation)
    client.post(_url(session, "attendance/"), {"user": mate.pk, "status": "apology"})
    client.post(_url(session, "attendance/"), {"user": member.pk, "status": "present"})
    assert dict(Attendance.objects.values_list("user__email", "status")) == {
        "sam@acme.test": "apology", "mia@acme.test": "present",
    }  # fmt: skip
    _act(client, session, "start")
    assert SessionRun.objects.get(session=session).speakers == ["Mia"]
    assert 'data-testid="speaker">Mia<' in client.get(_url(session)).text


def test_the_clock_poll_costs_at_most_two_queries(session, coach, member):
    leader = client_for(coach)
    _act(leader, session, "start")
    follower = client_for(member)
    page = follower.get(_url(session)).text
    clock_url = re.search(r'hx-get="([^"]+/clock/[^"]+)"', page).group(1).replace("&amp;", "&")
    with CaptureQueriesContext(connection) as queries:
        response = follower.get(clock_url)
    assert response.status_code == 200 and len(queries) <= 2, [q["sql"] for q in queries]


def test_the_clock_ticket_works_for_its_user_only(session, coach, member, admin):
    page = client_for(member).get(_url(session)).text
    clock_url = re.search(r'hx-get="([^"]+/clock/[^"]+)"', page).group(1).replace("&amp;", "&")
    _act(client_for(coach), session, "start")
    assert client_for(admin).get(clock_url).status_code == 404
    assert client_for(member).get(clock_url.replace("t=", "t=x")).status_code == 404


def test_the_phase_change_tells_the_page_to_redraw_its_stage(session, coach, member):
    leader = client_for(coach)
    _act(leader, session, "start")
    page = client_for(member).get(_url(session)).text
    clock_url = re.search(r'hx-get="([^"]+/clock/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "HX-Trigger" not in client_for(member).get(clock_url).headers
    _act(leader, session, "advance")
    assert client_for(member).get(clock_url).headers["HX-Trigger"] == "stage-changed"


def test_an_in_person_session_uses_the_agenda_without_a_timer(circle, coach):
    session = make_session(circle, place="Room 4.12")
    client = client_for(coach)
    _act(client, session, "start")
    page = client.get(_url(session)).text
    assert (
        "Check-in round" in page and 'data-testid="remaining"' not in page and "+2 min" not in page
    )


def test_it_shows_the_phase_questions_to_coaches(session, coach):
    client = client_for(coach)
    _act(client, session, "start")
    for _ in range(5):
        _act(client, session, "advance")
    page = client.get(_url(session)).text
    assert "Powerful questions" in page
    assert "What would you do if you knew you could not fail?" in page


def test_an_apology_sent_in_advance_leaves_someone_out_of_the_rounds(session, coach, member):
    from circlewise.meetings.models import SessionAbsence

    mate = circle_mate(session.circle.organisation)
    SessionAbsence.objects.create(session=session, user=mate, note="On leave")
    page = client_for(coach).get(_url(session)).text
    assert "sent apologies in advance" in page
    _act(client_for(coach), session, "start")
    assert SessionRun.objects.get(session=session).speakers == ["Mia"]


def test_the_circle_page_links_inside_for_members_not_admins(session, member, admin):
    url = f"/o/acme/circles/{session.circle_id}/"
    assert "Commitments and progress" in client_for(member).get(url).text
    assert "Commitments and progress" not in client_for(admin).get(url).text


def test_the_contract_phase_shows_the_circles_current_contract(session, coach, member):
    from circlewise.contracts.services import contract_change

    contract_change(
        circle=session.circle,
        user=member,
        agreements=["Cameras on when we can.", "Phones away."],
        goal="Lead through the reorganisation",
        duration="Until June",
    )
    client = client_for(coach)
    _act(client, session, "start")
    assert "Phones away." not in client.get(_url(session)).text  # only in its own phase
    _act(client, session, "advance")
    page = client.get(_url(session), headers={"HX-Request": "true"}, query_params={"part": "stage"})
    stage = page.text
    assert "Our contract" in stage and "(version 1)" in stage
    assert "Cameras on when we can." in stage and "Phones away." in stage
    assert "Lead through the reorganisation" in stage and "Until June" in stage
    assert re.search(r"Not accepted yet by:</strong>\s*Sam<", stage)  # Mia proposed it


def test_it_names_the_sessions_coachees_by_the_rotation(circle, coach, member):
    from django.utils import timezone

    from circlewise.circles.models import CircleMember

    circle.coachees_per_session = 2
    circle.save()
    # A member counts from the first session on or after the day they joined: joined yesterday,
    # they are in a session held three hours ago even when that was before midnight.
    yesterday = timezone.now() - dt.timedelta(days=1)
    CircleMember.objects.filter(circle=circle).update(joined_at=yesterday)
    session = make_session(circle, starts_at=timezone.now() - dt.timedelta(hours=3))  # held
    assert 'data-testid="coachees">Coachees: <strong>Mia and Sam</strong>' in (
        client_for(coach).get(_url(session)).text
    )
    circle.coachees_per_session = 1
    circle.save()
    later = make_session(circle, starts_at=session.starts_at + dt.timedelta(days=28), number=2)
    # Each session keeps its own coachee, the one already held too.
    assert "Coachee: <strong>Mia</strong>" in client_for(member).get(_url(session)).text
    assert "Coachee: <strong>Sam</strong>" in client_for(member).get(_url(later)).text


def test_a_member_without_a_name_is_never_shown_by_address(session, coach):
    from circlewise.circles.models import CircleMember

    CircleMember.objects.create(circle=session.circle, email="nameless@elsewhere.test")
    page = client_for(coach).get(_url(session)).text
    assert "nameless@elsewhere.test" not in page and "A member" in page
