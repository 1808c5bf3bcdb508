"""policy's reads: a circle is read with whether its viewer holds a seat, and that answer is the
viewer's alone (the permission matrix in test_permissions.py covers who may see what)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from circlewise import policy
from circlewise.circles.models import CircleMember
from circlewise.organisations.models import Membership
from tests.circle_fixtures import circle_mate, make_circle


def _membership(user) -> Membership:
    return Membership.objects.select_related("organisation").get(user=user)


def test_a_circle_read_for_its_member_answers_their_checks_without_another_query(
    organisation, member, django_assert_num_queries
):
    circle = make_circle(organisation, members=[member])
    membership = _membership(member)
    with django_assert_num_queries(1):
        found = policy.circle_for(membership, circle.pk)
        assert policy.can_see_circle_private(membership, found)
        assert policy.can_see_sessions(membership, found)


def test_the_seat_read_with_the_circle_is_the_viewers_alone(organisation, member):
    mate = circle_mate(organisation)
    circle = make_circle(organisation, members=[mate], is_listed=True)
    found = policy.circle_for(_membership(member), circle.pk)  # listed: members see it
    assert not policy.can_see_circle_private(_membership(member), found)
    # Asked for someone else, the answer is read, not taken from the viewer's.
    assert policy.can_see_circle_private(_membership(mate), found)


def test_a_member_who_left_is_read_as_not_seated(organisation, member):
    circle = make_circle(organisation, members=[member])
    CircleMember.objects.filter(circle=circle).update(left_at=timezone.now())
    with pytest.raises(Http404):
        policy.circle_for(_membership(member), circle.pk)
