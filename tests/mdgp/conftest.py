"""Every solver test starts with the kernels loaded, so a time budget is spent on the search.

Loading the kernels from Numba's cache (or compiling them, on a cold cache) happens on the first
call in each test process and counts against that call's budget: on a busy machine it could use
up a tiny budget before the first iteration and make an optimum test fail by chance.
"""

from __future__ import annotations

import pytest

from circlewise.mdgp.warmup import warm_up


@pytest.fixture(scope="session", autouse=True)
def kernels_loaded() -> None:
    warm_up()
