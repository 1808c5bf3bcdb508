"""A programme with circles, past sessions, attendance and pulse answers, built directly."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from circlewise.circles.models import Circle, CircleMember
from circlewise.coaching.models import Attendance
from circlewise.insights.models import PulseAnswer, PulseRequest
from circlewise.organisations.models import Membership, Role
from tests.circle_fixtures import make_session
from tests.conftest import make_user
from tests.programmes.factories import make_participant, make_programme

_numbers = itertools.count()
# A moment whose month is closed whatever day the tests run (see privacy.published_before).
CLOSED = timezone.now() - dt.timedelta(days=60)


def add_circle(programme, *, people, name, coach=None, answered=None, scores=(4, 4, 4, 4),
               when=None):  # fmt: skip
    """A circle of ``people`` (dicts of participant attributes) with one past session (by
    default in a closed period, two months ago: figures count only closed periods); the first
    ``answered`` of them (default all) answer the pulse with ``scores``."""
    organisation = programme.organisation
    circle = Circle.objects.create(organisation=organisation, programme=programme, name=name,
                                   coach=coach)  # fmt: skip
    when = when or CLOSED
    session = make_session(circle, starts_at=when.replace(microsecond=0))
    users = []
    for attrs in people:
        n = next(_numbers)
        user = make_user(f"p{n}@acme.test", f"Person {n}")
        Membership.objects.create(organisation=organisation, user=user, role=Role.MEMBER)
        participant = make_participant(programme, user.email, user=user, ready=True,
                                       attributes=attrs)  # fmt: skip
        CircleMember.objects.create(circle=circle, participant=participant, user=user,
                                    email=user.email)  # fmt: skip
        Attendance.objects.create(session=session, user=user, status="present")
        users.append(user)
    for user in users[: len(users) if answered is None else answered]:
        answer(session, user, scores)
    return circle, session, users


def answer(session, user, scores=(4, 4, 4, 4), comment=""):
    request, _ = PulseRequest.objects.get_or_create(session=session, user=user)
    usefulness, speak_up, heard, trust = scores
    return PulseAnswer.objects.create(
        request=request, session=session, circle=session.circle, user=user,
        usefulness=usefulness, speak_up=speak_up, heard=heard, trust=trust, comment=comment,
    )  # fmt: skip


def dept(name: str, level: str = "Senior") -> dict:
    return {"department": name, "level": level}


@pytest.fixture
def programme(organisation):
    return make_programme(organisation)


@pytest.fixture
def api_client():
    """``api_client(user)``: a client that sends a fresh personal access token of ``user``."""
    from django.test import Client

    from circlewise.accounts.models import ApiToken

    def _client(user) -> Client:
        _, raw = ApiToken.issue(user=user, name="test")
        return Client(headers={"authorization": f"Bearer {raw}"})

    return _client


def answer_outcome(programme, user, wave="start", score=4, recommend="yes", changed=""):
    """``user``'s answer to one outcome survey, every item ``score``, given on its first day."""
    from circlewise.insights import selectors, services
    from circlewise.insights.models import OutcomeRequest

    request, _ = OutcomeRequest.objects.get_or_create(programme=programme, wave=wave, user=user)
    window = selectors.outcome_window(programme=programme, wave=wave)
    return services.outcome_answer(
        request=request, by=user, scores=dict.fromkeys(selectors.OUTCOME_ITEMS, score),
        recommend=recommend, changed=changed, today=window.opens_on,
    )  # fmt: skip
