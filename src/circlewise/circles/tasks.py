"""Background tasks of the circles app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from circlewise.circles.formation import formation_execute


@task()
def form_circles_task(run_id: int) -> None:
    """Run the engine for a formation run (safe to run twice: the second call does nothing)."""
    formation_execute(run_id=run_id)
