"""The benchmark lab: Maximally Diverse Grouping on a dense matrix, and MDGPLIB files.

The web app never calls this family: it forms circles with :mod:`circlewise.matching`, which
works on people's attributes and hard rules. This family solves the textbook problem (a full
dissimilarity matrix and group size bounds) so that the search can be measured against the
published MDGPLIB references (``bench/mdgplib.py``, ``circlewise mdgp``).

Public API: :func:`solve_dense`, :class:`DenseResult`, :func:`group_objective` (from
:mod:`circlewise.mdgp.dense`); :func:`read_instance`, :func:`read_solution`,
:func:`write_solution`, :class:`MdgpInstance` and :class:`MdgpFormatError` (from
:mod:`circlewise.mdgp.mdgplib`); infeasible size bounds raise
:class:`circlewise.matching.InfeasibleError`, shared with the product engine.
"""

from __future__ import annotations

from circlewise.mdgp.dense import DenseResult, group_objective, solve_dense
from circlewise.mdgp.mdgplib import (
    MdgpFormatError,
    MdgpInstance,
    read_instance,
    read_solution,
    write_solution,
)

__all__ = [
    "DenseResult",
    "MdgpFormatError",
    "MdgpInstance",
    "group_objective",
    "read_instance",
    "read_solution",
    "solve_dense",
    "write_solution",
]
