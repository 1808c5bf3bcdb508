"""Helpers shared by the engine tests: an independent scorer written from the definition."""

from __future__ import annotations

import itertools
import math

from circlewise.matching import Problem


def pair_dissimilarity(problem: Problem, i: int, j: int) -> float:
    """Weighted dissimilarity of people `i` and `j`, straight from the documented definition."""
    total = 0.0
    for attribute in problem.attributes:
        column = problem.values[attribute.name]
        a, b = column[i], column[j]
        if attribute.kind == "numeric":
            present = [float(v) for v in column if v is not None]
            mean = sum(present) / len(present) if present else 0.0
            variance = sum((v - mean) ** 2 for v in present) / len(present) if present else 0.0
            if a is None or b is None or variance == 0 or len(present) < 2:
                d = 0.0
            else:
                d = (float(a) - float(b)) ** 2 / (2 * variance)
        else:
            set_a = (
                set() if a is None else ({str(a)} if attribute.kind == "categorical" else set(a))
            )
            set_b = (
                set() if b is None else ({str(b)} if attribute.kind == "categorical" else set(b))
            )
            d = len(set_a ^ set_b) / 2
        sign = 1.0 if attribute.direction == "diversify" else -1.0
        total += sign * attribute.weight * d
    return total


def recompute_objective(problem: Problem, circles: list[list[str]]) -> float:
    index = {person: k for k, person in enumerate(problem.ids)}
    return sum(
        pair_dissimilarity(problem, index[x], index[y])
        for circle in circles
        for x, y in itertools.combinations(circle, 2)
    )


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
