"""Runs of the engine, as the worker executes them, and the recovery of runs whose worker died.

Steps of a run (:func:`formation_execute`, the body of the formation task):

1. claim it: a conditional UPDATE from queued to running (with ``started_at``), so a second
   delivery of the same task does nothing;
2. compose the programme's problem and run the engine, writing progress (stage + fraction, in
   the app's words) at most every ``PROGRESS_EVERY`` seconds;
3. a *proposal* run stores the proposal; a *queue* run creates its circles directly.

A run still queued or running long after it should have finished was lost with its worker:
:func:`runs_recover_stalled` queues it once more, or ends it as failed with a clear message.
This module queues no task itself (the tasks module calls it), so there is no import cycle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circlewise.circles.models import Circle
from circlewise.core.languages import language_name, offered_language
from circlewise.formation.composition import compose
from circlewise.formation.models import FormationKind, FormationRun, FormationStage, FormationStatus
from circlewise.formation.placing import circles_create
from circlewise.formation.selectors import unplaced_participants
from circlewise.formation.summary import proposal_summarise, proposal_summary_save
from circlewise.matching import InfeasibleError, MatchingError, Progress, form_circles
from circlewise.programmes.models import Participant, Programme
from circlewise.programmes.selectors import participants_ready
from circlewise.words import percent

__all__ = [
    "MAX_ATTEMPTS",
    "PROGRESS_EVERY",
    "QUEUED_STALLED_AFTER",
    "STALLED_AFTER",
    "RunOutcome",
    "default_time_limit",
    "formation_execute",
    "infeasible_words",
    "is_stalled",
    "run_fail",
    "runs_recover_stalled",
]

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes: the page polls once a second
STALLED_AFTER = 120  # seconds past its time limit after which a running run's worker is dead
QUEUED_STALLED_AFTER = 600  # seconds a run may wait for a worker before it is queued again
MAX_ATTEMPTS = 2  # a run whose worker died is tried once more, then given up


def default_time_limit(people: int) -> float:
    """Seconds for the engine: 2 s plus 1 s per hundred people, at most 8 s.

    The 300-person demo programme gets 5 s, so a run (worker pick-up, engine, page poll) stays
    well under 15 s; larger programmes get more time, still bounded.
    """
    return min(8.0, 2.0 + people / 100)


def ready_participants(programme: Programme) -> list[Participant]:
    return list(participants_ready(programme=programme))


class _Progress:
    """Engine progress callback that writes to the run at most every ``PROGRESS_EVERY`` s."""

    def __init__(self, run_id: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.run_id = run_id
        self.clock = clock
        self.last = -PROGRESS_EVERY

    def __call__(self, update: Progress) -> None:
        now = self.clock()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        FormationRun.objects.filter(pk=self.run_id, status=FormationStatus.RUNNING).update(
            stage=FormationStage.SEARCHING,
            progress=min(max(float(update.fraction), 0.0), 0.99),
            message=_(
                "Searching for the most diverse circles: %(ratio)s of the best possible so far"
            )
            % {"ratio": percent(update.ratio)},
        )


def run_fail(run_id: int, error: str, warnings: Sequence[str] = (), *, status=None) -> bool:
    """End a run as failed with ``error`` for the admin; with ``status``, only if the run is
    still in it (so a run that finished meanwhile is left alone). Returns whether it changed."""
    runs = FormationRun.objects.filter(pk=run_id)
    if status is not None:
        runs = runs.filter(status=status)
    return bool(
        runs.update(
            status=FormationStatus.FAILED,
            stage=FormationStage.DONE,
            error=error,
            warnings=list(warnings),
            message=_("Circles could not be formed"),
            finished_at=timezone.now(),
        )
    )


@dataclass
class RunOutcome:
    """What a run produced: the run, and the circles a queue run created (to welcome)."""

    run: FormationRun
    circles: list[Circle]


def formation_execute(*, run_id: int) -> RunOutcome | None:
    """Run the engine for a queued run (the task's body); ``None`` if another call has it.

    Infeasible rules end the run as failed, with the reason for the admin.
    """
    claimed = FormationRun.objects.filter(pk=run_id, status=FormationStatus.QUEUED).update(
        status=FormationStatus.RUNNING,
        stage=FormationStage.PREPARING,
        progress=0.0,
        message=FormationStage.PREPARING.label,
        started_at=timezone.now(),
    )
    if not claimed:
        return None
    run = FormationRun.objects.select_related("programme__organisation").get(pk=run_id)
    people = _people(run)
    by_key: dict[str, Participant] = {}
    try:
        composition = compose(run.programme, people, pins=run.pins)
        by_key = composition.people
        if not composition.people:
            run_fail(run_id, _("No one can be placed under these rules."), composition.warnings)
            return RunOutcome(FormationRun.objects.get(pk=run_id), [])
        solution = form_circles(
            composition.problem,
            time_limit=run.time_limit,
            seed=run.seed,
            progress=_Progress(run_id),
        )
    except InfeasibleError as error:
        run_fail(run_id, infeasible_words(error, by_key))
        return RunOutcome(FormationRun.objects.get(pk=run_id), [])
    except MatchingError:
        logger.exception("Formation run %s: the engine refused the problem", run_id)
        run_fail(run_id, _("The participants' answers could not be read; please try again."))
        return RunOutcome(FormationRun.objects.get(pk=run_id), [])
    except Exception:
        logger.exception("Formation run %s failed", run_id)
        run_fail(run_id, _("Something went wrong while forming circles; please try again."))
        raise
    groups = [[composition.people[key] for key in c.members] for c in solution.circles]
    done = {
        "stage": FormationStage.DONE,
        "warnings": composition.warnings,
        "objective": solution.objective,
        "upper_bound": solution.upper_bound,
        "progress": 1.0,
        "finished_at": timezone.now(),
    }
    circles: list[Circle] = []
    with transaction.atomic():
        if run.kind == FormationKind.QUEUE:
            circles = circles_create(
                programme=run.programme, groups=groups, results=solution.circles
            )
            done |= {
                "status": FormationStatus.PUBLISHED,
                "published_at": timezone.now(),
                "proposal": [[p.pk for p in group] for group in groups],
                "message": ngettext(
                    "%(count)d new circle: %(names)s",
                    "%(count)d new circles: %(names)s",
                    len(circles),
                )
                % {"count": len(circles), "names": ", ".join(circle.name for circle in circles)},
            }
        else:
            proposal = composition.participant_ids(c.members for c in solution.circles)
            proposal_summary_save(run, *proposal_summarise(composition, proposal))
            done |= {
                "status": FormationStatus.PROPOSED,
                "proposal": proposal,
                "message": ngettext(
                    "Proposal ready: %(count)d circle",
                    "Proposal ready: %(count)d circles",
                    len(solution.circles),
                )
                % {"count": len(solution.circles)},
            }
        FormationRun.objects.filter(pk=run_id, status=FormationStatus.RUNNING).update(**done)
    return RunOutcome(FormationRun.objects.get(pk=run_id), circles)


def _group(values: dict[str, object]) -> str:
    """ " (language German)" for the people a 'same' rule keeps together; "" for everyone."""
    words = {"meeting_window": _("meeting time"), "language": _("language")}
    named = {k: language_name(str(v)) if k == "language" else v for k, v in values.items()}
    parts = [f"{words.get(k, k.replace('_', ' '))} {v}" for k, v in named.items()]
    return _(" (%(group)s)") % {"group": ", ".join(parts)} if parts else ""


def infeasible_words(error: InfeasibleError, people: dict[str, Participant]) -> str:
    """Why the rules cannot all hold, in the admin's words (from the error's fields)."""

    def name(key: str) -> str:
        person = people.get(key)
        return (person.name or person.email) if person else key

    words = {
        "group": _group(error.group),
        "size": error.size,
        "min_size": error.min_size,
        "max_size": error.max_size,
        "circles": error.circles,
    }
    match error.reason:
        case "group_too_small":
            return (
                _(
                    "Only %(size)s participants%(group)s: fewer than the minimum circle size "
                    "of %(min_size)s. Add people, drop the rule that keeps them together, or lower "
                    "the minimum size."
                )
                % words
            )
        case "group_unsplittable":
            return (
                _(
                    "%(size)s participants%(group)s cannot be split into circles of %(min_size)s "
                    "to %(max_size)s. Widen the size range or drop the rule that keeps them "
                    "together."
                )
                % words
            )
        case "too_many_pinned_circles" | "pins_need_more_people":
            return (
                _(
                    "The circles you changed by hand%(group)s need more people than the %(size)s "
                    "there are. Undo some changes or lower the minimum size."
                )
                % words
            )
        case "separation_in_single_circle":
            first, second = map(name, error.people)
            return _(
                "The %(size)s participants%(group)s make a single circle, but %(first)s and "
                "%(second)s must not share a circle (same reporting line, or in a circle "
                "together before)."
            ) % {**words, "first": first, "second": second}
        case "separation_too_dense":
            return (
                _(
                    "No way was found to split the %(size)s participants%(group)s into %(circles)s "
                    "circles keeping apart everyone who must be. Lower the reporting-line depth or "
                    "widen the size range."
                )
                % words
            )
        case "pin_too_large":
            return (
                _(
                    "You put %(size)s people together by hand, more than the maximum circle size "
                    "of %(max_size)s."
                )
                % words
            )
        case "pin_across_groups":
            return _("You put people together by hand whom the programme's rules keep apart.")
        case "pin_separates":
            first, second = map(name, error.people)
            return _(
                "You put %(first)s and %(second)s together by hand, but they must not share a "
                "circle (same reporting line, or in a circle together before)."
            ) % {"first": first, "second": second}
        case _:
            return _("The programme's rules cannot all hold for these participants.")


def _people(run: FormationRun) -> list[Participant]:
    if run.kind == FormationKind.QUEUE:
        return unplaced_participants(programme=run.programme)
    return ready_participants(run.programme)


def run_language(run: FormationRun) -> str:
    """The language a run's messages are written in: that of the admin who started it (they
    are stored as text, and a worker has no request to take a language from)."""
    return offered_language(run.started_by.language if run.started_by else "")


def is_stalled(run: FormationRun, now: datetime | None = None) -> bool:
    """A run still running long after its time limit (its worker died), or still queued long
    after it was queued (no worker took it)."""
    now = now or timezone.now()
    if run.status == FormationStatus.RUNNING:
        # Runs started before started_at existed count from their creation.
        started = run.started_at or run.created_at
        return now > started + timedelta(seconds=run.time_limit + STALLED_AFTER)
    if run.status == FormationStatus.QUEUED:
        return now > run.queued_at + timedelta(seconds=QUEUED_STALLED_AFTER)
    return False


def runs_recover_stalled(*, now: datetime | None = None) -> list[int]:
    """Queue stalled runs once more, or fail those already tried ``MAX_ATTEMPTS`` times.

    Returns the ids of the runs queued again: the caller (a task) enqueues them. Each change is
    a conditional UPDATE on the status seen, so two workers recovering at once do not clash.
    """
    now = now or timezone.now()
    active = FormationRun.objects.filter(
        status__in=[FormationStatus.QUEUED, FormationStatus.RUNNING]
    )
    requeued = []
    for run in active.select_related("started_by"):
        if not is_stalled(run, now):
            continue
        with translation.override(run_language(run)):
            stopped = _(
                "The server stopped while forming these circles, twice. Nothing was lost: "
                "start forming again, and tell your administrator if it happens again."
            )
            restarted = _("The server restarted; forming again")
        if run.attempts + 1 >= MAX_ATTEMPTS:
            run_fail(run.pk, stopped, status=run.status)
            continue
        again = FormationRun.objects.filter(pk=run.pk, status=run.status).update(
            status=FormationStatus.QUEUED,
            stage=FormationStage.WAITING,
            progress=0.0,
            message=restarted,
            attempts=run.attempts + 1,
            queued_at=now,
            started_at=None,
        )
        if again:
            requeued.append(run.pk)
    return requeued
