"""The circle home's next session and the rotation, fed by the meetings schedule."""

from __future__ import annotations

from circlewise.circles.selectors import circle_rotation
from circlewise.meetings.models import SessionAbsence
from tests.conftest import client_for


def test_it_shows_the_next_session_in_my_time_zone_with_link_and_coachee(scheduled, member):
    member.time_zone = "America/New_York"
    member.save()
    page = client_for(member).get(f"/o/acme/circles/{scheduled.circle_id}/").content.decode()
    # 2nd Tuesday of January 2027, 16:00 in London, is 11:00 in New York.
    assert "Tuesday 12 January 2027, 11:00\u201312:30" in page
    assert 'href="https://meet.example.org/oak"' in page
    assert "Coachee: <strong>Dev</strong>" in page


def test_it_replans_the_rotation_when_someone_cannot_come(scheduled):
    circle = scheduled.circle
    first, second = circle.sessions.order_by("starts_at")[:2]
    assert circle_rotation(circle=circle).coachees(first.pk) == ["Dev"]
    dev = circle.members.get(user__name="Dev").user
    SessionAbsence.objects.create(session=first, user=dev)
    rotation = circle_rotation(circle=circle)
    assert rotation.coachees(first.pk) == ["Nour"]
    assert rotation.coachees(second.pk) == ["Dev"]  # back first after missing his turn


def test_it_keeps_the_next_session_from_admins_outside_the_circle_private_side(scheduled, admin):
    page = client_for(admin).get(f"/o/acme/circles/{scheduled.circle_id}/").content.decode()
    assert "Next session" in page  # admins see when programme circles meet
    assert "Coachee" not in page and "dev@acme.test" not in page
