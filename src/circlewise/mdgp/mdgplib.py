"""Read and write Maximally Diverse Grouping instances in the MDGPLIB text format.

An instance file starts with a header line ``n K ss|ds lb_1 ub_1 ... lb_K ub_K`` (``n`` elements,
``K`` groups and the size bounds of each group), followed by one line ``i j d_ij`` per pair of
elements (numbered from 0). A solution file has one line per element: its 0-based group.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "MdgpFormatError",
    "MdgpInstance",
    "read_instance",
    "read_solution",
    "write_solution",
]

PathLike = str | os.PathLike[str]


class MdgpFormatError(ValueError):
    """A file is not a well-formed MDGPLIB instance or solution; the message says where."""


@dataclass(frozen=True)
class MdgpInstance:
    """An MDGP instance: a symmetric distance matrix (zero diagonal) and group size bounds.

    Attributes
    ----------
    distances : numpy.ndarray
        ``(n, n)`` float array, ``distances[i, j]`` the dissimilarity of elements ``i`` and ``j``.
    lower, upper : list of int
        Minimum and maximum size of each group.
    """

    distances: np.ndarray
    lower: list[int]
    upper: list[int]


def _read_lines(path: PathLike) -> list[str]:
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MdgpFormatError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None
    return text.splitlines()


def _int(token: str, path: PathLike, lineno: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise MdgpFormatError(
            f"{path}:{lineno}: {what} must be an integer, got {token!r}"
        ) from None


def _parse_header(line: str, path: PathLike) -> tuple[int, list[int], list[int]]:
    tokens = line.split()
    if len(tokens) < 3:
        raise MdgpFormatError(f"{path}:1: header must be 'n K ss|ds lb_1 ub_1 ... lb_K ub_K'")
    n = _int(tokens[0], path, 1, "n")
    k = _int(tokens[1], path, 1, "K")
    if n < 1 or k < 1:
        raise MdgpFormatError(f"{path}:1: n and K must be positive, got n={n}, K={k}")
    if tokens[2] not in ("ss", "ds"):
        raise MdgpFormatError(
            f"{path}:1: third header field must be 'ss' or 'ds', got {tokens[2]!r}"
        )
    bounds = [_int(t, path, 1, "a size bound") for t in tokens[3:]]
    if len(bounds) != 2 * k:
        raise MdgpFormatError(
            f"{path}:1: header gives {len(bounds)} size bounds, expected 2 x K = {2 * k}"
        )
    lower, upper = bounds[0::2], bounds[1::2]
    for grp, (lo, up) in enumerate(zip(lower, upper, strict=True)):
        if lo < 0 or lo > up:
            raise MdgpFormatError(f"{path}:1: group {grp} has invalid size bounds {lo}..{up}")
    return n, lower, upper


def _parse_pair(tokens: list[str], n: int, path: PathLike, lineno: int) -> tuple[int, int, float]:
    if len(tokens) != 3:
        raise MdgpFormatError(f"{path}:{lineno}: expected 'i j d_ij', got {len(tokens)} fields")
    i = _int(tokens[0], path, lineno, "element i")
    j = _int(tokens[1], path, lineno, "element j")
    try:
        dist = float(tokens[2])
    except ValueError:
        raise MdgpFormatError(f"{path}:{lineno}: distance {tokens[2]!r} is not a number") from None
    if not (0 <= i < n and 0 <= j < n) or i == j:
        raise MdgpFormatError(
            f"{path}:{lineno}: pair ({i}, {j}) must name two different elements in 0..{n - 1}"
        )
    if not math.isfinite(dist):
        raise MdgpFormatError(f"{path}:{lineno}: distance {tokens[2]!r} is not finite")
    return i, j, dist


def read_instance(path: PathLike) -> MdgpInstance:
    """Read an MDGPLIB instance file.

    Parameters
    ----------
    path : str or path-like
        The instance file.

    Returns
    -------
    MdgpInstance
        Its distance matrix and size bounds.

    Raises
    ------
    MdgpFormatError
        If the file is not valid UTF-8 text, the header is malformed, a pair line is malformed,
        out of range or repeated, or a pair is missing.
    OSError
        If the file cannot be read.
    """
    lines = _read_lines(path)
    numbered = [(no, line) for no, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise MdgpFormatError(f"{path}: file is empty")
    n, lower, upper = _parse_header(numbered[0][1], path)
    distances = np.zeros((n, n))
    seen = np.zeros((n, n), dtype=bool)
    for lineno, line in numbered[1:]:
        i, j, dist = _parse_pair(line.split(), n, path, lineno)
        if seen[i, j]:
            raise MdgpFormatError(f"{path}:{lineno}: pair ({i}, {j}) appears twice")
        seen[i, j] = seen[j, i] = True
        distances[i, j] = distances[j, i] = dist
    expected = n * (n - 1) // 2
    given = len(numbered) - 1
    if given != expected:
        missing = np.argwhere(~seen & ~np.eye(n, dtype=bool))[0]
        raise MdgpFormatError(
            f"{path}: {given} pairs given, expected n(n-1)/2 = {expected} "
            f"(first missing: {int(missing[0])} {int(missing[1])})"
        )
    return MdgpInstance(distances=distances, lower=lower, upper=upper)


def write_solution(path: PathLike, groups: list[int] | np.ndarray) -> None:
    """Write a solution: one line per element, its 0-based group.

    Parameters
    ----------
    path : str or path-like
        The file to (over)write.
    groups : sequence of int
        The group of each element.
    """
    text = "".join(f"{int(grp)}\n" for grp in groups)
    Path(path).write_text(text, encoding="utf-8")


def read_solution(path: PathLike) -> list[int]:
    """Read a solution file written by :func:`write_solution`.

    Parameters
    ----------
    path : str or path-like
        The solution file.

    Returns
    -------
    list of int
        The 0-based group of each element.

    Raises
    ------
    MdgpFormatError
        If a line is not a non-negative integer.
    """
    groups = []
    for lineno, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        grp = _int(line.strip(), path, lineno, "a group number")
        if grp < 0:
            raise MdgpFormatError(f"{path}:{lineno}: group number must be >= 0, got {grp}")
        groups.append(grp)
    return groups
