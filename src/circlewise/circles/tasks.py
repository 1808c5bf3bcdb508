"""Background tasks of the circles app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from circlewise.circles.notices import circle_closed_notify


@task()
def circle_closed_notify_task(circle_id: int) -> None:
    """Tell a closed circle's members (safe to run twice: the second run sends nothing)."""
    circle_closed_notify(circle_id=circle_id)
