"""Run the web server and task workers together, restarting a worker that dies.

``make run`` (development server) and ``manage.py serve_prod`` (gunicorn) both use it::

    python -m circlewise.core.supervisor --workers 2 --web "gunicorn circlewise.wsgi -w 4"

Steps:

1. Start the web command (optional) and ``--workers`` task workers (``manage.py run_worker``),
   worker *n* with the stable id ``<host>-<n>`` so a restarted worker requeues the tasks its
   predecessor left running (``circlewise.core.worker.tasks_recover``).
2. Watch them. A worker that exits is started again after a pause that doubles while it keeps
   dying within ``QUICK_EXIT_S`` of starting (capped at ``RESTART_MAX_S``), so a broken
   configuration does not spin. The web server exiting ends everything with its exit code: it has
   its own process manager (gunicorn's arbiter) and a dead one needs a human or the service
   manager.
3. On SIGINT/SIGTERM, pass SIGTERM on (workers finish their current task), wait up to
   ``STOP_GRACE_S``, then kill what is left.

It imports no Django: the children load the settings themselves.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

logger = logging.getLogger("circlewise.supervisor")

POLL_S = 0.2
RESTART_FIRST_S = 1.0
RESTART_MAX_S = 30.0
QUICK_EXIT_S = 10.0
STOP_GRACE_S = 30.0


def worker_command(worker_id: str, interval: float) -> list[str]:
    return [
        sys.executable,
        "-m",
        "django",
        "run_worker",
        "--worker-id",
        worker_id,
        "--interval",
        str(interval),
    ]


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_delay: float = RESTART_FIRST_S
    restart_at: float | None = None
    restarts: int = field(default=0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 (our own commands)
        self.started_at = time.monotonic()
        self.restart_at = None
        logger.info("%s started (pid %d)", self.name, self.process.pid)


class Supervisor:
    def __init__(
        self,
        *,
        web: list[str] | None,
        workers: int,
        host_id: str,
        interval: float = 1.0,
    ) -> None:
        self.web = Child("web", web) if web else None
        self.workers = [
            Child(f"worker {host_id}-{n}", worker_command(f"{host_id}-{n}", interval))
            for n in range(1, workers + 1)
        ]
        self.stopping = False

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("%s: stopping", signal.strsignal(signum))
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        for child in self.children:
            child.start()
        code = 0
        while not self.stopping:
            if self.web and self.web.process and self.web.process.poll() is not None:
                code = self.web.process.returncode
                logger.error("the web server exited with code %d; stopping the workers", code)
                break
            self._tend_workers()
            time.sleep(POLL_S)
        self._terminate()
        return code

    @property
    def children(self) -> list[Child]:
        return [*([self.web] if self.web else []), *self.workers]

    def _tend_workers(self) -> None:
        now = time.monotonic()
        for worker in self.workers:
            if worker.restart_at is not None:
                if now >= worker.restart_at:
                    worker.restarts += 1
                    worker.start()
                continue
            if worker.process is None or worker.process.poll() is None:
                continue
            lived = now - worker.started_at
            worker.restart_delay = (
                min(RESTART_MAX_S, worker.restart_delay * 2)
                if lived < QUICK_EXIT_S
                else RESTART_FIRST_S
            )
            worker.restart_at = now + worker.restart_delay
            logger.warning(
                "%s exited with code %d after %.0f s; restarting in %.0f s",
                worker.name,
                worker.process.returncode,
                lived,
                worker.restart_delay,
            )

    def _terminate(self) -> None:
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            child.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_GRACE_S
        for child in running:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in %.0f s; killing it", child.name, STOP_GRACE_S)
                child.process.kill()  # type: ignore[union-attr]
                child.process.wait()  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web", help="the web server command line (omit for workers only)")
    parser.add_argument("--workers", type=int, default=1, help="task workers (default 1)")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between a worker's polls (default 1)"
    )
    parser.add_argument(
        "--host-id",
        default=socket.gethostname()[:40],
        help="this machine's name in worker ids; unique per machine (default: the host name)",
    )
    args = parser.parse_args(argv)
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s supervisor: %(message)s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circlewise.settings")
    web = shlex.split(args.web) if args.web else None
    return Supervisor(
        web=web, workers=args.workers, host_id=args.host_id, interval=args.interval
    ).run()


if __name__ == "__main__":
    sys.exit(main())
