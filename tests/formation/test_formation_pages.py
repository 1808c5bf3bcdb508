"""Formation's pages end to end through the test client: forming, editing, publishing."""

from __future__ import annotations

import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationRun, FormationStatus
from circlewise.formation.placing import circle_name
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
    assert "Proposal: 2 circles for 12 people" in page and "(the upper bound)" in page
    assert "Alder circle" in page and "Birch circle" in page  # the names they will keep
    assert "departments" in page  # each circle's mix, in words


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
    for mate in circle.members.exclude(email=member.email):
        assert mate.participant.name in page
    other = Circle.objects.exclude(pk=circle.pk).get()
    assert client_for(member).get(f"/o/acme/circles/{other.pk}/").status_code == 404
    queue = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/circles/")
    assert "No one is waiting" in queue.content.decode()


def test_it_finds_people_by_typing_and_says_which_circle_they_are_in(
    programme, add_participants, form, admin
):
    add_participants(programme, 12)
    run = form(programme, admin)
    response = client_for(admin).get(
        f"{_formation_url(programme)}{run.pk}/people/", {"q": "person 1"}
    )
    body = response.content.decode()
    assert body.count('role="option"') == 3  # Person 1, 10 and 11
    first = programme.participants.get(name="Person 1")
    circle = next(i for i, c in enumerate(run.proposal) if first.pk in c)
    assert f'Person 1 <span class="muted">· p1@acme.test · {circle_name(circle)}' in body
    none = client_for(admin).get(f"{_formation_url(programme)}{run.pk}/people/", {"q": "zz"})
    assert "Nobody in the proposal matches" in none.content.decode()
    # Without JavaScript the search form lists links to choose the person.
    page = client_for(admin).get(_formation_url(programme), {"q": "person 1"}).content.decode()
    assert f'href="?page=1&amp;person={first.pk}#change-heading">Person 1 <span' in page


def test_it_moves_a_chosen_person_from_the_circle_cards_and_shows_the_new_mix(
    programme, add_participants, form, admin
):
    add_participants(programme, 11)
    run = form(programme, admin)
    big = 0 if len(run.proposal[0]) == 6 else 1
    mover = programme.participants.get(pk=run.proposal[big][0])
    client = client_for(admin)
    page = client.get(_formation_url(programme), {"person": mover.pk}).content.decode()
    assert f"<strong>{mover.name}</strong> is in" in page
    assert f"Move {mover.name} here" in page and f"with {mover.name}</span>" in page
    response = client.post(
        f"{_formation_url(programme)}{run.pk}/move/",
        {"participant": mover.pk, "to_circle": 1 - big, "page": 1},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert f"{mover.name} moved to {circle_name(1 - big)}." in body
    assert f"{circle_name(1 - big)} now: " in body and "departments" in body
    run.refresh_from_db()
    assert mover.pk in run.proposal[1 - big]


def test_it_swaps_without_javascript_and_returns_to_the_same_page(
    programme, add_participants, form, admin
):
    add_participants(programme, 10)
    run = form(programme, admin)
    first, second = run.proposal[0][0], run.proposal[1][0]
    response = client_for(admin).post(
        f"{_formation_url(programme)}{run.pk}/swap/", {"first": first, "second": second}
    )
    assert response.status_code == 302
    assert response.url.endswith(f"/formation/?page=1&person={first}")
    run.refresh_from_db()
    assert second in run.proposal[0] and first in run.proposal[1]


def test_it_shows_a_large_proposal_a_page_of_circles_at_a_time(
    programme, add_participants, form, admin
):
    add_participants(programme, 90)  # 15 circles
    run = form(programme, admin)
    client = client_for(admin)
    first = client.get(_formation_url(programme)).content.decode()
    assert "Circles 1\N{EN DASH}12 of 15" in first
    assert len(re.findall(r'id="circle-\d', first)) == 12
    jumped = client.get(_formation_url(programme), {"circle": 14}).content.decode()
    assert "Circles 13\N{EN DASH}15 of 15" in jumped and circle_name(13) in jumped
    assert len(run.proposal) == 15


def test_it_opens_a_proposal_with_the_same_number_of_queries_whatever_its_size(
    make_programme, add_participants, form, admin
):
    small, large = make_programme(name="Small"), make_programme(name="Large")
    add_participants(small, 30)
    add_participants(large, 120, start=30)
    counts = []
    client = client_for(admin)
    for programme in (small, large):
        form(programme, admin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_formation_url(programme)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_stores_the_summary_when_the_run_ends_and_the_page_does_not_score_again(
    programme, add_participants, form, admin, monkeypatch
):
    add_participants(programme, 12)
    run = form(programme, admin)
    run = FormationRun.objects.get(pk=run.pk)
    assert run.summary["circles"] == 2 and run.summary["people"] == 12
    stored = [sorted(row.data["members"]) for row in run.circle_rows.order_by("index")]
    assert stored == [sorted(circle) for circle in run.proposal]

    def no_scoring(*args, **kwargs):
        raise AssertionError("the page scored the proposal again")

    monkeypatch.setattr("circlewise.formation.summary.describe", no_scoring)
    monkeypatch.setattr("circlewise.formation.summary.evaluate", no_scoring)
    page = client_for(admin).get(_formation_url(programme)).content.decode()
    assert "Proposal: 2 circles for 12 people" in page and "departments" in page


def test_it_scores_a_proposal_stored_before_summaries_were_and_saves_nothing(
    programme, add_participants, form, admin
):
    add_participants(programme, 12)
    run = form(programme, admin)
    FormationRun.objects.filter(pk=run.pk).update(summary={})
    run.circle_rows.all().delete()
    page = client_for(admin).get(_formation_url(programme)).content.decode()
    assert "Proposal: 2 circles for 12 people" in page and "departments" in page
    run.refresh_from_db()
    assert run.summary == {} and not run.circle_rows.exists()  # a GET changes nothing


def test_it_stores_the_summary_again_after_an_edit(programme, add_participants, form, admin):
    add_participants(programme, 11)
    run = form(programme, admin)
    big = 0 if len(run.proposal[0]) == 6 else 1
    mover = run.proposal[big][0]
    client_for(admin).post(
        f"{_formation_url(programme)}{run.pk}/move/", {"participant": mover, "to_circle": 1 - big}
    )
    run = FormationRun.objects.get(pk=run.pk)
    rows = {row.index: row.data["members"] for row in run.circle_rows.all()}
    assert mover in rows[1 - big] and mover not in rows[big]
    assert run.summary["objective"] == run.objective


def test_it_asks_before_publishing_and_says_who_will_be_emailed(
    programme, add_participants, form, admin
):
    add_participants(programme, 12)
    run = form(programme, admin)
    url = f"{_formation_url(programme)}{run.pk}/publish/"
    page = client_for(admin).get(url).content.decode()
    assert "Publish 2 circles?" in page and "email 12 people" in page
    assert not Circle.objects.exists()


def test_it_shows_progress_in_percent_and_says_when_the_engine_is_compiling(
    programme, add_participants, admin, monkeypatch
):
    add_participants(programme, 12)
    client = client_for(admin)
    client.post(_formation_url(programme))  # no commit in this test: the task never starts
    run = programme.formation_runs.get()
    run.status, run.progress = FormationStatus.RUNNING, 0.62
    run.save()
    url = f"{_formation_url(programme)}{run.pk}/status/"
    monkeypatch.setattr("circlewise.formation.views.kernels_ready", lambda: True)
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Forming circles… 62%" in body and 'value="62"' in body
    monkeypatch.setattr("circlewise.formation.views.kernels_ready", lambda: False)
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Preparing the engine (first run only)…" in body


def test_it_shows_why_new_circles_from_the_queue_could_not_be_formed(programme, admin):
    from circlewise.formation.models import FormationKind, FormationRun

    programme.status = "published"
    programme.save()
    FormationRun.objects.create(
        programme=programme,
        kind=FormationKind.QUEUE,
        status=FormationStatus.FAILED,
        error="No one can be placed under these rules.",
    )
    page = client_for(admin).get(f"/o/acme/programmes/{programme.pk}/circles/").content.decode()
    assert "New circles could not be formed: No one can be placed" in page
    # The proposal page only ever shows proposal runs.
    formation = client_for(admin).get(_formation_url(programme)).content.decode()
    assert "No one can be placed" not in formation
