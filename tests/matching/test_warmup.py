"""Knowing whether the engine's kernels are compiled, without compiling them."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = (
    "from circlewise.matching import kernels_ready\n"
    "from circlewise.mdgp.warmup import kernels_ready as mdgp_ready\n"
    "print(kernels_ready(), mdgp_ready())\n"
)


def test_it_says_the_kernels_are_not_ready_with_an_empty_numba_cache(tmp_path):
    env = os.environ | {"NUMBA_CACHE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split() == ["False", "False"]
    assert not list(tmp_path.rglob("*.nb[ci]"))  # asking compiled and saved nothing
