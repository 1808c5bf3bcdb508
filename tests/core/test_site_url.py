"""Links follow the address the app is served on: `make run PORT=8100` links to port 8100."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.contrib.sites.models import Site
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _make_run(*args: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    return subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *args],  # noqa: S607
        cwd=ROOT, env=environ, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_it_derives_site_url_from_host_and_port_in_make_run():
    commands = _make_run("PORT=8100")
    assert "SITE_URL='http://127.0.0.1:8100' " in commands
    assert "manage.py load_demo" in commands and ":8000" not in commands
    assert "SITE_URL='http://127.0.0.1:8100'" in _make_run("HOST=0.0.0.0", "PORT=8100")


def test_it_keeps_a_site_url_that_is_set():
    commands = _make_run("PORT=8100", SITE_URL="https://circles.example.org")
    assert "SITE_URL='https://circles.example.org'" in commands and "8100'" not in commands


def test_it_moves_the_sites_domain_to_site_url_on_migrate(db, settings):
    settings.SITE_URL = "http://127.0.0.1:8100"
    call_command("migrate", verbosity=0)
    assert Site.objects.get(pk=settings.SITE_ID).domain == "127.0.0.1:8100"
