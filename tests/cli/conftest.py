"""The commands' output as a user with compiled kernels sees it, whatever this machine's Numba
cache holds: a cold cache adds "Preparing the engine (first run only)…" to stderr, which would
break every test that counts stderr's lines. That notice has tests of its own, which set
``kernels_ready`` themselves (their ``monkeypatch`` wins over this one)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _kernels_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("circlewise.cli.form_circles.kernels_ready", lambda: True)
    monkeypatch.setattr("circlewise.cli.mdgp.kernels_ready", lambda: True)
