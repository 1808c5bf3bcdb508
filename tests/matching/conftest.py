"""Every engine test starts with the kernels loaded: see tests/mdgp/conftest.py for why."""

from __future__ import annotations

import pytest

from circlewise.matching.warmup import warm_up


@pytest.fixture(scope="session", autouse=True)
def kernels_loaded() -> None:
    warm_up()
