"""Demo history for running circles: a circle that has met for a few months, so the runner, the
check-in, resources and the journal can be tried at once by the demo logins.

The member login and three colleagues meet with the coach login in *Leading through change*, a
self-organised circle whose monthly series began four months ago: its past sessions have
finished runs and attendance, commitments in every state (the last session's still open for the
next check-in), shared resources with marks and reflections, and the member has a journal entry.
The demo programme gets a small resource library. Idempotent: once the circle exists, nothing
changes.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from circlewise.accounts.models import User
from circlewise.circles.models import Circle, CircleMember
from circlewise.coaching.agenda import PHASES, split_minutes
from circlewise.coaching.models import (
    Attendance,
    AttendanceStatus,
    Commitment,
    Outcome,
    RunState,
    SessionRun,
)
from circlewise.journal.models import JournalEntry
from circlewise.meetings.models import MeetingFormat, SessionSeries
from circlewise.meetings.services import _generate
from circlewise.organisations.models import Organisation, Role
from circlewise.programmes.models import Programme
from circlewise.resources.models import Progress, Resource, Share

__all__ = ["CIRCLE_NAME", "load_circle_life"]

CIRCLE_NAME = "Leading through change"

PROGRAMME_LIBRARY = [
    (
        "book",
        "Coaching for performance: the GROW model",
        "https://en.wikipedia.org/wiki/GROW_model",
        "Where the goal, reality, options and will questions come from.",
        ["grow", "questions"],
        1,
    ),
    (
        "video",
        "Listening to understand, not to reply",
        "https://www.youtube.com/results?search_query=active+listening",
        "Ten minutes on the kind of listening a circle runs on.",
        ["listening"],
        1,
    ),
    (
        "article",
        "Psychological safety in teams",
        "https://en.wikipedia.org/wiki/Psychological_safety",
        "Why a circle's contract matters.",
        ["trust", "teams"],
        2,
    ),
    (
        "podcast",
        "The first year as a manager",
        "https://www.bbc.co.uk/sounds",
        "Stories of new managers; pick any episode.",
        ["new managers"],
        3,
    ),
    (
        "talk",
        "Giving feedback that lands",
        "https://www.ted.com/search?q=feedback",
        "Use before the session on feedback conversations.",
        ["feedback"],
        4,
    ),
]

CIRCLE_LIBRARY = [
    (
        "article",
        "Managing through a reorganisation",
        "https://en.wikipedia.org/wiki/Change_management",
        "A map of the usual reactions to change.",
        ["change"],
    ),
    (
        "book",
        "Transitions: endings before beginnings",
        "https://en.wikipedia.org/wiki/Transition_model",
        "Why people need to let go before they can start again.",
        ["change", "transitions"],
    ),
]

# (what, how they will know, outcome, reflection), one per person and session, in turn.
PLEDGES = [
    (
        "Ask two questions before giving advice in my 1:1s",
        "I note it after each 1:1",
        Outcome.DONE,
        "People came up with better answers than mine.",
    ),
    (
        "Say no to one meeting a week that I cannot add to",
        "My calendar on Friday",
        Outcome.PARTLY,
        "Twice out of four weeks; the habit is hard.",
    ),
    (
        "Tell my team the reasons behind the rota change",
        "Fewer questions in the channel",
        Outcome.LEARNED,
        "They wanted to be asked, not told.",
    ),
    (
        "Block an hour each week for thinking time",
        "The hour survives until Friday",
        Outcome.NOT_DONE,
        "Every block was eaten by urgent work; I need a different slot.",
    ),
]
OPEN_PLEDGES = [
    ("Hand one decision I usually make to my deputy", "They decide without checking with me"),
    ("Start my team meeting with a check-in round", "Everyone speaks in the first ten minutes"),
    ("Ask my manager for feedback on my first quarter", "I have two concrete points"),
    ("Write down what I am proud of each Friday", "Four entries by the next session"),
]


def _people(organisation: Organisation) -> tuple[User, User, list[User]] | None:
    from circlewise.core.demo import LOGINS

    logins = {role: User.objects.filter(email=email).first() for role, email in LOGINS.items()}
    member, coach = logins[Role.MEMBER], logins[Role.COACH]
    colleagues = list(
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.MEMBER)
        .exclude(email__in=LOGINS.values())
        .order_by("email")[:3]
    )
    if member is None or coach is None or len(colleagues) < 3:
        return None
    return member, coach, colleagues


def _series(circle: Circle, *, now: dt.datetime) -> SessionSeries:
    """A monthly series that began four months ago. The schedule page refuses a first session in
    the past (people plan ahead); the demo needs history, so the row is written here and its
    sessions generated exactly as the meetings app generates them."""
    series = SessionSeries.objects.create(
        circle=circle, frequency="monthly", weekday=3, week_of_month=2, start_time=dt.time(15, 0),
        time_zone="Europe/London", duration_minutes=90, count=12,
        starts_on=(now - dt.timedelta(days=125)).date(), format=MeetingFormat.VIDEO,
        video_url="https://meet.northwind.example/leading-through-change",
        organiser=circle.coach, notified_sequence=0,
    )  # fmt: skip
    _generate(series)
    return series


def _resources(organisation: Organisation, circle: Circle, coach: User, people: list[User]) -> None:

    programme = Programme.objects.filter(organisation=organisation).first()
    if programme is not None and not programme.resources.exists():
        Resource.objects.bulk_create(
            Resource(organisation=organisation, programme=programme, kind=kind, title=title,
                     url=url, note=note, tags=tags, suggested_month=month)
            for kind, title, url, note, tags, month in PROGRAMME_LIBRARY
        )  # fmt: skip
    own = [
        Resource.objects.create(organisation=organisation, circle=circle, kind=kind, title=title,
                                url=url, note=note, tags=tags, added_by=coach)
        for kind, title, url, note, tags in CIRCLE_LIBRARY
    ]  # fmt: skip
    first = Share.objects.create(circle=circle, resource=own[0], shared_by=coach)
    Share.objects.create(circle=circle, resource=own[1], shared_by=coach)
    reflection = "The curve of reactions explained my team's last month."
    Progress.objects.create(share=first, user=people[0], done=True, reflection=reflection)
    Progress.objects.create(share=first, user=people[1], done=True)


def _history(circle: Circle, series: SessionSeries, people: list[User], now: dt.datetime) -> None:
    """Finished runs, attendance and commitments for every session that has ended."""
    past = list(series.sessions.filter(ends_at__lt=now).order_by("starts_at"))
    reviewed = 0  # cycles through every outcome across the reviewed commitments
    for index, session in enumerate(past):
        SessionRun.objects.create(
            session=session, state=RunState.FINISHED, plan=split_minutes(90), phase=len(PHASES) - 1,
            phase_seconds=split_minutes(90)[-1] * 60, started_at=session.starts_at,
            finished_at=session.ends_at, speakers=[p.name.split(" ")[0] for p in people],
            version=len(PHASES) + 1,
        )  # fmt: skip
        for n, person in enumerate(people):
            # One apology and one absence in the history; everyone else came.
            status = AttendanceStatus.PRESENT
            if (index, n) == (0, 3):
                status = AttendanceStatus.APOLOGY
            elif (index, n) == (len(past) - 1, 2):
                status = AttendanceStatus.ABSENT
            Attendance.objects.create(session=session, user=person, status=status,
                                      recorded_at=session.starts_at)  # fmt: skip
            if status != AttendanceStatus.PRESENT:
                continue
            by_when = (session.starts_at + dt.timedelta(days=25)).date()
            if index == len(past) - 1:
                what, how = OPEN_PLEDGES[n % len(OPEN_PLEDGES)]
                Commitment.objects.create(circle=circle, session=session, user=person, what=what,
                                          how_know=how, by_when=by_when)  # fmt: skip
                continue
            what, how, outcome, reflection = PLEDGES[reviewed % len(PLEDGES)]
            reviewed += 1
            Commitment.objects.create(
                circle=circle, session=session, user=person, what=what, how_know=how,
                by_when=by_when, outcome=outcome, reflection=reflection,
                reviewed_at=past[index + 1].starts_at + dt.timedelta(minutes=20),
            )  # fmt: skip


@transaction.atomic
def load_circle_life(*, organisation_slug: str) -> bool:
    """Create the demo circle's history unless it exists; True when it was created."""
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if (
        organisation is None
        or Circle.objects.filter(organisation=organisation, name=CIRCLE_NAME).exists()
    ):
        return False
    found = _people(organisation)
    if found is None:
        return False
    member, coach, colleagues = found
    people = [member, *colleagues]
    now = timezone.now()
    circle = Circle.objects.create(
        organisation=organisation, name=CIRCLE_NAME, host=colleagues[0], coach=coach,
        topic="New managers leading their teams through a reorganisation", language="English",
        time_zone="Europe/London", max_size=6, created_at=now - dt.timedelta(days=100),
    )  # fmt: skip
    CircleMember.objects.bulk_create(
        CircleMember(circle=circle, user=person, email=person.email,
                     joined_at=now - dt.timedelta(days=100))
        for person in people
    )  # fmt: skip
    series = _series(circle, now=now)
    _history(circle, series, people, now)
    _resources(organisation, circle, coach, people)
    JournalEntry.objects.create(
        owner=member, organisation=organisation, circle=circle, title="After our last session",
        body="I noticed that I jump in with solutions when someone describes a problem. "
        "Next time: one more question before I say anything.",
    )  # fmt: skip
    return True
