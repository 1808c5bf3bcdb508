"""Tests for the dense-matrix MDGP solver (circlewise.mdgp.dense)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlewise.matching.exceptions import InfeasibleError
from circlewise.mdgp.dense import solve_dense


def random_distances(n: int, seed: int, integer: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(0, 100, (n, n)) if integer else rng.random((n, n)) * 100, 1)
    return upper + upper.T


def pair_objective(d: np.ndarray, groups: list[int]) -> float:
    # Independent of the solver: a plain walk over the pair list.
    n = len(groups)
    return sum(d[i, j] for i in range(n) for j in range(i + 1, n) if groups[i] == groups[j])


def brute_force_optimum(d: np.ndarray, lower: list[int], upper: list[int]) -> float:
    n, k = d.shape[0], len(lower)
    best = -np.inf
    for groups in itertools.product(range(k), repeat=n):
        sizes = np.bincount(groups, minlength=k)
        if np.all(sizes >= lower) and np.all(sizes <= upper):
            best = max(best, pair_objective(d, list(groups)))
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[int]]:
    n = draw(st.integers(1, 16))
    k = draw(st.integers(1, 5))
    lower = draw(st.lists(st.integers(0, 4), min_size=k, max_size=k))
    extra = draw(st.lists(st.integers(0, 4), min_size=k, max_size=k))
    upper = [lo + ex for lo, ex in zip(lower, extra, strict=True)]
    # Make the bounds hold n elements by moving n into [sum(lower), sum(upper)] if needed.
    n = min(max(n, sum(lower)), sum(upper)) if sum(upper) > 0 else 0
    if n == 0:
        upper[0] += 1
        n = 1
    seed = draw(st.integers(0, 2**16))
    return random_distances(n, seed, integer=draw(st.booleans())), lower, upper


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(0, 1000))
def test_it_places_every_element_once_within_the_size_bounds(instance, seed) -> None:
    d, lower, upper = instance
    result = solve_dense(d, lower, upper, time_limit=0.02, seed=seed)
    assert len(result.groups) == d.shape[0]
    assert all(type(grp) is int and 0 <= grp < len(lower) for grp in result.groups)
    sizes = np.bincount(result.groups, minlength=len(lower))
    assert np.all(sizes >= lower) and np.all(sizes <= upper)
    assert type(result.objective) is float
    assert result.objective == pytest.approx(pair_objective(d, result.groups), abs=1e-6)


@pytest.mark.parametrize(
    ("n", "lower", "upper", "seed"),
    [
        (6, [3, 3], [3, 3], 1),
        (8, [2, 2, 2], [3, 3, 4], 2),
        (9, [3, 3, 3], [3, 3, 3], 3),
        (9, [1, 2, 2], [5, 4, 3], 4),
        (10, [5, 5], [5, 5], 5),
    ],
)
def test_it_reaches_the_brute_force_optimum_on_tiny_instances(n, lower, upper, seed) -> None:
    d = random_distances(n, seed, integer=seed % 2 == 0)
    # CPU seconds, not wall time: on a loaded machine the wall clock can run out before the
    # search has done its few thousand iterations.
    result = solve_dense(d, lower, upper, time_limit=0.5, seed=seed, clock="cpu")
    assert result.objective == pytest.approx(brute_force_optimum(d, lower, upper))


def test_it_replays_the_same_search_for_the_same_seed() -> None:
    d = random_distances(10, 7)
    # CPU seconds, and enough of them to reach this tiny instance's optimum: a wall-clock limit on
    # a busy machine stops the two runs at different points of the same search.
    first = solve_dense(d, [3, 3, 4], [3, 3, 4], time_limit=0.3, seed=11, clock="cpu")
    second = solve_dense(d, [3, 3, 4], [3, 3, 4], time_limit=0.3, seed=11, clock="cpu")
    assert first == second


def test_it_can_count_the_budget_in_cpu_seconds() -> None:
    d = random_distances(9, 5)
    result = solve_dense(d, [3, 3, 3], [3, 3, 3], time_limit=0.1, seed=1, clock="cpu")
    assert result.objective == pytest.approx(brute_force_optimum(d, [3, 3, 3], [3, 3, 3]))


def test_it_reports_progress_as_a_growing_fraction() -> None:
    seen: list[tuple[float, str]] = []
    d = random_distances(40, 3)
    solve_dense(
        d, [10] * 4, [10] * 4, time_limit=0.8, seed=1, progress=lambda f, m: seen.append((f, m))
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions and fractions == sorted(fractions)
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert all(message.startswith("best ") for _, message in seen)


def test_it_runs_independent_searches_in_parallel_workers() -> None:
    d = random_distances(30, 4)
    result = solve_dense(d, [6] * 5, [6] * 5, time_limit=3.0, seed=2, workers=2)
    assert sorted(np.bincount(result.groups)) == [6] * 5
    assert result.objective == pytest.approx(pair_objective(d, result.groups))


@pytest.mark.parametrize(
    ("lower", "upper", "message"),
    [
        ([3, 3], [4, 4], "need at least 6 elements in total but there are only 5"),
        ([1, 1], [2, 2], "hold at most 4 elements in total but there are 5"),
    ],
)
def test_it_refuses_sizes_that_cannot_hold(lower, upper, message) -> None:
    with pytest.raises(InfeasibleError, match=message):
        solve_dense(random_distances(5, 0), lower, upper, time_limit=1.0)


@pytest.mark.parametrize(
    ("d", "lower", "upper", "time_limit", "message"),
    [
        (np.zeros((3, 4)), [3], [3], 1.0, "square"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), [2], [2], 1.0, "symmetric"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), [2], [2], 1.0, "finite"),
        (np.zeros((2, 2)), [3], [1], 1.0, "group 0 has invalid size bounds 3..1"),
        (np.zeros((2, 2)), [2], [2], 0.0, "time_limit must be positive"),
    ],
)
def test_it_rejects_malformed_input(d, lower, upper, time_limit, message) -> None:
    with pytest.raises(ValueError, match=message):
        solve_dense(d, lower, upper, time_limit=time_limit)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"workers": 0}, "workers must be at least 1"), ({"clock": "sun"}, "clock must be")],
)
def test_it_rejects_unknown_options(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        solve_dense(np.zeros((2, 2)), [2], [2], time_limit=1.0, **options)


def test_it_gives_the_groups_the_sizes_with_the_most_pairs() -> None:
    # With equal distances the objective counts pairs, so only the group sizes matter; the
    # best sizes put the flexible groups at their bounds (here 40, 15, 20, 45 or 10, 35, 30, 45).
    lower, upper = [10, 15, 20, 5], [40, 35, 30, 45]
    n = 120
    most_pairs = max(
        sum(s * (s - 1) // 2 for s in sizes)
        for sizes in itertools.product(
            *(range(lo, up + 1) for lo, up in zip(lower, upper, strict=True))
        )
        if sum(sizes) == n
    )
    result = solve_dense(np.ones((n, n)), lower, upper, time_limit=0.3, seed=3)
    assert result.objective == most_pairs
