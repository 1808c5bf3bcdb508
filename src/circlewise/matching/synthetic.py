"""Synthetic organisations for demos, tests and benchmarks.

:func:`generate_organisation` returns people as plain dicts, like the rows of an HR export:
departments of skewed sizes, each a reporting tree under a head who reports to the chief
executive, offices in several time zones whose language most staff speak, levels that follow the
tree, tenure, an academic background and a few interests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["generate_organisation"]

_DEPARTMENTS = [
    "Engineering", "Operations", "Sales", "Customer Support", "Finance", "Marketing",
    "Product", "People", "Legal", "Research", "Data", "Procurement", "Communications",
    "Facilities", "Security", "Strategy",
]  # fmt: skip
# (office, UTC offset in hours, main language, relative head count)
_OFFICES = [
    ("London", 0.0, "English", 20), ("New York", -5.0, "English", 14),
    ("Berlin", 1.0, "German", 10), ("Munich", 1.0, "German", 5), ("Paris", 1.0, "French", 8),
    ("Madrid", 1.0, "Spanish", 6), ("Mexico City", -6.0, "Spanish", 4),
    ("São Paulo", -3.0, "Portuguese", 5), ("Bangalore", 5.5, "English", 12),
    ("Singapore", 8.0, "English", 6), ("Tokyo", 9.0, "Japanese", 4),
    ("Toronto", -5.0, "English", 6),
]  # fmt: skip
_STAFF_LEVELS = ["Graduate", "Junior", "Mid", "Senior", "Principal"]
_STAFF_WEIGHTS = [0.08, 0.22, 0.35, 0.27, 0.08]
_BACKGROUNDS = [
    "Engineering", "Business", "Natural sciences", "Humanities", "Social sciences", "Law",
    "Arts", "Health", "Vocational", "Mathematics",
]  # fmt: skip
_INTERESTS = [
    "running", "cooking", "chess", "music", "photography", "hiking", "reading", "gaming",
    "gardening", "cycling", "yoga", "travel", "film", "volunteering", "languages", "painting",
    "football", "climbing", "theatre", "podcasts",
]  # fmt: skip
_FIRST = [
    "Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kavya", "Luis",
    "Mia", "Nour", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wen", "Yara",
]  # fmt: skip
_LAST = [
    "Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen",
    "Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka",
    "Usman", "Varga", "Weber", "Xu", "Zhang",
]  # fmt: skip


def _skewed(rng: np.random.Generator, n: int, k: int, exponent: float) -> np.ndarray:
    """Draw `n` indices in ``range(k)`` with Zipf-like weights ``1 / (rank + 1) ** exponent``."""
    weights = 1.0 / np.arange(1, k + 1) ** exponent
    return rng.choice(k, size=n, p=weights / weights.sum())


def _managers(rng: np.random.Generator, department: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Manager index (-1: none) and depth of everyone; person 0 is the chief executive.

    Each department is a tree stored like a heap: its k-th member reports to member
    ``(k - 1) // span`` of the same department, its head reports to the chief executive.
    """
    n = department.shape[0]
    manager = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    for d in np.unique(department[1:]):
        members = np.flatnonzero(department == d)
        members = members[members != 0]
        span = int(rng.integers(4, 9))
        rank = np.arange(members.shape[0])
        parent = np.where(rank == 0, 0, members[np.maximum(rank - 1, 0) // span])
        manager[members] = parent
        depth[members] = 1 + np.floor(np.log(rank * (span - 1) + 1) / np.log(span) + 1e-9).astype(
            int
        )
    return manager, depth


def _level(depth: int, has_reports: bool, staff_level: str) -> str:
    if depth == 0:
        return "Executive"
    if depth == 1:
        return "Director"
    if has_reports:
        return "Senior manager" if depth == 2 else "Manager"
    return staff_level


def generate_organisation(n: int, *, seed: int | None = None) -> list[dict[str, Any]]:
    """Generate `n` people of a fictional organisation.

    Parameters
    ----------
    n : int
        Number of people (at least 1).
    seed : int or None
        Seed of the random generator; the same seed gives the same organisation.

    Returns
    -------
    list of dict
        One dict per person with keys ``email``, ``name``, ``department``, ``level``,
        ``location``, ``tz_offset``, ``language``, ``background``, ``tenure_years``,
        ``interests`` (list of str) and ``manager_email`` (None for the chief executive).

    Examples
    --------
    >>> people = generate_organisation(50, seed=1)
    >>> len(people), people[0]["manager_email"], people[1]["manager_email"] is not None
    (50, None, True)
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    department = _skewed(rng, n, len(_DEPARTMENTS), 0.9)
    manager, depth = _managers(rng, department)
    has_reports = np.zeros(n, dtype=bool)
    has_reports[manager[manager >= 0]] = True
    weights = np.array([office[3] for office in _OFFICES], dtype=float)
    office = rng.choice(len(_OFFICES), size=n, p=weights / weights.sum())
    speaks_english = rng.random(n) < 0.2
    staff = rng.choice(len(_STAFF_LEVELS), size=n, p=_STAFF_WEIGHTS)
    background = _skewed(rng, n, len(_BACKGROUNDS), 0.7)
    tenure = np.round(rng.gamma(2.0, 2.5, size=n) + 2.0 * (has_reports | (depth < 2)), 1)
    first = rng.integers(len(_FIRST), size=n)
    last = rng.integers(len(_LAST), size=n)
    emails = [
        f"{_FIRST[first[i]].lower()}.{_LAST[last[i]].lower()}.{i}@example.org" for i in range(n)
    ]
    people = []
    for i in range(n):
        place, offset, language, _ = _OFFICES[office[i]]
        chosen = rng.choice(len(_INTERESTS), size=int(rng.integers(1, 5)), replace=False)
        people.append(
            {
                "email": emails[i],
                "name": f"{_FIRST[first[i]]} {_LAST[last[i]]}",
                "department": "Executive office" if i == 0 else _DEPARTMENTS[department[i]],
                "level": _level(int(depth[i]), bool(has_reports[i]), _STAFF_LEVELS[staff[i]]),
                "location": place,
                "tz_offset": offset,
                "language": "English" if speaks_english[i] else language,
                "background": _BACKGROUNDS[background[i]],
                "tenure_years": float(tenure[i]),
                "interests": sorted(_INTERESTS[c] for c in chosen),
                "manager_email": emails[manager[i]] if manager[i] >= 0 else None,
            }
        )
    return people
