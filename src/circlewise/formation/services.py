"""Forming a programme's circles: runs of the engine, the proposal, publishing, later changes.

Steps of a programme's life, each a service:

1. :func:`formation_start` creates a :class:`FormationRun` and queues it for the worker, which
   runs the engine (:func:`circlewise.formation.runs.formation_execute`) and stores the
   *proposal*.
2. :func:`proposal_move` / :func:`proposal_swap` edit the proposal; every edit is checked against
   the hard rules first and pins the circles it touches, so a re-run keeps them.
3. :func:`formation_publish` turns the proposal into circles (bulk inserts) and hands each
   circle's welcome email to the worker.
4. After launch: :func:`late_joiners_place`, :func:`queue_circles_start` (a run of the engine in
   the worker that creates new circles from the people waiting) and :func:`circle_merge`.
   Whenever programme circles change, the worker recomputes their merge targets.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.formation.composition import Composition, compose
from circlewise.formation.errors import EditRefused, FormationError
from circlewise.formation.models import (
    FormationKind,
    FormationRun,
    FormationStage,
    FormationStatus,
)
from circlewise.formation.placing import (
    circle_members,
    circle_name,
    circles_create,
    members_add,
    mergeable,
    participants_of,
)
from circlewise.formation.runs import (
    STALLED_AFTER,
    default_time_limit,
    is_stalled,
    ready_participants,
    run_fail,
)
from circlewise.formation.selectors import unplaced_participants
from circlewise.formation.summary import (
    circle_summaries_read,
    mixes_of,
    overall_of,
    proposal_summarise,
    proposal_summary_save,
    violations_of,
)
from circlewise.formation.tasks import (
    circle_welcome_task,
    formation_run_task,
    formation_watch_schedule,
    merge_targets_task,
)
from circlewise.matching import (
    AttributeMix,
    MixSummary,
    Violation,
    check,
    evaluate,
    joiner_obstacle,
    place_late_joiners,
)
from circlewise.organisations.services import activity_record
from circlewise.programmes.models import Participant, Programme, ProgrammeStatus
from circlewise.programmes.selectors import participants_ready

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "LateJoinResult",
    "ProposalView",
    "circle_merge",
    "formation_publish",
    "formation_start",
    "late_joiner_place",
    "late_joiners_place",
    "proposal_circles",
    "proposal_move",
    "proposal_swap",
    "proposal_view",
    "queue_circles_start",
]


# --- 1. Runs ----------------------------------------------------------------------------------


def _record(programme: Programme, by: User | None, action: str, summary: str) -> None:
    """Write the change to the organisation's activity log (who did what)."""
    activity_record(organisation=programme.organisation, by=by, action=action, summary=summary)


def _queue(run: FormationRun) -> None:
    """After commit: hand the run to the worker, and a watch for when it should be long done."""
    transaction.on_commit(lambda: formation_run_task.enqueue(run.pk))
    formation_watch_schedule(after=run.time_limit + STALLED_AFTER + 5)


def _busy(programme: Programme, kind: str) -> FormationRun | None:
    """The programme's run of ``kind`` still queued or running; a stalled one is failed."""
    busy = programme.formation_runs.filter(
        kind=kind, status__in=[FormationStatus.QUEUED, FormationStatus.RUNNING]
    ).first()
    if busy is not None and is_stalled(busy):
        run_fail(busy.pk, _("This run stopped before it finished; a new run was started."))
        return None
    return busy


def formation_start(
    *, programme: Programme, by: User | None, time_limit: float | None = None
) -> FormationRun:
    """Queue a run of the engine for the programme's ready participants.

    A run already queued or running is returned as is (starting twice does not run twice),
    unless it has stalled (its worker died), in which case it is marked failed.
    Manual pins of the latest proposal carry over to the new run.
    """
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status in (ProgrammeStatus.PUBLISHED, ProgrammeStatus.CLOSED):
            raise FormationError(
                _("This programme's circles are already published: use late joiners instead.")
            )
        date_problem = programme.start_date_problem()
        if date_problem:
            raise FormationError(
                _("%(date_problem)s Change it in the programme's settings first.")
                % {"date_problem": date_problem}
            )
        busy = _busy(programme, FormationKind.PROPOSAL)
        if busy is not None:
            return busy
        ready = len(ready_participants(programme))
        if ready < programme.min_size:
            raise FormationError(
                ngettext(
                    "%(count)d participant has completed the intake: at least %(min_size)d are "
                    "needed to form a circle.",
                    "%(count)d participants have completed the intake: at least %(min_size)d are "
                    "needed to form a circle.",
                    ready,
                )
                % {"count": ready, "min_size": programme.min_size}
            )
        previous = programme.formation_runs.filter(
            kind=FormationKind.PROPOSAL, status=FormationStatus.PROPOSED
        ).first()
        run = FormationRun.objects.create(
            programme=programme,
            started_by=by,
            seed=secrets.randbelow(2**31),
            time_limit=time_limit or default_time_limit(ready),
            pins=previous.pins if previous else {},
            message=str(FormationStage.WAITING.label),  # text now, in the admin's language
        )
        _queue(run)
        _record(programme, by, "formation.start", f"Started forming circles for {programme.name}.")
    return run


# --- 2. The proposal --------------------------------------------------------------------------


@dataclass
class ProposedCircle:
    """One proposed circle: its name (kept when published), members, scores and mix."""

    index: int
    name: str
    members: list[Participant]
    diversity: float
    mix: dict[str, dict[str, int | float]]
    mixes: list[AttributeMix]
    problems: list[str] = field(default_factory=list)


@dataclass
class ProposalView:
    """A proposal as the admin sees it: the score, each attribute's mix, who is not placed.

    Read from the summary stored on the run (see :mod:`circlewise.formation.summary`); the
    circles themselves are read a page at a time with :func:`proposal_circles`.
    ``diversity_ratio`` counts the diversified attributes alone (see
    :func:`circlewise.matching.describe`); ``ratio`` is the engine's figure, which an aligned
    preference lowers. ``violations`` are the hard rules the proposal breaks, if any.
    """

    circle_count: int
    people: int
    ratio: float
    objective: float
    upper_bound: float
    unplaced: list[Participant]
    overall: list[MixSummary]
    diversity_ratio: float
    violations: list[Violation]
    names: dict[str, str]
    computed: list[dict] | None = None  # the circles' figures, when not stored (older runs)


def _proposal_composition(run: FormationRun, pins: dict[str, str] | None = None) -> Composition:
    ids = [pk for group in run.proposal for pk in group]
    participants = Participant.objects.filter(programme=run.programme_id, pk__in=ids)
    return compose(
        run.programme, list(participants), pins=run.pins if pins is None else pins, leave_out=False
    )


def _summary(run: FormationRun) -> tuple[dict, list[dict] | None]:
    """The run's stored summary, and its circles' figures if they had to be computed: a run
    finished before summaries were stored is scored here (and not saved: a GET changes
    nothing)."""
    if run.summary:
        return run.summary, None
    return proposal_summarise(_proposal_composition(run), run.proposal)


def proposal_view(run: FormationRun) -> ProposalView:
    """The run's proposal as it stands (after any manual edits), from its stored summary."""
    summary, computed = _summary(run)
    # Only the ids of everyone ready are read, then the few not placed: loading every
    # participant would cost far more.
    placed = {pk for group in run.proposal for pk in group}
    ready = participants_ready(programme=run.programme).values_list("pk", flat=True)
    waiting = [pk for pk in ready if pk not in placed]
    unplaced = list(participants_ready(programme=run.programme).filter(pk__in=waiting))
    return ProposalView(
        circle_count=summary["circles"],
        people=summary["people"],
        ratio=summary["ratio"],
        objective=summary["objective"],
        upper_bound=summary["upper_bound"],
        unplaced=unplaced,
        overall=overall_of(summary),
        diversity_ratio=summary["diversity_ratio"],
        violations=violations_of(summary),
        names=summary["names"],
        computed=computed,
    )


def proposal_circles(
    run: FormationRun, view: ProposalView, indexes: Sequence[int]
) -> list[ProposedCircle]:
    """The proposed circles at ``indexes`` with their members: two queries for any number of
    circles in the proposal."""
    if view.computed is None:
        stored = circle_summaries_read(run, indexes)
    else:
        stored = {index: view.computed[index] for index in indexes}
    ids = [pk for index in indexes for pk in stored[index]["members"]]
    people = Participant.objects.filter(programme=run.programme_id).in_bulk(ids)
    problems: dict[int, list[str]] = {}
    for violation in view.violations:
        problems.setdefault(violation.circle, []).append(
            _describe(violation, lambda key: view.names.get(key, key))
        )
    return [
        ProposedCircle(
            index=index,
            name=circle_name(index),
            members=[people[pk] for pk in stored[index]["members"] if pk in people],
            diversity=stored[index]["diversity"],
            mix=stored[index]["mix"],
            mixes=mixes_of(stored[index]),
            problems=problems.get(index, []),
        )
        for index in indexes
    ]


ATTRIBUTE_WORDS = {
    "meeting_window": gettext_lazy("weekly meeting times"),
    "language": gettext_lazy("languages"),
}


def _describe(violation: Violation, name: Callable[[str], str]) -> str:
    """One broken rule in the admin's words: people by ``name``, circles counted from 1."""
    circle = circle_name(violation.circle)
    match violation.rule:
        case "separate":
            first, second = map(name, violation.people)
            return _(
                "%(first)s and %(second)s must not share a circle (same reporting "
                "line, or in a circle together before)."
            ) % {"first": first, "second": second}
        case "size":
            return _(
                "%(circle)s would have %(size)s people; circles have %(min_size)s to %(max_size)s."
            ) % {
                "circle": circle,
                "size": violation.size,
                "min_size": violation.min_size,
                "max_size": violation.max_size,
            }
        case "same":
            words = ATTRIBUTE_WORDS.get(violation.attribute, violation.attribute.replace("_", " "))
            return _("%(circle)s would mix %(words)s (%(values)s).") % {
                "circle": circle,
                "words": words,
                "values": ", ".join(violation.values),
            }
        case "pinned" if violation.circles:
            return _("People you kept together by hand would be split over different circles.")
        case "pinned":
            return _("%(circle)s would join people you placed in different circles by hand.") % {
                "circle": circle
            }
        case "placement" if violation.circles:
            return _("%(name)s would be in two circles.") % {"name": name(violation.people[0])}
        case "placement":
            return _("%(name)s would be in no circle.") % {"name": name(violation.people[0])}
        case _:
            return _("%(name)s is not a participant of this programme.") % {
                "name": name(violation.people[0])
            }


def _explain(violations: Sequence[Violation], composition: Composition) -> str:
    def name(key: str) -> str:
        person = composition.people.get(key)
        return (person.name or person.email) if person else key

    return " ".join(dict.fromkeys(_describe(v, name) for v in violations))


def _pin(pins: dict[str, str], circle: Sequence[int]) -> None:
    """Pin everyone in ``circle`` together, under the key one of them already has, if any."""
    key = next((pins[str(pk)] for pk in circle if str(pk) in pins), None)
    key = key or f"manual-{secrets.token_hex(4)}"
    for pk in circle:
        pins[str(pk)] = key


def _apply_edit(run: FormationRun, circles: list[list[int]], touched: Sequence[int]) -> None:
    """Check an edited grouping against every hard rule; save it with new pins, or refuse."""
    pins = dict(run.pins)
    for index in touched:
        for pk in circles[index]:
            pins.pop(str(pk), None)
    for index in touched:
        _pin(pins, circles[index])
    composition = _proposal_composition(run, pins)
    groups = composition.problem_ids(circles)
    violations = check(composition.problem, groups)
    if violations:
        raise EditRefused(_explain(violations, composition))
    run.proposal = circles
    run.pins = pins
    proposal_summary_save(run, *proposal_summarise(composition, circles))
    run.objective = run.summary["objective"]
    run.upper_bound = run.summary["upper_bound"]
    run.save(update_fields=["proposal", "pins", "objective", "upper_bound"])


def _editable(run: FormationRun) -> FormationRun:
    run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    if run.status != FormationStatus.PROPOSED:
        raise EditRefused(
            _("This proposal can no longer be changed (%(status)s).")
            % {"status": run.get_status_display()}
        )
    return run


def _circle_of(circles: list[list[int]], participant_id: int) -> int:
    for index, circle in enumerate(circles):
        if participant_id in circle:
            return index
    raise EditRefused(_("This person is not in the proposal."))


@transaction.atomic
def proposal_move(
    *, run: FormationRun, participant_id: int, to_circle: int, by: User
) -> FormationRun:
    """Move someone to another proposed circle, if every hard rule still holds."""
    run = _editable(run)
    circles = [list(circle) for circle in run.proposal]
    source = _circle_of(circles, participant_id)
    if not 0 <= to_circle < len(circles):
        raise EditRefused(_("There is no such circle in the proposal."))
    if to_circle == source:
        raise EditRefused(_("This person is already in that circle."))
    circles[source].remove(participant_id)
    circles[to_circle].append(participant_id)
    _apply_edit(run, circles, [to_circle])
    _record(
        run.programme,
        by,
        "proposal.move",
        f"Moved a participant to circle {to_circle + 1} of the {run.programme.name} proposal.",
    )
    return run


@transaction.atomic
def proposal_swap(*, run: FormationRun, first_id: int, second_id: int, by: User) -> FormationRun:
    """Swap two people between proposed circles, if every hard rule still holds."""
    run = _editable(run)
    circles = [list(circle) for circle in run.proposal]
    first, second = _circle_of(circles, first_id), _circle_of(circles, second_id)
    if first == second:
        raise EditRefused(_("These two people are already in the same circle."))
    circles[first][circles[first].index(first_id)] = second_id
    circles[second][circles[second].index(second_id)] = first_id
    _apply_edit(run, circles, [first, second])
    _record(
        run.programme,
        by,
        "proposal.swap",
        f"Swapped two participants between circles {first + 1} and {second + 1} of the "
        f"{run.programme.name} proposal.",
    )
    return run


# --- 3. Publishing ----------------------------------------------------------------------------


def _after_placing(programme: Programme, circles: Sequence[Circle]) -> None:
    """After commit, the worker welcomes the new members and recomputes merge targets."""
    ids = [circle.pk for circle in circles]
    programme_id = programme.pk

    def queue() -> None:
        for circle_id in ids:
            circle_welcome_task.enqueue(circle_id)
        merge_targets_task.enqueue(programme_id)

    transaction.on_commit(queue)


@transaction.atomic
def formation_publish(*, run: FormationRun, by: User) -> list[Circle]:
    """Create the proposal's circles, mark the programme published; the worker emails everyone.

    The proposal is checked against the hard rules once more (participants' answers may have
    changed since it was formed); if any rule breaks, nothing is published. Circles and members
    are written in bulk, so the request takes the same few queries for 300 or 10,000 people.
    """
    run = _editable(run)
    programme = Programme.objects.select_for_update().get(pk=run.programme_id)
    if programme.status == ProgrammeStatus.PUBLISHED or programme.circles.exists():
        raise FormationError(_("This programme's circles are already published."))
    composition = _proposal_composition(run)
    groups = composition.problem_ids(run.proposal)
    violations = check(composition.problem, groups)
    if violations:
        raise FormationError(
            _("The proposal breaks a rule and was not published: %(rules)s")
            % {"rules": _explain(violations, composition)}
        )
    solution = evaluate(composition.problem, groups)
    circles = circles_create(
        programme=programme,
        groups=[[composition.people[key] for key in c.members] for c in solution.circles],
        results=solution.circles,
    )
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save(update_fields=["status"])
    run.status = FormationStatus.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    _after_placing(programme, circles)
    _record(
        programme, by, "formation.publish", f"Published {len(circles)} circles of {programme.name}."
    )
    return circles


# --- 4. After launch --------------------------------------------------------------------------


@dataclass
class LateJoinResult:
    """Who went where, who still waits, and for each of those (by participant pk) why."""

    placed: dict[Circle, list[Participant]]
    queued: list[Participant]
    reasons: dict[int, str] = field(default_factory=dict)


def _published(programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise FormationError(_("This programme's circles are not published yet."))
    return programme


def _why_not_placed(obstacles: Sequence[Violation]) -> str:
    """“12 circles full, 5 with another weekly meeting time”: the rules that kept someone out."""
    counts: dict[tuple[str, str], int] = {}
    for obstacle in obstacles:
        key = (obstacle.rule, obstacle.attribute if obstacle.rule == "same" else "")
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(
        _circles_that(rule, attribute, count) for (rule, attribute), count in counts.items()
    )


def _circles_that(rule: str, attribute: str, count: int) -> str:
    """“5 circles with another language”: how many circles a rule closed to someone."""
    values = {"count": count, "attribute": attribute.replace("_", " ")}
    if rule == "size":
        return ngettext("%(count)d circle full", "%(count)d circles full", count) % values
    if rule == "same" and attribute == "meeting_window":
        return (
            ngettext(
                "%(count)d circle with another weekly meeting time",
                "%(count)d circles with another weekly meeting time",
                count,
            )
            % values
        )
    if rule == "same" and attribute == "language":
        return (
            ngettext(
                "%(count)d circle with another language",
                "%(count)d circles with another language",
                count,
            )
            % values
        )
    if rule == "same":
        return (
            ngettext(
                "%(count)d circle with another %(attribute)s",
                "%(count)d circles with another %(attribute)s",
                count,
            )
            % values
        )
    if rule == "separate":
        return (
            ngettext(
                "%(count)d circle with someone from their reporting line or an earlier circle",
                "%(count)d circles with someone from their reporting line or an earlier circle",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(count)d circle kept for people placed by hand",
            "%(count)d circles kept for people placed by hand",
            count,
        )
        % values
    )


def _place_refused(obstacle: Violation, circle: Circle, composition: Composition) -> str:
    """Why one person cannot join one circle, in the admin's words."""
    person = composition.people[obstacle.people[0]]
    name = person.name or person.email
    if obstacle.rule == "size":
        return _("%(circle)s is full (%(max_size)s people).") % {
            "circle": circle.name,
            "max_size": obstacle.max_size,
        }
    if obstacle.rule == "same":
        words = ATTRIBUTE_WORDS.get(obstacle.attribute, obstacle.attribute.replace("_", " "))
        theirs, mine = obstacle.values
        return _("%(circle)s and %(name)s differ in %(words)s: %(theirs)s against %(mine)s.") % {
            "circle": circle.name,
            "name": name,
            "words": words,
            "theirs": theirs,
            "mine": mine,
        }
    if obstacle.rule == "separate":
        other = composition.people[obstacle.people[1]]
        return _(
            "%(other)s is in %(circle)s, and %(name)s must not share a circle with them (same "
            "reporting line, or in a circle together before)."
        ) % {"other": other.name or other.email, "circle": circle.name, "name": name}
    return _("%(circle)s is kept for people placed there by hand.") % {"circle": circle.name}


@transaction.atomic
def late_joiners_place(*, programme: Programme, by: User) -> LateJoinResult:
    """Place everyone waiting in circles with room (best diversity gain, never breaking a hard
    rule); those who fit nowhere stay queued for a new circle, with the rules that kept them
    out. Each placed person is emailed (by the worker)."""
    programme = _published(programme)
    joiners = unplaced_participants(programme=programme)
    if not joiners:
        raise FormationError(_("No one is waiting for a circle."))
    circles = list(programme.circles.filter(status=CircleStatus.ACTIVE))
    members = circle_members(circles)
    participants = [p for group in members for p in participants_of(group)] + joiners
    composition = compose(programme, participants, leave_out=False)
    existing = composition.problem_ids(
        [[p.pk for p in participants_of(group)] for group in members]
    )
    joiner_ids = composition.problem_ids([[p.pk for p in joiners]])[0]
    placement = place_late_joiners(composition.problem, existing, joiner_ids)
    placed: dict[Circle, list[Participant]] = {}
    for circle, before, after in zip(circles, existing, placement.circles, strict=True):
        new = [composition.people[key] for key in after if key not in before]
        if new:
            members_add(circle=circle, participants=new)
            placed[circle] = new
    _after_placing(programme, list(placed))
    count = sum(len(people) for people in placed.values())
    _record(
        programme, by, "late_joiners.place", f"Placed {count} late joiners in {programme.name}."
    )
    return LateJoinResult(
        placed=placed,
        queued=[composition.people[k] for k in placement.queued],
        reasons={
            composition.people[key].pk: _why_not_placed(placement.reasons.get(key, []))
            for key in placement.queued
        },
    )


@transaction.atomic
def late_joiner_place(
    *, programme: Programme, participant_id: int, circle_id: int, by: User
) -> Circle:
    """Place one waiting person in a circle the admin chose, if every hard rule still holds
    (like a proposal move); the newcomer is emailed by the worker."""
    programme = _published(programme)
    waiting = {p.pk: p for p in unplaced_participants(programme=programme)}
    participant = waiting.get(participant_id)
    if participant is None:
        raise FormationError(_("This person is not waiting for a circle."))
    circle = (
        Circle.objects.select_for_update()
        .filter(pk=circle_id, programme=programme, status=CircleStatus.ACTIVE)
        .first()
    )
    if circle is None:
        raise FormationError(_("Choose one of this programme's circles."))
    members = circle_members([circle])[0]
    composition = compose(programme, [*participants_of(members), participant], leave_out=False)
    if str(participant.email).strip().lower() not in composition.people:
        raise FormationError(_("This person's answers cannot be used to compose circles."))
    existing = composition.problem_ids([[p.pk for p in participants_of(members)]])
    joiner = composition.problem_ids([[participant.pk]])[0][0]
    obstacle = joiner_obstacle(composition.problem, existing, joiner, 0)
    if obstacle is not None:
        raise EditRefused(_place_refused(obstacle, circle, composition))
    members_add(circle=circle, participants=[participant])
    _after_placing(programme, [circle])
    _record(
        programme,
        by,
        "late_joiners.place",
        f"Placed {participant.email} in {circle.name} ({programme.name}).",
    )
    return circle


def queue_circles_start(*, programme: Programme, by: User) -> FormationRun:
    """Queue a run that forms new circles from the people waiting for one (at least the
    minimum size); the worker runs the engine and creates the circles."""
    with transaction.atomic():
        programme = _published(programme)
        busy = _busy(programme, FormationKind.QUEUE)
        if busy is not None:
            return busy
        queued = unplaced_participants(programme=programme)
        if len(queued) < programme.min_size:
            raise FormationError(
                ngettext(
                    "%(count)d person is waiting: a new circle needs at least %(min_size)d.",
                    "%(count)d people are waiting: a new circle needs at least %(min_size)d.",
                    len(queued),
                )
                % {"count": len(queued), "min_size": programme.min_size}
            )
        run = FormationRun.objects.create(
            programme=programme,
            kind=FormationKind.QUEUE,
            started_by=by,
            seed=secrets.randbelow(2**31),
            time_limit=default_time_limit(len(queued)),
            message=str(FormationStage.WAITING.label),  # text now, in the admin's language
        )
        _queue(run)
        _record(
            programme,
            by,
            "queue.start",
            f"Started forming new circles from the {programme.name} queue.",
        )
    return run


@transaction.atomic
def circle_merge(*, source: Circle, target: Circle, by: User) -> Circle:
    """Move every member of a small circle into ``target`` and close the small one."""
    programme = source.programme
    if programme is None or target.programme_id != programme.pk or source.pk == target.pk:
        raise FormationError(_("Only two different circles of the same programme can be merged."))
    members, target_members = circle_members([source, target])
    if not mergeable(programme, members, target_members):
        raise FormationError(
            _("%(source)s cannot join %(target)s without breaking the size range or a rule.")
            % {"source": source.name, "target": target.name}
        )
    CircleMember.objects.filter(pk__in=[s.pk for s in members]).update(left_at=timezone.now())
    members_add(circle=target, participants=participants_of(members))
    source.status = CircleStatus.CLOSED
    source.save(update_fields=["status"])
    _after_placing(programme, [target])
    _record(programme, by, "circle.merge", f"Merged {source.name} into {target.name}.")
    return target
