"""Every API endpoint asks the policy: another organisation's data is 404, a role without the
permission is 403, and participants see only their own circle."""

from __future__ import annotations

import json

import pytest

from circlewise.circles.models import Circle, CircleMember
from circlewise.formation.models import FormationRun
from circlewise.organisations.models import Organisation
from tests.permissions import ROLES, Row, assert_matrix
from tests.programmes.factories import make_participant, make_programme


def _programme(organisation: Organisation):
    programme = make_programme(organisation)
    for number in range(6):
        make_participant(programme, f"p{number}@acme.test", ready=True)
    return programme


def _org(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug}


def _in_programme(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": _programme(organisation).pk}


def _run(organisation: Organisation) -> dict:
    programme = _programme(organisation)
    run = FormationRun.objects.create(programme=programme)
    return {"org_slug": organisation.slug, "programme_id": programme.pk, "run_id": run.pk}


def _with_run(organisation: Organisation) -> dict:
    kwargs = _in_programme(organisation)
    FormationRun.objects.create(programme_id=kwargs["programme_id"])
    return kwargs


def _my_circle(organisation: Organisation) -> dict:
    """A programme circle the member sits in and the coach coaches; the admin is not in it."""
    from circlewise.accounts.models import User

    mia, cody = (User.objects.get(email=e) for e in ("mia@acme.test", "cody@acme.test"))
    circle = Circle.objects.create(
        organisation=organisation, programme=make_programme(organisation), name="Oak", coach=cody
    )
    CircleMember.objects.create(circle=circle, user=mia, email=mia.email)
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


def _coached_circle(organisation: Organisation) -> dict:
    """A programme circle coached by the matrix's coach; the member is not in it."""
    from circlewise.accounts.models import User

    coach = User.objects.get(email="cody@acme.test")
    circle = Circle.objects.create(
        organisation=organisation, programme=_programme(organisation), name="Oak", coach=coach
    )
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


def _members_journal_entry(organisation: Organisation) -> dict:
    from circlewise.accounts.models import User
    from circlewise.journal.services import journal_entry_create

    mia = User.objects.get(email="mia@acme.test")
    entry = journal_entry_create(owner=mia, organisation=organisation, body="Mine alone.")
    return {"org_slug": organisation.slug, "entry_id": entry.pk}


NEW_PROGRAMME = {"name": "API cohort", "goal": "Peer support.", "start_date": "2027-02-01"}
UPSERT = {"participants": [{"email": "new@acme.test"}], "invite": False}


def _api(name: str, kwargs, expected: tuple[int, ...], method: str = "get", data=None) -> Row:
    return Row(
        f"api:{name}", kwargs, dict(zip(ROLES, expected, strict=True)), method, data or {}, True
    )


ENDPOINTS = [
    _api("list_programmes", _org, (404, 403, 200, 200)),
    _api("create_programme", _org, (404, 403, 403, 201), "post", NEW_PROGRAMME),
    _api("read_programme", _in_programme, (404, 404, 200, 200)),
    _api("list_participants", _in_programme, (404, 404, 200, 200)),
    _api("upsert_participants", _in_programme, (404, 404, 403, 200), "post", UPSERT),
    _api("start_formation", _in_programme, (404, 404, 403, 202), "post"),
    _api("latest_formation", _with_run, (404, 404, 200, 200)),
    _api("read_formation", _run, (404, 404, 200, 200)),
    _api("list_circles", _in_programme, (404, 404, 200, 200)),
    _api("circle_sessions", _coached_circle, (404, 404, 200, 200)),
    # A circle's contract and rotation are the circle's alone: not even admins outside it.
    _api("circle_contract", _my_circle, (404, 200, 200, 404)),
    _api("circle_rotation", _my_circle, (404, 200, 200, 404)),
    _api("list_journal", _org, (404, 200, 200, 200)),
    _api("create_journal_entry", _org, (404, 201, 201, 201), "post", {"body": "A note."}),
    _api("read_journal_entry", _members_journal_entry, (404, 200, 404, 404)),  # the owner alone
]


@pytest.mark.parametrize("row", ENDPOINTS, ids=str)
def test_it_enforces_the_permission_matrix(
    row, organisation, outsider, member, coach, admin, api_client
):
    users = {"outsider": outsider, "member": member, "coach": coach, "admin": admin}
    clients = {role: api_client(user) for role, user in users.items()}
    assert_matrix(row, users=users, organisation=organisation, clients=clients)


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
