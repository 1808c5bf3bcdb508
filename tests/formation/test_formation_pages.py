"""Formation's pages end to end through the test client: forming, editing, publishing."""

from __future__ import annotations

from django.core import mail

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationStatus
from tests.conftest import client_for


def _formation_url(programme) -> str:
    return f"/o/acme/programmes/{programme.pk}/formation/"


def test_it_forms_circles_from_the_page_and_shows_the_proposal(
    programme, add_participants, admin, django_capture_on_commit_callbacks
):
    add_participants(programme, 12)
    client = client_for(admin)
    page = client.get(_formation_url(programme)).content.decode()
    assert "Form circles" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_formation_url(programme))
    assert response.status_code == 302
    run = programme.formation_runs.get()
    assert run.status == FormationStatus.PROPOSED
    status = client.get(
        f"{_formation_url(programme)}{run.pk}/status/", headers={"HX-Request": "true"}
    )
    assert status["HX-Refresh"] == "true"
    assert 'value="100"' in status.content.decode()
    page = client.get(_formation_url(programme)).content.decode()
    assert "Proposal: 2 circles" in page and "of the upper bound" in page
    assert "department" in page  # each circle's mix


def test_it_polls_while_the_run_is_queued(programme, add_participants, admin):
    add_participants(programme, 12)
    client = client_for(admin)
    client.post(_formation_url(programme))  # no commit in this test: the task never starts
    run = programme.formation_runs.get()
    status = client.get(
        f"{_formation_url(programme)}{run.pk}/status/", headers={"HX-Request": "true"}
    )
    body = status.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<progress" in body and 'aria-live="polite"' in body
    assert "HX-Refresh" not in status


def test_it_shows_why_an_edit_was_refused_and_keeps_the_proposal(
    programme, add_participants, form, admin
):
    add_participants(programme, 10)
    run = form(programme, admin)
    client = client_for(admin)
    response = client.post(
        f"{_formation_url(programme)}{run.pk}/move/",
        {"participant": run.proposal[0][0], "to_circle": 1},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'role="alert"' in body and "circles have 5 to 6" in body
    assert 'id="proposal"' in body
    proposal = run.proposal
    run.refresh_from_db()
    assert run.proposal == proposal


def test_it_moves_someone_from_the_page(programme, add_participants, form, admin):
    add_participants(programme, 11)
    run = form(programme, admin)
    big = 0 if len(run.proposal[0]) == 6 else 1
    mover = run.proposal[big][0]
    response = client_for(admin).post(
        f"{_formation_url(programme)}{run.pk}/move/",
        {"participant": mover, "to_circle": 1 - big},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'role="alert"' not in response.content.decode()
    run.refresh_from_db()
    assert mover in run.proposal[1 - big]


def test_it_publishes_and_the_participant_sees_their_circle(
    programme, add_participants, form, admin, member, django_capture_on_commit_callbacks
):
    add_participants(programme, 9)
    add_participants(programme, 1, start=9, email=member.email, name="Mia")
    run = form(programme, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(f"{_formation_url(programme)}{run.pk}/publish/")
    assert response.status_code == 302
    assert len(mail.outbox) == 10
    circle = CircleMember.objects.get(email=member.email).circle
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert circle.name in page and programme.goal in page and "Monthly" in page
    for seat in circle.members.exclude(email=member.email):
        assert seat.participant.name in page
    other = Circle.objects.exclude(pk=circle.pk).get()
    assert client_for(member).get(f"/o/acme/circles/{other.pk}/").status_code == 404
    queue = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/circles/")
    assert "No one is waiting" in queue.content.decode()
