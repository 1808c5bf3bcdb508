"""Helpers that turn organisational data into hard rules."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["reporting_line_pairs"]


def reporting_line_pairs(
    manager_of: Mapping[str, str | None], depth: int = 1
) -> set[tuple[str, str]]:
    """Pairs (person, ancestor) up to `depth` levels up the reporting line.

    Only people present as keys of `manager_of` appear: a manager who is not a key ends the walk
    (they are not being placed, so no rule is needed). Cycles in the data end the walk too.

    Parameters
    ----------
    manager_of : mapping
        Person id -> their manager's id, or None.
    depth : int
        1 separates people from their direct manager, 2 also from their manager's manager, ...

    Examples
    --------
    >>> from circlewise.matching import reporting_line_pairs
    >>> sorted(reporting_line_pairs({"ceo": None, "cto": "ceo", "dev": "cto"}, depth=2))
    [('cto', 'ceo'), ('dev', 'ceo'), ('dev', 'cto')]
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    pairs: set[tuple[str, str]] = set()
    for person in manager_of:
        seen = {person}
        boss = manager_of[person]
        for _ in range(depth):
            if boss is None or boss not in manager_of or boss in seen:
                break
            pairs.add((person, boss))
            seen.add(boss)
            boss = manager_of[boss]
    return pairs
