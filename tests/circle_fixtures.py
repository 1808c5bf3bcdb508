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


def make_session(circle: Circle, *, starts_at=None, minutes: int = 90, number: int = 1,
                 place: str = ""):  # fmt: skip
    """A session of ``circle`` (with a one-session series): by video, or in ``place``."""
    import datetime as dt

    from django.utils import timezone

    from circlewise.meetings.models import Session, SessionSeries

    starts_at = starts_at or timezone.now().replace(microsecond=0)
    series = circle.session_series.first() or SessionSeries.objects.create(
        circle=circle, frequency="monthly", weekday=starts_at.weekday(), week_of_month=1,
        start_time=starts_at.time(), time_zone="UTC", duration_minutes=minutes,
        starts_on=starts_at.date(), count=12, format="place" if place else "video",
        video_url="" if place else "https://meet.example.org/oak", place=place,
    )  # fmt: skip
    return Session.objects.create(
        series=series, circle=circle, number=number, original_start=starts_at,
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes),
        format="place" if place else "video", place=place,
        video_url="" if place else "https://meet.example.org/oak",
    )  # fmt: skip
