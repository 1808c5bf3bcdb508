"""The ``circlewise`` command line: ``circlewise form-circles ...`` and ``circlewise mdgp ...``.

Each subcommand module exposes ``add_parser(subparsers)``, which registers its parser with a
``handler`` default: a function taking the parsed namespace and returning the exit status.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from circlewise.cli import form_circles, mdgp

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: ``sys.argv[1:]``), run the subcommand and return its exit status."""
    parser = argparse.ArgumentParser(
        prog="circlewise", description="Form, run and measure peer coaching circles."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    form_circles.add_parser(subparsers)
    mdgp.add_parser(subparsers)
    args = parser.parse_args(argv)
    return args.handler(args)
