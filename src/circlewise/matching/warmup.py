"""Compile the engine's Numba kernels once, so the first real request does not pay for it.

Numba compiles a kernel on its first call (seconds per kernel) and keeps the machine code in its
cache (``cache=True``). ``make`` runs this module right after installing, so neither the first
programme formed in the web app nor the first ``circlewise`` command waits for the compiler.

Run it as ``python -m circlewise.matching.warmup``. :func:`kernels_ready` tells, without
compiling anything, whether that has happened (for this source and this Numba), so that the CLI
and the web app can say "Preparing the engine (first run only)…" instead of seeming to hang.
"""

from __future__ import annotations

import time
from types import ModuleType

from numba.core.registry import CPUDispatcher

from circlewise.matching import _kernels
from circlewise.matching.model import Attribute, Problem
from circlewise.matching.rules import reporting_line_pairs
from circlewise.matching.search import form_circles
from circlewise.matching.synthetic import generate_organisation

__all__ = ["compiled", "kernels_ready", "warm_up"]


def _attribute_problem() -> Problem:
    """A small organisation that touches every kind of attribute and every hard rule."""
    people = generate_organisation(120, seed=0)
    values = {key: [person[key] for person in people] for key in people[0]}
    attributes = [
        Attribute("department"),
        Attribute("level"),
        Attribute("interests", kind="multi"),
        Attribute("tenure_years", kind="numeric"),
        Attribute("tz_offset", kind="numeric", direction="align"),
    ]
    separate = reporting_line_pairs({p["email"]: p["manager_email"] for p in people})
    # Sizes 3-6 so that every language group of this small sample can be split.
    return Problem(values["email"], values, attributes, 3, 6, ["language"], separate)


def compiled(module: ModuleType) -> bool:
    """Whether Numba's cache holds machine code for every kernel of ``module``.

    A kernel counts when its cache index (written by Numba next to the source) has an entry for
    this source file, this Numba version, this CPU and this bytecode: exactly the entries Numba
    would load instead of compiling. Reading the index uses Numba's cache internals, so any
    surprise there answers False (at worst the message is shown once too often).
    """
    kernels = [item for item in vars(module).values() if isinstance(item, CPUDispatcher)]
    try:
        for kernel in kernels:
            cache = kernel._cache
            index = cache._cache_file._load_index()
            codegen = kernel.targetctx.codegen()
            if not any(key == cache._index_key(key[0], codegen) for key in index):
                return False
    except (AttributeError, OSError, TypeError, ValueError):
        return False
    return bool(kernels)


def kernels_ready() -> bool:
    """Whether the engine's kernels are compiled already, so forming circles starts at once.

    False on a fresh install before ``make`` has warmed them (or after the engine's source
    changed): the first run then spends tens of seconds compiling.

    Examples
    --------
    >>> isinstance(kernels_ready(), bool)
    True
    """
    return compiled(_kernels)


def warm_up() -> float:
    """Run the engine briefly on a small organisation; return the seconds it took."""
    started = time.perf_counter()
    form_circles(_attribute_problem(), time_limit=0.5, seed=0)
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"Matching engine ready (kernels compiled in {warm_up():.1f} s).")
