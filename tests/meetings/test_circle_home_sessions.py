"""The circle home's next session and the rotation, fed by the meetings schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

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


# The first session is at 16:00 UTC on 12 January 2027: on the 13th on Kiritimati (UTC+14).
ON_KIRITIMATI = datetime(2027, 1, 13, 11, 0, tzinfo=UTC)  # 01:00 on the 14th there
IN_UTC = datetime(2027, 1, 13, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("server_zone", "left_at", "viewer_zone"),
    [("Pacific/Kiritimati", ON_KIRITIMATI, None),
     ("Pacific/Kiritimati", ON_KIRITIMATI, "Asia/Karachi"),
     ("Pacific/Kiritimati", ON_KIRITIMATI, "America/Los_Angeles"),
     ("UTC", IN_UTC, None),
     ("UTC", IN_UTC, "Pacific/Kiritimati")],
)  # fmt: skip
def test_a_member_who_left_the_day_after_a_session_is_its_coachee_whoever_looks(
    scheduled, settings, server_zone, left_at, viewer_zone
):
    # Dev left the day after the first session by the server's days, so he is still its
    # coachee. Reading his leaving as a UTC day, or the session's day in the viewer's zone,
    # put both on one day and took him out of it (for some viewers only).
    settings.TIME_ZONE = server_zone
    circle = scheduled.circle
    first = circle.sessions.order_by("starts_at").first()
    seat = circle.members.get(user__name="Dev")
    seat.left_at = left_at
    seat.save()
    with timezone.override(viewer_zone):
        rotation = circle_rotation(circle=circle, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert rotation.coachees(first.pk) == ["Dev"]


def test_it_shows_a_turns_day_in_the_viewers_zone(scheduled):
    circle = scheduled.circle
    with timezone.override("Pacific/Kiritimati"):
        rotation = circle_rotation(circle=circle, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert rotation.next.day == date(2027, 1, 13)  # 16:00 in London on the 12th
