"""What the API accepts: lengths, NUL characters, line breaks, dates, strict types, pages."""

from __future__ import annotations

import json

import pytest

from circlewise.api import api as api_module
from circlewise.programmes.models import Participant, Programme
from tests.programmes.factories import make_participant

PROGRAMMES = "/api/organisations/acme/programmes"
VALID = {"name": "Cohort", "goal": "Peer support.", "start_date": "2027-02-01"}


def _post(client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _upsert(client, programme, participants):
    url = f"{PROGRAMMES}/{programme.pk}/participants/upsert"
    return _post(client, url, {"participants": participants})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"start_date": "1899-01-01"}, "start_date"),
        ({"name": "Cohort\nBcc: x@evil.test"}, "name"),
        ({"name": "Co\x00hort"}, "name"),
        ({"name": "C" * 121}, "name"),
        ({"goal": "Peer\x00support"}, "goal"),
        ({"with_coach": 1}, "with_coach"),
        ({"signup_open": "yes"}, "signup_open"),
        ({"diversify": ["Department!"]}, "diversify"),
    ],
)
def test_it_answers_422_naming_the_field_of_a_bad_programme(admin, api_client, change, field):
    response = _post(api_client(admin), PROGRAMMES, VALID | change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert isinstance(body["detail"], str)
    assert any(key.split(".")[0] == field for key in body["errors"]), body
    assert not Programme.objects.exists()


def test_it_answers_400_to_a_body_that_is_not_json(admin, api_client):
    response = api_client(admin).post(PROGRAMMES, data="{", content_type="application/json")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "a@acme.test", "name": "A" * 151}, "name"),
        ({"email": "a@acme.test", "name": "A\x00"}, "name"),
        ({"email": "a@acme.test", "name": "Ann\r\nBcc: x@evil.test"}, "name"),
        ({"email": "a@acme.test", "attributes": {"department": "S\x00les"}}, "attributes"),
        ({"email": "a@acme.test", "attributes": {"department": "S" * 121}}, "attributes"),
        ({"email": "a@acme.test", "time_zone": "Europe/\x00"}, "time_zone"),
        ({"email": f"{'a' * 250}@acme.test"}, "email"),
    ],
)
def test_it_answers_422_naming_the_field_of_a_bad_participant(
    admin, programme, api_client, item, field
):
    programme.diversify = ["department"]
    programme.save()
    response = _upsert(api_client(admin), programme, [{"email": "ok@acme.test"}, item])
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], str)
    assert field in json.dumps(response.json()["errors"])
    assert not Participant.objects.exists()


def test_it_pages_the_participant_list_up_to_a_documented_maximum(admin, programme, api_client):
    for number in range(5):
        make_participant(programme, f"p{number}@acme.test", name=f"P{number}")
    client = api_client(admin)
    url = f"{PROGRAMMES}/{programme.pk}/participants"
    page = client.get(url, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 5
    assert [item["email"] for item in page["items"]] == ["p2@acme.test", "p3@acme.test"]
    assert client.get(url, {"limit": api_module.MAX_PAGE_SIZE + 1}).status_code == 422
    schema = client.get("/api/openapi.json").json()
    limit = next(
        p
        for p in schema["paths"][
            "/api/organisations/{org_slug}/programmes/{programme_id}/participants"
        ]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == api_module.MAX_PAGE_SIZE


def test_it_builds_the_openapi_document_once(admin, api_client, monkeypatch):
    import ninja.main

    client = api_client(admin)
    first = client.get("/api/openapi.json")
    builds = []
    build = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kw: builds.append(1) or build(**kw))
    second = client.get("/api/openapi.json")
    assert second.json() == first.json() and builds == []
