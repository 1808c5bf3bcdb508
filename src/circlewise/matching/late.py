"""Place people who join after the circles were formed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from circlewise.matching.encode import Encoded, encode
from circlewise.matching.exceptions import InvalidProblemError
from circlewise.matching.explain import circle_diversity
from circlewise.matching.model import Placement, Problem, Violation

__all__ = ["joiner_obstacle", "place_late_joiners"]


def _obstacle(encoded: Encoded, g: int, circle: list[int], joiner: int) -> Violation | None:
    """The first hard rule `joiner` would break by joining `circle` (index `g`), or None."""
    problem = encoded.problem
    person = encoded.ids[joiner]
    if len(circle) >= problem.max_size:
        return Violation(
            "size",
            g,
            (person,),
            f"circle {g} is full ({problem.max_size} people)",
            size=len(circle) + 1,
            min_size=problem.min_size,
            max_size=problem.max_size,
        )
    first = circle[0] if circle else joiner
    for name in problem.same:
        theirs, mine = problem.values[name][first], problem.values[name][joiner]
        if theirs != mine:
            return Violation(
                "same",
                g,
                (person,),
                f"circle {g} has {name} {theirs}, {person} has {mine}",
                attribute=name,
                values=(str(theirs), str(mine)),
            )
    members = set(circle)
    partners = encoded.adj[encoded.adj_ptr[joiner] : encoded.adj_ptr[joiner + 1]]
    for q in partners:
        if int(q) in members:
            other = encoded.ids[int(q)]
            return Violation(
                "separate",
                g,
                (person, other),
                f"{person} and {other} must be kept apart but {other} is in circle {g}",
            )
    pins = {int(encoded.pin[p]) for p in circle if encoded.pin[p] >= 0}
    key = int(encoded.pin[joiner])
    if pins and pins != {key}:
        return Violation("pinned", g, (person,), f"circle {g} is kept for another pinned group")
    return None


def joiner_obstacle(
    problem: Problem, circles: Sequence[Sequence[str]], joiner: str, circle: int
) -> Violation | None:
    """The hard rule `joiner` would break by joining ``circles[circle]``; None when they fit.

    Examples
    --------
    >>> from circlewise.matching import Attribute, Problem, joiner_obstacle
    >>> problem = Problem(ids=["a", "b", "x"], values={"lang": ["en", "en", "de"]},
    ...                   attributes=[], min_size=1, max_size=3, same=["lang"])
    >>> joiner_obstacle(problem, [["a", "b"]], "x", 0).rule
    'same'
    """
    encoded = encode(problem)
    members = [_index(encoded, person) for person in circles[circle]]
    return _obstacle(encoded, circle, members, _index(encoded, joiner))


def place_late_joiners(
    problem: Problem, circles: Sequence[Sequence[str]], joiners: Sequence[str]
) -> Placement:
    """Add each joiner, in order, to the circle with room where they add the most diversity.

    A circle has room while it is smaller than ``max_size``; it must share the joiner's "same"
    values, hold nobody the joiner is separated from and no other pin than the joiner's. Joiners
    that fit nowhere are queued, with the rule each circle would break in ``Placement.reasons``.
    `problem` includes the existing members and the joiners.

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
    reasons: dict[str, list[Violation]] = {}
    for person in joiners:
        joiner = _index(encoded, person)
        obstacles = [_obstacle(encoded, g, circle, joiner) for g, circle in enumerate(grouped)]
        options = [g for g, obstacle in enumerate(obstacles) if obstacle is None]
        if not options:
            queued.append(person)
            reasons[person] = [obstacle for obstacle in obstacles if obstacle is not None]
            continue
        before = circle_diversity(encoded, [np.array(grouped[g]) for g in options])
        after = circle_diversity(encoded, [np.array([*grouped[g], joiner]) for g in options])
        grouped[options[int(np.argmax(after - before))]].append(joiner)
    return Placement([[encoded.ids[p] for p in circle] for circle in grouped], queued, reasons)


def _index(encoded: Encoded, person: str) -> int:
    try:
        return encoded.index[str(person)]
    except KeyError:
        raise InvalidProblemError(f"{person!r} is not among the problem's people") from None
