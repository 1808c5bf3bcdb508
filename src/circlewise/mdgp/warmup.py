"""Compile the dense solver's Numba kernels once, so ``circlewise mdgp`` does not wait for them.

``make`` runs this module right after installing, beside :mod:`circlewise.matching.warmup`.
Run it as ``python -m circlewise.mdgp.warmup``.
"""

from __future__ import annotations

import time

import numpy as np

from circlewise.matching.warmup import compiled
from circlewise.mdgp import dense
from circlewise.mdgp.dense import solve_dense

__all__ = ["kernels_ready", "warm_up"]


def kernels_ready() -> bool:
    """Whether the dense solver's kernels are compiled already (see ``matching.kernels_ready``)."""
    return compiled(dense)


def warm_up() -> float:
    """Run the dense solver briefly on a small matrix; return the seconds it took."""
    started = time.perf_counter()
    distances = np.random.default_rng(0).random((30, 30))
    solve_dense((distances + distances.T) / 2, [5] * 5, [7] * 5, time_limit=0.2, seed=0)
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"MDGP solver ready (kernels compiled in {warm_up():.1f} s).")
