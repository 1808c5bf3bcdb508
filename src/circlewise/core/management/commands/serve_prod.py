"""``manage.py serve_prod`` (``make serve-prod``): the production server and its task workers.

Refuses to start unless DEBUG is off and the database is a reachable PostgreSQL; then runs the
deploy checks, applies migrations, collects static files (hashed, compressed: WhiteNoise serves
them with long cache headers) and replaces itself with the supervisor running gunicorn and the
workers (``circlewise.core.supervisor``).
"""

from __future__ import annotations

import os
import shlex
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


def gunicorn_command(*, host: str, port: int, processes: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "circlewise.wsgi",
        f"--bind={host}:{port}",
        f"--workers={processes}",
        # Load the app once, before forking: a recycled process then starts in milliseconds
        # instead of importing Django and every app again (about 1.2 s of CPU here, taken from
        # the processes serving meanwhile). Importing it opens no database connection to share.
        "--preload",
        # Recycle processes now and then so a slow leak cannot grow without bound; the jitter
        # keeps them from restarting together.
        "--max-requests=5000",
        "--max-requests-jitter=500",
        "--timeout=30",
        "--graceful-timeout=30",
        # gunicorn's control socket defaults to one path per user: two servers would share it.
        "--no-control-socket",
    ]


class Command(BaseCommand):
    help = "Check the production settings, migrate, collect static files, serve with workers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--web-processes",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1)),
            help="gunicorn processes (default WEB_CONCURRENCY, else 2 per CPU)",
        )
        parser.add_argument("--workers", type=int, default=2, help="task workers (default 2)")

    def handle(self, *, host: str, port: int, web_processes: int, workers: int, **options) -> None:
        self._refuse_unless_ready()
        call_command("check", deploy=True, fail_level="ERROR")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()
        web = gunicorn_command(host=host, port=port, processes=web_processes)
        self.stdout.write(
            f"Serving http://{host}:{port}/ with {web_processes} gunicorn processes "
            f"and {workers} task workers."
        )
        self.stdout.flush()
        supervisor = [
            sys.executable,
            "-m",
            "circlewise.core.supervisor",
            f"--workers={workers}",
            f"--web={shlex.join(web)}",
        ]
        os.execv(sys.executable, supervisor)  # noqa: S606 (our own command)

    def _refuse_unless_ready(self) -> None:
        if settings.DEBUG:
            raise CommandError("serve_prod runs with DEBUG=0 (make serve-prod sets it).")
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError(
                "serve_prod needs PostgreSQL: set DATABASE_URL=postgres://user:pass@host:5432/db "
                f"(now: {database['ENGINE'].rsplit('.', 1)[-1]})."
            )
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            raise CommandError(
                f"PostgreSQL is not reachable at {database.get('HOST') or 'localhost'}:"
                f"{database.get('PORT') or 5432}/{database['NAME']}: {error}".strip()
            ) from None
