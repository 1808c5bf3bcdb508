"""``policy.visible_circles`` (lists) keeps exactly the circles ``policy.can_see_circle`` allows."""

from __future__ import annotations

from circlewise import policy
from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Membership
from tests.programmes.factories import make_programme


def test_it_filters_lists_by_the_same_rule_as_a_single_circle(organisation, admin, coach, member):
    def circle(name: str, **fields) -> Circle:
        return Circle.objects.create(organisation=organisation, name=name, **fields)

    circles = [
        circle("Listed", is_listed=True),
        circle("Hosted", host=member),
        circle("Coached", coach=coach),
        circle("Unlisted"),
        circle("Left"),
        circle("Joined"),
        Circle.objects.create(
            organisation=organisation, programme=make_programme(organisation), name="Programme's"
        ),
    ]
    CircleMember.objects.create(
        circle=circles[4], user=member, email=member.email, left_at="2026-01-01T00:00Z"
    )
    CircleMember.objects.create(circle=circles[5], user=member, email=member.email)
    for user in (admin, coach, member):
        membership = Membership.objects.get(organisation=organisation, user=user)
        expected = {c.name for c in circles if policy.can_see_circle(membership, c)}
        listed = policy.visible_circles(membership, Circle.objects.all())
        assert {c.name for c in listed} == expected, user.email
    member_sees = policy.visible_circles(Membership.objects.get(user=member), Circle.objects.all())
    assert {c.name for c in member_sees} == {"Listed", "Hosted", "Joined"}
    admin_sees = policy.visible_circles(Membership.objects.get(user=admin), Circle.objects.all())
    assert {c.name for c in admin_sees} == {"Listed", "Programme's"}


def test_it_never_lists_another_organisations_circles(organisation, admin, outsider):
    Circle.objects.create(organisation=organisation, name="Ours", is_listed=True)
    membership = Membership.objects.get(user=outsider)
    assert not policy.visible_circles(membership, Circle.objects.all()).exists()
