"""Tests for the ``circlewise mdgp`` subcommand (circlewise.cli.mdgp)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from circlewise.cli.mdgp import add_parser
from circlewise.mdgp.dense import group_objective
from circlewise.mdgp.mdgplib import read_instance, read_solution


def main(argv: list[str]) -> int:
    # The real entry point lives in circlewise.cli; this mirrors how it dispatches.
    parser = argparse.ArgumentParser(prog="circlewise")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def write_instance(path: Path, n: int = 12, bounds: str = "4 4 4 4 4 4") -> Path:
    rng = np.random.default_rng(0)
    lines = [f"{n} {len(bounds.split()) // 2} ss {bounds}"]
    lines += [f"{i} {j} {rng.integers(1, 50)}" for i in range(n) for j in range(i + 1, n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_it_prints_the_objective_and_writes_the_solution(tmp_path, capsys) -> None:
    instance = write_instance(tmp_path / "instance.txt")
    out = tmp_path / "solution.txt"
    argv = ["mdgp", str(instance), "--time-limit", "0.3", "--seed", "1", "--out", str(out)]
    assert main(argv) == 0
    groups = read_solution(out)
    assert sorted(np.bincount(groups)) == [4, 4, 4]
    printed = float(capsys.readouterr().out.strip())
    assert printed == group_objective(read_instance(instance).distances, groups)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp: tmp / "missing.txt", "missing.txt: No such file or directory"),
        (lambda tmp: write_instance(tmp / "i.txt", bounds="5 5 5 5 5 5"), "need at least 15"),
        (
            lambda tmp: tmp / "bad.txt" if (tmp / "bad.txt").write_text("hello\n") else None,
            "bad.txt:1: header must be",
        ),
    ],
)
def test_it_exits_2_with_one_clear_message_on_bad_input(tmp_path, capsys, setup, message) -> None:
    path = setup(tmp_path)
    assert main(["mdgp", str(path), "--time-limit", "0.2", "--out", str(tmp_path / "s.txt")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "s.txt").exists()


def test_it_exits_2_when_the_solution_cannot_be_written(tmp_path, capsys) -> None:
    instance = write_instance(tmp_path / "instance.txt")
    out = tmp_path / "no-such-dir" / "s.txt"
    assert main(["mdgp", str(instance), "--time-limit", "0.2", "--out", str(out)]) == 2
    assert "no-such-dir/s.txt: No such file or directory" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--time-limit", "0"], ["--workers", "0"], ["--seed", "x"]])
def test_it_rejects_bad_options_with_status_2(tmp_path, capsys, option) -> None:
    instance = write_instance(tmp_path / "instance.txt")
    with pytest.raises(SystemExit) as info:
        main(["mdgp", str(instance), *option])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("ready", "said"), [(False, True), (True, False)])
def test_it_says_it_is_preparing_the_engine_only_when_the_kernels_are_cold(
    tmp_path, capsys, monkeypatch, ready, said
) -> None:
    monkeypatch.setattr("circlewise.cli.mdgp.kernels_ready", lambda: ready)
    instance = write_instance(tmp_path / "instance.txt")
    assert main(["mdgp", str(instance), "--time-limit", "0.2", "--seed", "1"]) == 0
    captured = capsys.readouterr()
    assert ("Preparing the engine (first run only)…" in captured.err) is said
    float(captured.out.strip())  # the notice never mixes into the printed objective
