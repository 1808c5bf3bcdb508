"""``circlewise form-circles``: form circles from a CSV file of people.

Usage::

    circlewise form-circles PEOPLE.csv --size 5-6 --diversify department,level,location \\
        --align tz_offset --same language --separate manager_email [--separate-depth 2] \\
        [--avoid-pairs PAIRS.csv] [--weights department=2,level=1] [--multi interests] \\
        --time-limit 10 --seed 1 --out CIRCLES.csv [--report REPORT.json]

PEOPLE.csv has an ``email`` column (the identifier) and any attribute columns; a column is numeric
when every non-empty value is a number, empty cells are missing values, ``--multi`` columns hold
``;``-separated values. ``--separate COL`` names a column holding another person's email (their
manager, say); a person not in the file gets no rule. PAIRS.csv holds two emails per row.
CIRCLES.csv has every input row and column plus ``circle`` (numbered from 1). Bad input exits with
status 2 and one message on stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from circlewise.cli._notice import announce_compiling
from circlewise.core.csvfile import CsvFile, CsvProblem, read_csv
from circlewise.matching import (
    Attribute,
    MatchingError,
    Problem,
    Progress,
    Solution,
    form_circles,
    kernels_ready,
    reporting_line_pairs,
)

__all__ = ["add_parser", "run"]

EXIT_BAD_INPUT = 2
ID_COLUMN = "email"


class BadInput(Exception):
    """A problem with the user's files or options, reported as one line."""


@dataclass
class Table:
    """A CSV file read into memory."""

    columns: list[str]
    rows: list[dict[str, str]]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``form-circles`` subcommand (its ``handler`` default is :func:`run`)."""
    parser = subparsers.add_parser(
        "form-circles",
        help="split people from a CSV file into diverse circles",
        description="Split the people of PEOPLE.csv into circles that are as diverse as "
        "possible while every hard rule holds.",
    )
    parser.add_argument("people", type=Path, metavar="PEOPLE.csv")
    parser.add_argument("--size", default="5-6", help="circle size bounds MIN-MAX or N")
    parser.add_argument("--diversify", default="", metavar="COLS", help="columns to diversify")
    parser.add_argument("--align", default="", metavar="COLS", help="columns to keep similar")
    parser.add_argument("--multi", default="", metavar="COLS", help="';'-separated columns")
    parser.add_argument("--same", default="", metavar="COLS", help="equal within each circle")
    parser.add_argument(
        "--separate", action="append", default=[], metavar="COL",
        help="column with the email of someone each person must not share a circle with",
    )  # fmt: skip
    parser.add_argument("--separate-depth", type=int, default=1, metavar="N")
    parser.add_argument("--avoid-pairs", type=Path, metavar="PAIRS.csv")
    parser.add_argument("--weights", default="", metavar="COL=W,...")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS")
    parser.add_argument("--target-ratio", type=float, default=None, metavar="R")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1, metavar="N")
    parser.add_argument("--out", type=Path, required=True, metavar="CIRCLES.csv")
    parser.add_argument("--report", type=Path, metavar="REPORT.json")
    parser.set_defaults(handler=run)
    return parser


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _read(path: Path) -> CsvFile:
    """The file read by the web upload's reader; its first problem as BadInput."""
    try:
        table = read_csv(path.read_bytes())
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or exc}") from None
    except CsvProblem as exc:
        raise BadInput(f"{path}: {exc}") from None
    for record in table.records:
        if record.problem:
            raise BadInput(f"{path}: line {record.line}: {record.problem}")
    return table


def read_table(path: Path) -> Table:
    """Read a CSV file (UTF-8 or UTF-16 with a byte order mark, dialect sniffed)."""
    table = _read(path)
    columns = [name.strip() for name in table.header]
    if len(set(columns)) != len(columns):
        raise BadInput(f"{path}: a column name appears twice")
    rows = []
    for record in table.records:
        if len(record.cells) > len(columns):
            raise BadInput(f"{path}: row {record.line} has more cells than the header")
        cells = [cell.strip() for cell in record.cells]
        rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True)))
    return Table(columns, rows)


def _require(table: Table, path: Path, names: list[str]) -> None:
    for name in names:
        if name not in table.columns:
            raise BadInput(f"{path}: no column {name!r} (columns: {', '.join(table.columns)})")


def _ids(table: Table, path: Path) -> list[str]:
    _require(table, path, [ID_COLUMN])
    if not table.rows:
        raise BadInput(f"{path}: a header but no people")
    seen: dict[str, int] = {}
    for number, row in enumerate(table.rows, start=2):
        email = row[ID_COLUMN]
        if not email:
            raise BadInput(f"{path}: row {number} has no email")
        if email in seen:
            raise BadInput(f"{path}: duplicate email {email} (rows {seen[email]} and {number})")
        seen[email] = number
    return list(seen)


def _size(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        bounds = int(low), int(high or low)
    except ValueError:
        raise BadInput(f"--size {text!r}: expected MIN-MAX such as 5-6, or one number") from None
    if not 1 <= bounds[0] <= bounds[1]:
        raise BadInput(f"--size {text!r}: need 1 <= MIN <= MAX")
    return bounds


def _weights(text: str, scored: list[str]) -> dict[str, float]:
    weights = {}
    for item in _names(text):
        name, _, value = item.partition("=")
        if name.strip() not in scored:
            raise BadInput(f"--weights: {name.strip()!r} is not a --diversify or --align column")
        try:
            weight = float(value)
        except ValueError:
            raise BadInput(f"--weights: {item!r} is not COLUMN=NUMBER") from None
        if not math.isfinite(weight) or weight < 0:
            raise BadInput(f"--weights: {item!r} must be a non-negative number")
        weights[name.strip()] = weight
    return weights


def _column(table: Table, name: str, multi: bool) -> tuple[str, Sequence[object]]:
    """Kind and parsed values of a scored column."""
    cells = [row[name] for row in table.rows]
    if multi:
        return "multi", [
            [item.strip() for item in cell.split(";") if item.strip()] if cell else None
            for cell in cells
        ]
    try:
        numbers = [float(cell) if cell else None for cell in cells]
    except ValueError:
        return "categorical", [cell or None for cell in cells]
    if all(number is None for number in numbers):
        return "categorical", [None] * len(cells)
    return "numeric", numbers


def _avoid_pairs(path: Path, known: set[str]) -> list[tuple[str, str]]:
    table = _read(path)
    pairs = []
    first = table.header
    for number, row in [(None, first)] + [(r.line, r.cells) for r in table.records]:
        cells = [cell.strip() for cell in row if cell.strip()]
        if len(cells) < 2:
            raise BadInput(f"{path}: row {number or 1} needs two emails")
        if number is None and not ({cells[0], cells[1]} & known):
            continue  # a header row
        pairs.append((cells[0], cells[1]))
    return pairs


def build_problem(args: argparse.Namespace, table: Table) -> Problem:
    """Translate the options and the people table into a :class:`Problem`."""
    ids = _ids(table, args.people)
    low, high = _size(args.size)
    diversify, align, multi = _names(args.diversify), _names(args.align), set(_names(args.multi))
    same = _names(args.same)
    _require(table, args.people, diversify + align + same + list(multi) + args.separate)
    weights = _weights(args.weights, diversify + align)
    values: dict[str, Sequence[object]] = {}
    attributes = []
    for name, direction in [(n, "diversify") for n in diversify] + [(n, "align") for n in align]:
        kind, values[name] = _column(table, name, name in multi)
        attributes.append(Attribute(name, kind, direction, weights.get(name, 1.0)))  # type: ignore[arg-type]
    for name in same:
        values[name] = [row[name] or None for row in table.rows]
    if args.separate_depth < 1:
        raise BadInput("--separate-depth must be at least 1")
    separate: set[tuple[str, str]] = set()
    for column in args.separate:
        manager_of = {row[ID_COLUMN]: row[column] or None for row in table.rows}
        separate |= reporting_line_pairs(manager_of, args.separate_depth)
    if args.avoid_pairs:
        separate |= set(_avoid_pairs(args.avoid_pairs, set(ids)))
    return Problem(ids, values, attributes, low, high, same, separate)


def _write_circles(path: Path, table: Table, solution: Solution) -> None:
    circle_of = solution.as_assignment()
    columns = [*table.columns, "circle"] if "circle" not in table.columns else table.columns
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in table.rows:
                writer.writerow({**row, "circle": circle_of[row[ID_COLUMN]] + 1})
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or exc}") from None


def _write_report(path: Path, solution: Solution) -> None:
    report = {
        "objective": solution.objective,
        "upper_bound": solution.upper_bound,
        "ratio": solution.ratio,
        "elapsed_seconds": solution.elapsed,
        "circles": [
            {
                "circle": number,
                "members": circle.members,
                "same_values": circle.same_values,
                "diversity": circle.diversity,
                "mix": circle.mix,
                "rules": circle.rules,
            }
            for number, circle in enumerate(solution.circles, start=1)
        ],
    }
    try:
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or exc}") from None


def _summary(solution: Solution) -> str:
    sizes: dict[int, int] = {}
    for circle in solution.circles:
        sizes[len(circle.members)] = sizes.get(len(circle.members), 0) + 1
    people = sum(len(circle.members) for circle in solution.circles)
    rows = [
        ("people", f"{people}"),
        ("circles", f"{len(solution.circles)}"),
        ("sizes", ", ".join(f"{count} of {size}" for size, count in sorted(sizes.items()))),
        ("diversity", f"{solution.objective:.1f}"),
        ("upper bound", f"{solution.upper_bound:.1f}"),
        ("ratio", f"{solution.ratio:.4f}"),
        ("time", f"{solution.elapsed:.1f} s"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def _solve(args: argparse.Namespace, problem: Problem) -> Solution:
    announce_compiling(kernels_ready)
    with tqdm(total=100, file=sys.stderr, unit="%", disable=None, desc="forming circles") as bar:

        def progress(update: Progress) -> None:
            bar.set_postfix_str(f"ratio {update.ratio:.4f}", refresh=False)
            bar.update(round(100 * update.fraction) - bar.n)

        solution = form_circles(
            problem,
            time_limit=args.time_limit,
            seed=args.seed,
            progress=progress,
            workers=max(1, args.workers),
            target_ratio=args.target_ratio,
        )
        bar.update(100 - bar.n)
    return solution


def run(args: argparse.Namespace) -> int:
    """Run ``form-circles``; return the exit status (2 on bad input or impossible rules)."""
    try:
        if args.time_limit < 0:
            raise BadInput("--time-limit must not be negative")
        table = read_table(args.people)
        problem = build_problem(args, table)
        solution = _solve(args, problem)
        _write_circles(args.out, table, solution)
        if args.report:
            _write_report(args.report, solution)
    except (BadInput, MatchingError) as exc:
        print(f"circlewise form-circles: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_summary(solution))
    return 0
