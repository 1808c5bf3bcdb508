"""Settings: environment helpers, production safety, SQLite concurrency options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from circlewise import settings as cw_settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_parses_booleans_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CW_FLAG", "yes")
    assert cw_settings.envbool("CW_FLAG", False) is True
    monkeypatch.setenv("CW_FLAG", "0")
    assert cw_settings.envbool("CW_FLAG", True) is False
    monkeypatch.setenv("CW_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CW_FLAG must be a boolean"):
        cw_settings.envbool("CW_FLAG", False)


def test_it_rejects_a_non_numeric_integer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CW_PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="CW_PORT must be a whole number"):
        cw_settings.envint("CW_PORT", 1)


def test_it_splits_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CW_HOSTS", "a.example, b.example,,")
    assert cw_settings.envlist("CW_HOSTS", []) == ["a.example", "b.example"]


def test_it_refuses_production_without_a_secret_key() -> None:
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="circles.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_passes_the_deploy_check_in_production() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-key-that-is-long-and-random-enough-4f9a2c",
        ALLOWED_HOSTS="circles.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_it_runs_sqlite_in_wal_mode_with_a_busy_timeout() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_it_defaults_to_production_when_debug_is_not_set() -> None:
    result = run_manage("check", ALLOWED_HOSTS="circles.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_short_secret_key_in_production() -> None:
    result = run_manage("check", DEBUG="0", SECRET_KEY="x", ALLOWED_HOSTS="circles.example")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_it_runs_locally_when_debug_is_asked_for() -> None:
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_it_keeps_rate_limit_counters_in_a_cache_every_process_shares() -> None:
    from django.conf import settings
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("login-attempts", 3)  # the table comes from the migrations, nothing else
    assert cache.get("login-attempts") == 3


def test_the_shared_cache_keeps_login_rate_limits_while_many_programmes_keep_counts(db):
    """Past its MAX_ENTRIES the database cache deletes a third of its rows in key order, where
    allauth's rate limits come first: a few hundred programmes' kept counts must not do that."""
    from django.core.cache import cache

    limit = "allauth:rl:account:login_failed:5/300/key:0f1e"
    cache.set(limit, [1.0, 2.0, 3.0], 300)
    for programme in range(500):  # one set per programme: each set is when the cache culls
        cache.set(f"programme-counts:{programme}:intake", programme, 30)
    assert cache.get(limit) == [1.0, 2.0, 3.0]


def _postgres_options(query: str = "", **env: str) -> str:
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    url = "postgres://postgres@127.0.0.1:5432/unused" + query  # settings only: nothing connects
    result = run_manage("shell", "-v", "0", "-c", code, DEBUG="1", DATABASE_URL=url, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_prepares_statements_on_postgresql_only_when_asked() -> None:
    assert _postgres_options() == "{}"
    assert _postgres_options(DB_PREPARED_STATEMENTS="1") == (
        "{'server_side_binding': True, 'prepare_threshold': 5}"
    )


def test_prepared_statements_keep_the_options_the_database_url_asks_for() -> None:
    assert _postgres_options("?sslmode=require", DB_PREPARED_STATEMENTS="1") == (
        "{'sslmode': 'require', 'server_side_binding': True, 'prepare_threshold': 5}"
    )


@pytest.mark.django_db
def test_postgresql_plans_a_query_run_again_and_again_once_when_asked() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only settings")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    code = (
        "from circlewise.accounts.models import User\n"
        "from django.db import connection\n"
        "for _ in range(6): list(User.objects.filter(email='someone@example.org'))\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT statement FROM pg_prepared_statements')\n"
        "    print(any('accounts_user' in row[0] for row in cursor.fetchall()))"
    )
    asked = run_manage(
        "shell", "-v", "0", "-c", code, DEBUG="1", DATABASE_URL=url, DB_PREPARED_STATEMENTS="1"
    )
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.strip() == "True"
    default = run_manage("shell", "-v", "0", "-c", code, DEBUG="1", DATABASE_URL=url)
    assert default.stdout.strip() == "False"
