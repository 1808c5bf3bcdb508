"""Changes to circles: self-organised circles, joining and leaving, join requests.

Forming a programme's circles (runs, proposals, publishing, late joiners, merges) is the
:mod:`circlewise.formation` app's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from circlewise.circles.errors import CircleError
from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    JoinRequest,
    JoinRequestStatus,
)
from circlewise.circles.signals import members_changed
from circlewise.core.languages import parse_language
from circlewise.core.mail import absolute_url, send_templated

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation

__all__ = [
    "circle_join_by_link",
    "circle_leave",
    "circle_member_remove",
    "circle_start",
    "circle_update",
    "join_request_create",
    "join_request_decide",
]

SELF_ORGANISED_FIELDS = (
    "name",
    "topic",
    "language",
    "time_zone",
    "format",
    "max_size",
    "is_listed",
)


def _with_language_code(details: dict[str, object]) -> dict[str, object]:
    """``details`` with the language as a code: callers may pass a name ("English")."""
    language = details.get("language")
    if not language:
        return details
    try:
        return {**details, "language": parse_language(str(language))}
    except ValueError as error:
        raise CircleError(str(error)) from None


def _circle_url(circle: Circle) -> str:
    return absolute_url(reverse("circles:detail", args=[circle.organisation.slug, circle.pk]))


@transaction.atomic
def circle_start(*, organisation: Organisation, by: User, **details: object) -> Circle:
    """Start a self-organised circle hosted by ``by``, who is its first member."""
    unknown = set(details) - set(SELF_ORGANISED_FIELDS)
    if unknown:
        raise CircleError(f"Unknown circle details: {', '.join(sorted(unknown))}.")
    details = _with_language_code(details)
    circle = Circle.objects.create(organisation=organisation, host=by, **details)
    CircleMember.objects.create(circle=circle, user=by, email=by.email)
    return circle


@transaction.atomic
def circle_update(*, circle: Circle, by: User, **details: object) -> Circle:
    """Change a self-organised circle's details; the size cannot drop below its members."""
    if circle.programme_id is not None:
        raise CircleError("Programme circles are changed from the programme's pages.")
    max_size = details.get("max_size", circle.max_size)
    seated = circle.members.filter(left_at__isnull=True).count()
    if isinstance(max_size, int) and max_size < seated:
        raise CircleError(
            f"The circle already has {seated} members: the maximum size cannot be {max_size}."
        )
    for name, value in _with_language_code(details).items():
        if name not in SELF_ORGANISED_FIELDS:
            raise CircleError(f"Unknown circle detail: {name}.")
        setattr(circle, name, value)
    circle.save()
    return circle


def _seat(circle: Circle, user: User) -> CircleMember:
    """Add ``user`` to a self-organised circle with room. Caller holds a transaction."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.status != CircleStatus.ACTIVE:
        raise CircleError("This circle is closed.")
    if circle.members.filter(user=user, left_at__isnull=True).exists():
        raise CircleError("You are already in this circle.")
    if circle.members.filter(left_at__isnull=True).count() >= circle.max_size:
        raise CircleError(f"This circle is full ({circle.max_size} members).")
    try:
        with transaction.atomic():
            return CircleMember.objects.create(circle=circle, user=user, email=user.email)
    except IntegrityError as error:  # the same person joining twice at once
        raise CircleError("You are already in this circle.") from error


@transaction.atomic
def circle_join_by_link(*, circle: Circle, token: str, user: User) -> CircleMember:
    """Join a self-organised circle through its invitation link."""
    if circle.programme_id is not None or token != circle.invite_token:
        raise CircleError("This invitation link is not valid.")
    member = _seat(circle, user)
    circle.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.APPROVED, decided_at=timezone.now()
    )
    return member


@transaction.atomic
def join_request_create(*, circle: Circle, user: User, message: str = "") -> JoinRequest:
    """Ask to join a listed circle; the host is told by email."""
    if not circle.is_listed or circle.programme_id is not None:
        raise CircleError("Only listed circles take requests to join.")
    if circle.members.filter(user=user, left_at__isnull=True).exists():
        raise CircleError("You are already in this circle.")
    if circle.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).exists():
        raise CircleError("You have already asked to join this circle; the host will reply.")
    request = JoinRequest.objects.create(circle=circle, user=user, message=message.strip())
    if circle.host is not None:
        host_email = circle.host.email
        context = {"circle": circle, "requester": user, "message": request.message}
        context["url"] = _circle_url(circle)
        transaction.on_commit(
            lambda: send_templated(template="circle_join_request", to=[host_email], context=context)
        )
    return request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool, by: User) -> JoinRequest:
    """Approve (seat the person) or decline a pending request; the person is told by email."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequestStatus.PENDING:
        raise CircleError("This request has already been answered.")
    circle = join_request.circle
    if approve:
        _seat(circle, join_request.user)
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save()
    context = {"circle": circle, "approved": approve, "url": _circle_url(circle)}
    to = [join_request.user.email]
    transaction.on_commit(
        lambda: send_templated(template="circle_join_decision", to=to, context=context)
    )
    return join_request


def _notify_left(circle: Circle, leaver: CircleMember) -> None:
    """Tell the remaining members (who want circle updates) that someone left."""
    remaining = [
        member.email
        for member in circle.members.filter(left_at__isnull=True).select_related("user")
        if member.user is None or member.user.notify_circle_updates
    ]
    leaver_name = (
        (leaver.user and leaver.user.name)
        or (leaver.participant and leaver.participant.name)
        or leaver.email
    )
    context = {"circle": circle, "leaver_name": leaver_name, "url": _circle_url(circle)}
    transaction.on_commit(
        lambda: send_templated(template="circle_member_left", to=remaining, context=context)
    )


@transaction.atomic
def circle_member_remove(*, member: CircleMember, by: User) -> CircleMember:
    """Take someone out of a circle (a leaver); the remaining members are told.

    The seat is kept with ``left_at`` set, so the programme remembers who shared a circle.
    """
    member = (
        CircleMember.objects.select_for_update(of=("self",))
        .select_related("user", "participant")
        .get(pk=member.pk)
    )
    if member.left_at is not None:
        raise CircleError("This person has already left the circle.")
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    _notify_left(member.circle, member)
    circle = member.circle
    transaction.on_commit(lambda: members_changed.send(sender=Circle, circle=circle))
    return member


def circle_leave(*, circle: Circle, user: User) -> CircleMember:
    """The user leaves a circle they are in."""
    member = circle.members.filter(user=user, left_at__isnull=True).first()
    if member is None:
        raise CircleError("You are not in this circle.")
    return circle_member_remove(member=member, by=user)
