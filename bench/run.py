"""Run every benchmark in turn (``make bench``); each writes its results to bench/results/.

Usage::

    python bench/run.py            # the full set (about 40 minutes on 2 cores)
    python bench/run.py --quick    # a few minutes: small sizes, fewer seeds
    python bench/run.py synthetic  # only the named benchmarks
    python bench/run.py load       # the web app under load (PostgreSQL; see bench/load.py)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (script, arguments for a full run, arguments for --quick)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "synthetic": ("synthetic.py", [], ["--sizes", "2000,10000", "--seeds", "1"]),
    "formation_demo": ("formation_demo.py", [], ["--repeat", "1"]),
    "load": (
        "load.py",
        [],
        ["--sizes", "300,2000", "--probe-sizes", "", "--seconds", "5", "--mix-seconds", "10"],
    ),
    # After "load", which builds the database it reads.
    "instructions": (
        "instructions.py",
        [],
        ["--pages", "member: circle page,admin: programme list", "--requests", "5"],
    ),
    "dashboard": ("dashboard.py", [], ["--repeat", "3"]),
    "mdgplib": (
        "mdgplib.py",
        [],
        ["--only", "n120", "--seeds", "2", "--out", str(HERE / "results" / "mdgplib-quick")],
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=list(BENCHMARKS), help="default: all")
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer seeds")
    args = parser.parse_args(argv)
    failed = []
    for name in args.names or list(BENCHMARKS):
        script, full, quick = BENCHMARKS[name]
        command = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
