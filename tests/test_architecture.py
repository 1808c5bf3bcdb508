"""The layout's habits: selectors take keyword-only arguments; no import cycle in the package;
the pure packages import no Django (import-linter's contracts in pyproject.toml)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import circlewise

ROOT = Path(circlewise.__file__).parent


def _selectors_modules() -> list[ModuleType]:
    names = [
        f"circlewise.{module.name}.selectors"
        for module in pkgutil.iter_modules(circlewise.__path__)
        if module.ispkg
    ]
    return [
        importlib.import_module(name)
        for name in names
        if importlib.util.find_spec(name) is not None
    ]


def _positional(module: ModuleType) -> list[str]:
    """The public functions defined in ``module`` with a parameter that can be given by position."""
    found = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module.__name__:
            continue
        kinds = {p.kind for p in inspect.signature(function).parameters.values()}
        if kinds & {
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.VAR_POSITIONAL,
        }:
            found.append(f"{module.__name__}.{name}")
    return found


def test_it_finds_the_selectors_modules():
    assert {"circlewise.programmes.selectors", "circlewise.coaching.selectors"} <= {
        module.__name__ for module in _selectors_modules()
    }


@pytest.mark.parametrize("module", _selectors_modules(), ids=lambda module: module.__name__)
def test_selectors_take_keyword_only_arguments(module):
    assert _positional(module) == []


def test_it_would_notice_a_positional_selector():
    module = ModuleType("fake.selectors")

    def by_position(programme: object, *, query: str = "") -> None: ...

    def _private(programme: object) -> None: ...

    by_position.__module__ = _private.__module__ = module.__name__
    module.by_position, module._private = by_position, _private  # type: ignore[attr-defined]
    assert _positional(module) == ["fake.selectors.by_position"]


# Imports ------------------------------------------------------------------------------------------
def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_statements(body: list[ast.stmt], *, lazy: bool) -> list[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported (not those only for the type checker);
    with ``lazy``, also those inside functions and classes."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and _type_checking(node):
            continue
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                found += _import_statements(block, lazy=lazy)
            for handler in getattr(node, "handlers", []):
                found += _import_statements(handler.body, lazy=lazy)
        elif lazy and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found += _import_statements(node.body, lazy=lazy)
    return found


def _imported(node: ast.Import | ast.ImportFrom, importer: str, modules: set[str]) -> set[str]:
    """The package's modules ``node`` imports (``from package import module`` names the module;
    ``from module import name`` the module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        assert not node.level, f"{importer}: the package uses absolute imports only"
        base = node.module or ""
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def _graph(*, lazy: bool) -> dict[str, set[str]]:
    paths = [path for path in ROOT.rglob("*.py") if "migrations" not in path.parts]
    modules = {_module(path) for path in paths}
    graph = {}
    for path in paths:
        importer = _module(path)
        imported = set()
        for node in _import_statements(ast.parse(path.read_text()).body, lazy=lazy):
            imported |= _imported(node, importer, modules)
        graph[importer] = imported - {importer}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_it_finds_no_import_cycle_in_the_package():
    """Imports that run when a module loads: those inside functions run later, once everything
    is loaded (the few left dodge a cycle between two services modules, or wait for Django's
    app registry in ``AppConfig.ready``)."""
    graph = _graph(lazy=False)
    assert {"circlewise.policy", "circlewise.formation.services"} <= set(graph)
    assert "circlewise.circles.models" in graph["circlewise.policy"]
    assert _cycle(graph) == []


def test_it_finds_no_import_cycle_in_formation_and_circles_even_inside_functions():
    """Forming circles was split out of circles: the two apps depend one way only."""
    graph = _graph(lazy=True)
    apps = ("circlewise.formation", "circlewise.circles")
    inside = {name: {m for m in imported if m.startswith(apps)} for name, imported in graph.items()}
    assert _cycle({name: inside[name] for name in inside if name.startswith(apps)}) == []


def test_it_would_notice_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_the_pure_packages_keep_import_linters_contracts():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT.parent.parent,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
