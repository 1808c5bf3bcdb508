"""Every API endpoint asks the policy: another organisation's data is 404, a role without the
permission is 403, and participants see only their own circle."""

from __future__ import annotations

import json

import pytest

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationRun
from circlewise.organisations.models import Organisation
from tests.programmes.factories import make_participant, make_programme

ROLES = ("outsider", "member", "coach", "admin")


def _programme(organisation: Organisation):
    programme = make_programme(organisation)
    for number in range(6):
        make_participant(programme, f"p{number}@acme.test", ready=True)
    return programme


def _run(organisation: Organisation) -> str:
    programme = _programme(organisation)
    run = FormationRun.objects.create(programme=programme)
    return f"/api/organisations/acme/programmes/{programme.pk}/formation/{run.pk}"


def _latest_run(organisation: Organisation) -> str:
    programme = _programme(organisation)
    FormationRun.objects.create(programme=programme)
    return f"/api/organisations/acme/programmes/{programme.pk}/formation"


def _under(suffix: str):
    def url(organisation: Organisation) -> str:
        return f"/api/organisations/acme/programmes/{_programme(organisation).pk}{suffix}"

    url.__name__ = f"programme{suffix or '_detail'}"  # a stable test id (xdist needs one)
    return url


NEW_PROGRAMME = {"name": "API cohort", "goal": "Peer support.", "start_date": "2027-02-01"}
UPSERT = {"participants": [{"email": "new@acme.test"}], "invite": False}

# (method, url or url-of-organisation, body, expected status by role)
ENDPOINTS = [
    ("get", "/api/organisations/acme/programmes", None, (404, 403, 200, 200)),
    ("post", "/api/organisations/acme/programmes", NEW_PROGRAMME, (404, 403, 403, 201)),
    ("get", _under(""), None, (404, 404, 200, 200)),
    ("get", _under("/participants"), None, (404, 404, 200, 200)),
    ("post", _under("/participants/upsert"), UPSERT, (404, 404, 403, 200)),
    ("post", _under("/formation"), None, (404, 404, 403, 202)),
    ("get", _latest_run, None, (404, 404, 200, 200)),
    ("get", _run, None, (404, 404, 200, 200)),
    ("get", _under("/circles"), None, (404, 404, 200, 200)),
]


@pytest.mark.parametrize(
    "endpoint", ENDPOINTS, ids=lambda e: f"{e[0].upper()} {getattr(e[1], '__name__', e[1])}"
)
def test_it_enforces_the_permission_matrix(
    endpoint, organisation, outsider, member, coach, admin, api_client
):
    method, url, body, expected = endpoint
    url = url(organisation) if callable(url) else url
    users = {"outsider": outsider, "member": member, "coach": coach, "admin": admin}
    actual = {}
    for role in ROLES:  # admin last: its request may change things
        client = api_client(users[role])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        actual[role] = getattr(client, method)(url, **kwargs).status_code
    assert actual == dict(zip(ROLES, expected, strict=True)), f"{method.upper()} {url}"


def test_it_covers_every_api_operation(db):
    """A new endpoint without a row in ENDPOINTS fails this test."""
    from django.test import Client

    paths = Client().get("/api/openapi.json").json()["paths"]
    assert sum(len(methods) for methods in paths.values()) == len(ENDPOINTS)


def test_a_participant_sees_their_programme_and_only_their_own_circle(
    organisation, member, api_client
):
    programme = make_programme(organisation)
    mine = make_participant(programme, member.email, user=member, ready=True)
    other = make_participant(programme, "other@acme.test", ready=True)
    circles = []
    for name, participant in (("Mine", mine), ("Theirs", other)):
        circle = Circle.objects.create(organisation=organisation, programme=programme, name=name)
        CircleMember.objects.create(
            circle=circle, participant=participant, user=participant.user, email=participant.email
        )
        circles.append(circle)
    client = api_client(member)
    base = f"/api/organisations/acme/programmes/{programme.pk}"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/participants").status_code == 403
    listed = client.get(f"{base}/circles").json()
    assert [circle["name"] for circle in listed["items"]] == ["Mine"]
    assert "other@acme.test" not in json.dumps(listed)
