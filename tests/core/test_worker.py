"""Task workers that stay up: database errors, interrupted tasks, the supervisor's restarts."""

from __future__ import annotations

import logging
import shlex
import signal
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from circlewise.core import supervisor as supervisor_module
from circlewise.core import worker as worker_module
from circlewise.core.supervisor import Supervisor
from circlewise.core.worker import ResilientWorker, tasks_recover

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@task()
def double(number: int) -> int:
    return 2 * number


def _claimed(worker_ids: list[str]) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=double.enqueue(21).id)
    for worker_id in worker_ids:
        result.claim(worker_id)
    return result


def _worker(worker_id: str = "host-1") -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def test_it_requeues_the_task_a_dead_worker_was_running(db):
    mine = _claimed(["host-1"])
    another_workers = _claimed(["host-2"])
    assert tasks_recover(worker_id="host-1") == (1, 0)
    mine.refresh_from_db()
    another_workers.refresh_from_db()
    assert mine.status == TaskResultStatus.READY
    assert another_workers.status == TaskResultStatus.RUNNING  # still running elsewhere


def test_it_fails_a_task_that_was_interrupted_on_every_attempt(db):
    result = _claimed(["host-1", "host-1", "host-1"])
    assert tasks_recover(worker_id="host-1") == (0, 1)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "circlewise.core.worker.WorkerLostError"


def test_it_runs_a_requeued_task_when_the_worker_starts(transactional_db):
    result = _claimed(["host-1"])
    _worker("host-1").run()
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
    assert result.worker_ids == ["host-1", "host-1"]


def test_it_backs_off_and_carries_on_after_a_database_error(transactional_db, monkeypatch, caplog):
    result = DBTaskResult.objects.get(id=double.enqueue(4).id)
    real_get_locked = DBTaskResultQuerySet.get_locked
    failures = ["canceling statement due to lock timeout", "server closed the connection"]

    def flaky_get_locked(self):
        if failures:
            raise OperationalError(failures.pop(0))
        return real_get_locked(self)

    waits: list[float] = []
    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", flaky_get_locked)
    monkeypatch.setattr(worker_module.time, "sleep", waits.append)
    with caplog.at_level(logging.WARNING, logger="circlewise.worker"):
        _worker().run()
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert waits == [0.5, 1.0]  # doubling back-off
    assert "lock timeout" in caplog.text


def test_it_caps_the_back_off():
    assert worker_module.backoff_delay(1) == 0.5
    assert worker_module.backoff_delay(20) == worker_module.BACKOFF_MAX_S


@pytest.fixture
def restore_signals():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _sleeping_supervisor(workers: int, web: list[str] | None = None) -> Supervisor:
    supervisor = Supervisor(web=web, workers=workers, host_id="test")
    for child in supervisor.workers:
        child.command = SLEEPER
    return supervisor


def test_it_gives_each_worker_a_stable_id():
    supervisor = Supervisor(web=None, workers=2, host_id="web7")
    ids = [child.command[child.command.index("--worker-id") + 1] for child in supervisor.workers]
    assert ids == ["web7-1", "web7-2"]


def test_it_restarts_a_worker_that_dies_and_leaves_the_others():
    supervisor = _sleeping_supervisor(workers=2)
    try:
        for child in supervisor.children:
            child.start()
        dying, other = supervisor.workers
        first_pid, other_pid = dying.process.pid, other.process.pid
        dying.process.kill()
        dying.process.wait()
        supervisor._tend_workers()
        assert dying.restart_at is not None  # waits before starting again
        dying.restart_at = 0.0
        supervisor._tend_workers()
        assert dying.process.poll() is None
        assert dying.process.pid != first_pid
        assert dying.restarts == 1
        assert other.process.pid == other_pid
    finally:
        supervisor._terminate()
    assert all(child.process.poll() is not None for child in supervisor.children)


def test_it_waits_longer_for_a_worker_that_keeps_dying_at_once():
    supervisor = _sleeping_supervisor(workers=1)
    (child,) = supervisor.workers
    child.command = [sys.executable, "-c", "raise SystemExit(1)"]
    delays = []
    for _ in range(3):
        child.start()
        child.process.wait()
        supervisor._tend_workers()
        delays.append(child.restart_delay)
    assert delays == [2.0, 4.0, 8.0]


def test_it_stops_the_workers_when_the_web_server_exits(restore_signals, monkeypatch):
    monkeypatch.setattr(supervisor_module, "POLL_S", 0.01)
    supervisor = _sleeping_supervisor(workers=2, web=[sys.executable, "-c", "raise SystemExit(3)"])
    assert supervisor.run() == 3
    assert all(child.process.poll() is not None for child in supervisor.workers)


def test_it_stops_everything_on_sigterm():
    command = [sys.executable, "-m", "circlewise.core.supervisor", "--workers=0"]
    process = subprocess.Popen(
        [*command, f"--web={shlex.join(SLEEPER)}"], stderr=subprocess.PIPE, text=True
    )
    try:
        for line in process.stderr:
            if "web started" in line:
                break
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
