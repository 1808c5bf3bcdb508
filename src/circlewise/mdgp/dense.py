"""Maximally Diverse Grouping on a dense dissimilarity matrix.

Split ``n`` elements into ``K`` groups, each of a size within its own bounds, so that the sum of
the dissimilarities of the pairs that share a group is as large as possible (the Maximally Diverse
Grouping Problem, MDGP, also known as anticlustering).

The search keeps a ``K x n`` matrix ``sums[k, i]`` (the total dissimilarity between element ``i``
and the members of group ``k``), so the gain of moving one element or swapping two is O(1) and
applying a move costs O(n). Inside the tabu search the matrix and those sums are kept in an order
where each group's members are contiguous, so the O(n^2) swap scan of every iteration reads
memory in order, and for each element a whole group of partners is ruled out by one comparison
when its best swap cannot compete (2-3 times more iterations per second than a plain scan).
On top of that neighbourhood evaluation runs a memetic iterated tabu search (our own design,
after the ideas of Iterated Maxima Search, Lai & Hao 2016, and three-phase search, Yang et al.
2022: strong local search, perturbation, recombination, a population that shrinks):

1. a small population of solutions, each improved by tabu search over the *move* (one element to
   another group, when the size bounds allow) and *swap* (two elements of different groups)
   neighbourhoods; each starts as a random grouping with the group sizes that give the most
   within-group pairs (found exactly by dynamic programming over the size bounds), since the
   search itself rarely changes sizes once groups sit at their bounds;
2. each round either perturbs a population member with a few random swaps and searches again
   (intensification around good solutions), or recombines two members with a group-based
   crossover (keep whole, high-quality groups from both parents) and searches the child;
3. the population shrinks over time so that the end of the budget is spent on the best solutions.

The hot loops are Numba-compiled (``cache=True``); with ``NUMBA_DISABLE_JIT=1`` the very same
functions run as plain Python, which is how ``bench/mdgplib.py`` shows that Numba pays.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit, objmode

from circlewise.matching.exceptions import InfeasibleError

__all__ = ["DenseResult", "group_objective", "solve_dense"]

ProgressCallback = Callable[[float, str], None]

# Seconds between two progress reports, so that a progress bar stays lively but cheap.
_PROGRESS_INTERVAL = 0.25


@dataclass(frozen=True)
class DenseResult:
    """The best grouping found by :func:`solve_dense`.

    Attributes
    ----------
    groups : list of int
        The 0-based group of each element.
    objective : float
        Sum of the dissimilarities over all pairs of elements in the same group.
    """

    groups: list[int]
    objective: float


# --------------------------------------------------------------------------------------------
# Numba kernels. They take plain arrays so they run unchanged with NUMBA_DISABLE_JIT=1.
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _seed_kernels(seed: int) -> None:
    # Numba keeps its own random state, separate from NumPy's; seed it for reproducibility.
    np.random.seed(seed)


WALL, CPU = 0, 1


@njit(cache=True)
def _now(clock: int) -> float:
    with objmode(t="float64"):
        t = _read_clock(clock)
    return t


def _read_clock(clock: int) -> float:
    # CPU time of this process is how the MDGPLIB reference values were timed; on a shared,
    # busy machine it gives each search the budget it would have had on an idle core.
    return time.process_time() if clock == CPU else time.time()


@njit(cache=True)
def _group_sums(d: np.ndarray, g: np.ndarray, k: int) -> np.ndarray:
    # Layout (K, n): applying a move then updates two contiguous rows.
    n = d.shape[0]
    sums = np.zeros((k, n))
    for j in range(n):
        sums[g[j]] += d[j]
    return sums


@njit(cache=True)
def _relocate(
    d: np.ndarray, sums: np.ndarray, g: np.ndarray, size: np.ndarray, i: int, b: int
) -> None:
    a = g[i]
    sums[a] -= d[i]
    sums[b] += d[i]
    g[i] = b
    size[a] -= 1
    size[b] += 1


@njit(cache=True)
def _exchange(
    dp: np.ndarray, wp: np.ndarray, tabu: np.ndarray, elem: np.ndarray, p: int, q: int
) -> None:
    # Two positions trade everything they hold: rows and columns of the distances, the columns
    # of the group sums, tabu rows and the element itself.
    if p == q:
        return
    n = dp.shape[0]
    for c in range(n):
        t = dp[p, c]
        dp[p, c] = dp[q, c]
        dp[q, c] = t
    for r in range(n):
        t = dp[r, p]
        dp[r, p] = dp[r, q]
        dp[r, q] = t
    for grp in range(wp.shape[0]):
        t = wp[grp, p]
        wp[grp, p] = wp[grp, q]
        wp[grp, q] = t
        s = tabu[p, grp]
        tabu[p, grp] = tabu[q, grp]
        tabu[q, grp] = s
    s = elem[p]
    elem[p] = elem[q]
    elem[q] = s


@njit(cache=True)
def _carry(
    dp: np.ndarray,
    sp: np.ndarray,
    tabu: np.ndarray,
    elem: np.ndarray,
    start: np.ndarray,
    p: int,
    a: int,
    b: int,
) -> int:
    """Carry the element at position ``p`` from block ``a`` into block ``b``; return its position.

    It first goes to the edge of its block facing ``b``, then hops block by block: each hop
    trades places with the far end of the next block and moves that block's boundary by one.
    """
    if b > a:
        q = start[a + 1] - 1
        _exchange(dp, sp, tabu, elem, p, q)
        p = q
        start[a + 1] -= 1
        for c in range(a + 1, b):
            q = start[c + 1] - 1
            _exchange(dp, sp, tabu, elem, p, q)
            p = q
            start[c + 1] -= 1
    else:
        q = start[a]
        _exchange(dp, sp, tabu, elem, p, q)
        p = q
        start[a] += 1
        for c in range(a - 1, b, -1):
            q = start[c]
            _exchange(dp, sp, tabu, elem, p, q)
            p = q
            start[c] += 1
    return p


@njit(cache=True)
def _tabu_search(
    d: np.ndarray,
    g: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    best_g: np.ndarray,
    stall_limit: int,
    tenure_lo: int,
    tenure_hi: int,
    clock: int,
    deadline: float,
    eps: float,
) -> tuple[float, int]:
    """Tabu search from ``g``: the best grouping seen goes to ``best_g``; returns its value and the
    number of iterations.

    Each iteration applies the best non-tabu move or swap (ties broken at random), even when it
    worsens the objective; an element may not return to a group it just left for a random
    tenure, unless that yields a new best (aspiration). Stops after ``stall_limit`` iterations
    without a new best, or when ``clock`` (WALL or CPU) reaches ``deadline``.

    The search works on a copy of the matrix whose rows and columns are kept ordered by group
    (block ``a`` holds positions ``start[a]:start[a + 1]``), so that scanning the swaps between
    two groups reads contiguous memory and a whole block can be ruled out by its best gain.
    """
    n = d.shape[0]
    k = lower.shape[0]
    elem = np.argsort(g, kind="mergesort")
    dp = np.empty((n, n))
    for r in range(n):
        for c in range(n):
            dp[r, c] = d[elem[r], elem[c]]
    size = np.zeros(k, np.int64)
    for e in range(n):
        size[g[e]] += 1
    start = np.zeros(k + 1, np.int64)
    for grp in range(k):
        start[grp + 1] = start[grp] + size[grp]
    # sp[b, p]: total distance from the element at position p to group b.
    sp = np.zeros((k, n))
    for grp in range(k):
        for q in range(start[grp], start[grp + 1]):
            sp[grp] += dp[q]
    tabu = np.zeros((n, k), np.int64)
    # w[b, p]: gain of moving the element at p into group b, ignoring the size bounds.
    w = np.empty((k, n))
    f = 0.0
    for grp in range(k):
        for p in range(start[grp], start[grp + 1]):
            f += 0.5 * sp[grp, p]
    best_f = f
    best_g[:] = g
    it = 0
    last_improvement = 0
    while it - last_improvement < stall_limit:
        if (it & 15) == 0 and _now(clock) >= deadline:
            break
        for grp in range(k):
            for p in range(start[grp], start[grp + 1]):
                own = sp[grp, p]
                for b in range(k):
                    w[b, p] = sp[b, p] - own
        best_gain = -np.inf
        bi = -1
        bj = -1
        bb = -1
        ties = 0
        # Move neighbourhood: only where the size bounds let a group shrink and another grow.
        for a in range(k):
            if size[a] <= lower[a]:
                continue
            for i in range(start[a], start[a + 1]):
                for b in range(k):
                    if b == a or size[b] >= upper[b]:
                        continue
                    gain = w[b, i]
                    if gain < best_gain - eps:
                        continue
                    if tabu[i, b] > it and f + gain <= best_f + eps:
                        continue
                    if gain > best_gain + eps:
                        best_gain = gain
                        ties = 1
                        bi, bj, bb = i, -1, b
                    else:
                        ties += 1
                        if np.random.randint(ties) == 0:
                            bi, bj, bb = i, -1, b
        # Swap neighbourhood, one pair of groups a < b at a time. The pair's own distance is
        # counted in both move gains, hence 2 d. A first pass finds the block's best gain
        # (contiguous, branch-free); only a block that can compete is scanned again in detail.
        for a in range(k):
            w_a = w[a]
            for i in range(start[a], start[a + 1]):
                d_i = dp[i]
                for b in range(a + 1, k):
                    w_ib = w[b, i]
                    top = -np.inf
                    for j in range(start[b], start[b + 1]):
                        top = max(top, w_a[j] - 2.0 * d_i[j])
                    if w_ib + top < best_gain - eps:
                        continue
                    for j in range(start[b], start[b + 1]):
                        gain = w_ib + w_a[j] - 2.0 * d_i[j]
                        if gain < best_gain - eps:
                            continue
                        if (tabu[i, b] > it or tabu[j, a] > it) and f + gain <= best_f + eps:
                            continue
                        if gain > best_gain + eps:
                            best_gain = gain
                            ties = 1
                            bi, bj, bb = i, j, b
                        else:
                            ties += 1
                            if np.random.randint(ties) == 0:
                                bi, bj, bb = i, j, b
        if bi < 0:
            break
        it += 1
        a = 0
        while start[a + 1] <= bi:
            a += 1
        if bj < 0:
            sp[a] -= dp[bi]
            sp[bb] += dp[bi]
            size[a] -= 1
            size[bb] += 1
            p = _carry(dp, sp, tabu, elem, start, bi, a, bb)
            tabu[p, a] = it + tenure_lo + np.random.randint(tenure_hi - tenure_lo + 1)
        else:
            sp[a] += dp[bj] - dp[bi]
            sp[bb] += dp[bi] - dp[bj]
            _exchange(dp, sp, tabu, elem, bi, bj)
            # The element that left a now sits at bj (in block bb), and the other way round.
            tabu[bj, a] = it + tenure_lo + np.random.randint(tenure_hi - tenure_lo + 1)
            tabu[bi, bb] = it + tenure_lo + np.random.randint(tenure_hi - tenure_lo + 1)
        f += best_gain
        if f > best_f + eps:
            best_f = f
            for grp in range(k):
                for p in range(start[grp], start[grp + 1]):
                    best_g[elem[p]] = grp
            last_improvement = it
    return best_f, it


@njit(cache=True)
def _perturb(
    d: np.ndarray,
    sums: np.ndarray,
    g: np.ndarray,
    size: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    strength: int,
) -> None:
    """Apply ``strength`` random swaps or feasible moves, keeping ``sums`` up to date."""
    k, n = sums.shape
    for _ in range(strength):
        i = np.random.randint(n)
        a = g[i]
        if np.random.random() < 0.5 and size[a] > lower[a]:
            b = np.random.randint(k)
            if b != a and size[b] < upper[b]:
                _relocate(d, sums, g, size, i, b)
                continue
        j = np.random.randint(n)
        b = g[j]
        if a != b:
            _relocate(d, sums, g, size, i, b)
            _relocate(d, sums, g, size, j, a)


@njit(cache=True)
def _crossover(
    d: np.ndarray,
    g1: np.ndarray,
    g2: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Build a child that keeps whole high-quality groups of both parents, then repair it.

    Parents take turns giving the child one group: the group (by index, so its size bounds
    still apply) whose not-yet-placed members have the largest mean pairwise distance. The
    members left over are then placed one by one, first where a group is still below its lower
    bound, each into the group where it adds the most.
    """
    n = d.shape[0]
    k = lower.shape[0]
    child = np.full(n, -1, np.int64)
    size = np.zeros(k, np.int64)
    filled = np.zeros(k, np.bool_)
    members = np.empty(n, np.int64)
    remaining = n
    deficit = lower.sum()
    for step in range(k):
        parent = g1 if step % 2 == 0 else g2
        best_k = -1
        best_quality = -np.inf
        for grp in range(k):
            if filled[grp]:
                continue
            m = 0
            for i in range(n):
                if parent[i] == grp and child[i] < 0:
                    members[m] = i
                    m += 1
            total = 0.0
            for x in range(m):
                for y in range(x + 1, m):
                    total += d[members[x], members[y]]
            quality = total / max(m, 1)
            if quality > best_quality:
                best_quality = quality
                best_k = grp
        filled[best_k] = True
        # Keep a random subset when the group would exceed its upper bound, or when taking an
        # element would leave too few to bring the other groups up to their lower bounds.
        for i in np.random.permutation(n):
            if parent[i] != best_k or child[i] >= 0 or size[best_k] >= upper[best_k]:
                continue
            if size[best_k] < lower[best_k]:
                deficit -= 1
            elif remaining - 1 < deficit:
                continue
            child[i] = best_k
            size[best_k] += 1
            remaining -= 1
    sums = np.zeros((n, k))
    for i in range(n):
        for j in range(n):
            if child[j] >= 0:
                sums[i, child[j]] += d[i, j]
    for i in np.random.permutation(n):
        if child[i] >= 0:
            continue
        # Fill groups below their lower bound first so that the child stays feasible.
        need_lower = False
        for grp in range(k):
            if size[grp] < lower[grp]:
                need_lower = True
        best_k = -1
        best_gain = -np.inf
        for grp in range(k):
            if size[grp] >= upper[grp] or (need_lower and size[grp] >= lower[grp]):
                continue
            if sums[i, grp] > best_gain:
                best_gain = sums[i, grp]
                best_k = grp
        child[i] = best_k
        size[best_k] += 1
        for j in range(n):
            sums[j, best_k] += d[i, j]
    return child


# --------------------------------------------------------------------------------------------
# Search driver (plain Python: it only decides what to run next, the kernels do the work).
# --------------------------------------------------------------------------------------------


@dataclass
class _Member:
    """A grouping in the population and its objective value."""

    groups: np.ndarray
    value: float


class _Search:
    """One independent memetic search; several run in parallel processes when ``workers > 1``."""

    def __init__(
        self,
        d: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        seed: int,
        clock: int,
        deadline: float,
    ) -> None:
        self.d = d
        self.lower = lower
        self.upper = upper
        self.clock = clock
        self.deadline = deadline
        self.rng = np.random.default_rng(seed)
        _seed_kernels(int(self.rng.integers(2**31)))
        n, k = d.shape[0], lower.shape[0]
        # Ties and "improvements" are judged relative to the scale of the distances.
        self.eps = 1e-9 * max(float(np.abs(d).max()), 1e-300) * max(n, 1)
        mean_size = n / k
        # The tenure scales with the group size: an element needs about that many iterations
        # before the neighbourhood around it has really changed. A tabu search gives up after
        # 8 n iterations without a new best (4 n and 8 n compared on n = 240 and 480 instances
        # outside the reference table: 8 n was better on both).
        self.tenure = (max(1, int(mean_size // 2)), max(2, int(mean_size)))
        self.stall = max(50, 8 * n)
        self.strength = max(2, math.ceil(0.1 * n))
        self.iterations = 0
        self.pair_table = self._pair_table(lower, upper, n)

    def random_groups(self) -> np.ndarray:
        """A uniformly shuffled assignment whose group sizes have the most pairs possible."""
        labels = np.repeat(np.arange(self.lower.shape[0], dtype=np.int64), self.sizes())
        return self.rng.permutation(labels)

    def sizes(self) -> np.ndarray:
        """Group sizes within the bounds with the most within-group pairs, one optimum at random.

        The objective is a sum over pairs, and the number of pairs is convex in the group
        sizes, so good groupings sit at sizes far apart (groups at their bounds). A tabu
        search hardly ever changes sizes once they are there (every single move loses about a
        group's worth of pairs), so the sizes it starts from decide; these are the best start.
        """
        n, k = self.d.shape[0], self.lower.shape[0]
        pairs = self.pair_table
        sizes = np.empty(k, np.int64)
        left = n
        for grp in range(k - 1, -1, -1):
            options = [
                s
                for s in range(int(self.lower[grp]), min(int(self.upper[grp]), left) + 1)
                if pairs[grp, left - s] >= 0
                and pairs[grp, left - s] + s * (s - 1) // 2 == pairs[grp + 1, left]
            ]
            # Draw only when there is a choice: equal-size instances keep their random stream.
            sizes[grp] = options[0] if len(options) == 1 else self.rng.choice(options)
            left -= int(sizes[grp])
        return sizes

    @staticmethod
    def _pair_table(lower: np.ndarray, upper: np.ndarray, n: int) -> np.ndarray:
        # table[g, t]: most within-group pairs of groups 0..g-1 holding t elements (-1: none).
        k = lower.shape[0]
        table = np.full((k + 1, n + 1), -1, np.int64)
        table[0, 0] = 0
        for grp in range(k):
            for s in range(int(lower[grp]), min(int(upper[grp]), n) + 1):
                prev = table[grp, : n + 1 - s]
                cand = np.where(prev >= 0, prev + s * (s - 1) // 2, -1)
                table[grp + 1, s:] = np.maximum(table[grp + 1, s:], cand)
        return table

    def improve(self, groups: np.ndarray) -> _Member:
        """Tabu search from ``groups``; returns the best grouping it met."""
        g = groups.astype(np.int64, copy=True)
        best = np.empty_like(g)
        value, iterations = _tabu_search(
            self.d,
            g,
            self.lower,
            self.upper,
            best,
            self.stall,
            self.tenure[0],
            self.tenure[1],
            self.clock,
            self.deadline,
            self.eps,
        )
        self.iterations += iterations
        return _Member(best, value)

    def perturbed(self, member: _Member) -> np.ndarray:
        """A copy of ``member`` shaken by a few random swaps or moves, to leave its basin."""
        g = member.groups.copy()
        k = self.lower.shape[0]
        sums = _group_sums(self.d, g, k)
        size = np.bincount(g, minlength=k).astype(np.int64)
        _perturb(self.d, sums, g, size, self.lower, self.upper, self.strength)
        return g

    def run(self, pop_size: int, crossover_rate: float, report: ProgressCallback | None) -> _Member:
        """Search until the deadline; return the best grouping found.

        Steps: fill the population with tabu-searched random groupings (during at most half
        the budget); then, each round, either cross two members over and keep the searched
        child if it beats the worst member and is new, or perturb the next member in turn and
        keep the searched result if it is no worse. The population shrinks linearly to one.
        """
        start = _read_clock(self.clock)
        span = max(self.deadline - start, 1e-9)
        pop: list[_Member] = []
        best: _Member | None = None
        turn = 0
        last_report = start
        while True:
            now = _read_clock(self.clock)
            if best is not None and now >= self.deadline:
                break
            if len(pop) < pop_size and (not pop or now - start < 0.5 * span):
                cand = self.improve(self.random_groups())
                pop.append(cand)
            else:
                # Shrink the population as the budget runs out (spend the end on the best).
                target = max(1, math.ceil(pop_size * (1.0 - (now - start) / span)))
                pop.sort(key=lambda m: -m.value)
                del pop[target:]
                if len(pop) >= 2 and self.rng.random() < crossover_rate:
                    i, j = self.rng.choice(len(pop), 2, replace=False)
                    child = _crossover(self.d, pop[i].groups, pop[j].groups, self.lower, self.upper)
                    cand = self.improve(child)
                    worst = pop[-1]
                    if cand.value > worst.value + self.eps and all(
                        abs(cand.value - m.value) > self.eps for m in pop
                    ):
                        pop[-1] = cand
                else:
                    turn = (turn + 1) % len(pop)
                    cand = self.improve(self.perturbed(pop[turn]))
                    if cand.value > pop[turn].value - self.eps:
                        pop[turn] = cand
            if best is None or cand.value > best.value + self.eps:
                best = cand
            if report is not None and now - last_report >= _PROGRESS_INTERVAL:
                last_report = now
                report(min(1.0, (now - start) / span), f"best {best.value:.6g}")
        if report is not None:
            report(1.0, f"best {best.value:.6g}")
        return best


# --------------------------------------------------------------------------------------------
# Public entry point.
# --------------------------------------------------------------------------------------------


# Enough diversity for crossover to combine, few enough that every member is searched many
# times within the budget; 30 % of the rounds recombine, the rest intensify around a member.
_POPULATION_SIZE = 10
_CROSSOVER_RATE = 0.3


def _validated(
    distances: np.ndarray, lower: Sequence[int], upper: Sequence[int], time_limit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.array(distances, dtype=np.float64, copy=True)
    if d.ndim != 2 or d.shape[0] != d.shape[1] or d.shape[0] == 0:
        raise ValueError(f"distances must be a non-empty square matrix, got shape {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError("distances must be finite numbers")
    if not np.allclose(d, d.T, rtol=1e-9, atol=0.0):
        raise ValueError("distances must be symmetric")
    lo = np.asarray(lower, dtype=np.int64)
    up = np.asarray(upper, dtype=np.int64)
    if lo.ndim != 1 or lo.shape != up.shape or lo.size == 0:
        raise ValueError("lower and upper must be two sequences of the same, non-zero length")
    bad = np.flatnonzero((lo < 0) | (lo > up))
    if bad.size:
        grp = int(bad[0])
        raise ValueError(f"group {grp} has invalid size bounds {lo[grp]}..{up[grp]}")
    n = d.shape[0]
    if lo.sum() > n:
        raise InfeasibleError(
            f"the groups need at least {int(lo.sum())} elements in total but there are only {n}"
        )
    if up.sum() < n:
        raise InfeasibleError(
            f"the groups hold at most {int(up.sum())} elements in total but there are {n}"
        )
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive, got {time_limit}")
    # The search counts each pair once per group sum, so a nonzero diagonal would count an
    # element as its own partner.
    np.fill_diagonal(d, 0.0)
    return d, lo, up


def _search_process(
    d: np.ndarray, lower: np.ndarray, upper: np.ndarray, seed: int, clock: int, limit: float
) -> _Member:
    """Run one search; ``limit`` is a wall-clock deadline, or a CPU budget for this process."""
    deadline = limit if clock == WALL else _read_clock(CPU) + limit
    search = _Search(d, lower, upper, seed, clock, deadline)
    return search.run(_POPULATION_SIZE, _CROSSOVER_RATE, None)


def group_objective(distances: np.ndarray, groups: Sequence[int]) -> float:
    """Sum of ``distances[i, j]`` over the pairs ``i < j`` that share a group.

    Parameters
    ----------
    distances : numpy.ndarray
        ``(n, n)`` symmetric matrix.
    groups : sequence of int
        The group of each element.

    Returns
    -------
    float
        The MDGP objective of ``groups``.
    """
    labels = np.asarray(groups)
    total = 0.0
    for grp in np.unique(labels):
        idx = np.flatnonzero(labels == grp)
        block = np.asarray(distances)[np.ix_(idx, idx)]
        total += float(np.triu(block, 1).sum())
    return total


def solve_dense(
    distances: np.ndarray,
    lower: Sequence[int],
    upper: Sequence[int],
    *,
    time_limit: float,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    clock: str = "wall",
) -> DenseResult:
    """Split elements into groups of bounded sizes, maximising the within-group distances.

    Parameters
    ----------
    distances : numpy.ndarray
        ``(n, n)`` symmetric matrix of dissimilarities; the diagonal is ignored.
    lower, upper : sequence of int
        Minimum and maximum size of each of the ``K`` groups.
    time_limit : float
        Seconds for the whole call (Numba compilation, on a cold cache, included), see
        ``clock``. The search is anytime: it returns the best grouping found when time is up.
    seed : int, optional
        Seed for the random choices. The same seed replays the same search; the result is the
        same as long as the time limit stops it at the same point (a busy machine may stop it
        a little earlier or later).
    progress : callable, optional
        Called now and then, from the calling process, as
        ``progress(fraction_of_time_used, message)``; the message gives the best objective
        of the search running in this process.
    workers : int, default 1
        Number of independent searches (different seeds) run in parallel processes; the best
        result wins. Worth it when cores are free; each extra process needs about a second to
        start, which counts against a wall-clock limit.
    clock : {"wall", "cpu"}, default "wall"
        What ``time_limit`` counts: wall-clock seconds for the whole call, or CPU seconds of
        each search process (how the published MDGPLIB reference values were timed; fairer
        for comparisons on a busy, shared machine).

    Returns
    -------
    DenseResult
        The group of each element and the objective.

    Raises
    ------
    InfeasibleError
        If the size bounds cannot hold ``n`` elements.
    ValueError
        If the matrix is not square, symmetric and finite, a group's bounds are invalid, or
        ``time_limit`` or ``workers`` is not positive, or ``clock`` is unknown.

    Examples
    --------
    >>> d = np.array([[0, 1, 9, 9], [1, 0, 9, 9], [9, 9, 0, 1], [9, 9, 1, 0]])
    >>> result = solve_dense(d, [2, 2], [2, 2], time_limit=1.0, seed=0, clock="cpu")
    >>> result.objective
    18.0
    >>> result.groups[0] != result.groups[1]
    True
    """
    start = time.time()
    d, lo, up = _validated(distances, lower, upper, time_limit)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if clock not in ("wall", "cpu"):
        raise ValueError(f"clock must be 'wall' or 'cpu', got {clock!r}")
    clock_id = WALL if clock == "wall" else CPU
    # Wall clock: one deadline shared by every process, counted from the call. CPU clock: each
    # process gets the whole budget of CPU seconds for itself.
    limit = start + time_limit if clock_id == WALL else time_limit
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(workers)]
    own_deadline = limit if clock_id == WALL else _read_clock(CPU) + limit
    own = _Search(d, lo, up, seeds[0], clock_id, own_deadline)
    if workers == 1:
        return _result(d, own.run(_POPULATION_SIZE, _CROSSOVER_RATE, progress).groups)
    # Separate processes (not threads): each search is one long Numba call holding its core.
    # "spawn" avoids forking a process that may already run threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        others = [pool.submit(_search_process, d, lo, up, s, clock_id, limit) for s in seeds[1:]]
        candidates = [own.run(_POPULATION_SIZE, _CROSSOVER_RATE, progress)]
        candidates += [future.result() for future in others]
    best = max(candidates, key=lambda member: member.value)
    return _result(d, best.groups)


def _result(d: np.ndarray, groups: np.ndarray) -> DenseResult:
    labels = [int(grp) for grp in groups]
    return DenseResult(groups=labels, objective=group_objective(d, labels))
