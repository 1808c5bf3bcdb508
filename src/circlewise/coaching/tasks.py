"""Background tasks of sessions: the notice scheduler, a tick that re-enqueues itself.

``make serve`` starts the chain (``manage.py start_notices``) next to the worker. The tick is
queued in the database, so after a restart the worker finds the overdue tick and runs it at once:
missed reminders catch up once (see :mod:`circlewise.coaching.notices`).
"""

from __future__ import annotations

import datetime as dt

from django.tasks import default_task_backend, task
from django.utils import timezone

from circlewise.coaching.notices import notices_plan, notices_send_due
from circlewise.insights.tasks import outcomes_plan, pulses_plan

TICK_EVERY = dt.timedelta(seconds=60)


@task()
def notices_tick() -> int:
    """Plan and send due notices, then queue the next tick (safe to run twice)."""
    notices_plan()
    sent = notices_send_due()
    pulses_plan()
    outcomes_plan()
    schedule_next_tick()
    return sent


def schedule_next_tick(*, delay: dt.timedelta = TICK_EVERY) -> bool:
    """Queue a tick unless one is already waiting; False when one was (or the backend runs tasks
    at once, as in tests, where a self-queueing task would never end)."""
    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=notices_tick.module_path, status="READY").exists():
        return False
    notices_tick.using(run_after=timezone.now() + delay).enqueue()
    return True
