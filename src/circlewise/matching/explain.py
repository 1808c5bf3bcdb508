"""Score, check and explain a grouping: per-circle diversity and mix, broken rules, the bound.

:func:`describe` says how mixed a grouping is in plain numbers (how many departments a circle holds
of how many it could), with aligned attributes (time zones) reported apart from diversity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from circlewise.matching.encode import Encoded, encode, gather_values
from circlewise.matching.model import CircleResult, Problem, Solution, Violation
from circlewise.matching.plan import block_bound, circle_count

__all__ = [
    "AttributeMix",
    "Description",
    "MixSummary",
    "build_solution",
    "check",
    "circle_diversity",
    "describe",
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


@dataclass(frozen=True)
class AttributeMix:
    """How one attribute is spread inside one circle.

    For categorical and multi attributes ``distinct`` is the number of different values among the
    members and ``possible`` the most the circle could hold: no more than its members with a
    value (for multi, their values counted together), nor than the values found among the
    people it could be formed from (its "same" group). For numeric attributes ``low`` and
    ``high`` are the smallest and largest value (``None`` when nobody has one). ``missing``
    counts members without a value.
    """

    name: str
    kind: str
    direction: str
    distinct: int
    possible: int
    missing: int
    low: float | None = None
    high: float | None = None

    @property
    def spread(self) -> float | None:
        return None if self.low is None or self.high is None else self.high - self.low


@dataclass(frozen=True)
class MixSummary:
    """One attribute over every circle of a grouping.

    ``at_best`` counts the circles whose mix cannot be better: as many values as ``possible``
    for a diversified attribute, everyone at the same value for an aligned one. ``mean_distinct``
    and ``mean_possible`` average the circles' counts; ``widest`` is the largest spread of a
    numeric attribute inside a circle.
    """

    name: str
    kind: str
    direction: str
    values: int
    circles: int
    at_best: int
    mean_distinct: float
    mean_possible: float
    widest: float | None = None


@dataclass(frozen=True)
class Description:
    """A grouping in plain numbers.

    ``circles[g]`` lists circle g's :class:`AttributeMix`, one per scored attribute in the
    problem's order; ``overall`` summarises each attribute. ``diversity_ratio`` is the share of
    the upper bound reached by the diversified attributes alone, so that an aligned preference
    (time zones) never lowers it; alignment is read from the aligned attributes' mixes.
    """

    circles: list[list[AttributeMix]]
    overall: list[MixSummary]
    diversity_ratio: float


def _float(value: object) -> float:
    return float(value)  # type: ignore[arg-type]


def _items(value: object, kind: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if kind == "multi":
        return tuple(sorted({str(item) for item in value}))  # type: ignore[attr-defined]
    return (str(value),)


def _circle_mix(
    problem: Problem, members: Sequence[int], pool: dict[str, int]
) -> list[AttributeMix]:
    mixes: list[AttributeMix] = []
    for attribute in problem.attributes:
        column = problem.values[attribute.name]
        present = [column[p] for p in members if column[p] is not None]
        missing = len(members) - len(present)
        if attribute.kind == "numeric":
            numbers = [float(value) for value in present]  # type: ignore[arg-type]
            mixes.append(
                AttributeMix(
                    attribute.name,
                    attribute.kind,
                    attribute.direction,
                    distinct=len(set(numbers)),
                    possible=min(len(numbers), pool[attribute.name]),
                    missing=missing,
                    low=min(numbers) if numbers else None,
                    high=max(numbers) if numbers else None,
                )
            )
            continue
        items = [item for value in present for item in _items(value, attribute.kind)]
        mixes.append(
            AttributeMix(
                attribute.name,
                attribute.kind,
                attribute.direction,
                distinct=len(set(items)),
                possible=min(len(items), pool[attribute.name]),
                missing=missing,
            )
        )
    return mixes


def _at_best(mix: AttributeMix) -> bool:
    if mix.direction == "align":
        return mix.distinct <= 1
    return mix.distinct >= mix.possible


def describe(problem: Problem, circles: Sequence[Sequence[str]]) -> Description:
    """How mixed each circle and the whole grouping are, attribute by attribute.

    Steps: find each circle's "same" group (the people it could have been formed from) and count
    the values found in that group; count each circle's values against that pool; summarise per
    attribute; score the diversified attributes alone against the upper bound.

    Examples
    --------
    >>> from circlewise.matching import Attribute, Problem, describe
    >>> problem = Problem(ids=list("abcd"), values={"dept": ["x", "y", "x", "y"]},
    ...                   attributes=[Attribute("dept")], min_size=2, max_size=2)
    >>> mix = describe(problem, [["a", "b"], ["c", "d"]])
    >>> [(m.distinct, m.possible) for m in mix.circles[0]]
    [(2, 2)]
    >>> mix.overall[0].at_best, mix.diversity_ratio
    (2, 1.0)
    """
    encoded = encode(problem)
    resolved, _ = resolve(encoded, circles)
    block_of = np.zeros(len(encoded.ids), dtype=np.int64)
    for b, block in enumerate(encoded.blocks):
        block_of[block.people] = b
    pools: list[dict[str, int]] = []
    for block in encoded.blocks:
        pool = {}
        for attribute in problem.attributes:
            column = problem.values[attribute.name]
            pool[attribute.name] = len(
                {item for p in block.people for item in _items(column[p], attribute.kind)}
                if attribute.kind != "numeric"
                else {_float(column[p]) for p in block.people if column[p] is not None}
            )
        pools.append(pool)
    described: list[list[AttributeMix]] = [
        _circle_mix(problem, [int(p) for p in members], pools[int(block_of[members[0]])])
        if members.shape[0]
        else _circle_mix(problem, [], {a.name: 0 for a in problem.attributes})
        for members in resolved
    ]
    overall = []
    for k, attribute in enumerate(problem.attributes):
        per_circle = [mixes[k] for mixes in described]
        count = max(1, len(per_circle))
        spreads = [mix.spread for mix in per_circle if mix.spread is not None]
        overall.append(
            MixSummary(
                attribute.name,
                attribute.kind,
                attribute.direction,
                values=max((pool[attribute.name] for pool in pools), default=0),
                circles=len(per_circle),
                at_best=sum(_at_best(mix) for mix in per_circle),
                mean_distinct=sum(mix.distinct for mix in per_circle) / count,
                mean_possible=sum(mix.possible for mix in per_circle) / count,
                widest=max(spreads) if spreads else None,
            )
        )
    diversified = replace(
        encoded, w_set=np.maximum(encoded.w_set, 0.0), w_num=np.maximum(encoded.w_num, 0.0)
    )
    bound = upper_bound(encoded)
    score = float(circle_diversity(diversified, resolved).sum()) if resolved else 0.0
    return Description(described, overall, float(score / bound) if bound else 1.0)
