"""Feasibility checks, circle counts and the upper bound, per block of people.

Each block (people sharing every "same" value) is split into the fewest circles that hold it:
``ceil(people / max_size)``, or more when there are more pinned groups than that. If that number
of circles cannot respect ``min_size``, no number can, so the block is infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from circlewise.matching.encode import Block, Encoded, gather_values
from circlewise.matching.exceptions import InfeasibleError
from circlewise.matching.model import Problem

__all__ = [
    "BlockPlan",
    "block_bound",
    "can_split",
    "circle_count",
    "is_close",
    "plan_block",
    "plan_blocks",
]


@dataclass
class BlockPlan:
    """How one block is split: circle count, target sizes and pinned circles."""

    block: Block
    n_circles: int
    capacity: np.ndarray
    pin_circle: dict[int, int]

    @property
    def size(self) -> int:
        """Number of people in the block."""
        return int(self.block.people.shape[0])


def _sizes_hint(problem: Problem) -> str:
    return f"circles of {problem.min_size}-{problem.max_size}"


def _check_pins(encoded: Encoded, block_of: np.ndarray) -> None:
    problem = encoded.problem
    for key, label in enumerate(encoded.pin_labels):
        people = np.flatnonzero(encoded.pin == key)
        names = ", ".join(encoded.ids[p] for p in people[:6])
        if people.shape[0] > problem.max_size:
            raise InfeasibleError(
                f"pin {label!r} keeps {people.shape[0]} people together ({names}, ...), more than "
                f"the maximum circle size of {problem.max_size}; unpin some of them or raise "
                "the maximum size",
                reason="pin_too_large",
                people=tuple(encoded.ids[p] for p in people),
                size=int(people.shape[0]),
                max_size=problem.max_size,
                pin=str(label),
            )
        if np.unique(block_of[people]).shape[0] > 1:
            labels = sorted({encoded.blocks[b].label for b in block_of[people]})
            raise InfeasibleError(
                f"pin {label!r} keeps together people from different groups "
                f"({'; '.join(labels)}) that the 'same' rule keeps apart; unpin them or drop "
                "the 'same' rule",
                reason="pin_across_groups",
                people=tuple(encoded.ids[p] for p in people),
                pin=str(label),
            )
        inside = set(people.tolist())
        for p in people:
            for q in encoded.adj[encoded.adj_ptr[p] : encoded.adj_ptr[p + 1]]:
                if int(q) in inside:
                    raise InfeasibleError(
                        f"pin {label!r} keeps {encoded.ids[p]} and {encoded.ids[q]} together, "
                        "but they must be kept apart; unpin one of them or drop that rule",
                        reason="pin_separates",
                        people=(encoded.ids[p], encoded.ids[q]),
                        pin=str(label),
                    )


def _circle_count(encoded: Encoded, block: Block, n_pins: int) -> int:
    problem = encoded.problem
    lo, hi = problem.min_size, problem.max_size
    m = block.people.shape[0]
    if m < lo:
        raise InfeasibleError(
            f"{block.label}: {m} people, fewer than the minimum circle size of {lo}; add people "
            "to this group, merge it with another, or lower the minimum size",
            reason="group_too_small",
            group=block.same_values,
            size=int(m),
            min_size=lo,
        )
    fewest = -(-m // hi)
    n_circles = circle_count(m, hi, n_pins)
    if n_circles * lo > m:
        if n_pins > fewest:
            raise InfeasibleError(
                f"{block.label}: {n_pins} pinned circles need at least {n_pins * lo} people but "
                f"the group has {m}; pin fewer circles or lower the minimum size",
                reason="too_many_pinned_circles",
                group=block.same_values,
                size=int(m),
                min_size=lo,
                circles=n_pins,
            )
        raise InfeasibleError(
            f"{block.label}: {m} people cannot be split into {_sizes_hint(problem)} "
            f"({n_circles} circles need at least {n_circles * lo}, {n_circles - 1} hold at most "
            f"{(n_circles - 1) * hi}); widen the size range or move people between groups",
            reason="group_unsplittable",
            group=block.same_values,
            size=int(m),
            min_size=lo,
            max_size=hi,
            circles=n_circles,
        )
    return n_circles


def circle_count(m: int, max_size: int, n_pins: int) -> int:
    """The fewest circles that hold `m` people and `n_pins` pinned groups."""
    return max(-(-m // max_size), n_pins)


def can_split(m: int, min_size: int, max_size: int) -> bool:
    """Whether `m` people (no pins) can be split into circles of `min_size`..`max_size`.

    The same test :func:`plan_block` applies to every block before searching: the fewest circles
    that hold everyone must each reach the minimum size.

    >>> can_split(7, 5, 6), can_split(10, 5, 6), can_split(0, 5, 6)
    (False, True, False)
    """
    return m > 0 and circle_count(m, max_size, 0) * min_size <= m


def _capacity(
    pin_counts: list[int], n_circles: int, m: int, lo: int, hi: int, block: Block
) -> np.ndarray:
    """Circle sizes as even as possible, pinned circles (first) at least their pinned count."""
    base = np.full(n_circles, lo, dtype=np.int64)
    base[: len(pin_counts)] = np.maximum(lo, pin_counts)
    spare = m - int(base.sum())
    if spare < 0:
        raise InfeasibleError(
            f"{block.label}: the pinned circles and the minimum size need {int(base.sum())} "
            f"people but the group has {m}; pin fewer people or lower the minimum size",
            reason="pins_need_more_people",
            group=block.same_values,
            size=int(m),
            min_size=lo,
        )
    # Water-filling: raise the smallest circles first, up to max_size.
    level = lo
    while level < hi and int(np.maximum(base, level + 1).clip(max=hi).sum()) <= m:
        level += 1
    capacity = np.maximum(base, level).clip(max=hi)
    left = m - int(capacity.sum())
    for g in np.flatnonzero(capacity < hi)[:left]:
        capacity[g] += 1
    return capacity


def _check_separation(encoded: Encoded, plan: BlockPlan) -> None:
    if plan.n_circles > 1:
        return
    inside = set(plan.block.people.tolist())
    for p in plan.block.people:
        for q in encoded.adj[encoded.adj_ptr[p] : encoded.adj_ptr[p + 1]]:
            if int(q) in inside:
                raise InfeasibleError(
                    f"{plan.block.label}: {plan.size} people make a single circle, but "
                    f"{encoded.ids[p]} and {encoded.ids[q]} must be kept apart; add people to "
                    "this group or drop that rule",
                    reason="separation_in_single_circle",
                    group=plan.block.same_values,
                    people=(encoded.ids[p], encoded.ids[int(q)]),
                    size=plan.size,
                )


def plan_blocks(encoded: Encoded) -> list[BlockPlan]:
    """Check every block can be split within the rules and plan its circles.

    Raises
    ------
    InfeasibleError
        With a message naming the block or pin at fault and what would fix it.
    """
    block_of = np.empty(len(encoded.ids), dtype=np.int64)
    for b, block in enumerate(encoded.blocks):
        block_of[block.people] = b
    _check_pins(encoded, block_of)
    return [plan_block(encoded, block) for block in encoded.blocks]


def plan_block(encoded: Encoded, block: Block) -> BlockPlan:
    """Plan the circles of one block (see :func:`plan_blocks`)."""
    problem = encoded.problem
    keys = encoded.pin[block.people]
    pin_keys = np.unique(keys[keys >= 0])
    n_circles = _circle_count(encoded, block, pin_keys.shape[0])
    pin_counts = [int((keys == key).sum()) for key in pin_keys]
    capacity = _capacity(
        pin_counts,
        n_circles,
        block.people.shape[0],
        problem.min_size,
        problem.max_size,
        block,
    )
    pin_circle = {int(key): g for g, key in enumerate(pin_keys)}
    plan = BlockPlan(block, n_circles, capacity, pin_circle)
    _check_separation(encoded, plan)
    return plan


def _largest_sizes(m: int, n_circles: int, lo: int, hi: int) -> np.ndarray:
    """Circle sizes with as many full circles as possible (they maximise slot-weighted sums)."""
    sizes = np.full(n_circles, lo, dtype=np.int64)
    spare = m - n_circles * lo
    if hi > lo:
        full = min(n_circles, spare // (hi - lo))
        sizes[:full] = hi
        if full < n_circles:
            sizes[full] += spare - full * (hi - lo)
    return sizes


def _even_squares(total: int, n_circles: int) -> int:
    q, r = divmod(total, n_circles)
    return q * q * (n_circles - r) + (q + 1) * (q + 1) * r


def block_bound(encoded: Encoded, people: np.ndarray, n_circles: int) -> float:
    """Upper bound on the objective of a block split into `n_circles` circles.

    Per diversified attribute: the squared value counts are at least those of each value spread
    as evenly as possible over the circles, and each member's contribution is at most what it
    brings when the people holding most values sit in the largest circles. Aligned attributes are
    bounded by zero dissimilarity.
    """
    problem = encoded.problem
    sizes = _largest_sizes(people.shape[0], n_circles, problem.min_size, problem.max_size)
    slots = np.sort(np.repeat(sizes, sizes))[::-1].astype(np.float64)
    bound = 0.0
    _, values, owners = gather_values(encoded, people)
    for a, weight in enumerate(encoded.w_set):
        if weight <= 0:
            continue
        mine = encoded.val_attr[values] == a
        held = np.sort(np.bincount(owners[mine], minlength=people.shape[0]))[::-1]
        value_counts = np.unique(values[mine], return_counts=True)[1]
        squares = sum(_even_squares(int(c), n_circles) for c in value_counts)
        bound += weight * 0.5 * (float(slots @ held) - squares)
    for k, weight in enumerate(encoded.w_num):
        if weight <= 0:
            continue
        present = encoded.pres[people, k] > 0
        column = encoded.z[people, k][present]
        centred = np.sort((column - column.mean()) ** 2 if column.size else column)[::-1]
        bound += weight * float(slots[: centred.shape[0]] @ centred)
    return bound


def is_close(value: float, target: float) -> bool:
    """True when `value` reaches `target` up to rounding."""
    return value >= target - 1e-9 * max(1.0, abs(target))
