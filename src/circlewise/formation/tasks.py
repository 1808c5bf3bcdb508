"""Background tasks of formation: thin wrappers that take ids and call a service.

Each is safe to run twice. The watch task is how runs whose worker died get picked up again
without anyone pressing a button: every run schedules one for when it should long be finished,
and a worker that (re)starts runs the ones that came due while it was down.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from circlewise.formation import placing, runs
from circlewise.formation.models import FormationRun, FormationStatus

__all__ = [
    "circle_welcome_task",
    "formation_run_task",
    "formation_watch_schedule",
    "formation_watch_task",
    "merge_targets_task",
]

WATCH_EVERY = 60  # seconds between checks while a run is still active


@task()
def formation_run_task(run_id: int) -> None:
    """Run the engine for a formation run (a second delivery does nothing), its stored messages
    in the language of the admin who started it."""
    run = FormationRun.objects.select_related("started_by").filter(pk=run_id).first()
    with translation.override(runs.run_language(run) if run else None):
        outcome = runs.formation_execute(run_id=run_id)
    if outcome is not None and outcome.circles:
        # A queue run created circles: welcome their members and refresh merge targets.
        for circle in outcome.circles:
            circle_welcome_task.enqueue(circle.pk)
        merge_targets_task.enqueue(outcome.run.programme_id)


@task()
def circle_welcome_task(circle_id: int) -> None:
    """Email the members of a circle not welcomed yet (each member is welcomed once)."""
    placing.circle_welcome_send(circle_id=circle_id)


@task()
def merge_targets_task(programme_id: int) -> None:
    """Recompute which small circles of a programme could merge into which."""
    placing.merge_targets_refresh(programme_id=programme_id)


@task()
def formation_watch_task() -> None:
    """Queue again (or fail) every stalled run; check again later while any run is active."""
    for run_id in runs.runs_recover_stalled():
        formation_run_task.enqueue(run_id)
    active = FormationRun.objects.filter(
        status__in=[FormationStatus.QUEUED, FormationStatus.RUNNING]
    )
    if active.exists():
        formation_watch_schedule(after=WATCH_EVERY)


def formation_watch_schedule(*, after: float) -> None:
    """Enqueue the watch task to run ``after`` seconds from now, once the transaction commits.

    Backends that cannot defer tasks (the immediate one, in tests) skip it: there the run has
    already finished when its task returns.
    """
    if not formation_watch_task.get_backend().supports_defer:
        return
    run_after = timezone.now() + timedelta(seconds=after)
    transaction.on_commit(lambda: formation_watch_task.using(run_after=run_after).enqueue())
