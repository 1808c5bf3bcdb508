"""``manage.py run_worker``: ``db_worker`` that survives database errors and recovers its tasks.

Same options as django-tasks-db's ``db_worker`` (see ``manage.py run_worker --help``); give each
worker a stable ``--worker-id`` (the supervisor uses ``<host>-<slot>``) so a restarted worker
requeues what its predecessor was running. See ``circlewise.core.worker``.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from circlewise.core.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run a background task worker that survives database errors (see db_worker)."

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        # No autoreload: the supervisor restarts a worker that stops, and a reload could cut a
        # task in half.
        worker.configure_signals()
        worker.run()
