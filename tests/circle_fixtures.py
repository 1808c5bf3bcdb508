"""A circle with people in it, for tests of what happens inside circles (journal, resources,
sessions): ``mia`` (the matrix member) and a circle-mate ``sam`` in it, ``cody`` as its coach."""

from __future__ import annotations

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Membership, Organisation, Role
from tests.conftest import make_user

__all__ = ["circle_mate", "make_circle"]


def circle_mate(organisation: Organisation, email: str = "sam@acme.test") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = make_user(email, email.split("@")[0].title())
        Membership.objects.create(organisation=organisation, user=user, role=Role.MEMBER)
    return user


def make_circle(
    organisation: Organisation,
    *,
    members: list[User],
    coach: User | None = None,
    host: User | None = None,
    name: str = "Oak",
    **fields: object,
) -> Circle:
    circle = Circle.objects.create(
        organisation=organisation, name=name, coach=coach, host=host, **fields
    )
    for user in members:
        CircleMember.objects.create(circle=circle, user=user, email=user.email)
    return circle
