"""Plain data types of the circle-formation engine.

A :class:`Problem` describes people, their attributes and the hard rules; the engine answers with a
:class:`Solution`. Everything here is plain Python data (no NumPy scalars) so that the web app can
store or serialise it directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Attribute",
    "CircleResult",
    "Placement",
    "Problem",
    "Solution",
    "Violation",
]


@dataclass(frozen=True)
class Attribute:
    """One scored attribute of the people to group.

    Parameters
    ----------
    name : str
        Key of :attr:`Problem.values`.
    kind : {"categorical", "numeric", "multi"}
        ``categorical`` values are compared for equality, ``numeric`` values by squared difference
        (scaled by the population variance), ``multi`` values are sets of strings compared by their
        symmetric difference.
    direction : {"diversify", "align"}
        ``diversify`` rewards differences inside a circle, ``align`` penalises them.
    weight : float
        Non-negative multiplier of this attribute's pair dissimilarities.
    """

    name: str
    kind: Literal["categorical", "numeric", "multi"] = "categorical"
    direction: Literal["diversify", "align"] = "diversify"
    weight: float = 1.0


@dataclass
class Problem:
    """People with attributes, and the hard rules every circle must satisfy.

    Parameters
    ----------
    ids : sequence of str
        Unique person identifiers.
    values : mapping
        Attribute name -> one value per person, aligned with `ids`; ``None`` is a missing value and
        ``multi`` values are iterables of strings.
    attributes : sequence of Attribute
        The scored attributes.
    min_size, max_size : int
        Bounds on every circle's size; the engine uses the fewest circles that hold everyone.
    same : sequence of str
        Attribute names whose value must be equal inside every circle.
    separate : iterable of (str, str)
        Pairs of ids that must never share a circle.
    pinned : mapping
        Id -> circle key; people with the same key share one circle, different keys are different
        circles.
    """

    ids: Sequence[str]
    values: Mapping[str, Sequence[object]]
    attributes: Sequence[Attribute]
    min_size: int = 5
    max_size: int = 6
    same: Sequence[str] = ()
    separate: Iterable[tuple[str, str]] = ()
    pinned: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule in a grouping.

    ``circle`` is the index of the circle concerned, or -1 for rules about the grouping as a whole
    (a person left out or placed twice). ``rule`` is one of ``unknown``, ``placement``, ``size``,
    ``same``, ``pinned``, ``separate``. The structured fields say what broke, so callers can word
    it themselves; ``message`` is the engine's own English sentence (used by the CLI):

    - ``size``: ``size`` people, outside ``min_size``-``max_size``;
    - ``same``: the circle mixes ``values`` of ``attribute``;
    - ``pinned``: the pins ``values`` share a circle, or one pin is split over ``circles``;
    - ``placement``: a person placed in ``circles`` (twice) or in none;
    - ``separate``: the two ``people`` must be kept apart.
    """

    rule: str
    circle: int
    people: tuple[str, ...]
    message: str
    attribute: str = ""
    values: tuple[str, ...] = ()
    size: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    circles: tuple[int, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Where a search is: ``stage`` (``"search"``), ``fraction`` of the time limit used (0..1)
    and ``ratio``, the best objective so far over the upper bound."""

    stage: str
    fraction: float
    ratio: float


@dataclass
class CircleResult:
    """One circle of a solution and why it looks the way it does."""

    members: list[str]
    same_values: dict[str, object]
    diversity: float
    mix: dict[str, dict[str, int | float]]
    rules: list[str]


@dataclass
class Solution:
    """A grouping with its score.

    Attributes
    ----------
    circles : list of CircleResult
        In a stable order (by "same" values, then by first member's position in the input).
    objective : float
        Total weighted diversity, the sum of the circles' ``diversity``.
    upper_bound : float
        Objective reached if every diversified attribute's values were spread as evenly as
        possible over the circles (aligned attributes at their best, zero dissimilarity).
    ratio : float
        ``objective / upper_bound`` (1.0 when the bound is 0).
    elapsed : float
        Seconds spent by :func:`~circlewise.matching.form_circles` (0.0 for ``evaluate``).
    history : list of (float, float)
        ``(seconds, ratio)`` of the best grouping after construction and after each round of
        search: the first entry is when the first valid grouping was ready.
    """

    circles: list[CircleResult]
    objective: float
    upper_bound: float
    ratio: float
    elapsed: float = 0.0
    history: list[tuple[float, float]] = field(default_factory=list)

    def as_assignment(self) -> dict[str, int]:
        """Return a mapping id -> index of the person's circle in :attr:`circles`."""
        return {
            person: index for index, circle in enumerate(self.circles) for person in circle.members
        }


@dataclass
class Placement:
    """Result of :func:`~circlewise.matching.place_late_joiners`.

    ``reasons`` maps each queued person to the rule every circle would break with them in it.
    """

    circles: list[list[str]]
    queued: list[str]
    reasons: dict[str, list[Violation]] = field(default_factory=dict)
