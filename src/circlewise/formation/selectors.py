"""Reads of formation: a programme's latest run and the people waiting for a circle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Window

from circlewise.circles.models import CircleMember
from circlewise.formation.models import FormationKind, FormationRun, FormationStatus
from circlewise.programmes.models import Participant, Programme
from circlewise.programmes.selectors import kept_count, participants_ready

__all__ = [
    "Queue",
    "latest_proposal",
    "latest_queue_run",
    "latest_run",
    "unplaced_count",
    "unplaced_participants",
    "unplaced_participants_first",
]


def latest_run(*, programme: Programme) -> FormationRun | None:
    """The programme's latest proposal run, whatever its status."""
    return programme.formation_runs.filter(kind=FormationKind.PROPOSAL).first()


def latest_proposal(*, programme: Programme) -> FormationRun | None:
    """The latest run whose proposal is ready (shown while a newer run works or failed)."""
    return programme.formation_runs.filter(
        kind=FormationKind.PROPOSAL, status=FormationStatus.PROPOSED
    ).first()


def latest_queue_run(*, programme: Programme) -> FormationRun | None:
    """The latest run forming circles from the people waiting (after launch)."""
    return programme.formation_runs.filter(kind=FormationKind.QUEUE).first()


def _unplaced(programme: Programme) -> QuerySet[Participant]:
    placed = CircleMember.objects.filter(
        circle__programme=programme, left_at__isnull=True, participant__isnull=False
    ).values("participant_id")
    return participants_ready(programme=programme).exclude(pk__in=placed)


def unplaced_participants(*, programme: Programme) -> list[Participant]:
    """Active participants of a published programme who are in none of its circles: the queue."""
    return list(_unplaced(programme))


def unplaced_count(*, programme: Programme) -> int:
    """How many people wait in the queue (kept: see ``circlewise.core.kept``)."""
    return kept_count(programme=programme, name="queue", compute=_unplaced(programme).count)


@dataclass
class Queue:
    """The first people waiting for a circle, and how many wait in all."""

    people: Sequence[Participant]
    count: int


def unplaced_participants_first(*, programme: Programme, limit: int) -> Queue:
    """The queue's first ``limit`` people and its length. An empty queue (the kept count says
    so) is not read at all: finding nobody would compare every participant with the seats."""
    if not unplaced_count(programme=programme):
        return Queue([], 0)
    # The total rides along on each row (a window count): one scan of the programme, not two.
    people = list(_unplaced(programme).annotate(total=Window(Count("pk")))[:limit])
    return Queue(people, people[0].total if people else 0)
