"""Placing participants in programme circles: creating circles and members in bulk, the welcome
email, and the merge targets of circles below the minimum size.

Used by the services (publishing, late joiners, merges) and by the worker (circles formed from
the queue); it queues nothing itself, so the task module can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.core.mail import absolute_url, send_templated
from circlewise.formation.composition import compose
from circlewise.matching import CircleResult, check
from circlewise.programmes.models import Participant, Programme
from circlewise.programmes.services import counts_changed

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "CIRCLE_NAMES",
    "circle_members",
    "circle_name",
    "circle_welcome_send",
    "circles_create",
    "members_add",
    "merge_targets_refresh",
    "mergeable",
    "participants_of",
]

CIRCLE_NAMES = (
    "Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Juniper", "Larch", "Linden", "Maple",
    "Oak", "Olive", "Pine", "Rowan", "Spruce", "Willow", "Yew", "Ash", "Beech", "Cherry",
    "Chestnut", "Cypress", "Holly", "Laurel", "Magnolia", "Poplar",
)  # fmt: skip


def circle_name(number: int) -> str:
    """Friendly names: "Alder circle", ..., then "Alder circle 2" once the list runs out.

    A proposal names its circles the same way, in order, so they keep their names when
    published."""
    tree = CIRCLE_NAMES[number % len(CIRCLE_NAMES)]
    round_ = number // len(CIRCLE_NAMES)
    return f"{tree} circle" + (f" {round_ + 1}" if round_ else "")


def _users_by_email(participants: Sequence[Participant]) -> dict[str, User]:
    """Logins of participants not linked to one yet (they may have signed up since): one query."""
    emails = [p.email.lower() for p in participants if p.user_id is None]
    if not emails:
        return {}
    return {user.email.lower(): user for user in User.objects.filter(email__in=emails)}


def _members(circle: Circle, group: Sequence[Participant], users: dict[str, User]) -> list:
    return [
        CircleMember(
            circle=circle,
            participant=p,
            user_id=p.user_id or getattr(users.get(p.email.lower()), "pk", None),
            email=p.email,
        )
        for p in group
    ]


def circles_create(
    *,
    programme: Programme,
    groups: Sequence[Sequence[Participant]],
    results: Sequence[CircleResult],
) -> list[Circle]:
    """Create programme circles and their members with a fixed number of queries (bulk inserts,
    logins looked up once). Caller holds a transaction and queues the welcome emails."""
    users = _users_by_email([p for group in groups for p in group])
    start = programme.circles.count()
    circles = []
    for offset, result in enumerate(results):
        language = result.same_values.get("language")
        window = result.same_values.get("meeting_window")
        circles.append(
            Circle(
                organisation_id=programme.organisation_id,
                programme=programme,
                name=circle_name(start + offset),
                topic=programme.name,
                language=str(language) if language else "",
                meeting_window=str(window) if window else "",
                format=programme.format,
                max_size=programme.max_size,
            )
        )
    # bulk_create sets primary keys on SQLite and PostgreSQL, so members can point at them.
    Circle.objects.bulk_create(circles)
    CircleMember.objects.bulk_create(
        member
        for circle, group in zip(circles, groups, strict=True)
        for member in _members(circle, group, users)
    )
    counts_changed(programme_ids=[programme.pk])  # its queue is shorter
    return circles


def members_add(*, circle: Circle, participants: Sequence[Participant]) -> None:
    """Add participants to an existing circle as members. Caller holds a transaction and queues the
    welcome email (only the newcomers get it)."""
    CircleMember.objects.bulk_create(_members(circle, participants, _users_by_email(participants)))
    counts_changed(programme_ids=[circle.programme_id])


def circle_welcome_send(*, circle_id: int) -> int:
    """Email the circle's members who have not been welcomed yet; returns how many.

    Safe to run twice: each member is marked welcomed (under a row lock) before its email is
    handed to the mailer after commit, so a second run finds no one left to welcome.
    """
    with transaction.atomic():
        circle = (
            Circle.objects.select_related("programme", "organisation")
            .select_for_update(of=("self",))
            .get(pk=circle_id)
        )
        active = list(
            circle.members.filter(left_at__isnull=True).select_related("participant", "user")
        )
        new = [member for member in active if member.welcomed_at is None]
        if not new:
            return 0
        CircleMember.objects.filter(pk__in=[member.pk for member in new]).update(
            welcomed_at=timezone.now()
        )
        context = {
            "circle": circle,
            "programme": circle.programme,
            "members": [_display_name(member) for member in active],
            "meeting_window": circle.meeting_window,
            "url": absolute_url(
                reverse("circles:detail", args=[circle.organisation.slug, circle.pk])
            ),
        }
        to = [member.email for member in new]
        transaction.on_commit(
            lambda: send_templated(template="circle_welcome", to=to, context=context)
        )
    return len(to)


def _display_name(member: CircleMember) -> str:
    return (
        (member.participant and member.participant.name)
        or (member.user and member.user.name)
        or member.email
    )


def circle_members(circles: Sequence[Circle]) -> list[list[CircleMember]]:
    """The active programme members of each circle (two queries, whatever the number of circles)."""
    by_circle: dict[int, list[CircleMember]] = {circle.pk: [] for circle in circles}
    members = CircleMember.objects.filter(
        circle__in=list(by_circle), left_at__isnull=True, participant__isnull=False
    ).select_related("participant")
    for member in members:
        by_circle[member.circle_id].append(member)
    return [by_circle[circle.pk] for circle in circles]


def participants_of(members: Iterable[CircleMember]) -> list[Participant]:
    """The participants of programme seats (as :func:`circle_members` gives: each has one)."""
    return [member.participant for member in members if member.participant is not None]


def mergeable(
    programme: Programme, members: Sequence[CircleMember], target: Sequence[CircleMember]
) -> bool:
    """Whether a small circle's members can all join ``target`` within the size range and rules."""
    people = participants_of([*members, *target])
    if len(people) > programme.max_size or not target:
        return False
    composition = compose(programme, people, leave_out=False)
    return not check(composition.problem, [list(composition.people)])


def merge_targets_refresh(*, programme_id: int) -> None:
    """Store, for each active circle of the programme below the minimum size, the circles it
    could join whole; clear it for the others.

    Run once whenever a programme circle's members change (in the worker), so the pages that
    show suggestions only read them.
    """
    programme = Programme.objects.get(pk=programme_id)
    circles = list(programme.circles.filter(status=CircleStatus.ACTIVE))
    members = dict(zip(circles, circle_members(circles), strict=True))
    through = Circle.merge_targets.through
    rows = [
        through(from_circle_id=circle.pk, to_circle_id=other.pk)
        for circle, own in members.items()
        if len(own) < programme.min_size
        for other, theirs in members.items()
        if other != circle and mergeable(programme, own, theirs)
    ]
    with transaction.atomic():
        through.objects.filter(from_circle__programme=programme).delete()
        through.objects.bulk_create(rows)
