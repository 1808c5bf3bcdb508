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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from circlewise.circles.models import Circle, CircleMember, CircleStatus
from circlewise.formation.composition import Composition, compose
from circlewise.formation.errors import EditRefused, FormationError
from circlewise.formation.models import FormationKind, FormationRun, FormationStatus
from circlewise.formation.placing import (
    circle_members,
    circle_name,
    circles_create,
    members_add,
    mergeable,
)
from circlewise.formation.runs import (
    STALLED_AFTER,
    default_time_limit,
    is_stalled,
    ready_participants,
    run_fail,
)
from circlewise.formation.selectors import unplaced_participants
from circlewise.formation.tasks import (
    circle_welcome_task,
    formation_run_task,
    formation_watch_schedule,
    merge_targets_task,
)
from circlewise.matching import (
    AttributeMix,
    CircleResult,
    MixSummary,
    Violation,
    check,
    describe,
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
        run_fail(busy.pk, "This run stopped before it finished; a new run was started.")
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
                "This programme's circles are already published: use late joiners instead."
            )
        date_problem = programme.start_date_problem()
        if date_problem:
            raise FormationError(f"{date_problem} Change it in the programme's settings first.")
        busy = _busy(programme, FormationKind.PROPOSAL)
        if busy is not None:
            return busy
        ready = len(ready_participants(programme))
        if ready < programme.min_size:
            raise FormationError(
                f"{ready} participant{'s have' if ready != 1 else ' has'} completed the intake: "
                f"at least {programme.min_size} are needed to form a circle."
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
            message="Waiting for a worker",
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
    result: CircleResult
    mixes: list[AttributeMix]
    problems: list[str] = field(default_factory=list)


@dataclass
class ProposalView:
    """A proposal as the admin sees it: circles with their mix, the score, who is not placed.

    ``diversity_ratio`` counts the diversified attributes alone (see
    :func:`circlewise.matching.describe`); ``ratio`` is the engine's figure, which an aligned
    preference lowers. ``violations`` are the hard rules the proposal breaks, if any.
    """

    circles: list[ProposedCircle]
    ratio: float
    objective: float
    upper_bound: float
    unplaced: list[Participant]
    overall: list[MixSummary]
    diversity_ratio: float
    violations: list[Violation]

    @property
    def people(self) -> int:
        return sum(len(circle.members) for circle in self.circles)


def _proposal_composition(run: FormationRun, pins: dict[str, str] | None = None) -> Composition:
    ids = [pk for group in run.proposal for pk in group]
    participants = Participant.objects.filter(programme=run.programme_id, pk__in=ids)
    return compose(
        run.programme, list(participants), pins=run.pins if pins is None else pins, leave_out=False
    )


def proposal_view(run: FormationRun) -> ProposalView:
    """Score and describe the run's proposal as it stands (after any manual edits)."""
    composition = _proposal_composition(run)
    groups = composition.problem_ids(run.proposal)
    solution = evaluate(composition.problem, groups)
    described = describe(composition.problem, groups)
    violations = check(composition.problem, groups)
    problems: dict[int, list[str]] = {}
    for violation in violations:
        problems.setdefault(violation.circle, []).append(_describe(violation, composition))
    # Only the ids of everyone ready are read, then the few not placed: loading every
    # participant again would double the cost of a large proposal.
    placed = {pk for group in run.proposal for pk in group}
    ready = participants_ready(run.programme).values_list("pk", flat=True)
    waiting = [pk for pk in ready if pk not in placed]
    unplaced = list(participants_ready(run.programme).filter(pk__in=waiting))
    return ProposalView(
        circles=[
            ProposedCircle(
                index=index,
                name=circle_name(index),
                members=[composition.people[key] for key in result.members],
                result=result,
                mixes=described.circles[index],
                problems=problems.get(index, []),
            )
            for index, result in enumerate(solution.circles)
        ],
        ratio=solution.ratio,
        objective=solution.objective,
        upper_bound=solution.upper_bound,
        unplaced=unplaced,
        overall=described.overall,
        diversity_ratio=described.diversity_ratio,
        violations=violations,
    )


ATTRIBUTE_WORDS = {"meeting_window": "weekly meeting times", "language": "languages"}


def _describe(violation: Violation, composition: Composition) -> str:
    """One broken rule in the admin's words: people by name, circles counted from 1."""

    def name(key: str) -> str:
        person = composition.people.get(key)
        return (person.name or person.email) if person else key

    circle = circle_name(violation.circle)
    match violation.rule:
        case "separate":
            first, second = map(name, violation.people)
            return (
                f"{first} and {second} must not share a circle (same reporting line, or in a "
                "circle together before)."
            )
        case "size":
            return (
                f"{circle} would have {violation.size} people; circles have "
                f"{violation.min_size} to {violation.max_size}."
            )
        case "same":
            words = ATTRIBUTE_WORDS.get(violation.attribute, violation.attribute.replace("_", " "))
            return f"{circle} would mix {words} ({', '.join(violation.values)})."
        case "pinned" if violation.circles:
            return "People you kept together by hand would be split over different circles."
        case "pinned":
            return f"{circle} would join people you placed in different circles by hand."
        case "placement" if violation.circles:
            return f"{name(violation.people[0])} would be in two circles."
        case "placement":
            return f"{name(violation.people[0])} would be in no circle."
        case _:
            return f"{name(violation.people[0])} is not a participant of this programme."


def _explain(violations: Sequence[Violation], composition: Composition) -> str:
    return " ".join(dict.fromkeys(_describe(v, composition) for v in violations))


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
    solution = evaluate(composition.problem, groups)
    run.proposal = circles
    run.pins = pins
    run.objective = solution.objective
    run.upper_bound = solution.upper_bound
    run.save(update_fields=["proposal", "pins", "objective", "upper_bound"])


def _editable(run: FormationRun) -> FormationRun:
    run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    if run.status != FormationStatus.PROPOSED:
        raise EditRefused(f"This proposal can no longer be changed ({run.get_status_display()}).")
    return run


def _circle_of(circles: list[list[int]], participant_id: int) -> int:
    for index, circle in enumerate(circles):
        if participant_id in circle:
            return index
    raise EditRefused("This person is not in the proposal.")


@transaction.atomic
def proposal_move(
    *, run: FormationRun, participant_id: int, to_circle: int, by: User
) -> FormationRun:
    """Move someone to another proposed circle, if every hard rule still holds."""
    run = _editable(run)
    circles = [list(circle) for circle in run.proposal]
    source = _circle_of(circles, participant_id)
    if not 0 <= to_circle < len(circles):
        raise EditRefused("There is no such circle in the proposal.")
    if to_circle == source:
        raise EditRefused("This person is already in that circle.")
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
        raise EditRefused("These two people are already in the same circle.")
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
        raise FormationError("This programme's circles are already published.")
    composition = _proposal_composition(run)
    groups = composition.problem_ids(run.proposal)
    violations = check(composition.problem, groups)
    if violations:
        raise FormationError(
            "The proposal breaks a rule and was not published: " + _explain(violations, composition)
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
        raise FormationError("This programme's circles are not published yet.")
    return programme


_OTHER_VALUE = {"meeting_window": "another weekly meeting time", "language": "another language"}


def _why_not_placed(obstacles: Sequence[Violation]) -> str:
    """“12 circles full, 5 with another weekly meeting time”: the rules that kept someone out."""
    counts: dict[str, int] = {}
    for obstacle in obstacles:
        if obstacle.rule == "size":
            words = "full"
        elif obstacle.rule == "same":
            attribute = obstacle.attribute.replace("_", " ")
            words = "with " + _OTHER_VALUE.get(obstacle.attribute, f"another {attribute}")
        elif obstacle.rule == "separate":
            words = "with someone from their reporting line or an earlier circle"
        else:
            words = "kept for people placed by hand"
        counts[words] = counts.get(words, 0) + 1
    return ", ".join(
        f"{count} circle{'' if count == 1 else 's'} {words}" for words, count in counts.items()
    )


def _place_refused(obstacle: Violation, circle: Circle, composition: Composition) -> str:
    """Why one person cannot join one circle, in the admin's words."""
    person = composition.people[obstacle.people[0]]
    name = person.name or person.email
    if obstacle.rule == "size":
        return f"{circle.name} is full ({obstacle.max_size} people)."
    if obstacle.rule == "same":
        words = ATTRIBUTE_WORDS.get(obstacle.attribute, obstacle.attribute.replace("_", " "))
        theirs, mine = obstacle.values
        return f"{circle.name} and {name} differ in {words}: {theirs} against {mine}."
    if obstacle.rule == "separate":
        other = composition.people[obstacle.people[1]]
        return (
            f"{other.name or other.email} is in {circle.name}, and {name} must not share a "
            "circle with them (same reporting line, or in a circle together before)."
        )
    return f"{circle.name} is kept for people placed there by hand."


@transaction.atomic
def late_joiners_place(*, programme: Programme, by: User) -> LateJoinResult:
    """Place everyone waiting in circles with room (best diversity gain, never breaking a hard
    rule); those who fit nowhere stay queued for a new circle, with the rules that kept them
    out. Each placed person is emailed (by the worker)."""
    programme = _published(programme)
    joiners = unplaced_participants(programme=programme)
    if not joiners:
        raise FormationError("No one is waiting for a circle.")
    circles = list(programme.circles.filter(status=CircleStatus.ACTIVE))
    members = circle_members(circles)
    participants = [member.participant for group in members for member in group] + joiners
    composition = compose(programme, participants, leave_out=False)
    existing = composition.problem_ids([[s.participant_id for s in group] for group in members])
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
        raise FormationError("This person is not waiting for a circle.")
    circle = (
        Circle.objects.select_for_update()
        .filter(pk=circle_id, programme=programme, status=CircleStatus.ACTIVE)
        .first()
    )
    if circle is None:
        raise FormationError("Choose one of this programme's circles.")
    members = circle_members([circle])[0]
    composition = compose(
        programme, [member.participant for member in members] + [participant], leave_out=False
    )
    if str(participant.email).strip().lower() not in composition.people:
        raise FormationError("This person's answers cannot be used to compose circles.")
    existing = composition.problem_ids([[member.participant_id for member in members]])
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
                f"{len(queued)} people are waiting: a new circle needs at least "
                f"{programme.min_size}."
            )
        run = FormationRun.objects.create(
            programme=programme,
            kind=FormationKind.QUEUE,
            started_by=by,
            seed=secrets.randbelow(2**31),
            time_limit=default_time_limit(len(queued)),
            message="Waiting for a worker",
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
        raise FormationError("Only two different circles of the same programme can be merged.")
    members, target_members = circle_members([source, target])
    if not mergeable(programme, members, target_members):
        raise FormationError(
            f"{source.name} cannot join {target.name} without breaking the size range or a rule."
        )
    CircleMember.objects.filter(pk__in=[s.pk for s in members]).update(left_at=timezone.now())
    members_add(circle=target, participants=[s.participant for s in members])
    source.status = CircleStatus.CLOSED
    source.save(update_fields=["status"])
    _after_placing(programme, [target])
    _record(programme, by, "circle.merge", f"Merged {source.name} into {target.name}.")
    return target
