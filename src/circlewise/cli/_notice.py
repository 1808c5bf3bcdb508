"""What a command says before its first run compiles the Numba kernels (tens of seconds)."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["PREPARING", "announce_compiling"]

PREPARING = "Preparing the engine (first run only)…"


def announce_compiling(ready: Callable[[], bool]) -> None:
    """Tell the user on stderr, when ``ready()`` says the kernels still need compiling."""
    if not ready():
        print(PREPARING, file=sys.stderr, flush=True)
