"""The permission matrix of every insights page: a survey link (pulse or outcome) is its
owner's alone, the dashboard and its CSV are the programme admins', a circle's pulse its coach's
(or host's).
``assert_matrix`` also asks for another organisation's objects under our own organisation's slug
(404); the survey link has no organisation in it, and is tried with another person's token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from circlewise.insights.models import OutcomeRequest, PulseRequest
from circlewise.organisations.models import Organisation
from tests.circle_fixtures import circle_mate, make_circle, make_session
from tests.conftest import client_for
from tests.permissions import ROLES, Row, assert_matrix, expect, resolve_url
from tests.programmes.factories import make_programme

GOOD = {"usefulness": "5", "speak_up": "4", "heard": "4", "trust": "3"}
OUTCOME = {"goal_progress": "4", "confidence": "3", "not_alone": "5", "support": "4", "skills": "2"}


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _people():
    from circlewise.accounts.models import User

    return {u.email.split("@")[0]: u for u in User.objects.all()}


def _circle(organisation: Organisation):
    people = _people()
    programme = make_programme(organisation)
    return make_circle(organisation, members=[people["mia"], circle_mate(organisation)],
                       coach=people["cody"], programme=programme)  # fmt: skip


def _mias_pulse(organisation: Organisation) -> dict:
    session = make_session(_circle(organisation),
                           starts_at=timezone.now() - dt.timedelta(hours=3))  # fmt: skip
    return {"token": PulseRequest.objects.create(session=session, user=_people()["mia"]).token}


def _mias_outcome(organisation: Organisation) -> dict:
    """Mia's start survey of a programme that began yesterday (so the survey is open)."""
    programme = make_programme(organisation, start_date=timezone.localdate() - dt.timedelta(days=1))
    request = OutcomeRequest.objects.create(
        programme=programme, wave="start", user=_people()["mia"]
    )
    return {"token": request.token}


def _programme(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": make_programme(organisation).pk}


def _circle_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _circle(organisation).pk}


NOBODY = {"outsider": 404, "member": 404, "coach": 404, "admin": 404}
ORG = lambda o: {"org_slug": o.slug}  # noqa: E731

ROWS = [
    Row("insights:my_pulses", ORG, expect(member=200, coach=200)),
    Row("insights:dashboard", _programme, expect(member=404)),
    Row("insights:dashboard_csv", _programme, expect(member=404)),
    Row("insights:circle", _circle_kwargs, expect(coach=200, admin=403)),
]

# The link is its owner's: anyone else logged in gets 404 (and so does an unknown token).
TOKEN_ROWS = [
    Row("insights:pulse", _mias_pulse, NOBODY | {"member": 200}),
    Row("insights:pulse", _mias_pulse, NOBODY | {"member": 302}, "post", GOOD),
    Row("insights:outcome", _mias_outcome, NOBODY | {"member": 200}),
    Row("insights:outcome", _mias_outcome, NOBODY | {"member": 302}, "post", OUTCOME),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


@pytest.mark.parametrize("row", TOKEN_ROWS, ids=str)
def test_it_opens_a_survey_link_for_its_owner_alone(row, matrix_users, organisation):
    url = resolve_url(row, organisation)
    actual = {
        role: getattr(client_for(matrix_users[role]), row.method)(url, dict(row.data)).status_code
        for role in ROLES
    }
    assert actual == dict(row.expected)
    unknown = reverse(row.url_name, args=["no-such-token"])
    assert client_for(matrix_users["member"]).get(unknown).status_code == 404


def test_it_covers_every_insights_url():
    from circlewise.insights.urls import urlpatterns

    rows = ROWS + TOKEN_ROWS
    assert {f"insights:{p.name}" for p in urlpatterns} == {row.url_name for row in rows}
