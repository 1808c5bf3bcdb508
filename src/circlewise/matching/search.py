"""Form circles: a fast feasible start, then an anytime local search per block of people.

Steps of :func:`form_circles`:

1. Encode and validate the problem, split people into blocks (one per combination of "same"
   values) and check up front that each block can be split within the rules.
2. Per block, place pinned groups, then deal the other people (sorted by their attribute
   values) layer by layer: each joins the circle, among a few sampled ones of the current layer,
   that their values add most diversity to, skipping circles where they would meet someone they
   are separated from; leftover clashes are repaired by swaps. This start is already close to
   the bound (about 98 % of it on synthetic organisations).
3. Improve every block in rounds until the time limit, the target ratio or the upper bound:
   blocks of up to a few hundred people use Iterated Maxima Search (best-improvement descent over
   all moves and swaps, then a weak random perturbation, keeping the best maximum); larger
   blocks use a randomised sampled descent with sideways steps, focused on misplaced people (a
   value over-represented in their circle, or a numeric value pulling their circle's mean
   away). Blocks are independent, so rounds run on ``workers`` threads (the kernels release the
   GIL). Rounds are short, and the search stops early enough to leave time for building the
   result's explanations, so the call ends close to the time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from circlewise.matching import _kernels as kern
from circlewise.matching.encode import Block, Encoded, encode, gather_values
from circlewise.matching.exceptions import InfeasibleError
from circlewise.matching.explain import build_solution
from circlewise.matching.model import Problem, Progress, Solution
from circlewise.matching.plan import BlockPlan, block_bound, is_close, plan_block, plan_blocks

__all__ = ["form_circles"]

#: Blocks up to this many people use full-neighbourhood descent (O(people ** 2) per pass).
FULL_SCAN_MAX = 60
#: Candidate circles a person compares when dealt into the first grouping.
DEAL_SAMPLES = 32
#: Candidate partners examined per step of the sampled descent.
SAMPLES = 16
#: Sampled-descent steps per person and round...
STEPS_PER_PERSON = 20
#: ...but at most this many steps per round over all blocks, so that rounds stay short (about
#: 0.1-0.3 s, the most the deadline can be overshot by); see ``_round_steps`` for how they are
#: shared. A fixed count, not a time slice, keeps runs reproducible.
ROUND_STEPS = 40_000
#: Seconds per person kept back from the time limit to build the solution's explanations.
BUILD_SECONDS_PER_PERSON = 8e-6
#: Probability of trying a person who is not misplaced (see ``_kernels._misplaced``).
EXPLORE = 0.125
#: A block with more people than this and than its share of the workers is searched as
#: independent parts (one per worker) so that threads stay busy; see ``_split``.
SPLIT_MIN = 20_000
#: Rounds without a new best before the sampled descent restarts from a perturbed best.
PATIENCE = 20


class _BlockSearch:
    """Search state of one block: circle sums, members and the best grouping seen."""

    def __init__(self, encoded: Encoded, plan: BlockPlan, seed: np.random.SeedSequence):
        problem = encoded.problem
        people = plan.block.people
        self.plan = plan
        self.lo = problem.min_size
        self.hi = problem.max_size
        self.rng = np.random.default_rng(seed)
        m = people.shape[0]
        ptr, values, _ = gather_values(encoded, people)
        unique, local = np.unique(values, return_inverse=True)
        self.data = (
            ptr,
            local.astype(np.int64),
            encoded.val_attr[unique].astype(np.int64),
            np.ascontiguousarray(encoded.z[people]),
            np.ascontiguousarray(encoded.pres[people]),
            encoded.w_set,
            encoded.w_num,
        )
        self.adj_ptr, self.adj = _local_adjacency(encoded, people)
        # An even spread puts at most ceil(holders / circles) holders of a value in a circle.
        holders = np.bincount(local, minlength=unique.shape[0])
        self.cap = -(-holders // plan.n_circles)
        present = encoded.pres[people] > 0
        self.centre = np.array(
            [encoded.z[people[present[:, k]], k].mean() if present[:, k].any() else 0.0
             for k in range(encoded.w_num.shape[0])]
        )  # fmt: skip
        g, n_set, n_num = plan.n_circles, encoded.w_set.shape[0], encoded.w_num.shape[0]
        self.st = (
            np.zeros(g, dtype=np.int64),
            np.zeros((g, unique.shape[0]), dtype=np.int64),
            np.zeros((g, n_set), dtype=np.int64),
            np.zeros((g, n_set), dtype=np.int64),
            np.zeros((g, n_num), dtype=np.float64),
            np.zeros((g, n_num), dtype=np.float64),
            np.zeros((g, n_num), dtype=np.float64),
        )
        self.assign = np.full(m, -1, dtype=np.int64)
        self.members = np.full((g, self.hi), -1, dtype=np.int64)
        self.pos = np.zeros(m, dtype=np.int64)
        pins = encoded.pin[people]
        self.movable = np.flatnonzero(pins < 0)
        self._construct(encoded, pins)
        self.bound = block_bound(encoded, people, plan.n_circles)
        self.objective = self._score()
        self.best = self.objective
        self.best_assign = self.assign.copy()
        self.done = is_close(self.objective, self.bound)
        self.stale = 0

    def _args(self) -> tuple[Any, ...]:
        return self.assign, self.members, self.pos, self.st, self.data

    def _score(self) -> float:
        """Objective of the block from the circles' sums (see ``_kernels``), in NumPy: it runs
        once per round, so compiling it would cost more than it saves."""
        size, _, sq, lens, npres, s1, s2 = self.st
        w_set, w_num = self.data[5], self.data[6]
        sets = 0.5 * (size[:, None] * lens - sq).sum(axis=0) @ w_set
        numbers = (npres * s2 - s1 * s1).sum(axis=0) @ w_num
        return float(sets + numbers)

    def _seed(self) -> int:
        return int(self.rng.integers(2**31 - 1))

    def _construct(self, encoded: Encoded, pins: np.ndarray) -> None:
        for p in np.flatnonzero(pins >= 0):
            kern.place(p, self.plan.pin_circle[int(pins[p])], *self._args())
        order = self.movable[_deal_order(encoded, self.plan.block.people[self.movable], self.rng)]
        clashes = kern.deal(
            order,
            self.plan.capacity,
            DEAL_SAMPLES,
            self._seed(),
            *self._args(),
            self.adj_ptr,
            self.adj,
        )
        if clashes and self.movable.shape[0] > 1:
            clashes = kern.repair(
                self.movable,
                self.lo,
                self.hi,
                50,
                self._seed(),
                *self._args(),
                self.adj_ptr,
                self.adj,
            )
        if clashes:
            raise InfeasibleError(
                f"{self.plan.block.label}: found no way to split {self.plan.size} people into "
                f"{self.plan.n_circles} circles that keeps every separated pair apart "
                f"({clashes} pairs left together); the separation rules are too dense: lower "
                "the separation depth, drop some avoid-pairs, or widen the size range",
                reason="separation_too_dense",
                group=self.plan.block.same_values,
                size=self.plan.size,
                circles=self.plan.n_circles,
            )

    @property
    def gap(self) -> float:
        """How far the best grouping is below the bound."""
        return max(0.0, self.bound - self.best)

    def work(self, target: float, steps: int) -> None:
        """Run one round of search (`steps` sampled steps when the block is large), then
        update the best grouping and the stop flag."""
        if self.movable.shape[0] < 2:
            self.done = True
            return
        if self.plan.size <= FULL_SCAN_MAX:
            self._maxima_round()
        else:
            self._sampled_round(steps)
        self.done = is_close(self.best, min(target, self.bound))

    def _keep_if_best(self) -> None:
        """Remember the current grouping when it beats the best one (call it where
        ``objective`` is the current grouping's score)."""
        if self.objective > self.best + 1e-9 * max(1.0, abs(self.best)):
            self.best = self.objective
            self.best_assign[:] = self.assign
            self.stale = 0
        else:
            self.stale += 1

    def _maxima_round(self) -> None:
        """One pass of descent; at a local maximum, keep the best and perturb (IMS)."""
        _, at_maximum = kern.full_descent(
            self.movable, self.lo, self.hi, 1, *self._args(), self.adj_ptr, self.adj
        )
        self.objective = self._score()
        # Before the perturbation: it moves away from the maximum just found.
        self._keep_if_best()
        if not at_maximum:
            return
        if self.objective < self.best:
            self._restore_best()
        if is_close(self.objective, self.bound):
            return
        strength = int(self.rng.integers(2, max(3, self.movable.shape[0] // 10)))
        kern.perturb(self.movable, strength, self._seed(), *self._args(), self.adj_ptr, self.adj)
        self.objective = self._score()

    def _sampled_round(self, steps: int) -> None:
        if self.stale >= PATIENCE:
            self._restore_best()
            strength = max(2, self.movable.shape[0] // 50)
            kern.perturb(
                self.movable, strength, self._seed(), *self._args(), self.adj_ptr, self.adj
            )
            self.stale = 0
        kern.sampled_search(
            self.movable, self.lo, self.hi, steps, SAMPLES, self.cap, self.centre,
            self._drift_tolerance(), EXPLORE, self._seed(), *self._args(), self.adj_ptr, self.adj,
        )  # fmt: skip
        self.objective = self._score()
        self._keep_if_best()

    def _drift_tolerance(self) -> np.ndarray:
        """Per numeric attribute, the root-mean-square drift of the circles' means.

        Circles drifting more than that are the ones worth fixing first; the tolerance shrinks
        as the search evens the means out, so the focus follows the remaining gap.
        """
        _, _, _, _, npres, s1, _ = self.st
        with np.errstate(invalid="ignore", divide="ignore"):
            drift = np.where(npres > 0, s1 / np.maximum(npres, 1) - self.centre, 0.0)
        return np.sqrt((drift**2).mean(axis=0)) if drift.shape[0] else np.zeros(0)

    def _restore_best(self) -> None:
        kern.rebuild(self.best_assign.copy(), *self._args())
        self.objective = self.best

    def circles(self) -> list[np.ndarray]:
        """Best grouping found, as arrays of global person indices."""
        people = self.plan.block.people
        return [
            np.sort(people[np.flatnonzero(self.best_assign == g)])
            for g in range(self.plan.n_circles)
        ]


def _local_adjacency(encoded: Encoded, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Separation lists restricted to `people`, in local indices."""
    local = np.full(len(encoded.ids), -1, dtype=np.int64)
    local[people] = np.arange(people.shape[0])
    starts = encoded.adj_ptr[people]
    lengths = encoded.adj_ptr[people + 1] - starts
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    positions = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    owners = np.repeat(np.arange(people.shape[0]), lengths)
    partners = local[encoded.adj[positions]]
    keep = partners >= 0
    ptr = np.zeros(people.shape[0] + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(owners[keep], minlength=people.shape[0]))
    return ptr, partners[keep]


def _deal_order(encoded: Encoded, people: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of `people` sorted by diversified attributes, heaviest first, ties at random."""
    shuffled = rng.permutation(people.shape[0])
    keys = []
    for a in np.argsort(-encoded.w_set, kind="stable"):
        if encoded.w_set[a] <= 0:
            continue
        _, values, owners = gather_values(encoded, people[shuffled])
        first = np.full(people.shape[0], -1, dtype=np.int64)
        mine = encoded.val_attr[values] == a
        first[owners[mine][::-1]] = values[mine][::-1]
        keys.append(first)
    for k in np.flatnonzero(encoded.w_num > 0):
        keys.append(encoded.z[people[shuffled], k])
    if not keys:
        return shuffled
    return shuffled[np.lexsort(keys[::-1])]


def _split(
    encoded: Encoded, plans: list[BlockPlan], workers: int, rng: np.random.Generator
) -> list[BlockPlan]:
    """Split blocks too large for one worker into stratified parts searched independently.

    People are sorted as for dealing and handed out in turn, so each part holds every value in
    the same proportion as the block and its own best is close to its share of the block's
    bound. Blocks with pinned people are kept whole. The parts may use one circle more in total
    than the whole block would.
    """
    if workers < 2:
        return plans
    share = len(encoded.ids) / workers
    result = []
    for plan in plans:
        people = plan.block.people
        if plan.size <= max(SPLIT_MIN, share) or (encoded.pin[people] >= 0).any():
            result.append(plan)
            continue
        ordered = people[_deal_order(encoded, people, rng)]
        for part in range(workers):
            block = Block(np.sort(ordered[part::workers]), plan.block.same_values)
            result.append(plan_block(encoded, block))
    return result


def _round_steps(active: list[_BlockSearch]) -> list[int]:
    """Steps of the next round for each unfinished block.

    Half of the round is shared in proportion to the blocks' sizes, half in proportion to
    their gaps to the bound: a block that lags gets more time, one that is nearly done gets
    less, and none starves. Counts depend only on the search so far, never on the clock, so a
    seed repeats its run.
    """
    sizes = np.array([search.plan.size for search in active], dtype=np.float64)
    gaps = np.array([search.gap for search in active])
    share = 0.5 * sizes / sizes.sum()
    share += 0.5 * (gaps / gaps.sum() if gaps.sum() > 0 else sizes / sizes.sum())
    total = min(ROUND_STEPS, STEPS_PER_PERSON * sizes.sum())
    return [max(1, round(total * part)) for part in share]


def _run_rounds(
    searches: list[_BlockSearch],
    deadline: float,
    target: float,
    workers: int,
    report: Callable[[], None],
    total_bound: float,
) -> None:
    """Give every unfinished block one round of search at a time until time or target is up."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while time.perf_counter() < deadline:
            active = [search for search in searches if not search.done]
            if not active:
                return
            steps = _round_steps(active)
            list(
                pool.map(
                    lambda search, count: search.work(target * search.bound, count),
                    active,
                    steps,
                )
            )
            report()
            reached = sum(search.best for search in searches)
            if total_bound > 0 and is_close(reached, target * total_bound):
                return


def form_circles(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    workers: int = 1,
    target_ratio: float | None = None,
) -> Solution:
    """Split people into the most diverse circles that keep every hard rule.

    Parameters
    ----------
    problem : Problem
        People, attributes and rules.
    time_limit : float
        Seconds for the whole call. The first valid grouping is returned even when building it
        takes longer; 0 returns that grouping without search.
    seed : int or None
        Seed of every random choice; the same seed repeats the same search (which can still stop
        at a different point when the time limit, not the bound, ends it).
    progress : callable, optional
        Called with a :class:`Progress` (stage, fraction of the time used, ratio so far) after
        each round of search.
    workers : int
        Threads searching independent blocks ("same" groups) at the same time.
    target_ratio : float, optional
        Stop as soon as ``objective / upper_bound`` reaches it; the search always stops at the
        bound itself.

    Returns
    -------
    Solution

    Raises
    ------
    InfeasibleError
        If the rules cannot all hold; the message says why and what would fix it.
    InvalidProblemError
        If the problem is malformed.

    Examples
    --------
    >>> from circlewise.matching import Attribute, Problem, form_circles
    >>> problem = Problem(
    ...     ids=[f"p{i}" for i in range(10)],
    ...     values={"team": ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"]},
    ...     attributes=[Attribute("team")],
    ... )
    >>> solution = form_circles(problem, time_limit=1, seed=1)
    >>> [len(circle.members) for circle in solution.circles], solution.ratio
    ([5, 5], 1.0)
    """
    started = time.perf_counter()
    encoded = encode(problem)
    plans = plan_blocks(encoded)
    total_bound = sum(block_bound(encoded, p.block.people, p.n_circles) for p in plans)
    root = np.random.SeedSequence(seed)
    parts = _split(encoded, plans, workers, np.random.default_rng(root.spawn(1)[0]))
    searches = [
        _BlockSearch(encoded, plan, stream)
        for plan, stream in zip(parts, root.spawn(len(parts)), strict=True)
    ]
    history: list[tuple[float, float]] = []

    def report() -> None:
        elapsed = time.perf_counter() - started
        best = sum(search.best for search in searches)
        ratio = float(best / total_bound) if total_bound else 1.0
        history.append((elapsed, ratio))
        if progress is not None:
            fraction = min(1.0, elapsed / time_limit) if time_limit > 0 else 1.0
            progress(Progress(stage="search", fraction=fraction, ratio=ratio))

    report()
    target = 1.0 if target_ratio is None else min(1.0, float(target_ratio))
    deadline = started + time_limit - BUILD_SECONDS_PER_PERSON * len(encoded.ids)
    _run_rounds(searches, deadline, target, workers, report, total_bound)
    circles = [
        circle
        for search in searches
        for circle in sorted(search.circles(), key=lambda members: int(members[0]))
    ]
    solution = build_solution(
        encoded, circles, upper_bound=total_bound, elapsed=time.perf_counter() - started
    )
    solution.history = history
    return solution
