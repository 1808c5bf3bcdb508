"""Benchmark of the attribute engine on synthetic organisations (run by ``make bench``).

Each run happens in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own:
generate an organisation, diversify five attributes (department, level, location, background,
tenure), keep language the same in every circle and separate people from their managers, then
search for the time limit. From the solution's history it reports the time to the first valid
grouping, the time to reach 99.9 % of the upper bound and the final ratio. Medians over seeds are
written to ``bench/results/synthetic.json`` and ``bench/results/synthetic.md``.

A second part runs the 2,000-person case with ``NUMBA_DISABLE_JIT=1`` to show what Numba buys,
and measures the one-off JIT compile cost with an empty cache directory.

Usage::

    .venv/bin/python bench/synthetic.py [--sizes 2000,10000,100000] [--seeds 1,2,3] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
TIME_LIMITS = {2000: 10.0, 10000: 20.0, 100000: 60.0}
TARGET = 0.999
ATTRIBUTES = ["department", "level", "location", "background", "tenure_years"]


def _problem(n: int, seed: int):
    from circlewise.matching import Attribute, Problem, reporting_line_pairs
    from circlewise.matching.synthetic import generate_organisation

    people = generate_organisation(n, seed=seed)
    values = {key: [person[key] for person in people] for key in people[0]}
    attributes = [Attribute(name) for name in ATTRIBUTES[:-1]]
    attributes.append(Attribute("tenure_years", kind="numeric"))
    pairs = reporting_line_pairs({p["email"]: p["manager_email"] for p in people})
    return Problem(values["email"], values, attributes, 5, 6, ["language"], pairs)


def run_one(n: int, seed: int, time_limit: float, workers: int) -> dict:
    """One search in this process; returns its measurements."""
    from circlewise.matching import check, form_circles

    started = time.perf_counter()
    problem = _problem(n, seed)
    generated = time.perf_counter() - started
    solution = form_circles(problem, time_limit=time_limit, seed=seed, workers=workers)
    to_target = next((t for t, ratio in solution.history if ratio >= TARGET), None)
    violations = check(problem, [circle.members for circle in solution.circles])
    return {
        "n": n,
        "seed": seed,
        "generate_s": generated,
        "first_valid_s": solution.history[0][0],
        "to_999_s": to_target,
        "final_ratio": solution.ratio,
        "elapsed_s": solution.elapsed,
        "violations": len(violations),
        "circles": len(solution.circles),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _subprocess(args: list[str], env: dict | None = None) -> dict:
    command = [sys.executable, __file__, "--one", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(values: list) -> float | None:
    """Median, where None (target not reached) counts as infinitely late; None if that wins."""
    middle = statistics.median(math.inf if v is None else v for v in values)
    return None if math.isinf(middle) else middle


def _summarise(runs: list[dict]) -> dict:
    return {
        "n": runs[0]["n"],
        "seeds": [run["seed"] for run in runs],
        "first_valid_s": _median([run["first_valid_s"] for run in runs]),
        "to_999_s": _median([run["to_999_s"] for run in runs]),
        "final_ratio": _median([run["final_ratio"] for run in runs]),
        "peak_mb": _median([run["peak_mb"] for run in runs]),
        "violations": max(run["violations"] for run in runs),
        "runs": runs,
    }


def _jit_part(seeds: list[int], workers: int) -> dict:
    """2,000 people for 2 s with and without JIT; cold compile cost with an empty cache.

    The cold run gets 20 s so that it shows when a first-ever call (every kernel compiled on
    the way) reaches the target; the warm run then reuses the cache that run filled.
    """
    with tempfile.TemporaryDirectory() as cache:
        cold_env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = _subprocess(["2000", str(seeds[0]), "20", str(workers)], cold_env)
        warm = _subprocess(["2000", str(seeds[0]), "2", str(workers)], cold_env)
    plain_env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    jit = [_subprocess(["2000", str(s), "2", str(workers)]) for s in seeds]
    plain = [_subprocess(["2000", str(s), "2", str(workers)], plain_env) for s in seeds]
    return {
        "compile_cold_first_valid_s": cold["first_valid_s"],
        "cold_to_999_s": cold["to_999_s"],
        "warm_first_valid_s": warm["first_valid_s"],
        "warm_to_999_s": warm["to_999_s"],
        "jit_ratio_at_2s": _median([r["final_ratio"] for r in jit]),
        "no_jit_ratio_at_2s": _median([r["final_ratio"] for r in plain]),
        "jit_first_valid_s": _median([r["first_valid_s"] for r in jit]),
        "no_jit_first_valid_s": _median([r["first_valid_s"] for r in plain]),
    }


def _seconds(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.2f} s"


def _markdown(summary: list[dict], jit: dict, command: str) -> str:
    lines = [
        "# Synthetic organisations: attribute engine",
        "",
        f"Command: `{command}`. Five diversified attributes ({', '.join(ATTRIBUTES)}), "
        "same language, manager separation, circles of 5-6. Medians over seeds; times in "
        "seconds from the call (encoding included, organisation generation excluded).",
        "",
        "| people | time limit | first valid | to 99.9 % of bound | final ratio | peak MB | "
        "violations |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in summary:
        misses = sum(run["to_999_s"] is None for run in row["runs"])
        target = "not reached" if row["to_999_s"] is None else f"{row['to_999_s']:.2f}"
        if misses:
            target += f" ({misses} of {len(row['runs'])} seeds missed)"
        lines.append(
            f"| {row['n']:,} | {TIME_LIMITS[row['n']]:.0f} | {row['first_valid_s']:.2f} | "
            f"{target} | {row['final_ratio']:.5f} | {row['peak_mb']:.0f} | {row['violations']} |"
        )
    lines += [
        "",
        "## Numba (2,000 people, 2 s)",
        "",
        f"- first valid grouping with a cold JIT cache (compile included): "
        f"{jit['compile_cold_first_valid_s']:.2f} s; with the cache filled: "
        f"{jit['warm_first_valid_s']:.2f} s",
        f"- 99.9 % of the bound with a cold JIT cache (compile included): "
        f"{_seconds(jit['cold_to_999_s'])}; with the cache filled: "
        f"{_seconds(jit['warm_to_999_s'])}",
        f"- ratio after 2 s: JIT {jit['jit_ratio_at_2s']:.5f}, NUMBA_DISABLE_JIT=1 "
        f"{jit['no_jit_ratio_at_2s']:.5f}",
        f"- first valid grouping: JIT {jit['jit_first_valid_s']:.2f} s, "
        f"NUMBA_DISABLE_JIT=1 {jit['no_jit_first_valid_s']:.2f} s",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000,100000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", nargs=4, metavar=("N", "SEED", "LIMIT", "WORKERS"))
    args = parser.parse_args(argv)
    if args.one:
        n, seed, limit, workers = args.one
        print(json.dumps(run_one(int(n), int(seed), float(limit), int(workers))))
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    summary = []
    for n in (int(s) for s in args.sizes.split(",")):
        runs = [
            _subprocess([str(n), str(s), str(TIME_LIMITS[n]), str(args.workers)]) for s in seeds
        ]
        summary.append(_summarise(runs))
        print(json.dumps({k: v for k, v in summary[-1].items() if k != "runs"}), flush=True)
    jit = _jit_part(seeds, args.workers)
    print(json.dumps(jit), flush=True)
    command = "python bench/synthetic.py " + " ".join(argv if argv is not None else sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    payload = {"command": command, "sizes": summary, "numba": jit}
    (RESULTS / "synthetic.json").write_text(json.dumps(payload, indent=2))
    (RESULTS / "synthetic.md").write_text(_markdown(summary, jit, command.strip()))


if __name__ == "__main__":
    main()
