"""Writes for running sessions: the shared clock, attendance, commitments, questions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circlewise.circles.selectors import active_members
from circlewise.coaching import selectors
from circlewise.coaching.agenda import PHASES
from circlewise.coaching.errors import CoachingError, StaleRun
from circlewise.coaching.models import (
    HOW_MAX,
    QUESTION_MAX,
    REFLECTION_MAX,
    WHAT_MAX,
    Attendance,
    AttendanceStatus,
    Category,
    Commitment,
    Outcome,
    Question,
    RunState,
    SessionRun,
)
from circlewise.core.text import clean_line, clean_text
from circlewise.meetings.models import Session

if TYPE_CHECKING:
    from circlewise.accounts.models import User
    from circlewise.circles.models import Circle
    from circlewise.organisations.models import Organisation
    from circlewise.programmes.models import Participant, Programme

__all__ = [
    "EXTEND_MINUTES",
    "attendance_record",
    "commitment_create",
    "commitment_review",
    "goals_update",
    "question_add",
    "run_control",
    "run_for_session",
]

EXTEND_MINUTES = 2
ACTIONS = ("start", "pause", "resume", "extend", "advance", "next_turn", "finish")


def run_for_session(*, session: Session) -> SessionRun:
    """The session's run, created on first use with a plan for the session's length.

    Sessions in a place use the agenda without a timer (people are in one room).
    """
    plan = selectors.session_plan(session=session)
    run, _created = SessionRun.objects.get_or_create(
        session=session,
        defaults={"plan": plan, "timed": session.format != "place", "phase_seconds": plan[0] * 60},
    )
    return run


def _speakers(session: Session) -> list[str]:
    """First names of those present: everyone in the circle except those recorded absent or,
    until attendance is taken, who said in advance that they cannot come."""
    recorded = dict(Attendance.objects.filter(session=session).values_list("user_id", "status"))
    # Attendance taken in the runner wins over an apology sent in advance on the schedule.
    absent = {user_id for user_id, status in recorded.items() if status != AttendanceStatus.PRESENT}
    absent |= {
        user_id
        for user_id in selectors.apologised_user_ids(session=session)
        if user_id not in recorded
    }
    names = []
    for member in active_members(circle=session.circle):
        if member.user_id in absent:
            continue
        person = member.user or member.participant
        names.append(((person and person.name) or member.email).split(" ")[0])
    return names


def _bank_time(run: SessionRun, now: dt.datetime) -> None:
    """Move the running time into ``used_seconds`` (before a pause or a phase change)."""
    if run.state == RunState.RUNNING and run.resumed_at is not None:
        run.used_seconds += int((now - run.resumed_at).total_seconds())
        run.resumed_at = now


def _go_to_phase(run: SessionRun, index: int, now: dt.datetime) -> None:
    run.phase = index
    run.phase_seconds = run.plan[index] * 60
    run.used_seconds = 0
    run.turn = 0
    run.resumed_at = now if run.state == RunState.RUNNING else None


@transaction.atomic
def run_control(*, run_id: int, action: str, version: int, by: User) -> SessionRun:
    """Apply a coach's or host's action to the run (the caller checked they lead the circle).

    ``version`` is the run's version the screen showed: if anyone changed the run since, nothing
    happens and :class:`StaleRun` says so (two leaders pressing "next" move one phase, not two).
    """
    if action not in ACTIONS:
        raise CoachingError(_("Unknown action; use the buttons of the session runner."))
    run = SessionRun.objects.select_for_update().select_related("session__circle").get(pk=run_id)
    if run.version != version:
        raise StaleRun(_("The session moved on in the meantime; the screen now shows where it is."))
    now = timezone.now()
    last = len(run.plan) - 1
    if run.state == RunState.FINISHED:
        raise CoachingError(_("The session has finished."))
    if action == "start":
        if run.state != RunState.READY:
            raise CoachingError(_("The session has already started."))
        run.state, run.started_at, run.resumed_at = RunState.RUNNING, now, now
        run.speakers = _speakers(run.session)
    elif run.state == RunState.READY:
        raise CoachingError(_("Start the session first."))
    elif action == "pause":
        if run.state != RunState.RUNNING:
            raise CoachingError(_("The timer is not running."))
        _bank_time(run, now)
        run.state, run.resumed_at = RunState.PAUSED, None
    elif action == "resume":
        if run.state != RunState.PAUSED:
            raise CoachingError(_("The timer is not paused."))
        run.state, run.resumed_at = RunState.RUNNING, now
    elif action == "extend":
        run.phase_seconds += EXTEND_MINUTES * 60
    elif action == "next_turn":
        if not PHASES[run.phase].is_round or not run.speakers:
            raise CoachingError(_("This phase is not a round."))
        run.turn = (run.turn + 1) % len(run.speakers)
    elif action == "advance":
        if run.phase == last:
            raise CoachingError(_("This is the last phase; finish the session instead."))
        _bank_time(run, now)
        _go_to_phase(run, run.phase + 1, now)
    elif action == "finish":
        _bank_time(run, now)
        run.state, run.finished_at, run.resumed_at = RunState.FINISHED, now, None
    run.version += 1
    run.save()
    return run


def attendance_record(*, session: Session, user: User, status: str) -> Attendance:
    """Present, absent with apology, or absent; only for people in the session's circle."""
    if status not in AttendanceStatus.values:
        raise CoachingError(_("Choose present, absent with apology or absent."))
    if not active_members(circle=session.circle).filter(user=user).exists():
        raise CoachingError(
            _("%(user)s is not a member of %(circle)s.") % {"user": user, "circle": session.circle}
        )
    attendance, _created = Attendance.objects.update_or_create(
        session=session, user=user, defaults={"status": status, "recorded_at": timezone.now()}
    )
    return attendance


def commitment_create(
    *, circle: Circle, session: Session, user: User, what: str, by_when: dt.date, how_know: str
) -> Commitment:
    """Record the experiment ``user`` commits to at ``session`` of ``circle``."""
    if session.circle_id != circle.pk:
        raise CoachingError(_("That session belongs to another circle; commit in your own circle."))
    what = clean_line(what, label=_("What you will try"), max_length=WHAT_MAX, field="what",
                      error=CoachingError)  # fmt: skip
    how_know = clean_line(how_know, label=_("How you will know"), max_length=HOW_MAX,
                          field="how_know", error=CoachingError)  # fmt: skip
    if by_when < session.starts_at.date():
        raise CoachingError(_("The date must not be before the session."), field="by_when")
    if by_when > session.starts_at.date() + dt.timedelta(days=366):
        raise CoachingError(_("Choose a date within a year of the session."), field="by_when")
    return Commitment.objects.create(
        circle=circle, session=session, user=user, what=what, by_when=by_when, how_know=how_know
    )


def commitment_review(*, commitment: Commitment, by: User, outcome: str, reflection: str) -> None:
    """The owner marks their commitment done / partly / not done / learned something."""
    if commitment.user_id != by.pk:
        raise CoachingError(_("Only the person who made a commitment can mark it."))
    if outcome not in Outcome.values or outcome == Outcome.OPEN:
        raise CoachingError(
            _("Choose done, partly, not done or learned something."), field="outcome"
        )
    commitment.reflection = clean_text(
        reflection, label=_("The reflection"), max_length=REFLECTION_MAX, required=False,
        field="reflection", error=CoachingError,
    )  # fmt: skip
    commitment.outcome = outcome
    commitment.reviewed_at = timezone.now()
    commitment.save(update_fields=["outcome", "reflection", "reviewed_at"])


def question_add(
    *,
    by: User,
    organisation: Organisation,
    category: str,
    text: str,
    programme: Programme | None = None,
) -> Question:
    """A programme's question (``programme``) or a coach's own (shown in circles they lead)."""
    if category not in Category.values:
        raise CoachingError(_("Choose the phase the question is for."), field="category")
    text = clean_line(text, label=_("The question"), max_length=QUESTION_MAX, field="text",
                      error=CoachingError)  # fmt: skip
    if programme is not None and programme.organisation_id != organisation.pk:
        raise CoachingError(_("That programme is not in this organisation."))
    return Question.objects.create(
        category=category, text=text, organisation=organisation, programme=programme,
        added_by=None if programme is not None else by,
    )  # fmt: skip


GOALS_MAX = 2000


def goals_update(*, participant: Participant, by: User, goals: str) -> Participant:
    """A participant's personal goals for the programme (first given at the intake)."""
    if participant.user_id != by.pk:
        raise CoachingError(_("Only the participant can change their goals."))
    participant.goals = clean_text(goals, label=_("Your goals"), max_length=GOALS_MAX,
                                   required=False, field="goals", error=CoachingError)  # fmt: skip
    participant.save(update_fields=["goals"])
    return participant
