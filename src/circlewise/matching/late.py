"""Place people who join after the circles were formed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from circlewise.matching.encode import Encoded, encode
from circlewise.matching.exceptions import InvalidProblemError
from circlewise.matching.explain import circle_diversity
from circlewise.matching.model import Placement, Problem

__all__ = ["place_late_joiners"]


def _allowed(encoded: Encoded, circle: list[int], joiner: int) -> bool:
    """True when `joiner` can join `circle` without breaking a hard rule."""
    problem = encoded.problem
    if len(circle) >= problem.max_size:
        return False
    first = circle[0] if circle else joiner
    if any(problem.values[name][first] != problem.values[name][joiner] for name in problem.same):
        return False
    members = set(circle)
    partners = encoded.adj[encoded.adj_ptr[joiner] : encoded.adj_ptr[joiner + 1]]
    if any(int(q) in members for q in partners):
        return False
    pins = {int(encoded.pin[p]) for p in circle if encoded.pin[p] >= 0}
    key = int(encoded.pin[joiner])
    return not pins or pins == {key}


def place_late_joiners(
    problem: Problem, circles: Sequence[Sequence[str]], joiners: Sequence[str]
) -> Placement:
    """Add each joiner, in order, to the circle with room where they add the most diversity.

    A circle has room while it is smaller than ``max_size``; it must share the joiner's "same"
    values, hold nobody the joiner is separated from and no other pin than the joiner's. Joiners
    that fit nowhere are queued. `problem` includes the existing members and the joiners.

    Examples
    --------
    >>> from circlewise.matching import Attribute, Problem, place_late_joiners
    >>> problem = Problem(ids=["a", "b", "c", "d", "x"],
    ...                   values={"team": ["red", "red", "blue", "blue", "red"]},
    ...                   attributes=[Attribute("team")], min_size=2, max_size=3)
    >>> place_late_joiners(problem, [["a", "b"], ["c", "d"]], ["x"]).circles
    [['a', 'b'], ['c', 'd', 'x']]
    """
    encoded = encode(problem)
    grouped = [[_index(encoded, person) for person in circle] for circle in circles]
    queued: list[str] = []
    for person in joiners:
        joiner = _index(encoded, person)
        options = [g for g, circle in enumerate(grouped) if _allowed(encoded, circle, joiner)]
        if not options:
            queued.append(person)
            continue
        before = circle_diversity(encoded, [np.array(grouped[g]) for g in options])
        after = circle_diversity(encoded, [np.array([*grouped[g], joiner]) for g in options])
        grouped[options[int(np.argmax(after - before))]].append(joiner)
    return Placement([[encoded.ids[p] for p in circle] for circle in grouped], queued)


def _index(encoded: Encoded, person: str) -> int:
    try:
        return encoded.index[str(person)]
    except KeyError:
        raise InvalidProblemError(f"{person!r} is not among the problem's people") from None
