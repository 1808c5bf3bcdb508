"""A running demo programme: circles already published, with coaches, contracts and a rotation.

*New managers 2027* stays ready for a newcomer to form its circles; *Leadership circles 2026*
started in September and shows what a circle looks like while it runs. The demo member sits in
its first circle, whose contract one colleague has still to accept; every other circle's contract
is accepted by all. Idempotent: a second load finds the programme and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.circles.services import circle_coach_assign, coaches_assign_evenly
from circlewise.contracts.models import ContractAcceptance, ContractVersion
from circlewise.contracts.selectors import starting_terms
from circlewise.formation.placing import circle_name
from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.programmes.models import Participant, ParticipantStatus, Programme, ProgrammeStatus

__all__ = ["RUNNING_PROGRAMME", "publish_running_programme"]

RUNNING_PROGRAMME = "Leadership circles 2026"
CIRCLES, SIZE = 5, 6
START = dt.date(2026, 9, 14)
EXTRA_COACHES = 2  # with the coach login, three coaches share the five circles


def _groups(people: list[Participant], first: Participant) -> list[list[Participant]]:
    """Deal people across circles by department (so each circle mixes them), never seating
    someone with their manager or a report. ``first`` goes into the first circle."""
    people = sorted(people, key=lambda p: (p.attributes.get("department", ""), p.email))
    groups: list[list[Participant]] = [[first]]
    groups += [[] for _ in range(CIRCLES - 1)]
    turn = itertools.cycle(range(CIRCLES))
    for person in people:
        for _ in range(CIRCLES):
            group = groups[next(turn)]
            emails = {p.email for p in group}
            managers = {p.manager_email for p in group}
            if (
                len(group) < SIZE
                and person.manager_email not in emails
                and person.email not in managers
            ):
                group.append(person)
                break
    return groups


def _contract(circle: Circle, seats: list[CircleMember], *, waiting: int) -> None:
    """Version 1 of the starting terms, accepted by all but the last ``waiting`` members."""
    terms = starting_terms(circle=circle)
    version = ContractVersion.objects.create(
        circle=circle, number=1, agreements=list(terms.agreements), goal=terms.goal,
        duration=terms.duration, created_by=seats[0].user,
        created_at=dt.datetime.combine(START, dt.time(17), tzinfo=dt.UTC),
    )  # fmt: skip
    ContractAcceptance.objects.bulk_create(
        ContractAcceptance(version=version, member=seat, accepted_at=version.created_at)
        for seat in seats[: len(seats) - waiting]
    )


def _enrol(programme: Programme, person: Participant, at: dt.datetime) -> Participant:
    """The same person, enrolled in the running programme with the same intake answers."""
    return Participant.objects.create(
        programme=programme, email=person.email, name=person.name, user=person.user,
        manager_email=person.manager_email, attributes=person.attributes,
        languages=person.languages, time_zone=person.time_zone,
        availability=person.availability, goals=person.goals,
        status=ParticipantStatus.ACTIVE, source=person.source,
        intake_completed_at=at, invited_at=at,
    )  # fmt: skip


@transaction.atomic
def publish_running_programme(
    *, organisation: Organisation, member_email: str, coach_email: str
) -> int:
    """Create the running programme and its circles unless they exist; return circles made."""
    if organisation.programmes.filter(name=RUNNING_PROGRAMME).exists():
        return 0
    source = organisation.programmes.order_by("pk").first()
    if source is None or source.created_by is None:  # the demo's first programme comes first
        return 0
    admin = source.created_by
    programme = Programme.objects.create(
        organisation=organisation, name=RUNNING_PROGRAMME,
        goal="Experienced leaders coach each other through a year of change.",
        start_date=START, duration_months=12, with_coach=True, diversify=["department", "level"],
        same=["language"], status=ProgrammeStatus.PUBLISHED, created_by=admin,
    )  # fmt: skip
    pool = list(source.participants.filter(status=ParticipantStatus.ACTIVE).order_by("email"))
    member = next(p for p in pool if p.email == member_email)
    others = [p for p in pool if p.email != member_email][: CIRCLES * SIZE - 1]
    joined = dt.datetime.combine(START - dt.timedelta(days=7), dt.time(9), tzinfo=dt.UTC)
    copies = {p.email: _enrol(programme, p, joined) for p in [member, *others]}
    # A few experienced people outside the programme coach, besides the coach login.
    in_programme = set(copies)
    spare = (
        Membership.objects.filter(organisation=organisation, role=Role.MEMBER)
        .exclude(user__email__in=in_programme)
        .exclude(manager__isnull=True)
        .filter(user__language__startswith="en")  # the circles meet in English
        .order_by("user__email")[:EXTRA_COACHES]
    )
    Membership.objects.filter(pk__in=[m.pk for m in spare]).update(role=Role.COACH)
    circles = []
    for number, group in enumerate(_groups(list(copies.values())[1:], copies[member_email])):
        circle = Circle.objects.create(
            organisation=organisation, programme=programme, name=circle_name(number),
            topic=programme.name, language="en", max_size=SIZE,
        )  # fmt: skip
        seats = CircleMember.objects.bulk_create(
            CircleMember(circle=circle, participant=p, user=p.user, email=p.email, joined_at=joined)
            for p in group
        )
        _contract(circle, seats, waiting=1 if number == 0 else 0)
        circles.append(circle)
    # The coach login coaches the member's circle, so both logins meet there; the admin then
    # spreads the other circles over the coaches with "assign coaches evenly".
    coach = User.objects.get(email=coach_email)
    circle_coach_assign(circle=circles[0], coach=coach, by=admin)
    coaches_assign_evenly(programme=programme, by=admin)
    return CIRCLES
