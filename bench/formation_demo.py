"""Forming circles for the 300-person demo programme, as the web app does it (target: < 15 s).

Loads the demo into a scratch SQLite database, then times ``formation_start`` with the task run
in-process (composition from the database, the engine with the app's time limit, saving the
proposal) and scoring the proposal page's view of it. Prints the medians over ``--repeat`` runs
and writes them to ``bench/results/formation_demo.json``.

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
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circlewise.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from circlewise.core.demo import load_demo
    from circlewise.formation import services
    from circlewise.formation.services import proposal_view
    from circlewise.programmes.models import Programme

    call_command("migrate", verbosity=0)
    load_demo()
    programme = Programme.objects.get(organisation__slug="northwind")
    forming, scoring, ratios = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        run = services.formation_start(programme=programme, by=None)
        run.refresh_from_db()
        forming.append(time.perf_counter() - started)
        if run.status != "proposed":
            print(f"run failed: {run.error}", file=sys.stderr)
            return 1
        started = time.perf_counter()
        ratios.append(proposal_view(run).ratio)
        scoring.append(time.perf_counter() - started)
    result = {
        "people": programme.participants.count(),
        "time_limit_s": run.time_limit,
        "form_median_s": round(statistics.median(forming), 2),
        "proposal_view_median_s": round(statistics.median(scoring), 3),
        "ratio_median": round(statistics.median(ratios), 4),
        "repeat": args.repeat,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "formation_demo.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
