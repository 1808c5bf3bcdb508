"""The pure packages import no Django: they run in a plain Python process."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

PURE_PACKAGES = ["matching", "scheduling", "mdgp", "rotation"]


def _existing() -> list[str]:
    return [
        f"circlewise.{name}"
        for name in PURE_PACKAGES
        if importlib.util.find_spec(f"circlewise.{name}") is not None
    ]


@pytest.mark.parametrize("package", _existing())
def test_it_imports_a_pure_package_without_django(package):
    script = (
        "import importlib, json, pkgutil, sys\n"
        f"package = importlib.import_module({package!r})\n"
        "path = getattr(package, '__path__', [])\n"
        "for module in pkgutil.walk_packages(path, package.__name__ + '.'):\n"
        "    if not module.name.endswith('.__main__'):\n"
        "        importlib.import_module(module.name)\n"
        "django = [name for name in sys.modules if name.split('.')[0] == 'django']\n"
        "print(json.dumps(sorted(django)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_it_checks_the_engine_and_the_scheduling_core_at_least():
    assert {"circlewise.matching", "circlewise.scheduling"} <= set(_existing())
