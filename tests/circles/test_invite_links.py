"""Invitation links of self-organised circles can be reset, expire, and change on removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from circlewise.circles import services
from circlewise.circles.errors import CircleError
from circlewise.circles.models import Circle, CircleMember
from tests.conftest import client_for


@pytest.fixture
def circle(organisation, member):
    return services.circle_start(organisation=organisation, by=member, name="Walkers")


def _join_url(circle: Circle) -> str:
    return f"/o/acme/circles/{circle.pk}/join/{circle.invite_token}/"


def test_it_lets_the_host_reset_the_link_so_the_old_one_stops_working(circle, member, coach):
    old = _join_url(circle)
    response = client_for(member).post(f"/o/acme/circles/{circle.pk}/invitation-link/reset/")
    assert response.status_code == 302
    circle.refresh_from_db()
    assert _join_url(circle) != old
    assert client_for(coach).post(old).status_code == 404
    assert not circle.members.filter(user=coach).exists()


def test_it_keeps_a_removed_person_from_rejoining_with_the_old_link(circle, member, coach):
    old = _join_url(circle)
    client_for(coach).post(old)
    seat = circle.members.get(user=coach, left_at__isnull=True)
    client_for(member).post(f"/o/acme/circles/{circle.pk}/members/{seat.pk}/remove/")
    assert client_for(coach).post(old).status_code == 404
    assert not circle.members.filter(user=coach, left_at__isnull=True).exists()


def test_it_keeps_the_link_when_someone_leaves_of_their_own_accord(circle, coach):
    client_for(coach).post(_join_url(circle))
    token = circle.invite_token
    services.circle_leave(circle=circle, user=coach)
    circle.refresh_from_db()
    assert circle.invite_token == token


def test_it_refuses_an_expired_link_and_says_so(circle, coach):
    Circle.objects.filter(pk=circle.pk).update(invite_expires_at=timezone.now() - timedelta(1))
    circle.refresh_from_db()
    page = client_for(coach).get(_join_url(circle))
    assert page.status_code == 410 and "expired" in page.text
    client_for(coach).post(_join_url(circle))
    with pytest.raises(CircleError, match="expired"):
        services.circle_join_by_link(circle=circle, token=circle.invite_token, user=coach)
    assert not CircleMember.objects.filter(circle=circle, user=coach).exists()


def test_it_shows_the_host_when_the_link_expires(circle, member):
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/").text
    assert f"Works until {circle.invite_expires_at:%-d %B %Y}" in page
