"""Forming and publishing circles for the 300-person demo programme, as the web app does it.

Loads the demo into a scratch SQLite database, then times ``formation_start`` with the run
executed in-process as the worker does (composition from the database, the engine with the app's
time limit, saving the proposal and its summary; target < 15 s) and opening the proposal page
(medians over ``--repeat`` runs). Then it times the publish *request* (a POST through Django's
test client as the demo admin; target < 1 s) and, separately, the worker sending every welcome
email. Writes the figures to ``bench/results/formation_demo.json``.

    .venv/bin/python bench/formation_demo.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="circlewise-bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"  # tasks wait for a worker
    os.environ["EMAIL_BACKEND"] = "file"
    os.environ["EMAIL_FILE_PATH"] = str(scratch.parent / "mail")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # A scratch database on a laptop: the local settings (DEBUG defaults to off, which would ask
    # for a SECRET_KEY and redirect the test client to HTTPS).
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circlewise.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from circlewise.accounts.models import User
    from circlewise.core.demo import PROGRAMME_NAME, load_demo
    from circlewise.formation import placing, services
    from circlewise.formation.runs import formation_execute
    from circlewise.programmes.models import Programme

    call_command("migrate", verbosity=0)
    load_demo()
    programme = Programme.objects.get(organisation__slug="northwind", name=PROGRAMME_NAME)
    admin = User.objects.get(email="admin@northwind.example")
    client = Client()
    client.force_login(admin)
    page = reverse("formation:formation", args=["northwind", programme.pk])
    forming, viewing, ratios = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        with transaction.atomic():
            run = services.formation_start(programme=programme, by=None)
        formation_execute(run_id=run.pk)  # the worker's part
        run.refresh_from_db()
        forming.append(time.perf_counter() - started)
        if run.status != "proposed":
            print(f"run failed: {run.error}", file=sys.stderr)
            return 1
        ratios.append(run.summary["ratio"])
        started = time.perf_counter()
        if client.get(page).status_code != 200:
            print("the proposal page failed", file=sys.stderr)
            return 1
        viewing.append(time.perf_counter() - started)
    url = reverse("formation:publish", args=["northwind", programme.pk, run.pk])
    started = time.perf_counter()
    response = client.post(url)
    publish_request = time.perf_counter() - started
    if response.status_code != 302 or not programme.circles.exists():
        print(f"publish failed: {response.status_code}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    emails = sum(placing.circle_welcome_send(circle_id=c.pk) for c in programme.circles.all())
    welcome_worker = time.perf_counter() - started
    result = {
        "people": programme.participants.count(),
        "publish_request_s": round(publish_request, 3),
        "welcome_emails": emails,
        "welcome_emails_worker_s": round(welcome_worker, 2),
        "time_limit_s": run.time_limit,
        "form_median_s": round(statistics.median(forming), 2),
        "proposal_page_median_s": round(statistics.median(viewing), 3),
        "ratio_median": round(statistics.median(ratios), 4),
        "repeat": args.repeat,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "formation_demo.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
