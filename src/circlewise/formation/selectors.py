"""Reads of formation: a programme's latest run and the people waiting for a circle."""

from __future__ import annotations

from circlewise.circles.models import CircleMember
from circlewise.formation.models import FormationKind, FormationRun, FormationStatus
from circlewise.programmes.models import Participant, Programme
from circlewise.programmes.selectors import participants_ready

__all__ = ["latest_proposal", "latest_queue_run", "latest_run", "unplaced_participants"]


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


def unplaced_participants(*, programme: Programme) -> list[Participant]:
    """Active participants of a published programme who are in none of its circles: the queue."""
    placed = CircleMember.objects.filter(
        circle__programme=programme, left_at__isnull=True, participant__isnull=False
    ).values("participant_id")
    return list(participants_ready(programme).exclude(pk__in=placed))
