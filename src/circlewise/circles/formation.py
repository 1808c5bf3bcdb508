"""Forming a programme's circles: runs of the engine, the proposal, publishing, later changes.

Steps of a programme's life, each a service:

1. :func:`formation_start` creates a :class:`FormationRun` and queues the background task;
   :func:`formation_execute` (the task's body) runs the engine and stores the *proposal*.
2. :func:`proposal_move` / :func:`proposal_swap` edit the proposal; every edit is checked against
   the hard rules first and pins the circles it touches, so a re-run keeps them.
3. :func:`formation_publish` turns the proposal into circles and tells each member.
4. After launch: :func:`late_joiners_place`, :func:`queue_form_circles` and :func:`circle_merge`.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circlewise.circles.composition import Composition, compose
from circlewise.circles.errors import EditRefused, FormationError
from circlewise.circles.models import (
    Circle,
    CircleMember,
    CircleStatus,
    FormationRun,
    FormationStatus,
)
from circlewise.core.mail import absolute_url, send_templated
from circlewise.matching import (
    CircleResult,
    MatchingError,
    Violation,
    check,
    evaluate,
    form_circles,
    place_late_joiners,
)
from circlewise.programmes.models import Participant, Programme, ProgrammeStatus

if TYPE_CHECKING:
    from circlewise.accounts.models import User

__all__ = [
    "CIRCLE_NAMES",
    "ProposalView",
    "circle_merge",
    "default_time_limit",
    "formation_execute",
    "formation_publish",
    "formation_start",
    "late_joiners_place",
    "merge_suggestions",
    "proposal_move",
    "proposal_swap",
    "proposal_view",
    "queue_form_circles",
]

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes: the page polls once a second
STALLED_AFTER = 120  # seconds past its time limit after which a running run is given up
CIRCLE_NAMES = (
    "Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Juniper", "Larch", "Linden", "Maple",
    "Oak", "Olive", "Pine", "Rowan", "Spruce", "Willow", "Yew", "Ash", "Beech", "Cherry",
    "Chestnut", "Cypress", "Holly", "Laurel", "Magnolia", "Poplar",
)  # fmt: skip


def default_time_limit(people: int) -> float:
    """Seconds for the engine: 2 s plus 1 s per hundred people, at most 8 s.

    The 300-person demo programme gets 5 s, so a run (worker pick-up, engine, page poll) stays
    well under 15 s; larger programmes get more time, still bounded.
    """
    return min(8.0, 2.0 + people / 100)


# --- 1. Runs ----------------------------------------------------------------------------------


def _ready(programme: Programme) -> list[Participant]:
    from circlewise.programmes.selectors import participants_ready

    return list(participants_ready(programme))


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
        busy = programme.formation_runs.filter(
            status__in=[FormationStatus.QUEUED, FormationStatus.RUNNING]
        ).first()
        if busy is not None and not _stalled(busy):
            return busy
        if busy is not None:
            _fail(busy.pk, "This run stopped before it finished; a new run was started.")
        ready = len(_ready(programme))
        if ready < programme.min_size:
            raise FormationError(
                f"{ready} participant{'s have' if ready != 1 else ' has'} completed the intake: "
                f"at least {programme.min_size} are needed to form a circle."
            )
        previous = programme.formation_runs.filter(status=FormationStatus.PROPOSED).first()
        run = FormationRun.objects.create(
            programme=programme,
            started_by=by,
            seed=secrets.randbelow(2**31),
            time_limit=time_limit or default_time_limit(ready),
            pins=previous.pins if previous else {},
            message="Waiting for a worker",
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _stalled(run: FormationRun) -> bool:
    """A run still marked running long after its time limit: its worker died."""
    deadline = run.created_at + timedelta(seconds=run.time_limit + STALLED_AFTER)
    return run.status == FormationStatus.RUNNING and timezone.now() > deadline


def _enqueue(run_id: int) -> None:
    from circlewise.circles.tasks import form_circles_task

    form_circles_task.enqueue(run_id)


class _Progress:
    """Engine progress callback that writes to the run at most every ``PROGRESS_EVERY`` s."""

    def __init__(self, run_id: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.run_id = run_id
        self.clock = clock
        self.last = -PROGRESS_EVERY

    def __call__(self, fraction: float, message: str) -> None:
        now = self.clock()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        FormationRun.objects.filter(pk=self.run_id, status=FormationStatus.RUNNING).update(
            progress=min(max(float(fraction), 0.0), 0.99), message=message[:300]
        )


def _fail(run_id: int, error: str, warnings: Sequence[str] = ()) -> None:
    FormationRun.objects.filter(pk=run_id).update(
        status=FormationStatus.FAILED,
        error=error,
        warnings=list(warnings),
        message="Circles could not be formed",
        finished_at=timezone.now(),
    )


def formation_execute(*, run_id: int) -> FormationRun | None:
    """Run the engine for a queued run and store its proposal (the task's body).

    Safe to run twice: only the call that moves the run from queued to running does the work.
    Infeasible rules end the run as failed, with the engine's message for the admin.
    """
    claimed = FormationRun.objects.filter(pk=run_id, status=FormationStatus.QUEUED).update(
        status=FormationStatus.RUNNING, progress=0.0, message="Preparing the participants"
    )
    if not claimed:
        return None
    run = FormationRun.objects.select_related("programme__organisation").get(pk=run_id)
    try:
        composition = compose(run.programme, _ready(run.programme), pins=run.pins)
        if not composition.people:
            _fail(run_id, "No one can be placed under these rules.", composition.warnings)
            return FormationRun.objects.get(pk=run_id)
        solution = form_circles(
            composition.problem,
            time_limit=run.time_limit,
            seed=run.seed,
            progress=_Progress(run_id),
        )
    except MatchingError as error:
        _fail(run_id, str(error))
        return FormationRun.objects.get(pk=run_id)
    except Exception:
        logger.exception("Formation run %s failed", run_id)
        _fail(run_id, "Something went wrong while forming circles; please try again.")
        raise
    FormationRun.objects.filter(pk=run_id).update(
        status=FormationStatus.PROPOSED,
        proposal=composition.to_pks(circle.members for circle in solution.circles),
        warnings=composition.warnings,
        objective=solution.objective,
        upper_bound=solution.upper_bound,
        progress=1.0,
        message=f"Proposal ready: {len(solution.circles)} circles",
        finished_at=timezone.now(),
    )
    return FormationRun.objects.get(pk=run_id)


# --- 2. The proposal --------------------------------------------------------------------------


@dataclass
class ProposedCircle:
    index: int
    members: list[Participant]
    result: CircleResult
    problems: list[str] = field(default_factory=list)


@dataclass
class ProposalView:
    """A proposal as the admin sees it: circles with their mix, the score, who is not placed."""

    circles: list[ProposedCircle]
    ratio: float
    objective: float
    upper_bound: float
    unplaced: list[Participant]
    attributes: list[str]


def _proposal_composition(run: FormationRun, pins: dict[str, str] | None = None) -> Composition:
    ids = [pk for group in run.proposal for pk in group]
    participants = Participant.objects.filter(programme=run.programme_id, pk__in=ids)
    return compose(
        run.programme, list(participants), pins=run.pins if pins is None else pins, leave_out=False
    )


def proposal_view(run: FormationRun) -> ProposalView:
    """Score the run's proposal as it stands (after any manual edits)."""
    composition = _proposal_composition(run)
    groups = composition.to_ids(run.proposal)
    solution = evaluate(composition.problem, groups)
    problems: dict[int, list[str]] = {}
    for violation in check(composition.problem, groups):
        problems.setdefault(violation.circle, []).append(violation.message)
    placed = {pk for group in run.proposal for pk in group}
    unplaced = [p for p in _ready(run.programme) if p.pk not in placed]
    return ProposalView(
        circles=[
            ProposedCircle(
                index=index,
                members=[composition.people[key] for key in result.members],
                result=result,
                problems=problems.get(index, []),
            )
            for index, result in enumerate(solution.circles)
        ],
        ratio=solution.ratio,
        objective=solution.objective,
        upper_bound=solution.upper_bound,
        unplaced=unplaced,
        attributes=[attribute.name for attribute in composition.problem.attributes],
    )


def _explain(violations: Sequence[Violation], composition: Composition) -> str:
    """The engine's violations in the admin's terms: people by name, circles counted from 1."""

    def name(key: str) -> str:
        person = composition.people.get(key)
        return (person.name or person.email) if person else key

    lines = []
    for violation in violations:
        if violation.rule == "separate" and len(violation.people) == 2:
            first, second = map(name, violation.people)
            lines.append(
                f"{first} and {second} must not share a circle (same reporting line, or in a "
                "circle together before)."
            )
        else:
            text = re.sub(
                r"circle (\d+)", lambda m: f"Circle {int(m.group(1)) + 1}", violation.message
            )
            lines.append(text[:1].upper() + text[1:] + ".")
    return " ".join(dict.fromkeys(lines))


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
    groups = composition.to_ids(circles)
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
    return run


# --- 3. Publishing ----------------------------------------------------------------------------


def _circle_name(number: int) -> str:
    """Friendly names: "Alder circle", ..., then "Alder circle 2" once the list runs out."""
    tree = CIRCLE_NAMES[number % len(CIRCLE_NAMES)]
    round_ = number // len(CIRCLE_NAMES)
    return f"{tree} circle" + (f" {round_ + 1}" if round_ else "")


def _users_by_email(participants: Sequence[Participant]) -> dict[str, User]:
    """Logins of participants not linked to one yet (they may have signed up since)."""
    from circlewise.accounts.models import User

    emails = [p.email.lower() for p in participants if p.user_id is None]
    return {user.email.lower(): user for user in User.objects.filter(email__in=emails)}


def _create_circles(
    programme: Programme, groups: Sequence[Sequence[Participant]], results: Sequence[CircleResult]
) -> list[Circle]:
    """Create programme circles with their members; email each member after commit."""
    users = _users_by_email([p for group in groups for p in group])
    start = programme.circles.count()
    circles = []
    for offset, (group, result) in enumerate(zip(groups, results, strict=True)):
        language = result.same_values.get("language")
        circle = Circle.objects.create(
            organisation=programme.organisation,
            programme=programme,
            name=_circle_name(start + offset),
            topic=programme.name,
            language=str(language) if language else "",
            format=programme.format,
            max_size=programme.max_size,
        )
        CircleMember.objects.bulk_create(
            CircleMember(
                circle=circle,
                participant=p,
                user=p.user or users.get(p.email.lower()),
                email=p.email,
            )
            for p in group
        )
        circles.append(circle)
        _welcome(circle, group, meeting=result.same_values.get("meeting_window"))
    return circles


def _welcome(circle: Circle, group: Sequence[Participant], meeting: object = None) -> None:
    context = {
        "circle": circle,
        "programme": circle.programme,
        "members": [p.name or p.email for p in group],
        "meeting_window": meeting,
        "url": absolute_url(reverse("circles:detail", args=[circle.organisation.slug, circle.pk])),
    }
    to = [p.email for p in group]
    transaction.on_commit(lambda: send_templated(template="circle_welcome", to=to, context=context))


@transaction.atomic
def formation_publish(*, run: FormationRun, by: User) -> list[Circle]:
    """Create the proposal's circles, mark the programme published and email every member.

    The proposal is checked against the hard rules once more (participants' answers may have
    changed since it was formed); if any rule breaks, nothing is published.
    """
    run = _editable(run)
    programme = Programme.objects.select_for_update().get(pk=run.programme_id)
    if programme.status == ProgrammeStatus.PUBLISHED or programme.circles.exists():
        raise FormationError("This programme's circles are already published.")
    composition = _proposal_composition(run)
    groups = composition.to_ids(run.proposal)
    violations = check(composition.problem, groups)
    if violations:
        raise FormationError(
            "The proposal breaks a rule and was not published: " + _explain(violations, composition)
        )
    solution = evaluate(composition.problem, groups)
    circles = _create_circles(
        programme,
        [[composition.people[key] for key in result.members] for result in solution.circles],
        solution.circles,
    )
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save(update_fields=["status"])
    run.status = FormationStatus.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    return circles


# --- 4. After launch --------------------------------------------------------------------------


@dataclass
class LateJoinResult:
    placed: dict[Circle, list[Participant]]
    queued: list[Participant]


def _published(programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise FormationError("This programme's circles are not published yet.")
    return programme


def _seated(circles: Sequence[Circle]) -> list[list[CircleMember]]:
    return [
        list(circle.members.filter(left_at__isnull=True, participant__isnull=False))
        for circle in circles
    ]


@transaction.atomic
def late_joiners_place(*, programme: Programme, by: User) -> LateJoinResult:
    """Place everyone waiting in circles with room (best diversity gain, never breaking a hard
    rule); those who fit nowhere stay queued for a new circle. Each placed person is emailed."""
    from circlewise.circles.selectors import unplaced_participants

    programme = _published(programme)
    joiners = unplaced_participants(programme)
    if not joiners:
        raise FormationError("No one is waiting for a circle.")
    circles = list(programme.circles.filter(status=CircleStatus.ACTIVE))
    seats = _seated(circles)
    participants = [seat.participant for group in seats for seat in group] + joiners
    composition = compose(programme, participants, leave_out=False)
    existing = composition.to_ids([[s.participant_id for s in group] for group in seats])
    joiner_ids = composition.to_ids([[p.pk for p in joiners]])[0]
    placement = place_late_joiners(composition.problem, existing, joiner_ids)
    placed: dict[Circle, list[Participant]] = {}
    for circle, before, after in zip(circles, existing, placement.circles, strict=True):
        new = [composition.people[key] for key in after if key not in before]
        if new:
            _seat_participants(circle, new)
            placed[circle] = new
    return LateJoinResult(placed=placed, queued=[composition.people[k] for k in placement.queued])


def _seat_participants(circle: Circle, participants: Sequence[Participant]) -> None:
    users = _users_by_email(participants)
    for p in participants:
        CircleMember.objects.create(
            circle=circle, participant=p, user=p.user or users.get(p.email.lower()), email=p.email
        )
    everyone = [seat.participant for seat in _seated([circle])[0]]
    context = {
        "circle": circle,
        "programme": circle.programme,
        "members": [p.name or p.email for p in everyone],
        "url": absolute_url(reverse("circles:detail", args=[circle.organisation.slug, circle.pk])),
    }
    to = [p.email for p in participants]
    transaction.on_commit(lambda: send_templated(template="circle_welcome", to=to, context=context))


@transaction.atomic
def queue_form_circles(*, programme: Programme, by: User) -> list[Circle]:
    """Form new circles from the people queued for one (at least the minimum size)."""
    from circlewise.circles.selectors import unplaced_participants

    programme = _published(programme)
    queued = unplaced_participants(programme)
    if len(queued) < programme.min_size:
        raise FormationError(
            f"{len(queued)} people are waiting: a new circle needs at least {programme.min_size}."
        )
    composition = compose(programme, queued)
    if not composition.people:
        raise FormationError(" ".join(composition.warnings))
    try:
        solution = form_circles(composition.problem, time_limit=default_time_limit(len(queued)))
    except MatchingError as error:
        raise FormationError(str(error)) from error
    return _create_circles(
        programme,
        [[composition.people[key] for key in result.members] for result in solution.circles],
        solution.circles,
    )


def merge_suggestions(circle: Circle) -> list[Circle]:
    """For a programme circle below the minimum size: circles it could join whole, keeping the
    size range and every hard rule."""
    programme = circle.programme
    if programme is None:
        return []
    seats = _seated([circle])[0]
    if len(seats) >= programme.min_size:
        return []
    others = list(programme.circles.filter(status=CircleStatus.ACTIVE).exclude(pk=circle.pk))
    return [other for other in others if _mergeable(programme, seats, _seated([other])[0])]


def _mergeable(
    programme: Programme, seats: Sequence[CircleMember], target: Sequence[CircleMember]
) -> bool:
    people = [seat.participant for seat in [*seats, *target]]
    if len(people) > programme.max_size or not target:
        return False
    composition = compose(programme, people, leave_out=False)
    return not check(composition.problem, [list(composition.people)])


@transaction.atomic
def circle_merge(*, source: Circle, target: Circle, by: User) -> Circle:
    """Move every member of a small circle into ``target`` and close the small one."""
    programme = source.programme
    if programme is None or target.programme_id != programme.pk or source.pk == target.pk:
        raise FormationError("Only two different circles of the same programme can be merged.")
    seats, target_seats = _seated([source])[0], _seated([target])[0]
    if not _mergeable(programme, seats, target_seats):
        raise FormationError(
            f"{source.name} cannot join {target.name} without breaking the size range or a rule."
        )
    now = timezone.now()
    CircleMember.objects.filter(pk__in=[s.pk for s in seats]).update(left_at=now)
    _seat_participants(target, [s.participant for s in seats])
    source.status = CircleStatus.CLOSED
    source.save(update_fields=["status"])
    return target
