"""The circles pages end to end through the test client: forming, editing, publishing, and
self-organised circles."""

from __future__ import annotations

from django.core import mail

from circlewise.circles.models import Circle, CircleMember, FormationStatus, JoinRequest
from tests.conftest import client_for, make_user


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
    assert 'role="alert"' in body and "outside 5-6" in body
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


# Self-organised circles --------------------------------------------------------------------------


def test_it_starts_a_circle_and_lets_people_join_by_link(member, coach):
    response = client_for(member).post(
        "/o/acme/circles/new/",
        {"name": "Parents at work", "topic": "Parenting", "language": "English",
         "time_zone": "Europe/London", "format": "video", "max_size": 2},
    )  # fmt: skip
    circle = Circle.objects.get()
    assert response.status_code == 302 and circle.host == member
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/").content.decode()
    assert circle.invite_token in page  # the host sees the invitation link
    join = f"/o/acme/circles/{circle.pk}/join/{circle.invite_token}/"
    assert client_for(coach).post(join).status_code == 302
    assert circle.members.filter(user=coach).exists()
    late = make_user("lee@acme.test")
    late.memberships.create(organisation=circle.organisation)
    response = client_for(late).post(join, follow=True)
    assert "This circle is full (2 members)." in response.content.decode()
    wrong = f"/o/acme/circles/{circle.pk}/join/not-the-token/"
    assert client_for(late).get(wrong).status_code == 404


def test_it_finds_listed_circles_by_topic_language_and_time_zone(organisation, admin, member):
    from circlewise.circles import services

    services.circle_start(
        organisation=organisation, by=admin, name="Runners", topic="Running at lunch",
        language="English", time_zone="Europe/London", is_listed=True,
    )  # fmt: skip
    services.circle_start(
        organisation=organisation, by=admin, name="Lectores", topic="Reading",
        language="Spanish", time_zone="America/Mexico_City", is_listed=True,
    )  # fmt: skip
    services.circle_start(organisation=organisation, by=admin, name="Secret", topic="Running")
    client = client_for(member)

    def found(**query) -> set[str]:
        body = client.get("/o/acme/circles/find/", query).content.decode()
        return {name for name in ("Runners", "Lectores", "Secret") if name in body}

    assert found() == {"Runners", "Lectores"}  # never the unlisted one
    assert found(q="running") == {"Runners"}
    assert found(language="spanish") == {"Lectores"}
    assert found(time_zone="America") == {"Lectores"}


def test_it_lets_the_host_approve_a_request_to_join(
    organisation, admin, member, django_capture_on_commit_callbacks
):
    from circlewise.circles import services

    circle = services.circle_start(
        organisation=organisation, by=admin, name="Runners", topic="Running", is_listed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(
            f"/o/acme/circles/{circle.pk}/request/", {"message": "I run at noon"}
        )
    assert mail.outbox[-1].to == [admin.email] and "asks to join" in mail.outbox[-1].subject
    join_request = JoinRequest.objects.get()
    assert client_for(member).post(
        f"/o/acme/circles/{circle.pk}/requests/{join_request.pk}/", {"decision": "approve"}
    ).status_code == 403  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            f"/o/acme/circles/{circle.pk}/requests/{join_request.pk}/", {"decision": "approve"}
        )
    assert circle.members.filter(user=member, left_at__isnull=True).exists()
    assert mail.outbox[-1].to == [member.email] and "Welcome" in mail.outbox[-1].subject
    page = client_for(member).get("/o/acme/circles/").content.decode()
    assert "Runners" in page


def test_it_refuses_to_shrink_a_circle_below_its_members(organisation, admin, member):
    from circlewise.circles import services

    circle = services.circle_start(organisation=organisation, by=admin, name="Runners")
    services.circle_join_by_link(circle=circle, token=circle.invite_token, user=member)
    response = client_for(admin).post(
        f"/o/acme/circles/{circle.pk}/edit/",
        {"name": "Runners", "format": "video", "max_size": 1},
    )
    assert "A circle has between 2 and 12 members." in response.content.decode()
    circle.refresh_from_db()
    assert circle.max_size == 6


def test_it_asks_before_someone_leaves_a_circle(member, coach):
    circle = Circle.objects.create(organisation=member.memberships.get().organisation, name="Oak")
    CircleMember.objects.create(circle=circle, user=member, email=member.email)
    CircleMember.objects.create(circle=circle, user=coach, email=coach.email)
    url = f"/o/acme/circles/{circle.pk}/leave/"
    page = client_for(member).get(url).content.decode()
    assert "Leave Oak?" in page
    assert f"({coach.name}) will be told by email" in page
    assert circle.members.filter(user=member, left_at__isnull=True).exists()  # not yet
    client_for(member).post(url)
    assert not circle.members.filter(user=member, left_at__isnull=True).exists()
