"""``manage.py serve_prod`` refuses clearly before serving anything when production is not ready;
persistent connections and a database-checking health view."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from circlewise.core import views
from circlewise.core.management.commands.serve_prod import gunicorn_command
from tests.test_settings import ROOT, run_manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-key-that-is-long-and-random-enough-4f9a2c",
    "ALLOWED_HOSTS": "circles.example",
}


def test_it_refuses_sqlite() -> None:
    result = run_manage("serve_prod", DATABASE_URL="sqlite:////tmp/never.sqlite3", **PRODUCTION)
    assert result.returncode != 0
    assert "serve_prod needs PostgreSQL: set DATABASE_URL" in result.stderr


def test_it_refuses_an_unreachable_postgresql() -> None:
    url = "postgres://postgres@127.0.0.1:1/circlewise"
    result = run_manage("serve_prod", DATABASE_URL=url, **PRODUCTION)
    assert result.returncode != 0
    assert "PostgreSQL is not reachable at 127.0.0.1:1/circlewise" in result.stderr


def test_it_refuses_debug_mode(settings) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="serve_prod runs with DEBUG=0"):
        call_command("serve_prod")


def test_it_refuses_production_without_allowed_hosts() -> None:
    result = run_manage("serve_prod", DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_it_runs_gunicorn_with_the_asked_processes_on_the_asked_address() -> None:
    command = gunicorn_command(host="127.0.0.1", port=8123, processes=3)
    assert "circlewise.wsgi" in command
    assert "--bind=127.0.0.1:8123" in command and "--workers=3" in command


def test_it_loads_the_app_once_before_forking_without_a_connection_to_share() -> None:
    """With --preload every process inherits what the app opened while loading: a database
    connection opened then would be one socket shared by all of them."""
    assert "--preload" in gunicorn_command(host="127.0.0.1", port=8123, processes=3)
    code = (
        "import circlewise.wsgi; from django.db import connections; "
        "print(all(c.connection is None for c in connections.all()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_it_keeps_database_connections_and_checks_them_before_reuse() -> None:
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_it_answers_503_when_the_database_does_not(client, db, monkeypatch) -> None:
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"
