"""A proposal's scores and mixes, computed once and stored on its run.

Scoring a whole proposal (every circle's mix against the people it could have been formed from,
and every hard rule) takes seconds at 10,000 people, so the proposal page does not do it per
view: the worker stores the summary when a run finishes and each edit (a move or a swap) stores
it again (:func:`proposal_summary_save`):

- the run's ``summary``: the proposal as a whole (scores, each attribute over every circle,
  broken rules and the names of the people they concern), a few kilobytes at any size;
- one :class:`ProposedCircleSummary` row per circle (members in order, diversity, mix), read a
  page at a time with :func:`circle_summaries_read`, so a 2,000-circle proposal costs a page
  view no more than a 60-circle one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from circlewise.formation.composition import Composition
from circlewise.formation.models import FormationRun, ProposedCircleSummary
from circlewise.matching import AttributeMix, MixSummary, Violation, check, describe, evaluate

__all__ = [
    "circle_summaries_read",
    "mixes_of",
    "overall_of",
    "proposal_summarise",
    "proposal_summary_save",
    "violations_of",
]


def proposal_summarise(
    composition: Composition, proposal: Sequence[Sequence[int]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``(summary, circles)`` of ``proposal`` (participant pks per circle): the run's summary
    and each circle's figures."""
    groups = composition.problem_ids(proposal)
    solution = evaluate(composition.problem, groups)
    described = describe(composition.problem, groups)
    violations = check(composition.problem, groups)
    named = {key for violation in violations for key in violation.people}
    summary = {
        "ratio": solution.ratio,
        "objective": solution.objective,
        "upper_bound": solution.upper_bound,
        "diversity_ratio": described.diversity_ratio,
        "people": sum(len(group) for group in groups),
        "circles": len(groups),
        "overall": [asdict(mix) for mix in described.overall],
        "violations": [asdict(violation) for violation in violations],
        # People named by a broken rule, so it can be worded without loading everyone.
        "names": {
            key: composition.people[key].name or composition.people[key].email
            for key in named
            if key in composition.people
        },
    }
    circles = [
        {
            "members": [composition.people[key].pk for key in result.members],
            "diversity": result.diversity,
            "mix": result.mix,
            "mixes": [asdict(mix) for mix in described.circles[index]],
        }
        for index, result in enumerate(solution.circles)
    ]
    return summary, circles


def proposal_summary_save(
    run: FormationRun, summary: dict[str, Any], circles: list[dict[str, Any]]
) -> None:
    """Store ``summary`` on the run and its circles' rows (replacing the previous ones)."""
    FormationRun.objects.filter(pk=run.pk).update(summary=summary)
    run.summary = summary
    ProposedCircleSummary.objects.filter(run=run).delete()
    ProposedCircleSummary.objects.bulk_create(
        (
            ProposedCircleSummary(run=run, index=index, data=data)
            for index, data in enumerate(circles)
        ),
        batch_size=1000,
    )


def circle_summaries_read(run: FormationRun, indexes: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored figures of the circles at ``indexes`` (one query)."""
    rows = ProposedCircleSummary.objects.filter(run=run, index__in=indexes)
    return dict(rows.values_list("index", "data"))


def mixes_of(circle: dict[str, Any]) -> list[AttributeMix]:
    return [AttributeMix(**mix) for mix in circle["mixes"]]


def overall_of(summary: dict[str, Any]) -> list[MixSummary]:
    return [MixSummary(**mix) for mix in summary["overall"]]


def violations_of(summary: dict[str, Any]) -> list[Violation]:
    """The stored violations (JSON turned tuples into lists; the dataclass wants tuples)."""
    tuples = ("people", "values", "circles")
    found = []
    for violation in summary["violations"]:
        fields: dict[str, Any] = {k: tuple(v) if k in tuples else v for k, v in violation.items()}
        found.append(Violation(**fields))
    return found
