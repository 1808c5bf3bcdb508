"""Benchmark the dense MDGP solver on MDGPLIB instances against the published reference values.

For every instance in the reference table of ``../shared/bench/README.md`` it runs
``solve_dense`` (one process per run, ``workers=1``, so each run gets one core like the
reference) for several seeds at the reference time limit, re-checks every solution (size bounds,
objective recomputed from the pair list), and in the same run measures baselines a user might
otherwise reach for: a random assignment within the size bounds, and OR-Tools CP-SAT (one
worker, same time limit) on the instances with n <= 120. It also measures what Numba buys
(tabu-search iterations per second, JIT vs ``NUMBA_DISABLE_JIT=1``) and the one-off compile time
on a cold cache.

Results go to ``bench/results/mdgplib.json`` and a readable ``bench/results/mdgplib.md``.

Usage::

    python bench/mdgplib.py                          # everything (about 20 min with --jobs 2)
    python bench/mdgplib.py --only n120 --seeds 2    # a quick look
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from circlewise.mdgp.dense import solve_dense
from circlewise.mdgp.mdgplib import read_instance

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench"
RESULTS = ROOT / "bench" / "results"
# Allowed shortfall of the mean against the reference mean, by instance size.
TOLERANCE = {480: 0.001}
CP_SAT_MAX_N = 120
CLOCKS = {
    "cpu": "CPU seconds of the run's process (as the reference values were timed)",
    "wall": "wall-clock seconds of the call (JIT cache loading included)",
}


def reference_table(readme: Path) -> list[dict]:
    """Parse the ``| instance | time (s) | runs | best | mean |`` table of the data README."""
    rows = []
    pattern = re.compile(
        r"^\|\s*(\w+_n(\d+)_\w+)\s*\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|([^|]+)\|([^|]+)\|"
    )
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            name, n, seconds, runs, best, mean = match.groups()
            rows.append(
                {
                    "instance": name,
                    "n": int(n),
                    "time_limit": float(seconds),
                    "ref_runs": int(runs),
                    "ref_best": float(best),
                    "ref_mean": float(mean),
                }
            )
    return rows


def pair_list_objective(path: Path, groups: list[int]) -> float:
    """Objective recomputed straight from the instance's pair lines (independent of the solver)."""
    labels = np.asarray(groups)
    pairs = np.loadtxt(path, skiprows=1, ndmin=2)
    i, j = pairs[:, 0].astype(int), pairs[:, 1].astype(int)
    return float(pairs[labels[i] == labels[j], 2].sum())


def check(path: Path, lower: list[int], upper: list[int], groups: list[int]) -> float:
    sizes = np.bincount(groups, minlength=len(lower))
    if len(sizes) != len(lower) or np.any(sizes < lower) or np.any(sizes > upper):
        raise AssertionError(f"{path.name}: size bounds broken: {sizes.tolist()}")
    return pair_list_objective(path, groups)


def run_solver(path: Path, time_limit: float, seed: int, clock: str) -> dict:
    instance = read_instance(path)
    wall, cpu = time.perf_counter(), time.process_time()
    result = solve_dense(
        instance.distances,
        instance.lower,
        instance.upper,
        time_limit=time_limit,
        seed=seed,
        clock=clock,
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    value = check(path, instance.lower, instance.upper, result.groups)
    if abs(value - result.objective) > 1e-6 * max(1.0, abs(value)):
        raise AssertionError(f"{path.name}: reported {result.objective}, recomputed {value}")
    return {"objective": value, "wall": wall, "cpu": cpu}


def run_random(path: Path, seed: int) -> float:
    instance = read_instance(path)
    rng = np.random.default_rng(seed)
    sizes = np.array(instance.lower)
    for _ in range(instance.distances.shape[0] - int(sizes.sum())):
        room = np.flatnonzero(sizes < instance.upper)
        sizes[rng.choice(room)] += 1
    groups = rng.permutation(np.repeat(np.arange(len(sizes)), sizes)).tolist()
    return check(path, instance.lower, instance.upper, groups)


def run_cp_sat(path: Path, time_limit: float, seed: int) -> dict:
    """CP-SAT on the textbook model: x[i,k] one group each, z[i,j] = "same group"."""
    from ortools.sat.python import cp_model

    instance = read_instance(path)
    d = instance.distances
    n, k = d.shape[0], len(instance.lower)
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{g}") for g in range(k)] for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
    for g in range(k):
        model.add_linear_constraint(
            sum(x[i][g] for i in range(n)), instance.lower[g], instance.upper[g]
        )
    terms = []
    for i in range(n):
        for j in range(i + 1, n):
            z = model.new_bool_var(f"z{i}_{j}")
            for g in range(k):
                # If i is in g and z says "same group", j must be in g too.
                model.add_bool_or([z.Not(), x[i][g].Not(), x[j][g]])
            # CP-SAT needs integer coefficients; the instances have at most 3 decimals.
            terms.append(round(d[i, j] * 1000) * z)
    model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"objective": None, "status": solver.status_name(status)}
    groups = [next(g for g in range(k) if solver.value(x[i][g])) for i in range(n)]
    value = check(path, instance.lower, instance.upper, groups)
    return {"objective": value, "status": solver.status_name(status)}


def speed_probe(path: Path, seconds: float) -> dict:
    """Tabu-search iterations per second from a random start (run once with, once without JIT)."""
    from circlewise.mdgp import dense

    instance = read_instance(path)
    lo, up = np.array(instance.lower), np.array(instance.upper)
    # Compile (or load from cache) before the clock: this measures throughput, not start-up.
    # CPU clock, so that a busy machine does not distort the rate.
    warm = dense._Search(instance.distances, lo, up, 0, dense.CPU, time.process_time() + 0.01)
    warm.improve(warm.random_groups())
    search = dense._Search(instance.distances, lo, up, 1, dense.CPU, time.process_time() + seconds)
    search.stall = 10**9
    start = time.process_time()
    search.improve(search.random_groups())
    return {"iterations": search.iterations, "seconds": time.process_time() - start}


def cold_start_probe(runs: int = 4) -> dict:
    """Start-up cost: import plus a 0.5 s solve (n=30) in fresh processes sharing a new JIT cache.

    A short run compiles only the kernels it reaches before its deadline, so the one-off
    compilation is spread over the first few runs; it is the sum of their excess CPU time over
    the last (fully cached) run.
    """
    code = (
        "import time; c = time.process_time();"
        "import numpy as np; from circlewise.mdgp.dense import solve_dense;"
        "d = np.random.default_rng(0).random((30, 30)); d = d + d.T;"
        "solve_dense(d, [6] * 5, [6] * 5, time_limit=0.5, seed=0);"
        "print(time.process_time() - c)"
    )
    cpu = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            cpu.append(float(done.stdout.strip().splitlines()[-1]))
    return {"compile_cpu_s": sum(t - cpu[-1] for t in cpu[:-1]), "warm_cpu_s": cpu[-1]}


def numba_probe(path: Path, seconds: float) -> dict:
    results = {}
    for label, disable in (("jit", "0"), ("python", "1")):
        env = {**os.environ, "NUMBA_DISABLE_JIT": disable}
        done = subprocess.run(
            [sys.executable, __file__, "--speed-probe", str(path), "--probe-seconds", str(seconds)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results[label] = json.loads(done.stdout.strip().splitlines()[-1])
    rate = {key: val["iterations"] / val["seconds"] for key, val in results.items()}
    return {
        "instance": path.stem,
        "jit_iterations_per_s": rate["jit"],
        "python_iterations_per_s": rate["python"],
        "speed_ratio": rate["jit"] / max(rate["python"], 1e-9),
        **cold_start_probe(),
    }


def summarise(row: dict, runs: list[dict], randoms: list[float], cp_sat: dict | None) -> dict:
    values = [run["objective"] for run in runs]
    mean = float(np.mean(values))
    allowed = row["ref_mean"] * (1.0 - TOLERANCE.get(row["n"], 0.0))
    return {
        **row,
        "seeds": len(values),
        "mean": mean,
        "best": float(np.max(values)),
        "worst": float(np.min(values)),
        "ratio_mean": mean / row["ref_mean"],
        "target_met": mean >= allowed - 1e-9,
        "cpu_share": float(np.median([run["cpu"] / run["wall"] for run in runs])),
        "random_mean": float(np.mean(randoms)),
        "random_ratio": float(np.mean(randoms)) / row["ref_mean"],
        "cp_sat": cp_sat,
        "objectives": values,
    }


def markdown(summary: list[dict], meta: dict) -> str:
    lines = [
        "# MDGPLIB benchmark: circlewise.mdgp.dense",
        "",
        f"Command: `{meta['command']}`  ",
        f"Commit {meta['commit']}, {meta['date']}, {meta['machine']}; {meta['jobs']} runs at a "
        "time, each in its own process with `workers=1` (one core per run, like the reference); "
        f"time limit counted as {CLOCKS[meta['clock']]}.",
        "",
        "| instance | T (s) | seeds | ref mean | ours mean | ours best | ours worst | mean/ref "
        "| target | CPU share | random/ref | CP-SAT/ref |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        cp = s["cp_sat"]
        cp_text = (
            "—"
            if cp is None
            else (
                f"{cp['objective'] / s['ref_mean']:.4f} ({cp['status']})"
                if cp["objective"]
                else cp["status"]
            )
        )
        target = "met" if s["target_met"] else "**missed**"
        lines.append(
            f"| {s['instance']} | {s['time_limit']:g} | {s['seeds']} | {s['ref_mean']:.3f} "
            f"| {s['mean']:.3f} | {s['best']:.3f} | {s['worst']:.3f} | {s['ratio_mean']:.5f} "
            f"| {target} | {s['cpu_share']:.2f} | {s['random_ratio']:.4f} | {cp_text} |"
        )
    probe = meta.get("numba")
    if probe:
        lines += [
            "",
            f"Numba: {probe['jit_iterations_per_s']:.0f} tabu iterations/s with JIT vs "
            f"{probe['python_iterations_per_s']:.1f} as plain Python on {probe['instance']} "
            f"(x{probe['speed_ratio']:.0f}). One-off JIT compilation: "
            f"{probe['compile_cpu_s']:.1f} s CPU on an empty cache (then stored by `cache=True`); "
            "a fresh process that imports "
            f"and runs a 0.5 s solve then takes {probe['warm_cpu_s']:.1f} s CPU in all.",
        ]
    lines += [
        "",
        "Target: mean >= reference mean (n <= 240), mean >= 99.9 % of it (n = 480). "
        "CPU share = process CPU time / wall time of a run (1.00 = had its core throughout).",
        "",
    ]
    return "\n".join(lines)


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with README.md, mdgplib/")
    parser.add_argument("--only", nargs="*", default=[], help="keep instances containing any")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per instance (default 5)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="what the time limit counts (default cpu: CPU seconds per run, as the reference)",
    )
    parser.add_argument("--no-baselines", action="store_true", help="skip random and CP-SAT")
    parser.add_argument("--no-numba-probe", action="store_true", help="skip the JIT probe")
    parser.add_argument("--out", type=Path, default=RESULTS / "mdgplib", help="results stem")
    parser.add_argument("--speed-probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-seconds", type=float, default=5.0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.speed_probe:
        print(json.dumps(speed_probe(args.speed_probe, args.probe_seconds)))
        return
    rows = [
        row
        for row in reference_table(args.data / "README.md")
        if not args.only or any(part in row["instance"] for part in args.only)
    ]
    folder = args.data / "mdgplib"
    commit = git_commit()  # the code that runs, even if someone commits meanwhile
    # Longest first so that the two job slots finish together.
    tasks = [
        (row, seed)
        for row in sorted(rows, key=lambda r: -r["time_limit"])
        for seed in range(1, args.seeds + 1)
    ]
    # Fresh interpreters (spawn), like separate CLI runs; each loads the JIT cache itself.
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {
            (row["instance"], seed): pool.submit(
                run_solver, folder / f"{row['instance']}.txt", row["time_limit"], seed, args.clock
            )
            for row, seed in tasks
        }
        cp_futures = {}
        if not args.no_baselines:
            cp_futures = {
                row["instance"]: pool.submit(
                    run_cp_sat, folder / f"{row['instance']}.txt", row["time_limit"], 1
                )
                for row in rows
                if row["n"] <= CP_SAT_MAX_N
            }
        summary = []
        for row in rows:
            path = folder / f"{row['instance']}.txt"
            runs = [futures[row["instance"], seed].result() for seed in range(1, args.seeds + 1)]
            randoms = [run_random(path, seed) for seed in range(1, args.seeds + 1)]
            cp_sat = cp_futures[row["instance"]].result() if row["instance"] in cp_futures else None
            summary.append(summarise(row, runs, randoms, cp_sat))
            s = summary[-1]
            print(f"{s['instance']}: mean {s['mean']:.3f} ({s['ratio_mean']:.5f} of reference)")
    meta = {
        "command": " ".join(["python", "bench/mdgplib.py", *(argv or sys.argv[1:])]),
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "jobs": args.jobs,
        "clock": args.clock,
    }
    save(args.out, summary, meta)
    if not args.no_numba_probe:
        # After saving: the solver results stand even if this probe fails.
        meta["numba"] = numba_probe(folder / "RanReal_n120_ss_01.txt", args.probe_seconds)
        save(args.out, summary, meta)
    print(markdown(summary, meta))


def save(stem: Path, summary: list[dict], meta: dict) -> None:
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": summary}, indent=2))
    stem.with_suffix(".md").write_text(markdown(summary, meta))


if __name__ == "__main__":
    main()
