"""Circle formation: split people into diverse circles while hard rules hold.

The engine solves the Maximally Diverse Grouping Problem with side constraints on people
described by attributes. A circle's diversity is the weighted sum, over its member pairs, of
their dissimilarity on every attribute: for categorical and multi-valued attributes half the size
of the symmetric difference of their value sets (1 when two categorical values differ), for numeric
attributes the squared difference scaled by twice the population variance (so a random pair scores
about 1). Aligned attributes count negatively. Per-circle value counts make a move or a swap cost
O(attributes), so memory and time per step do not grow with the number of people.

Public API: :func:`form_circles`, :func:`evaluate`, :func:`check`, :func:`describe`,
:func:`place_late_joiners`, :func:`joiner_obstacle`, :func:`reporting_line_pairs`,
:func:`can_split`, :func:`kernels_ready` (whether the first run must compile the kernels first),
the data types of :mod:`circlewise.matching.model` and the exceptions of
:mod:`circlewise.matching.exceptions`.
"""

from __future__ import annotations

from circlewise.matching.exceptions import InfeasibleError, InvalidProblemError, MatchingError
from circlewise.matching.explain import (
    AttributeMix,
    Description,
    MixSummary,
    check,
    describe,
    evaluate,
)
from circlewise.matching.late import joiner_obstacle, place_late_joiners
from circlewise.matching.model import (
    Attribute,
    CircleResult,
    Placement,
    Problem,
    Progress,
    Solution,
    Violation,
)
from circlewise.matching.plan import can_split
from circlewise.matching.rules import reporting_line_pairs
from circlewise.matching.search import form_circles
from circlewise.matching.warmup import kernels_ready

__all__ = [
    "Attribute",
    "AttributeMix",
    "CircleResult",
    "Description",
    "InfeasibleError",
    "InvalidProblemError",
    "MatchingError",
    "MixSummary",
    "Placement",
    "Problem",
    "Progress",
    "Solution",
    "Violation",
    "can_split",
    "check",
    "describe",
    "evaluate",
    "form_circles",
    "joiner_obstacle",
    "kernels_ready",
    "place_late_joiners",
    "reporting_line_pairs",
]
