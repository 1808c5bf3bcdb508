"""Load benchmark: the production server on PostgreSQL under 50 concurrent logged-in connections.

Steps:

1. Recreate the database ``--database-url`` (default ``cw_production_load`` on the local
   PostgreSQL) and build one organisation per ``--sizes`` entry: that many participants in a
   published programme, all in circles of five, with accounts, memberships, a handful of other
   programmes, and sessions / API tokens for a sample of members, the admin and the coach.
2. Serve it with ``manage.py serve_prod`` (gunicorn, DEBUG=0, task workers) on 127.0.0.1 only.
3. Drive locust (``bench/locustfile.py``, 50 users, no think time): the bare health view
   alone for each organisation; then every key page alone, at each size back to back and again
   in reverse (A B B A: its throughput is compared with the same page's at the other size, seconds
   apart, and with the health view's driven just before and just after it: the ratio); then, for
   each organisation,
   the realistic mix (members opening their circle, admins on programme pages, API clients with
   tokens) for latency under mixed load.
4. Write ``bench/results/load.md`` (and ``load.json``) with throughput, p50/p95/p99 and errors.

    .venv/bin/python bench/load.py                      # 300 and 10,000 participants
    .venv/bin/python bench/load.py --sizes 300,2000,10000 --seconds 8
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
USERS = 50
SAMPLE = 200  # members with sessions per organisation: requests spread over many rows
TARGET_P95_MS = 150
TARGET_RATIO = 0.10
TARGET_GROWTH = 0.20
# Seconds of the health view driven after each page, for the ratios of that page and the next: the
# machine is shared, and its speed drifts within a run (the health view once went from 1,564 to
# 767 req/s between the first and the last page, and from 1,063 to 2,157 between two pages).
HEALTH_BESIDE = 4
PG_REPEAT = 50  # requests per page over which PostgreSQL's CPU time is read

# name -> (who, path template); {org} {programme} {circle} are filled per request by locust.
PAGES: dict[str, tuple[str, str]] = {
    "member: my circles": ("member", "/o/{org}/circles/"),
    "member: circle page": ("member", "/o/{org}/circles/{circle}/"),
    "member: programme": ("member", "/o/{org}/programmes/{programme}/"),
    "member: find circles": ("member", "/o/{org}/circles/find/"),
    "admin: dashboard": ("admin", "/o/{org}/"),
    "admin: programme list": ("admin", "/o/{org}/programmes/"),
    "admin: programme": ("admin", "/o/{org}/programmes/{programme}/"),
    "admin: participants": ("admin", "/o/{org}/programmes/{programme}/participants/"),
    "admin: programme circles": ("admin", "/o/{org}/programmes/{programme}/circles/"),
    "admin: a circle": ("admin", "/o/{org}/circles/{circle}/"),
    "api: programmes": ("api", "/api/organisations/{org}/programmes"),
    "api: circles (member)": (
        "member-api",
        "/api/organisations/{org}/programmes/{programme}/circles",
    ),
    "api: participants": ("api", "/api/organisations/{org}/programmes/{programme}/participants"),
    "runner: clock poll": (
        "member",
        "/o/{org}/circles/{circle}/sessions/{session}/run/clock/?t={ticket}&v=1",
    ),
    "member: calendar feed": ("anyone", "/calendar/{feed}.ics"),
    "admin: insights": ("admin", "/o/{org}/programmes/{programme}/insights/"),
}
MONTHS_PAST, MONTHS_AHEAD = 6, 6  # a year of monthly sessions per circle, half of it held
PULSE_SHARE = 0.3  # share of attendances answered with a pulse


def build(sizes: list[int]) -> list[dict]:
    """Create the organisations; returns what locust needs (sessions, tokens, ids) per size."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core import signing
    from django.utils import timezone

    from circlewise.accounts.models import ApiToken, User
    from circlewise.circles.models import Circle, CircleMember
    from circlewise.coaching.views import CLOCK_SALT
    from circlewise.meetings.models import CalendarFeed
    from circlewise.organisations.models import Membership, Organisation, Role
    from circlewise.programmes.models import Participant, ParticipantStatus, Programme

    password = make_password("load-benchmark")
    now = timezone.now()
    rng = random.Random(1)
    departments = ["Sales", "Engineering", "Finance", "People", "Legal", "Design", "Support"]
    levels = ["Junior", "Senior", "Lead"]
    fixtures = []

    def session_for(user: User) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    for size in sizes:
        started = time.perf_counter()
        slug = f"org{size}"
        organisation = Organisation.objects.create(name=f"Organisation {size}", slug=slug)
        users = User.objects.bulk_create(
            User(email=f"p{n}@{slug}.example", name=f"Person {n} {slug}", password=password)
            for n in range(size + 2)
        )
        admin, coach, people = users[0], users[1], users[2:]
        Membership.objects.bulk_create(
            Membership(
                organisation=organisation,
                user=user,
                role=Role.ADMIN if user is admin else Role.COACH if user is coach else Role.MEMBER,
                department=rng.choice(departments),
                level=rng.choice(levels),
            )
            for user in users
        )
        programmes = [
            Programme.objects.create(
                organisation=organisation,
                name=f"Programme {number}",
                goal="Peers support each other through a year of change.",
                start_date=now.date() - timedelta(days=31 * MONTHS_PAST),
                diversify=["department", "level"],
                status="published",
                created_by=admin,
            )
            for number in range(5)
        ]
        programme = programmes[0]
        participants = Participant.objects.bulk_create(
            Participant(
                programme=programme,
                email=user.email,
                name=user.name,
                user=user,
                attributes={"department": rng.choice(departments), "level": rng.choice(levels)},
                languages=["en"],
                time_zone="Europe/London",
                status=ParticipantStatus.ACTIVE,
                intake_completed_at=now,
            )
            for user in people
        )
        circles = Circle.objects.bulk_create(
            Circle(
                organisation=organisation,
                programme=programme,
                name=f"Circle {number + 1}",
                language="English",
                time_zone="Europe/London",
                coach=coach if number % 10 == 0 else None,
            )
            for number in range(len(participants) // 5)
        )
        CircleMember.objects.bulk_create(
            CircleMember(
                circle=circles[min(index // 5, len(circles) - 1)],
                participant=participant,
                user=participant.user,
                email=participant.email,
                welcomed_at=now,
            )
            for index, participant in enumerate(participants)
        )
        running = year_of_sessions(circles, people, coach=coach, rng=rng)
        sample = rng.sample(range(len(people)), min(SAMPLE, len(people)))
        members = []
        for index in sample:
            user, circle = people[index], circles[min(index // 5, len(circles) - 1)]
            members.append(
                {
                    "session": session_for(user),
                    "circle": circle.pk,
                    "token": ApiToken.issue(user=user, name="load")[1],
                    "run_session": running[circle.pk],
                    "ticket": signing.dumps(
                        [user.pk, running[circle.pk]], salt=CLOCK_SALT, compress=True
                    ),
                    "feed": CalendarFeed.objects.create(user=user).token,
                }
            )
        fixtures.append(
            {
                "size": size,
                "org": slug,
                "programme": programme.pk,
                "circles": [c.pk for c in rng.sample(circles, min(SAMPLE, len(circles)))],
                "admin": {
                    "session": session_for(admin),
                    "token": ApiToken.issue(user=admin, name="load")[1],
                },
                "members": members,
            }
        )
        took = time.perf_counter() - started
        print(f"built {slug}: {size} participants in {took:.0f} s", flush=True)
    return fixtures


def year_of_sessions(circles: list, people: list, *, coach, rng: random.Random) -> dict[int, int]:
    """Each circle's monthly series, ``MONTHS_PAST`` sessions held (with attendance, some with
    pulse answers) and ``MONTHS_AHEAD`` to come; the first coming one is being run now (its
    runner is polled). Returns the running session's id per circle."""
    from django.utils import timezone

    from circlewise.circles.models import CircleMember
    from circlewise.coaching.models import Attendance, AttendanceStatus, RunState, SessionRun
    from circlewise.coaching.selectors import session_plan
    from circlewise.insights.models import PulseAnswer, PulseRequest
    from circlewise.meetings.models import Session, SessionSeries

    now = timezone.now()
    first = now - timedelta(days=30 * MONTHS_PAST)
    count = MONTHS_PAST + MONTHS_AHEAD
    series = SessionSeries.objects.bulk_create(
        SessionSeries(
            circle=circle, frequency="monthly", weekday=first.weekday(),
            start_time=clock_time(16, 0), time_zone="Europe/London", starts_on=first.date(),
            count=count, format="video", video_url="https://meet.example.org/circle",
            organiser=coach,
        )
        for circle in circles
    )  # fmt: skip
    sessions = Session.objects.bulk_create(
        Session(
            series=each, circle_id=each.circle_id, number=number + 1,
            original_start=first + timedelta(days=30 * number),
            starts_at=first + timedelta(days=30 * number),
            ends_at=first + timedelta(days=30 * number, minutes=90), format="video",
            video_url=each.video_url,
        )
        for each in series
        for number in range(count)
    )  # fmt: skip
    held = [session for session in sessions if session.ends_at < now]
    seats: dict[int, list[int]] = {}
    for circle_id, user_id in CircleMember.objects.filter(
        circle__in=circles, user__isnull=False
    ).values_list("circle_id", "user_id"):
        seats.setdefault(circle_id, []).append(user_id)
    statuses = [AttendanceStatus.PRESENT] * 8 + [AttendanceStatus.APOLOGY, AttendanceStatus.ABSENT]
    Attendance.objects.bulk_create(
        (
            Attendance(session=session, user_id=user_id, status=rng.choice(statuses))
            for session in held
            for user_id in seats.get(session.circle_id, [])
        ),
        batch_size=5000,
    )
    answered = [
        (session, user_id)
        for session in held
        for user_id in seats.get(session.circle_id, [])
        if rng.random() < PULSE_SHARE
    ]
    requests = PulseRequest.objects.bulk_create(
        (PulseRequest(session=session, user_id=user_id) for session, user_id in answered),
        batch_size=5000,
    )
    PulseAnswer.objects.bulk_create(
        (
            PulseAnswer(
                request=request, session=session, circle_id=session.circle_id, user_id=user_id,
                usefulness=rng.randint(3, 5), speak_up=rng.randint(3, 5), heard=rng.randint(3, 5),
                trust=rng.randint(3, 5),
            )
            for request, (session, user_id) in zip(requests, answered, strict=True)
        ),
        batch_size=5000,
    )  # fmt: skip
    coming = {}
    for session in sessions:
        if session.ends_at >= now and session.circle_id not in coming:
            coming[session.circle_id] = session
    SessionRun.objects.bulk_create(
        SessionRun(
            session=session, plan=session_plan(session=session), state=RunState.RUNNING,
            phase_seconds=session_plan(session=session)[0] * 60, resumed_at=now, started_at=now,
            version=1,
        )
        for session in coming.values()
    )  # fmt: skip
    return {circle_id: session.pk for circle_id, session in coming.items()}


def page_path(name: str, fixture: dict, member: dict, circle: int | None = None) -> tuple[str, str]:
    """(who, path) of one request to page ``name`` for ``member`` (their own circle) or the
    admin (``circle``, default the first sampled)."""
    who, template = PAGES[name]
    if who == "member":
        circle = member["circle"]
    circle = circle or fixture["circles"][0]
    return who, template.format(
        org=fixture["org"], programme=fixture["programme"], circle=circle,
        session=member["run_session"], ticket=member["ticket"], feed=member["feed"],
    )  # fmt: skip


def backend_cpu_seconds(connection) -> float | None:
    """CPU time PostgreSQL's process for ``connection`` has used so far, read from /proc (the
    benchmark's server runs on this machine); None where it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def probe(fixtures: list[dict], names: list[str], repeat: int = 5) -> dict[str, dict[str, dict]]:
    """Queries, median in-process time (ms) and PostgreSQL's CPU time per request (ms, over
    PG_REPEAT more requests: it counts in 10 ms ticks) per page and size, through Django's test
    client on the benchmark database: the query counts must not depend on the size."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found: dict[str, dict[str, dict]] = {}
    for fixture in fixtures:
        member = fixture["members"][0]
        rows = found[str(fixture["size"])] = {}
        for name in names:
            who, path = page_path(name, fixture, member)
            client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            if who in ("api", "member-api"):
                token = fixture["admin"]["token"] if who == "api" else member["token"]
                client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            elif who != "anyone":
                session = member["session"] if who == "member" else fixture["admin"]["session"]
                client.cookies["sessionid"] = session
            client.get(path)  # warm: templates, the connection
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    status = client.get(path).status_code
                times.append((time.perf_counter() - started) * 1000)
            count = len(queries)  # read now: each request empties the connection's query log
            before = backend_cpu_seconds(connection)
            for _ in range(PG_REPEAT):
                client.get(path)
            after = backend_cpu_seconds(connection)
            rows[name] = {
                "status": status,
                "queries": count,
                "ms": round(statistics.median(times), 1),
                "pg_ms": None if None in (before, after) else (after - before) * 1000 / PG_REPEAT,
            }
    return found


def print_probe(found: dict[str, dict[str, dict]]) -> None:
    sizes = list(found)
    print(
        f"{'page':<28}"
        + "".join(f"{size + ' q':>9}{size + ' ms':>10}{size + ' pg ms':>12}" for size in sizes)
    )
    for name in found[sizes[0]]:
        print(
            f"{name:<28}"
            + "".join(
                f"{found[s][name]['queries']:>9}{found[s][name]['ms']:>10.1f}"
                f"{_pg_ms(found[s][name]):>12}"
                for s in sizes
            )
            + ("" if all(found[s][name]["status"] == 200 for s in sizes) else "  (not 200!)"),
            flush=True,
        )


def _pg_ms(row: dict) -> str:
    return "-" if row.get("pg_ms") is None else f"{row['pg_ms']:.1f}"


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def wait_for(url: str, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def settle(url: str, timeout: float = 180) -> None:
    """Wait until the server has drained what the last phase left queued (locust stops sending,
    but a sync server still answers every request it accepted): the health view answers fast."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
        if time.monotonic() - started < 0.5:
            return
        time.sleep(1)


def drive(
    *, host: str, phase: str, fixtures: Path, size: int, seconds: int, out: Path
) -> list[dict]:
    """One locust run; returns its per-name rows (requests/s and percentiles in ms)."""
    settle(f"{host}/healthz")
    prefix = (
        out / f"{size}-{phase.replace(' ', '_').replace(':', '').replace('(', '').replace(')', '')}"
    )
    env = {
        **os.environ,
        "LOAD_FIXTURES": str(fixtures),
        "LOAD_SIZE": str(size),
        "LOAD_PHASE": phase,
    }
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
            "-u", str(USERS), "-r", str(USERS), "-t", f"{seconds}s", "-H", host,
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        env=env,
        check=False,  # locust exits with 1 when a request failed: the failures are reported
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    rows = rows or [{"Name": phase}]  # nothing answered within the run: all zeros
    return [
        {
            "name": row["Name"],
            "requests": int(row.get("Request Count", 0)),
            "errors": int(row.get("Failure Count", 0)),
            "rps": float(row.get("Requests/s", 0)),
            "p50": _ms(row.get("50%")),
            "p95": _ms(row.get("95%")),
            "p99": _ms(row.get("99%")),
        }
        for row in rows
    ]


def combined(runs: list[dict]) -> dict:
    """One row for several runs of the same page: requests and errors summed, the mean
    throughput, and the worst of each percentile (the runs' samples are not kept to merge)."""
    return {
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "rps": sum(run["rps"] for run in runs) / len(runs),
        **{key: max(run[key] for run in runs) for key in ("p50", "p95", "p99")},
    }


def _ms(value: str | None) -> float:
    return float(value) if value and value != "N/A" else float("nan")


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def _span(values: list[float]) -> str:
    return f"{min(values):,.0f} to {max(values):,.0f}" if values else "none"


def report(results: dict, command: str, queries: dict, *, processes: int, seconds: int) -> str:
    sizes = sorted(results, key=int)
    probed = sorted(queries, key=int)
    lines = [
        "# Load benchmark: production server on PostgreSQL, 50 concurrent connections",
        "",
        f"Command: `{command}` ({results[sizes[0]]['when']}).",
        "",
        f"gunicorn ({processes} sync processes) + 2 task workers via `manage.py serve_prod`, "
        f"DEBUG=0, `DB_PREPARED_STATEMENTS={os.environ['DB_PREPARED_STATEMENTS']}`, "
        "PostgreSQL on the same 2-core machine as the load generator (locust, FastHttpUser, no "
        "think time): the generator takes CPU from the server it measures. Each page is driven "
        "alone at every size back to back, then again in reverse (A B B A), "
        f"{seconds} s a run; a size's row combines its two runs (mean throughput, the worse of "
        "each percentile). The bare health view is then driven for "
        f"{HEALTH_BESIDE} s; *ratio* is the page's throughput over the health view's mean of the "
        "runs just before and just after the page's (the machine is shared and its speed drifts "
        "within a run). Targets: p95 < "
        f"{TARGET_P95_MS} ms, ratio >= "
        f"{TARGET_RATIO:.0%}, 0 errors, the largest organisation within {TARGET_GROWTH:.0%} of "
        "the smallest.",
        "",
        "## Queries per request, in-process time and PostgreSQL's CPU per request",
        "",
        f"Test client on the same database: *ms* is the median of 5 requests, *pg ms* the CPU time "
        f"of PostgreSQL's process over {PG_REPEAT} more, per request.",
        "",
        "| page | " + " | ".join(f"{int(size):,}: queries | ms | pg ms" for size in probed) + " |",
        "|---|" + "---:|---:|---:|" * len(probed),
    ]
    for name in queries[probed[0]]:
        lines.append(
            f"| {name} | "
            + " | ".join(
                f"{queries[size][name]['queries']} | {queries[size][name]['ms']:.0f} | "
                f"{_pg_ms(queries[size][name])}"
                for size in probed
            )
            + " |"
        )
    lines.append("")
    for size in sizes:
        result = results[size]
        health = result["health"]
        lines += [
            f"## {int(size):,} participants",
            "",
            f"Health view alone, first: {health['rps']:.0f} req/s, p95 {health['p95']:.0f} ms, "
            f"{health['errors']} errors; beside the pages: "
            f"{_span([rps for row in result['pages'] for rps in row['health_runs']])} req/s.",
            "",
            "| page | req/s | health beside | ratio | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in result["pages"]:
            beside = row["health"]["rps"]
            lines.append(
                f"| {row['name']} | {row['rps']:.0f} | {beside:.0f} | "
                f"{_ratio(row['rps'], beside):.0%} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p99']:.0f} | {row['errors']} |"
            )
        lines += [
            "",
            "Realistic mix (weights: members 12, runners' clocks 6, admins 6, API clients 3, "
            "calendar feeds 1):",
            "",
            "| request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in result["mix"]:
            lines.append(
                f"| {row['name']} | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} | "
                f"{row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} |"
            )
        lines.append("")
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        lines += [
            f"## {int(sizes[-1]):,} against {int(sizes[0]):,} participants (throughput ratio)",
            "",
            "Each page was driven at both sizes back to back and again in reverse (A B B A). "
            f"1.00 is no growth; the target is at least {1 - TARGET_GROWTH:.2f}. The last column "
            "compares each page's share of the health view driven beside it instead.",
            "",
            "| page | small req/s | large req/s | large / small | share of health, large / small |",
            "|---|---:|---:|---:|---:|",
        ]
        within = 0
        for a, b in zip(small["pages"], large["pages"], strict=True):
            share_small = _ratio(a["rps"], a["health"]["rps"])
            share_large = _ratio(b["rps"], b["health"]["rps"])
            within += _ratio(b["rps"], a["rps"]) >= 1 - TARGET_GROWTH
            lines.append(
                f"| {a['name']} | {a['rps']:.0f} | {b['rps']:.0f} | "
                f"{_ratio(b['rps'], a['rps']):.2f} | {_ratio(share_large, share_small):.2f} |"
            )
        lines += [
            "",
            f"Within {TARGET_GROWTH:.0%} (large / small at least {1 - TARGET_GROWTH:.2f}): "
            f"{within} of {len(small['pages'])} pages.",
            "",
        ]
    return "\n".join(lines)


def serving_environment(database_url: str) -> dict[str, str]:
    """The settings the benchmark's server (and ``bench/instructions.py``) run with."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        # The fixtures' sessions are signed with it.
        "SECRET_KEY": "load-benchmark-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1; requests say X-Forwarded-Proto
        "DJANGO_SETTINGS_MODULE": "circlewise.settings",
        "CIRCLEWISE_VAR_DIR": tempfile.mkdtemp(prefix="circlewise-load-"),
        "EMAIL_BACKEND": "smtp",  # the deploy check refuses the console mailer; nothing is sent
        "LOG_LEVEL": "WARNING",
        # What the README advises below 65,000 people a programme; 0 measures without.
        "DB_PREPARED_STATEMENTS": os.environ.get("DB_PREPARED_STATEMENTS", "1"),
    }


def fixtures_path(database_url: str) -> Path:
    """Where the build of ``database_url`` keeps its fixtures (organisations, sessions, tokens)."""
    return Path(tempfile.gettempdir()) / f"{database_url.rsplit('/', 1)[1]}-fixtures.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,10000", help="participants per organisation")
    parser.add_argument(
        "--probe-sizes", default="2000", help="organisations built for the query counts alone"
    )
    parser.add_argument(
        "--seconds", type=int, default=5, help="seconds per run of a page (twice per size)"
    )
    parser.add_argument("--mix-seconds", type=int, default=15)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and fixtures of the last build"
    )
    parser.add_argument(
        "--probe-only", action="store_true", help="query counts and timings, no load"
    )
    parser.add_argument("--only", default="", help="comma-separated page names to drive")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/cw_production_load"
    )
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--web-processes", type=int, default=4)
    args = parser.parse_args()
    if not args.probe_only and importlib.util.find_spec("locust") is None:
        sys.exit("locust is not installed: run `make bench BENCH_ARGS=load` (it installs it)")
    sizes = [int(s) for s in args.sizes.split(",")]
    probed = sorted({*sizes, *(int(s) for s in args.probe_sizes.split(",") if s)})
    only = [name for name in PAGES if not args.only or name in args.only.split(",")]
    os.environ.update(serving_environment(args.database_url))
    built = fixtures_path(args.database_url)
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
    if not args.reuse:
        built.write_text(json.dumps(build(probed)))
    with connection.cursor() as cursor:
        # After bulk loading, as autovacuum would: fresh statistics, and the visibility map that
        # lets a count read an index alone.
        cursor.execute("VACUUM ANALYZE")
    fixtures = json.loads(built.read_text())
    queries = probe(fixtures, only)
    print_probe(queries)
    connection.close()
    if args.probe_only:
        return 0
    out = Path(tempfile.mkdtemp(prefix="circlewise-locust-"))
    fixtures_file = out / "fixtures.json"
    fixtures_file.write_text(json.dumps(fixtures))
    server = subprocess.Popen(
        [
            sys.executable, "manage.py", "serve_prod", "--host", "127.0.0.1",
            "--port", str(args.port), "--web-processes", str(args.web_processes), "--workers", "2",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    host = f"http://127.0.0.1:{args.port}"
    results: dict[str, dict] = {}
    try:
        wait_for(f"{host}/healthz", server)

        def common(size: int) -> dict:
            return {"host": host, "fixtures": fixtures_file, "size": size, "out": out}

        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        for size in sizes:
            health = drive(phase="health", seconds=args.seconds, **common(size))[0]
            results[str(size)] = {"when": when, "health": health, "pages": []}
        # Each page is driven at every size back to back and then in the reverse order (A B B A),
        # so that a steady drift of the machine's speed weighs the same on every size.
        # A page's ratio divides by the health view's runs on either side of the page's runs (the
        # run after the page before it, or the first one), so a drift during them weighs on both.
        before = {size: results[str(size)]["health"] for size in sizes}
        for name in only:
            runs: dict[int, list[dict]] = {size: [] for size in sizes}
            for size in sizes + sizes[::-1]:
                runs[size].append(drive(phase=name, seconds=args.seconds, **common(size))[0])
            for size in sizes:
                row = combined(runs[size]) | {"name": name}
                after = drive(phase="health", seconds=HEALTH_BESIDE, **common(size))[0]
                row["health"] = combined([before[size], after])
                row["health_runs"] = [before[size]["rps"], after["rps"]]
                before[size] = after
                results[str(size)]["pages"].append(row)
                print(
                    f"{size:>6} {row['name']:<28} {row['rps']:7.0f} req/s "
                    f"({_ratio(row['rps'], row['health']['rps']):4.0%} of health) "
                    f"p95 {row['p95']:5.0f} ms "
                    f"errors {row['errors']}",
                    flush=True,
                )
        for size in sizes:
            results[str(size)]["mix"] = drive(phase="mix", seconds=args.mix_seconds, **common(size))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    command = (
        "python bench/load.py " + " ".join(sys.argv[1:])
        if sys.argv[1:]
        else "make bench BENCH_ARGS=load"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(
        json.dumps({"load": results, "queries": queries}, indent=2) + "\n"
    )
    (RESULTS / "load.md").write_text(
        report(results, command, queries, processes=args.web_processes, seconds=args.seconds)
    )
    print(f"results in {RESULTS / 'load.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
