"""The circles pages end to end through the test client: self-organised circles."""

from __future__ import annotations

from django.core import mail

from circlewise.circles.models import Circle, CircleMember, JoinRequest
from tests.conftest import client_for, make_user

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
