"""Changes to circles: self-organised circles, joining and leaving, join requests.

Forming a programme's circles (runs, proposals, publishing, late joiners, merges) is the
:mod:`circlewise.formation` app's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circlewise.circles.errors import CircleError
from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    JoinRequest,
    JoinRequestStatus,
)
from circlewise.circles.notices import circle_url
from circlewise.circles.selectors import coach_options_for, member_name
from circlewise.circles.signals import members_changed
from circlewise.circles.tasks import circle_closed_notify_task
from circlewise.core.languages import parse_language
from circlewise.core.mail import send_templated
from circlewise.organisations.models import Membership, Role
from circlewise.organisations.services import activity_record
from circlewise.programmes.services import counts_changed

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.organisations.models import Organisation
    from circlewise.programmes.models import Programme

__all__ = [
    "JOIN_REQUEST_RETRY_AFTER",
    "circle_activity_record",
    "circle_close",
    "circle_coach_assign",
    "circle_host_hand_over",
    "circle_invite_reset",
    "circle_join_by_link",
    "circle_leave",
    "circle_member_remove",
    "circle_rotation_set",
    "circle_start",
    "circle_update",
    "coaches_assign_evenly",
    "join_request_create",
    "join_request_decide",
    "member_circles_end",
]

# After the host declines, the same person may ask again only after this long: asking emails
# the host, and a decline should not be answerable with a stream of emails.
JOIN_REQUEST_RETRY_AFTER = timedelta(days=14)

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


@transaction.atomic
def circle_start(*, organisation: Organisation, by: User, **details: object) -> Circle:
    """Start a self-organised circle hosted by ``by``, who is its first member."""
    unknown = set(details) - set(SELF_ORGANISED_FIELDS)
    if unknown:
        raise CircleError(
            _("Unknown circle details: %(details)s.") % {"details": ", ".join(sorted(unknown))}
        )
    details = _with_language_code(details)
    circle = Circle.objects.create(organisation=organisation, host=by, **details)
    CircleMember.objects.create(circle=circle, user=by, email=by.email)
    return circle


@transaction.atomic
def circle_update(*, circle: Circle, by: User, **details: object) -> Circle:
    """Change a self-organised circle's details; the size cannot drop below its members."""
    if circle.programme_id is not None:
        raise CircleError(_("Programme circles are changed from the programme's pages."))
    max_size = details.get("max_size", circle.max_size)
    seated = circle.members.filter(left_at__isnull=True).count()
    if isinstance(max_size, int) and max_size < seated:
        raise CircleError(
            _("The circle already has %(seated)s members: the maximum size cannot be %(max_size)s.")
            % {"seated": seated, "max_size": max_size}
        )
    for name, value in _with_language_code(details).items():
        if name not in SELF_ORGANISED_FIELDS:
            raise CircleError(_("Unknown circle detail: %(name)s.") % {"name": name})
        setattr(circle, name, value)
    circle.save()
    return circle


def _seat(circle: Circle, user: User) -> CircleMember:
    """Add ``user`` to a self-organised circle with room. Caller holds a transaction."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.status != CircleStatus.ACTIVE:
        raise CircleError(_("This circle is closed."))
    if circle.members.filter(user=user, left_at__isnull=True).exists():
        raise CircleError(_("You are already in this circle."))
    if circle.members.filter(left_at__isnull=True).count() >= circle.max_size:
        raise CircleError(
            _("This circle is full (%(max_size)s members).") % {"max_size": circle.max_size}
        )
    try:
        with transaction.atomic():
            return CircleMember.objects.create(circle=circle, user=user, email=user.email)
    except IntegrityError as error:  # the same person joining twice at once
        raise CircleError(_("You are already in this circle.")) from error


def circle_activity_record(*, circle: Circle, by: User, action: str, summary: str) -> None:
    """Log a change to a programme circle in the organisation's activity.

    Self-organised circles are left out on purpose: admins do not see them unless they are in
    them, so the log must not tell admins who runs or joins them. What is said in a circle
    (contract, commitments, reflections, journal) never goes into a summary.
    """
    if circle.programme_id is not None:
        activity_record(organisation=circle.organisation, by=by, action=action, summary=summary)


@transaction.atomic
def circle_invite_reset(*, circle: Circle, by: User) -> Circle:
    """Give a self-organised circle a new invitation link; the old one stops working."""
    if circle.programme_id is not None:
        raise CircleError(_("Programme circles have no invitation link."))
    # The fields' defaults make a fresh token and a fresh expiry date.
    circle.invite_token = Circle._meta.get_field("invite_token").get_default()
    circle.invite_expires_at = Circle._meta.get_field("invite_expires_at").get_default()
    circle.save(update_fields=["invite_token", "invite_expires_at"])
    return circle


@transaction.atomic
def circle_join_by_link(*, circle: Circle, token: str, user: User) -> CircleMember:
    """Join a self-organised circle through its invitation link (while the link is live)."""
    if circle.programme_id is not None or token != circle.invite_token:
        raise CircleError(_("This invitation link is not valid."))
    if not circle.invite_link_is_live:
        raise CircleError(_("This invitation link has expired. Ask the host for a new one."))
    member = _seat(circle, user)
    circle.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.APPROVED, decided_at=timezone.now()
    )
    return member


@transaction.atomic
def join_request_create(*, circle: Circle, user: User, message: str = "") -> JoinRequest:
    """Ask to join a listed circle; the host is told by email."""
    if not circle.is_listed or circle.programme_id is not None:
        raise CircleError(_("Only listed circles take requests to join."))
    if circle.members.filter(user=user, left_at__isnull=True).exists():
        raise CircleError(_("You are already in this circle."))
    if circle.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).exists():
        raise CircleError(_("You have already asked to join this circle; the host will reply."))
    declined = (
        circle.join_requests.filter(user=user, status=JoinRequestStatus.DECLINED)
        .order_by("-decided_at")
        .first()
    )
    if (
        declined
        and declined.decided_at
        and declined.decided_at + JOIN_REQUEST_RETRY_AFTER > timezone.now()
    ):
        retry = timezone.localtime(declined.decided_at + JOIN_REQUEST_RETRY_AFTER)
        raise CircleError(
            _("The host declined your request on %(declined)s. You can ask again from %(retry)s.")
            % {
                "declined": date_format(timezone.localtime(declined.decided_at), "j M"),
                "retry": date_format(retry, "j M Y"),
            }
        )
    request = JoinRequest.objects.create(circle=circle, user=user, message=message.strip())
    if circle.host is not None:
        host_email = circle.host.email
        context = {"circle": circle, "requester": user, "message": request.message}
        context["url"] = circle_url(circle)
        transaction.on_commit(
            lambda: send_templated(template="circle_join_request", to=[host_email], context=context)
        )
    return request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool, by: User) -> JoinRequest:
    """Approve (seat the person) or decline a pending request; the person is told by email."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequestStatus.PENDING:
        raise CircleError(_("This request has already been answered."))
    circle = join_request.circle
    if approve:
        if not Membership.objects.filter(
            organisation_id=circle.organisation_id, user_id=join_request.user_id
        ).exists():
            raise CircleError(
                _(
                    "%(user)s is no longer a member of %(organisation)s, so they cannot "
                    "join this circle. Decline the request instead."
                )
                % {"user": join_request.user, "organisation": circle.organisation}
            )
        _seat(circle, join_request.user)
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save()
    verb = "Approved" if approve else "Declined"
    circle_activity_record(
        circle=circle,
        by=by,
        action="circle.join_request",
        summary=f"{verb} {join_request.user}'s request.",
    )
    context = {"circle": circle, "approved": approve, "url": circle_url(circle)}
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
    # The name only: a leaver's address is not the circle's to keep (see selectors.member_name).
    context = {
        "circle": circle,
        "leaver_name": member_name(member=leaver),
        "url": circle_url(circle),
    }
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
        raise CircleError(_("This person has already left the circle."))
    if member.user_id is not None and member.user_id == member.circle.host_id:
        raise CircleError(_("The host cannot leave: hand the host role to another member first."))
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    circle = member.circle
    counts_changed(programme_ids=[circle.programme_id])  # a programme's leaver joins its queue
    removed = member.user_id is None or member.user_id != by.pk
    if removed and circle.programme_id is None:
        # The removed person still has the link: a new one keeps them from rejoining with it.
        circle_invite_reset(circle=circle, by=by)
    if removed:
        circle_activity_record(
            circle=circle,
            by=by,
            action="circle.remove",
            summary=f"Took {member.email} out of {circle.name}.",
        )
    _notify_left(circle, member)
    transaction.on_commit(lambda: members_changed.send(sender=Circle, circle=circle))
    return member


@transaction.atomic
def member_circles_end(*, organisation: Organisation, user: User, by: User) -> int:
    """Take someone removed from the organisation out of all its circles, as leavers.

    Each circle's remaining members are told, as when someone leaves; their pending requests to
    join circles are withdrawn. Returns how many seats ended.
    """
    seats = CircleMember.objects.filter(
        Q(user=user) | Q(email__iexact=user.email),
        circle__organisation=organisation,
        left_at__isnull=True,
    )
    count = 0
    for seat in seats:
        circle_member_remove(member=seat, by=by)
        count += 1
    JoinRequest.objects.filter(
        circle__organisation=organisation, user=user, status=JoinRequestStatus.PENDING
    ).update(status=JoinRequestStatus.DECLINED, decided_at=timezone.now(), decided_by=by)
    return count


def circle_leave(*, circle: Circle, user: User) -> CircleMember:
    """The user leaves a circle they are in."""
    member = circle.members.filter(user=user, left_at__isnull=True).first()
    if member is None:
        raise CircleError(_("You are not in this circle."))
    return circle_member_remove(member=member, by=user)


@transaction.atomic
def circle_host_hand_over(*, circle: Circle, to: CircleMember, by: User) -> Circle:
    """The host makes another member the host (and stays a member)."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.host_id != by.pk:
        raise CircleError(_("Only the host can hand the host role over."))
    if to.circle_id != circle.pk or to.left_at is not None or to.user_id is None:
        raise CircleError(_("Choose a member of this circle who has logged in."))
    if to.user_id == by.pk:
        raise CircleError(_("You are already the host."))
    circle.host_id = to.user_id
    circle.save(update_fields=["host"])
    return circle


@transaction.atomic
def circle_close(*, circle: Circle, by: User) -> Circle:
    """Close a circle: it leaves Find, takes nobody new, and members are told by email.

    Members keep their seats, so the circle's history stays readable to them.
    """
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.status == CircleStatus.CLOSED:
        raise CircleError(_("This circle is already closed."))
    circle.status = CircleStatus.CLOSED
    circle.is_listed = False
    circle.closed_at = timezone.now()
    circle.save(update_fields=["status", "is_listed", "closed_at"])
    circle.join_requests.filter(status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.DECLINED, decided_at=circle.closed_at, decided_by=by
    )
    transaction.on_commit(lambda: circle_closed_notify_task.enqueue(circle.pk))
    return circle


def _check_coach(circle: Circle, coach: User) -> None:
    if circle.programme is None or not circle.programme.with_coach:
        raise CircleError(_("Only circles of programmes with coaches get a coach."))
    if not Membership.objects.filter(
        organisation_id=circle.organisation_id, user=coach, role=Role.COACH
    ).exists():
        raise CircleError(
            _("%(coach)s is not a coach of %(organisation)s.")
            % {"coach": coach, "organisation": circle.organisation}
        )
    if circle.members.filter(user=coach, left_at__isnull=True).exists():
        raise CircleError(
            _("%(coach)s is a participant of this circle and cannot coach it.") % {"coach": coach}
        )


@transaction.atomic
def circle_coach_assign(*, circle: Circle, coach: User | None, by: User) -> Circle:
    """Give a programme circle a coach from the organisation's coaches (None: no coach)."""
    circle = (
        Circle.objects.select_for_update(of=("self",)).select_related("programme").get(pk=circle.pk)
    )
    if coach is not None:
        _check_coach(circle, coach)
    circle.coach = coach
    circle.save(update_fields=["coach"])
    return circle


@transaction.atomic
def coaches_assign_evenly(*, programme: Programme, by: User) -> list[Circle]:
    """Give every active circle of the programme without a coach the best-suited coach, one
    circle at a time, so each choice counts the circles given out before it. The suggestions
    are read once for all the circles: three queries and one write, whatever their number."""
    if not programme.with_coach:
        raise CircleError(_("This programme's circles do not get a coach; change its settings."))
    circles = list(
        Circle.objects.select_for_update(of=("self",))
        .filter(programme=programme, status=CircleStatus.ACTIVE, coach__isnull=True)
        .select_related("programme")
    )
    suggestions = coach_options_for(circles=circles)
    given: Counter[int] = Counter()  # circles given to each coach so far
    for circle in circles:
        options = [
            replace(o, circles=o.circles + given[o.coach.pk]) for o in suggestions[circle.pk]
        ]
        if not options:
            raise CircleError(
                _("%(organisation)s has no coach who can coach these circles.")
                % {"organisation": programme.organisation}
            )
        circle.coach = min(options, key=lambda option: option.rank).coach
        given[circle.coach.pk] += 1
    Circle.objects.bulk_update(circles, ["coach"])
    return circles


@transaction.atomic
def circle_rotation_set(*, circle: Circle, per_session: int, by: User) -> Circle:
    """The circle chooses one or two coachees per session; the rotation re-plans from it."""
    if per_session not in (1, 2):
        raise CircleError(_("A session has one or two coachees."))
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.status != CircleStatus.ACTIVE:
        raise CircleError(_("This circle is closed."))
    circle.coachees_per_session = per_session
    circle.save(update_fields=["coachees_per_session"])
    return circle
