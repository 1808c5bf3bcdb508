"""Score, check and explain a grouping: per-circle diversity and mix, broken rules, the bound."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from circlewise.matching.encode import Encoded, encode, gather_values
from circlewise.matching.model import CircleResult, Problem, Solution, Violation
from circlewise.matching.plan import block_bound, circle_count

__all__ = [
    "build_solution",
    "check",
    "circle_diversity",
    "evaluate",
    "resolve",
    "rule_violations",
]

_MISSING = "(missing)"


def _circle_of(n: int, circles: Sequence[np.ndarray]) -> np.ndarray:
    circle_of = np.full(n, -1, dtype=np.int64)
    for g, members in enumerate(circles):
        circle_of[members] = g
    return circle_of


def circle_diversity(encoded: Encoded, circles: Sequence[np.ndarray]) -> np.ndarray:
    """Weighted diversity of each circle, computed from its value counts (vectorised).

    Circles may overlap or leave people out: each is scored on its own members.
    """
    n_circles = len(circles)
    parts = [np.asarray(c, dtype=np.int64) for c in circles]
    people = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    people = people.astype(np.int64)
    sizes = np.array([len(c) for c in circles], dtype=np.int64)
    circle_of = np.repeat(np.arange(n_circles), sizes)
    diversity = np.zeros(n_circles)
    n_set = encoded.w_set.shape[0]
    if n_set:
        _, values, owners = gather_values(encoded, people)
        values = values.astype(np.int64)
        where = circle_of[owners]
        n_values = max(1, len(encoded.val_labels))
        keys, counts = np.unique(where * n_values + values, return_counts=True)
        cells = (keys // n_values) * n_set + encoded.val_attr[keys % n_values]
        cell_count = n_circles * n_set
        sq = np.bincount(cells, weights=counts.astype(np.float64) ** 2, minlength=cell_count)
        lens = np.bincount(where * n_set + encoded.val_attr[values], minlength=cell_count)
        pairs = sizes[:, None] * lens.reshape(n_circles, n_set) - sq.reshape(n_circles, n_set)
        diversity += (pairs / 2) @ encoded.w_set
    for k, weight in enumerate(encoded.w_num):
        z = encoded.z[people, k]
        npres = np.bincount(circle_of, weights=encoded.pres[people, k], minlength=n_circles)
        s1 = np.bincount(circle_of, weights=z, minlength=n_circles)
        s2 = np.bincount(circle_of, weights=z * z, minlength=n_circles)
        diversity += weight * (npres * s2 - s1 * s1)
    return diversity


def upper_bound(encoded: Encoded) -> float:
    """Sum of the blocks' bounds, without the feasibility checks of ``plan_blocks``."""
    total = 0.0
    for block in encoded.blocks:
        pins = np.unique(encoded.pin[block.people])
        n_circles = circle_count(
            block.people.shape[0], encoded.problem.max_size, int((pins >= 0).sum())
        )
        total += block_bound(encoded, block.people, n_circles)
    return total


def resolve(
    encoded: Encoded, circles: Sequence[Sequence[str]]
) -> tuple[list[np.ndarray], list[Violation]]:
    """Circles as index arrays, plus violations for unknown, repeated and missing people."""
    found: list[Violation] = []
    seen: dict[int, int] = {}
    resolved = []
    for g, members in enumerate(circles):
        indices = []
        for person in members:
            p = encoded.index.get(str(person))
            if p is None:
                found.append(
                    Violation("unknown", g, (str(person),), f"{person} is not among the people")
                )
            elif p in seen:
                found.append(
                    Violation(
                        "placement",
                        g,
                        (str(person),),
                        f"{person} is placed twice (circles {seen[p]} and {g})",
                        circles=(seen[p], g),
                    )
                )
            else:
                seen[p] = g
                indices.append(p)
        resolved.append(np.asarray(indices, dtype=np.int64))
    for p, person in enumerate(encoded.ids):
        if p not in seen:
            found.append(Violation("placement", -1, (person,), f"{person} is in no circle"))
    return resolved, found


def rule_violations(encoded: Encoded, circles: Sequence[np.ndarray]) -> list[Violation]:
    problem = encoded.problem
    lo, hi = problem.min_size, problem.max_size
    found: list[Violation] = []
    circle_of = _circle_of(len(encoded.ids), circles)
    pin_circles: dict[int, set[int]] = {}
    for g, members in enumerate(circles):
        people = tuple(encoded.ids[p] for p in members)
        if not lo <= members.shape[0] <= hi:
            found.append(
                Violation(
                    "size",
                    g,
                    people,
                    f"circle {g} has {members.shape[0]} people, outside {lo}-{hi}",
                    size=int(members.shape[0]),
                    min_size=lo,
                    max_size=hi,
                )
            )
        for name in problem.same:
            seen = {str(problem.values[name][p]) for p in members}
            if len(seen) > 1:
                found.append(
                    Violation(
                        "same",
                        g,
                        people,
                        f"circle {g} mixes {name} values: {', '.join(sorted(seen))}",
                        attribute=name,
                        values=tuple(sorted(seen)),
                    )
                )
        keys = {int(encoded.pin[p]) for p in members if encoded.pin[p] >= 0}
        for key in keys:
            pin_circles.setdefault(key, set()).add(g)
        if len(keys) > 1:
            labels = ", ".join(repr(encoded.pin_labels[key]) for key in sorted(keys))
            found.append(
                Violation(
                    "pinned",
                    g,
                    people,
                    f"circle {g} holds the pins {labels}, which must be in different circles",
                    values=tuple(str(encoded.pin_labels[key]) for key in sorted(keys)),
                )
            )
        for p in members:
            for q in encoded.adj[encoded.adj_ptr[p] : encoded.adj_ptr[p + 1]]:
                if q > p and circle_of[q] == g:
                    a, b = encoded.ids[p], encoded.ids[q]
                    found.append(
                        Violation(
                            "separate",
                            g,
                            (a, b),
                            f"{a} and {b} must be kept apart but share circle {g}",
                        )
                    )
    for key, where in sorted(pin_circles.items()):
        if len(where) > 1:
            people = tuple(encoded.ids[p] for p in np.flatnonzero(encoded.pin == key))
            found.append(
                Violation(
                    "pinned",
                    min(where),
                    people,
                    f"pin {encoded.pin_labels[key]!r} is "
                    f"split over circles {', '.join(map(str, sorted(where)))}",
                    values=(str(encoded.pin_labels[key]),),
                    circles=tuple(sorted(where)),
                )
            )
    return found


def _mix(encoded: Encoded, members: np.ndarray) -> dict[str, dict[str, int | float]]:
    problem = encoded.problem
    mix: dict[str, dict[str, int | float]] = {}
    for attribute in problem.attributes:
        column = problem.values[attribute.name]
        raw = [column[p] for p in members]
        present = [value for value in raw if value is not None]
        if attribute.kind == "numeric":
            numbers = [float(value) for value in present]
            summary: dict[str, int | float] = {}
            if numbers:
                summary = {
                    "min": min(numbers),
                    "mean": sum(numbers) / len(numbers),
                    "max": max(numbers),
                }
        elif attribute.kind == "multi":
            summary = dict(Counter(str(item) for value in present for item in set(value)))
        else:
            summary = dict(Counter(str(value) for value in present))
        if len(present) < len(raw):
            summary[_MISSING] = len(raw) - len(present)
        mix[attribute.name] = summary
    return mix


def _rules(encoded: Encoded, g: int, members: np.ndarray, broken: set[str]) -> list[str]:
    problem = encoded.problem
    rules = []
    if "size" not in broken:
        rules.append(f"size {members.shape[0]} within {problem.min_size}-{problem.max_size}")
    if "same" not in broken:
        rules.extend(f"{name} = {problem.values[name][members[0]]}" for name in problem.same)
    links = int(sum(encoded.adj_ptr[p + 1] - encoded.adj_ptr[p] for p in members))
    if links and "separate" not in broken:
        rules.append(f"no separated pair together ({links} separation rules involve its members)")
    if "pinned" not in broken:
        rules.extend(
            f"pinned group {encoded.pin_labels[key]!r} kept together"
            for key in sorted({int(encoded.pin[p]) for p in members if encoded.pin[p] >= 0})
        )
    return rules


def build_solution(
    encoded: Encoded,
    circles: Sequence[np.ndarray],
    *,
    upper_bound: float,
    elapsed: float = 0.0,
    violations: Sequence[Violation] = (),
) -> Solution:
    """Assemble a :class:`Solution` (Python scalars only) from circles of person indices."""
    problem = encoded.problem
    diversity = circle_diversity(encoded, circles)
    broken: dict[int, set[str]] = {}
    for violation in violations:
        broken.setdefault(violation.circle, set()).add(violation.rule)
    results = []
    for g, members in enumerate(circles):
        same = {
            name: problem.values[name][members[0]]
            for name in problem.same
            if members.shape[0] and "same" not in broken.get(g, set())
        }
        results.append(
            CircleResult(
                members=[encoded.ids[p] for p in members],
                same_values=same,
                diversity=float(diversity[g]),
                mix=_mix(encoded, members),
                rules=_rules(encoded, g, members, broken.get(g, set())) if members.shape[0] else [],
            )
        )
    objective = float(diversity.sum())
    ratio = objective / upper_bound if upper_bound else 1.0
    return Solution(results, objective, float(upper_bound), float(ratio), float(elapsed))


def check(problem: Problem, circles: Sequence[Sequence[str]]) -> list[Violation]:
    """Every hard-rule violation of a grouping; ``[]`` when all hard rules hold.

    Examples
    --------
    >>> from circlewise.matching import Attribute, Problem, check
    >>> problem = Problem(ids=["a", "b"], values={}, attributes=[], min_size=1, max_size=2,
    ...                   separate=[("a", "b")])
    >>> [v.rule for v in check(problem, [["a", "b"]])]
    ['separate']
    """
    encoded = encode(problem)
    resolved, found = resolve(encoded, circles)
    return found + rule_violations(encoded, resolved)


def evaluate(problem: Problem, circles: Sequence[Sequence[str]]) -> Solution:
    """Score a given grouping (for manual edits); rule violations are not raised, see `check`.

    Circles keep the given order; each circle's ``rules`` lists only the rules it satisfies.
    """
    encoded = encode(problem)
    resolved, found = resolve(encoded, circles)
    violations = found + rule_violations(encoded, resolved)
    return build_solution(
        encoded, resolved, upper_bound=upper_bound(encoded), violations=violations
    )
