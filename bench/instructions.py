"""Instructions per request, counted by valgrind's callgrind: a figure the machine's load leaves be.

On this shared machine a page's throughput drifts by a factor of two within an hour, so a change
worth 5 % cannot be told from noise by timing it. The number of instructions a request executes
does not drift: the same to within 0.1 % run after run. Each page is requested in-process
through Django's WSGI handler (what gunicorn calls), on the load benchmark's database, under
callgrind, which counts only while the requests run: not start-up, imports or warm-up.
PostgreSQL's own work is another process's and is not counted.

The database comes from ``bench/load.py`` (a load run, or ``--probe-only`` for the build alone).

    .venv/bin/python bench/instructions.py
    .venv/bin/python bench/instructions.py --pages "member: circle page" --requests 20
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import PAGES, fixtures_path, page_path, serving_environment

if TYPE_CHECKING:
    from django.core.handlers.wsgi import WSGIHandler

RESULTS = Path(__file__).resolve().parent / "results"
WARM_UP = 30  # requests before counting: templates compiled, statements prepared, caches filled


def _environ(name: str, fixture: dict, member: dict, circle: int) -> dict:
    """A WSGI request for page ``name`` as the load benchmark's users send it."""
    who, path = page_path(name, fixture, member, circle)
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8112", "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    if who in ("api", "member-api"):
        token = fixture["admin"]["token"] if who == "api" else member["token"]
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif who != "anyone":
        session = member["session"] if who == "member" else fixture["admin"]["session"]
        environ["HTTP_COOKIE"] = f"sessionid={session}"
    return environ


def _requests(handler: WSGIHandler, name: str, fixture: dict, count: int) -> None:
    """``count`` requests to page ``name``, for members and circles drawn with a fixed seed."""
    draw = random.Random(1)
    statuses: list[str] = []

    def start_response(status: str, headers: list, *_: object) -> None:
        statuses.append(status)

    for _ in range(count):
        member, circle = draw.choice(fixture["members"]), draw.choice(fixture["circles"])
        body = b"".join(handler(_environ(name, fixture, member, circle), start_response))
        if not statuses[-1].startswith("200"):
            sys.exit(f"{name}: {statuses[-1]} {body[:200]!r}")


def child(name: str, size: int, count: int, signals: Path) -> None:
    """Runs under valgrind: warms up, says so, waits to be counted, then makes the requests."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()  # once, as a server does: building it costs ~200 M instructions
    fixtures = json.loads(Path(os.environ["LOAD_FIXTURES"]).read_text())
    fixture = next(f for f in fixtures if f["size"] == size)
    _requests(handler, name, fixture, WARM_UP)
    (signals / "ready").touch()
    while not (signals / "counting").exists():
        time.sleep(0.05)
    _requests(handler, name, fixture, count)
    (signals / "done").touch()
    while (signals / "counting").exists():  # exit (and write the counts) once counting stopped
        time.sleep(0.05)


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    while not path.exists():
        if process.poll() is not None:
            sys.exit(f"the counted process ended early (exit {process.returncode})")
        time.sleep(0.1)


def _callgrind(process: subprocess.Popen, *options: str) -> None:
    command = ["callgrind_control", *options, str(process.pid)]
    subprocess.run(command, check=True, capture_output=True)


def count(name: str, size: int, requests: int) -> float:
    """Instructions per request of page ``name`` at ``size`` participants."""
    with tempfile.TemporaryDirectory(prefix="circlewise-callgrind-") as folder:
        signals = Path(folder)
        process = subprocess.Popen(
            [
                "valgrind", "--tool=callgrind", "--instr-atstart=no",
                f"--callgrind-out-file={signals / 'counts'}", sys.executable, __file__,
                "--child", name, "--size", str(size), "--requests", str(requests),
                "--signals", folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(signals / "ready", process)
        _callgrind(process, "--instr=on")
        (signals / "counting").touch()
        _wait_for(signals / "done", process)
        _callgrind(process, "--instr=off")
        (signals / "counting").unlink()
        if process.wait() != 0:
            sys.exit(f"{name}: the counted process failed (exit {process.returncode})")
        totals = [
            int(line.split()[1])
            for line in (signals / "counts").read_text().splitlines()
            if line.startswith(("summary:", "totals:"))
        ]
    return max(totals) / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument("--size", type=int, default=300, help="participants (a built size)")
    parser.add_argument("--requests", type=int, default=20, help="counted requests per page")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/cw_production_load"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--signals", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the environment is its parent's, below
        child(args.child, args.size, args.requests, Path(args.signals))
        return 0
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    os.environ.update(serving_environment(args.database_url))
    os.environ["LOAD_FIXTURES"] = str(fixtures_path(args.database_url))
    if not Path(os.environ["LOAD_FIXTURES"]).exists():
        sys.exit("no load benchmark database: build it with bench/load.py --probe-only")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
    names = [name for name in args.pages.split(",") if name]
    unknown = [name for name in names if name not in PAGES]
    if unknown:
        sys.exit(f"unknown pages: {', '.join(unknown)} (see PAGES in bench/load.py)")
    rows = []
    for name in names:
        rows.append((name, count(name, args.size, args.requests)))
        print(f"{name:<28} {rows[-1][1] / 1e6:8.2f} M instructions a request", flush=True)
    if names != list(PAGES):  # a few pages, while working on them: the results file stays whole
        return 0
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Instructions per request (callgrind)",
        "",
        f"Command: `.venv/bin/python bench/instructions.py` ({when}): {args.size:,} "
        f"participants, {args.requests} requests a page after {WARM_UP} to warm up, through "
        "Django's WSGI handler in-process, DEBUG=0, PostgreSQL (whose own work is not "
        "counted). Repeatable to about 0.1 %, whatever else the machine is doing.",
        "",
        "| page | M instructions a request |",
        "|---|---:|",
        *(f"| {name} | {per / 1e6:.2f} |" for name, per in rows),
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
