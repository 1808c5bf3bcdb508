"""Turn a :class:`~circlewise.matching.model.Problem` into arrays, and check it is well formed.

Set-valued attributes (categorical and multi) become one list of global value ids per person
(CSR arrays); numeric attributes become one scaled column each. Separation pairs become a CSR
adjacency list. Memory is linear in the number of people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from circlewise.matching.exceptions import InvalidProblemError
from circlewise.matching.model import Attribute, Problem

__all__ = ["Block", "Encoded", "encode", "gather_values"]

_KINDS = ("categorical", "numeric", "multi")
_DIRECTIONS = ("diversify", "align")


@dataclass
class Block:
    """People sharing the values of every "same" attribute (global person indices)."""

    people: np.ndarray
    same_values: dict[str, object]

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``language=Spanish``."""
        if not self.same_values:
            return "everyone"
        return ", ".join(f"{key}={_show(value)}" for key, value in self.same_values.items())


@dataclass
class Encoded:
    """Array form of a problem."""

    problem: Problem
    ids: list[str]
    index: dict[str, int]
    set_attrs: list[Attribute]
    num_attrs: list[Attribute]
    pv_ptr: np.ndarray
    pv_val: np.ndarray
    val_attr: np.ndarray
    val_labels: list[str]
    z: np.ndarray
    pres: np.ndarray
    w_set: np.ndarray
    w_num: np.ndarray
    adj_ptr: np.ndarray
    adj: np.ndarray
    pin: np.ndarray
    pin_labels: list[str]
    blocks: list[Block]


def _show(value: object) -> str:
    return "(missing)" if value is None else str(value)


def _signed(attribute: Attribute) -> float:
    if attribute.kind not in _KINDS:
        raise InvalidProblemError(
            f"attribute {attribute.name!r}: kind must be one of {', '.join(_KINDS)}"
        )
    if attribute.direction not in _DIRECTIONS:
        raise InvalidProblemError(
            f"attribute {attribute.name!r}: direction must be 'diversify' or 'align'"
        )
    if not math.isfinite(attribute.weight) or attribute.weight < 0:
        raise InvalidProblemError(
            f"attribute {attribute.name!r}: weight must be a non-negative number"
        )
    weight = float(attribute.weight)
    return weight if attribute.direction == "diversify" else -weight


def _check_shape(problem: Problem) -> tuple[list[str], dict[str, int]]:
    ids = [str(person) for person in problem.ids]
    index: dict[str, int] = {}
    for position, person in enumerate(ids):
        if person in index:
            raise InvalidProblemError(f"duplicate id {person!r}")
        index[person] = position
    if problem.min_size < 1 or problem.max_size < problem.min_size:
        raise InvalidProblemError(
            f"circle size bounds {problem.min_size}-{problem.max_size} are invalid: "
            "need 1 <= min_size <= max_size"
        )
    needed = [attribute.name for attribute in problem.attributes] + list(problem.same)
    for name in needed:
        if name not in problem.values:
            raise InvalidProblemError(f"no values given for attribute {name!r}")
        if len(problem.values[name]) != len(ids):
            raise InvalidProblemError(
                f"attribute {name!r} has {len(problem.values[name])} values for {len(ids)} people"
            )
    names = [attribute.name for attribute in problem.attributes]
    if len(set(names)) != len(names):
        raise InvalidProblemError("an attribute is listed twice")
    return ids, index


def _as_set(value: object, name: str, kind: str) -> list[str]:
    if value is None:
        return []
    if kind == "categorical":
        return [str(value)]
    if isinstance(value, str):
        raise InvalidProblemError(
            f"attribute {name!r} is multi-valued: give each person an iterable of strings, "
            f"not the string {value!r}"
        )
    return sorted({str(item) for item in value})  # type: ignore[attr-defined]


def _encode_sets(
    problem: Problem, attrs: list[Attribute], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    labels: list[str] = []
    val_attr: list[int] = []
    ptr = np.zeros(n + 1, dtype=np.int64)
    rows: list[list[int]] = [[] for _ in range(n)]
    for a, attribute in enumerate(attrs):
        ids: dict[str, int] = {}
        for person, value in enumerate(problem.values[attribute.name]):
            for item in _as_set(value, attribute.name, attribute.kind):
                if item not in ids:
                    ids[item] = len(labels)
                    labels.append(item)
                    val_attr.append(a)
                rows[person].append(ids[item])
    ptr[1:] = np.cumsum([len(row) for row in rows])
    flat = np.fromiter((v for row in rows for v in row), dtype=np.int32, count=int(ptr[-1]))
    return ptr, flat, np.asarray(val_attr, dtype=np.int32), labels


def _number(value: object, name: str) -> float:
    if value is None:
        return math.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidProblemError(
            f"attribute {name!r} is numeric but has the value {value!r}"
        ) from None
    if not math.isfinite(number):
        raise InvalidProblemError(f"attribute {name!r} has the non-finite value {value!r}")
    return number


def _encode_numbers(
    problem: Problem, attrs: list[Attribute], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scale so that a pair's dissimilarity ``(z_i - z_j) ** 2`` averages 1 over all pairs."""
    z = np.zeros((n, len(attrs)), dtype=np.float64)
    pres = np.zeros((n, len(attrs)), dtype=np.float64)
    for k, attribute in enumerate(attrs):
        column = np.array([_number(v, attribute.name) for v in problem.values[attribute.name]])
        present = ~np.isnan(column)
        if present.sum() > 1:
            variance = float(np.var(column[present]))
            scale = 1.0 / math.sqrt(2.0 * variance) if variance > 0 else 0.0
            z[present, k] = (column[present] - column[present].mean()) * scale
        pres[present, k] = 1.0
    return z, pres


def _adjacency(problem: Problem, index: dict[str, int], n: int) -> tuple[np.ndarray, np.ndarray]:
    pairs = set()
    for first, second in problem.separate:
        i = index.get(str(first))
        j = index.get(str(second))
        if i is None or j is None or i == j:
            continue
        pairs.add((min(i, j), max(i, j)))
    if not pairs:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    edges = np.array(sorted(pairs), dtype=np.int64)
    heads = np.concatenate([edges[:, 0], edges[:, 1]])
    tails = np.concatenate([edges[:, 1], edges[:, 0]])
    order = np.argsort(heads, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(heads, minlength=n))
    return ptr, tails[order].astype(np.int32)


def _pins(problem: Problem, index: dict[str, int], n: int) -> tuple[np.ndarray, list[str]]:
    pin = np.full(n, -1, dtype=np.int32)
    labels: list[str] = []
    keys: dict[str, int] = {}
    for person, key in problem.pinned.items():
        if str(person) not in index:
            raise InvalidProblemError(f"pinned id {person!r} is not among the people")
        key = str(key)
        if key not in keys:
            keys[key] = len(labels)
            labels.append(key)
        pin[index[str(person)]] = keys[key]
    return pin, labels


def _blocks(problem: Problem, n: int) -> list[Block]:
    groups: dict[tuple[object, ...], list[int]] = {}
    columns = [problem.values[name] for name in problem.same]
    for person in range(n):
        key = tuple(_hashable(column[person]) for column in columns)
        groups.setdefault(key, []).append(person)
    return [
        Block(np.asarray(people, dtype=np.int64), dict(zip(problem.same, key, strict=True)))
        for key, people in groups.items()
    ]


def _hashable(value: object) -> object:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def encode(problem: Problem) -> Encoded:
    """Validate `problem` and return its array form.

    Raises
    ------
    InvalidProblemError
        If ids repeat, values are missing or malformed, or parameters are out of range.
    """
    ids, index = _check_shape(problem)
    n = len(ids)
    set_attrs = [a for a in problem.attributes if a.kind != "numeric"]
    num_attrs = [a for a in problem.attributes if a.kind == "numeric"]
    w_set = np.array([_signed(a) for a in set_attrs], dtype=np.float64)
    w_num = np.array([_signed(a) for a in num_attrs], dtype=np.float64)
    pv_ptr, pv_val, val_attr, labels = _encode_sets(problem, set_attrs, n)
    z, pres = _encode_numbers(problem, num_attrs, n)
    adj_ptr, adj = _adjacency(problem, index, n)
    pin, pin_labels = _pins(problem, index, n)
    return Encoded(
        problem=problem,
        ids=ids,
        index=index,
        set_attrs=set_attrs,
        num_attrs=num_attrs,
        pv_ptr=pv_ptr,
        pv_val=pv_val,
        val_attr=val_attr,
        val_labels=labels,
        z=z,
        pres=pres,
        w_set=w_set,
        w_num=w_num,
        adj_ptr=adj_ptr,
        adj=adj,
        pin=pin,
        pin_labels=pin_labels,
        blocks=_blocks(problem, n),
    )


def gather_values(
    encoded: Encoded, people: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value lists of `people`: their CSR pointer, the flat value ids and each value's owner.

    Owners are positions in `people`, so the result describes the sub-problem of those people.
    """
    starts = encoded.pv_ptr[people]
    lengths = encoded.pv_ptr[people + 1] - starts
    ptr = np.zeros(people.shape[0] + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(lengths)
    positions = np.repeat(starts - ptr[:-1], lengths) + np.arange(ptr[-1])
    owners = np.repeat(np.arange(people.shape[0]), lengths)
    return ptr, encoded.pv_val[positions], owners
