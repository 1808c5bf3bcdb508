"""The proposal page at several sizes: the summary is computed once (worker), the page reads it.

For each ``--sizes`` entry, builds in a scratch SQLite database a programme of that many ready
participants, forms circles as the worker does (engine limited to ``--time-limit`` seconds), then
times the proposal page *request* as its admin through Django's test client (median of
``--repeat``) with its number of queries, and the worker's summary (scoring every circle once).
Writes ``bench/results/proposal_page.json``.

    .venv/bin/python bench/proposal_page.py --sizes 300,10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEPARTMENTS = ["Sales", "Operations", "Finance", "Engineering", "People", "Legal", "Support"]
LEVELS = ["Team lead", "Manager", "Senior manager", "Director"]


def measure(people: int, *, repeat: int, time_limit: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from circlewise.accounts.models import User
    from circlewise.formation import services
    from circlewise.formation.models import FormationRun
    from circlewise.formation.runs import formation_execute
    from circlewise.formation.services import _proposal_composition
    from circlewise.formation.summary import proposal_summarise
    from circlewise.organisations.models import Membership, Organisation
    from circlewise.programmes.models import Participant, Programme

    rng = random.Random(people)
    slug = f"bench{people}"
    org = Organisation.objects.create(name=f"Bench {people}", slug=slug)
    admin = User.objects.create_user(email=f"admin@{slug}.example", name="Admin")
    Membership.objects.create(organisation=org, user=admin, role="admin")
    programme = Programme.objects.create(
        organisation=org, name="Bench programme", goal="Bench.", start_date=date(2027, 3, 1),
        diversify=["department", "level"], created_by=admin,
    )  # fmt: skip
    Participant.objects.bulk_create(
        Participant(
            programme=programme, email=f"p{n}@{slug}.example", name=f"Person {n}",
            attributes={"department": rng.choice(DEPARTMENTS), "level": rng.choice(LEVELS)},
            languages=["en"], time_zone="Europe/London", status="active",
            intake_completed_at=timezone.now(),
        )
        for n in range(people)
    )  # fmt: skip
    run = services.formation_start(programme=programme, by=admin, time_limit=time_limit)
    started = time.perf_counter()
    formation_execute(run_id=run.pk)
    worker = time.perf_counter() - started
    run = FormationRun.objects.get(pk=run.pk)
    started = time.perf_counter()
    proposal_summarise(_proposal_composition(run), run.proposal)
    summary = time.perf_counter() - started
    client = Client()
    client.force_login(admin)
    url = f"/o/{slug}/programmes/{programme.pk}/formation/"
    assert client.get(url).status_code == 200  # warm: templates
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, {"page": 2})
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "people": people,
        "circles": len(run.proposal),
        "page_median_ms": round(statistics.median(times) * 1000, 1),
        "page_queries": len(queries),
        "page_kb": round(len(response.content) / 1024),
        "worker_run_s": round(worker, 2),
        "summary_s": round(summary, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=3.0, help="engine seconds per run")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="circlewise-bench-")) / "bench.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch}",
        DEBUG="1",  # a scratch database and the test client: the local settings
        ALLOWED_HOSTS="testserver",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",  # tasks wait; the run is done here
        DJANGO_SETTINGS_MODULE="circlewise.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(measure(size, repeat=args.repeat, time_limit=args.time_limit))
        print(json.dumps(results[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "proposal_page.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
