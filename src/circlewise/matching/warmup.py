"""Compile the engine's Numba kernels once, so the first real request does not pay for it.

Numba compiles a kernel on its first call (seconds per kernel) and keeps the machine code in its
cache (``cache=True``). ``make`` runs this module right after installing, so neither the first
programme formed in the web app nor the first ``circlewise`` command waits for the compiler.

Run it as ``python -m circlewise.matching.warmup``.
"""

from __future__ import annotations

import time

from circlewise.matching.model import Attribute, Problem
from circlewise.matching.rules import reporting_line_pairs
from circlewise.matching.search import form_circles
from circlewise.matching.synthetic import generate_organisation

__all__ = ["warm_up"]


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


def warm_up() -> float:
    """Run the engine briefly on a small organisation; return the seconds it took."""
    started = time.perf_counter()
    form_circles(_attribute_problem(), time_limit=0.5, seed=0)
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"Matching engine ready (kernels compiled in {warm_up():.1f} s).")
