"""The permission matrix of every insights page: the survey link is its owner's alone, the
dashboard and its CSV are the programme admins', a circle's pulse its coach's (or host's);
another organisation's objects are 404 under our own organisation's slug."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from circlewise.insights.models import PulseRequest
from circlewise.organisations.models import Organisation
from tests.circle_fixtures import circle_mate, make_circle, make_session
from tests.permissions import Row, assert_matrix, expect
from tests.programmes.factories import make_programme

GOOD = {"usefulness": "5", "speak_up": "4", "heard": "4", "trust": "3"}


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


def _programme(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": make_programme(organisation).pk}


def _other_programme(organisation: Organisation) -> dict:
    other = make_programme(Organisation.objects.get(slug="globex"))
    return {"org_slug": organisation.slug, "programme_id": other.pk}


def _circle_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _circle(organisation).pk}


def _other_circle(organisation: Organisation) -> dict:
    other = Organisation.objects.get(slug="globex")
    circle = make_circle(other, members=[_people()["otto"]], name="Globex", coach=_people()["otto"])
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


NOBODY = {"outsider": 404, "member": 404, "coach": 404, "admin": 404}
ORG = lambda o: {"org_slug": o.slug}  # noqa: E731

ROWS = [
    # The link is its owner's: anyone else logged in gets 404.
    Row("insights:pulse", _mias_pulse, NOBODY | {"member": 200}),
    Row("insights:pulse", _mias_pulse, NOBODY | {"member": 302}, "post", GOOD),
    Row("insights:my_pulses", ORG, expect(member=200, coach=200)),
    Row("insights:dashboard", _programme, expect(member=404)),
    Row("insights:dashboard", _other_programme, NOBODY),
    Row("insights:dashboard_csv", _programme, expect(member=404)),
    Row("insights:dashboard_csv", _other_programme, NOBODY),
    Row("insights:circle", _circle_kwargs, expect(coach=200, admin=403)),
    Row("insights:circle", _other_circle, NOBODY),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_insights_url():
    from circlewise.insights.urls import urlpatterns

    assert {f"insights:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}
