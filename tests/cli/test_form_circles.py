"""``circlewise form-circles``: output files, exit codes and one-line messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from circlewise.cli import main

HEADER = "email,department,level,tenure,language,manager_email\n"


def _people_csv(path: Path, n: int = 24, *, delimiter: str = ",", bom: bool = False) -> Path:
    lines = [HEADER.replace(",", delimiter)]
    for i in range(n):
        manager = "p0@x.org" if i % 4 == 1 else ""
        cells = [f"p{i}@x.org", f"d{i % 4}", f"l{i % 3}", str(i % 7), "en", manager]
        lines.append(delimiter.join(cells) + "\n")
    path.write_text(("\ufeff" if bom else "") + "".join(lines), encoding="utf-8")
    return path


def _run(tmp_path: Path, people: Path, *extra: str) -> int:
    return main(
        ["form-circles", str(people), "--out", str(tmp_path / "circles.csv"),
         "--time-limit", "0.2", "--seed", "1", *extra]
    )  # fmt: skip


def test_it_writes_every_row_with_its_circle_and_a_report(tmp_path: Path, capsys) -> None:
    people = _people_csv(tmp_path / "people.csv", bom=True)
    status = _run(
        tmp_path,
        people,
        "--diversify",
        "department,level,tenure",
        "--same",
        "language",
        "--separate",
        "manager_email",
        "--weights",
        "department=2",
        "--report",
        str(tmp_path / "report.json"),
    )
    assert status == 0
    with (tmp_path / "circles.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["email"] for row in rows] == [f"p{i}@x.org" for i in range(24)]
    assert set(rows[0]) == {
        "email",
        "department",
        "level",
        "tenure",
        "language",
        "manager_email",
        "circle",
    }
    circle_of = {row["email"]: row["circle"] for row in rows}
    assert all(circle_of[f"p{i}@x.org"] != circle_of["p0@x.org"] for i in range(1, 24, 4))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["ratio"] <= 1.0 and len(report["circles"]) == 4
    assert "min" in report["circles"][0]["mix"]["tenure"]
    assert "ratio" in capsys.readouterr().out


def test_it_reads_semicolon_files_and_avoid_pairs(tmp_path: Path) -> None:
    people = _people_csv(tmp_path / "people.csv", delimiter=";")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("first,second\np1@x.org,p2@x.org\nnobody@x.org,p3@x.org\n", encoding="utf-8")
    status = _run(tmp_path, people, "--diversify", "department", "--avoid-pairs", str(pairs))
    assert status == 0
    with (tmp_path / "circles.csv").open(encoding="utf-8") as handle:
        circle_of = {row["email"]: row["circle"] for row in csv.DictReader(handle)}
    assert circle_of["p1@x.org"] != circle_of["p2@x.org"]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("", [], "The file is empty"),
        ("email,department\n", [], "a header but no people"),
        ("name,department\nAda,x\n", [], "no column 'email'"),
        (HEADER + "a@x,d,l,1,en,\na@x,d,l,1,en,\n", [], "duplicate email a@x (rows 2 and 3)"),
        (HEADER + "a@x,d,l,1,en,\n", ["--diversify", "dept"], "no column 'dept'"),
        (HEADER + "a@x,d,l,1,en,\n" * 1, ["--size", "five"], "--size 'five'"),
        (HEADER + "".join(f"p{i},d,l,1,en,\n" for i in range(7)), [], "7 people cannot be split"),
        (HEADER + "a@x,d,l,1,en,\n", ["--weights", "level=2"], "not a --diversify"),
    ],
)
def test_it_exits_2_with_one_clear_message(tmp_path, capsys, content, options, message) -> None:
    people = tmp_path / "people.csv"
    people.write_text(content, encoding="utf-8")
    assert _run(tmp_path, people, *options) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_it_rejects_files_that_are_not_utf8(tmp_path: Path, capsys) -> None:
    people = tmp_path / "people.csv"
    people.write_bytes("email,name\né@x,Zoë\n".encode("cp1252"))
    assert _run(tmp_path, people) == 2
    assert "not UTF-8 encoded" in capsys.readouterr().err


def test_it_stops_at_an_unterminated_quote_naming_its_line(tmp_path: Path, capsys) -> None:
    people = tmp_path / "people.csv"
    people.write_text(HEADER + 'a@x,"d,l,1,en,\nb@x,d,l,1,en,\n', encoding="utf-8")
    assert _run(tmp_path, people) == 2
    err = capsys.readouterr().err
    assert 'line 2: A quote (") opened on this line is never closed' in err


def test_it_reports_a_missing_file(tmp_path: Path, capsys) -> None:
    assert _run(tmp_path, tmp_path / "absent.csv") == 2
    assert "No such file" in capsys.readouterr().err


@pytest.mark.parametrize(("ready", "said"), [(False, True), (True, False)])
def test_it_says_it_is_preparing_the_engine_only_when_the_kernels_are_cold(
    tmp_path: Path, capsys, monkeypatch, ready, said
) -> None:
    monkeypatch.setattr("circlewise.cli.form_circles.kernels_ready", lambda: ready)
    assert _run(tmp_path, _people_csv(tmp_path / "people.csv")) == 0
    assert ("Preparing the engine (first run only)…" in capsys.readouterr().err) is said
