"""Tests for reading and writing MDGPLIB files (circlewise.mdgp.mdgplib)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circlewise.mdgp.mdgplib import (
    MdgpFormatError,
    read_instance,
    read_solution,
    write_solution,
)

VALID = """4 2 ds 1 3 2 2
0 1 1.5
0 2 2
0 3 3.25
1 2 4
1 3 5
2 3 6
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "instance.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_it_reads_the_distance_matrix_and_size_bounds(tmp_path) -> None:
    instance = read_instance(write(tmp_path, VALID))
    assert instance.lower == [1, 2] and instance.upper == [3, 2]
    expected = np.array([[0, 1.5, 2, 3.25], [1.5, 0, 4, 5], [2, 4, 0, 6], [3.25, 5, 6, 0]])
    np.testing.assert_array_equal(instance.distances, expected)


def test_it_reads_a_real_mdgplib_file_shape(tmp_path) -> None:
    lines = ["3 1 ss 3 3 "] + [f"{i} {j} {i + j}" for i in range(3) for j in range(i + 1, 3)]
    instance = read_instance(write(tmp_path, "\r\n".join(lines) + "\r\n\r\n"))
    assert instance.distances[1, 2] == 3.0 and instance.distances[2, 1] == 3.0


def test_it_roundtrips_a_solution(tmp_path) -> None:
    path = tmp_path / "solution.txt"
    write_solution(path, np.array([2, 0, 1, 1, 0]))
    assert path.read_text() == "2\n0\n1\n1\n0\n"
    assert read_solution(path) == [2, 0, 1, 1, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("4 2\n", "header must be"),
        ("x 2 ss 1 1 1 1\n", r":1: n must be an integer, got 'x'"),
        ("4 2 zz 2 2 2 2\n", "third header field must be 'ss' or 'ds'"),
        ("4 2 ss 2 2 2\n", "header gives 3 size bounds, expected 2 x K = 4"),
        ("4 2 ds 3 1 2 2\n", "group 0 has invalid size bounds 3..1"),
        (VALID.replace("1 2 4", "1 2 four"), r":5: distance 'four' is not a number"),
        (VALID.replace("1 2 4", "1 2 inf"), r":5: distance 'inf' is not finite"),
        (VALID.replace("1 2 4", "1 9 4"), r":5: pair \(1, 9\) must name two different elements"),
        (VALID.replace("1 2 4", "1 1 4"), r":5: pair \(1, 1\) must name two"),
        (VALID.replace("1 2 4", "1 2"), r":5: expected 'i j d_ij', got 2 fields"),
        (VALID + "2 1 7\n", r":8: pair \(2, 1\) appears twice"),
        (
            VALID.replace("1 2 4\n", ""),
            "5 pairs given, expected n\\(n-1\\)/2 = 6 .first missing: 1 2",
        ),
        (b"4 2 ss 2 2 2 2\n0 1 \xff\n", "not a UTF-8 text file"),
    ],
)
def test_it_rejects_bad_instance_files_with_a_one_line_message(tmp_path, text, message) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MdgpFormatError, match=message) as info:
        read_instance(path)
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


def test_it_rejects_a_solution_line_that_is_not_a_group(tmp_path) -> None:
    path = tmp_path / "solution.txt"
    path.write_text("0\n-1\n")
    with pytest.raises(MdgpFormatError, match=r":2: group number must be >= 0, got -1"):
        read_solution(path)
