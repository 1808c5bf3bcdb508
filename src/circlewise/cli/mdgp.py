"""``circlewise mdgp``: solve an MDGPLIB instance file from the command line.

Usage::

    circlewise mdgp INSTANCE.txt --time-limit 20 --seed 1 --out SOLUTION.txt [--workers N]

The objective of the best grouping found is printed on stdout; with ``--out`` the grouping is
written one line per element (its 0-based group). A progress bar goes to stderr when it is a
terminal. Bad input exits with status 2 and a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from circlewise.cli._notice import announce_compiling
from circlewise.matching import MatchingError
from circlewise.mdgp import read_instance, solve_dense, write_solution
from circlewise.mdgp.warmup import kernels_ready

__all__ = ["add_parser", "run"]

EXIT_BAD_INPUT = 2


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``mdgp`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser; its ``handler`` default is :func:`run`, which takes the parsed
        namespace and returns the exit status.
    """
    parser = subparsers.add_parser(
        "mdgp",
        help="solve a Maximally Diverse Grouping instance (MDGPLIB format)",
        description="Split the elements of an MDGPLIB instance into groups of bounded sizes so "
        "that the sum of within-group distances is as large as possible; print that sum.",
    )
    parser.add_argument("instance", type=Path, metavar="INSTANCE.txt", help="MDGPLIB instance")
    parser.add_argument(
        "--time-limit",
        type=_positive_float,
        default=20.0,
        metavar="SECONDS",
        help="wall-clock budget in seconds (default: 20)",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="SOLUTION.txt",
        help="write the group (0-based) of each element, one per line",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="independent searches run in parallel processes, best kept (default: 1)",
    )
    parser.set_defaults(handler=run)
    return parser


def _format_objective(value: float) -> str:
    # Enough decimals for the 3-decimal MDGPLIB distances, without float noise such as ...0001.
    return f"{value:.6f}".rstrip("0").rstrip(".")


def run(args: argparse.Namespace) -> int:
    """Solve ``args.instance`` and print the objective.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of the ``mdgp`` subcommand.

    Returns
    -------
    int
        0 on success, 2 when the instance cannot be read or solved or the output not written.
    """
    try:
        instance = read_instance(args.instance)
    except (OSError, ValueError) as exc:
        return _fail(_describe(exc, args.instance))
    announce_compiling(kernels_ready)
    with tqdm(total=100, desc="searching", unit="%", file=sys.stderr, disable=None) as bar:

        def show(fraction: float, message: str) -> None:
            bar.n = round(100 * fraction)
            bar.set_postfix_str(message, refresh=True)

        try:
            result = solve_dense(
                instance.distances,
                instance.lower,
                instance.upper,
                time_limit=args.time_limit,
                seed=args.seed,
                progress=show,
                workers=args.workers,
            )
        except (MatchingError, ValueError) as exc:
            return _fail(f"{args.instance}: {exc}")
    if args.out is not None:
        try:
            write_solution(args.out, result.groups)
        except OSError as exc:
            return _fail(_describe(exc, args.out))
    print(_format_objective(result.objective))
    return 0


def _describe(exc: Exception, path: Path) -> str:
    if isinstance(exc, OSError):
        return f"{path}: {exc.strerror or exc}"
    return str(exc)


def _fail(message: str) -> int:
    print(f"circlewise mdgp: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
