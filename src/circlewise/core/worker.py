"""A task worker that stays up: django-tasks-db's worker, made to survive the database.

django-tasks-db's ``Worker`` exits on any database error other than SQLite's "database is locked"
(a PostgreSQL lock timeout, a dropped connection, a failover), and a worker killed mid-task leaves
that task RUNNING for ever. Here:

1. ``ResilientWorker.run`` catches database errors around the upstream loop, logs them, closes
   the broken connection, waits (exponential back-off, capped) and carries on.
2. ``tasks_recover`` runs when a worker starts: tasks that this worker id had claimed are no longer
   running (the process that claimed them is gone), so each is queued again — our tasks are safe
   to run twice — unless it has already been claimed ``MAX_ATTEMPTS`` times, then it is marked
   failed so a task that kills its worker cannot loop.

Worker ids are stable per slot (``<host>-<slot>``, given by the supervisor), which is what lets a
restarted worker find the tasks its predecessor left behind, on any machine.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, close_old_connections, connections, transaction
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("circlewise.worker")

MAX_ATTEMPTS = 3
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
# A failure this long after the previous one starts the back-off again from the first step.
BACKOFF_RESET_S = 60.0


class WorkerLostError(Exception):
    """The worker running this task stopped before the task finished."""


def tasks_recover(*, worker_id: str, backend_name: str = "default") -> tuple[int, int]:
    """Requeue or fail the tasks left RUNNING by an earlier process with ``worker_id``.

    Returns (requeued, failed).
    """
    requeued = failed = 0
    with transaction.atomic():
        stranded = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, backend_name=backend_name
        )
        for result in stranded:
            if not result.worker_ids or result.worker_ids[-1] != worker_id:
                continue
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                result.set_failed(
                    WorkerLostError(
                        f"the worker stopped during each of {len(result.worker_ids)} attempts"
                    )
                )
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    if requeued or failed:
        logger.warning(
            "worker %s: %d interrupted task(s) queued again, %d marked failed",
            worker_id,
            requeued,
            failed,
        )
    return requeued, failed


def backoff_delay(failures: int) -> float:
    """Seconds to wait after the ``failures``-th database error in a row (1, 2, ...)."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (failures - 1))


class ResilientWorker(Worker):
    """django-tasks-db's worker loop, restarted after a database error instead of exiting."""

    def run(self) -> None:
        self._recover_with_retries()
        failures = 0
        last_failure = 0.0
        while self.running:
            try:
                super().run()
                return
            except DatabaseError as error:
                now = time.monotonic()
                failures = 1 if now - last_failure > BACKOFF_RESET_S else failures + 1
                last_failure = now
                delay = backoff_delay(failures)
                logger.warning(
                    "worker %s: database error (%s: %s); retrying in %.1f s",
                    self.worker_id,
                    type(error).__name__,
                    str(error).strip().splitlines()[0] if str(error).strip() else "",
                    delay,
                )
                self._drop_connections()
                time.sleep(delay)

    def _recover_with_retries(self) -> None:
        failures = 0
        while self.running:
            try:
                tasks_recover(worker_id=self.worker_id, backend_name=self.backend_name)
                return
            except DatabaseError as error:
                failures += 1
                delay = backoff_delay(failures)
                logger.warning(
                    "worker %s: cannot recover interrupted tasks yet (%s); retrying in %.1f s",
                    self.worker_id,
                    error,
                    delay,
                )
                self._drop_connections()
                time.sleep(delay)

    @staticmethod
    def _drop_connections() -> None:
        # A connection that raised may be unusable (dropped socket, aborted transaction): close it
        # so the next query opens a fresh one.
        for connection in connections.all():
            try:
                connection.close()
            except DatabaseError:
                logger.debug("closing a broken connection failed", exc_info=True)
        close_old_connections()
