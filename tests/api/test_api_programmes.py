"""Programmes, HR sync of participants, matching and circles through the API."""

from __future__ import annotations

import json

from django.core import mail

from circlewise.formation.models import FormationRun, FormationStatus
from circlewise.programmes.models import Programme, Source
from tests.conftest import client_for
from tests.programmes.factories import make_participant


def _post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_it_creates_and_reads_a_programme(admin, organisation, api_client):
    client = api_client(admin)
    created = _post(
        client,
        "/api/organisations/acme/programmes",
        {
            "name": "API cohort",
            "goal": "Peer support for new managers.",
            "start_date": "2027-02-01",
            "min_size": 4,
            "max_size": 6,
            "diversify": ["department"],
            "same": ["language"],
            "overlap_rule": "hard",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["overlap_rule"] == "hard"
    programme = Programme.objects.get(pk=body["id"])
    assert (programme.organisation, programme.created_by) == (organisation, admin)
    read = client.get(f"/api/organisations/acme/programmes/{programme.pk}").json()
    assert read["name"] == "API cohort" and read["diversify"] == ["department"]
    listed = client.get("/api/organisations/acme/programmes").json()
    assert [p["id"] for p in listed] == [programme.pk]


def test_it_explains_an_invalid_programme(admin, api_client):
    response = _post(
        api_client(admin),
        "/api/organisations/acme/programmes",
        {"name": "Bad", "goal": "x", "start_date": "2027-02-01", "min_size": 7, "max_size": 6},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "max_size": ["The largest circle cannot be smaller than the smallest."]
    }
    assert not Programme.objects.exists()


def test_it_takes_weights_per_attribute_and_refuses_one_not_diversified(admin, api_client):
    url = "/api/organisations/acme/programmes"
    body = {"name": "Weighted", "goal": "Support.", "start_date": "2027-02-01"}
    created = _post(
        api_client(admin), url, body | {"diversify": ["department"], "weights": {"department": 2}}
    )
    assert created.status_code == 201 and created.json()["weights"] == {"department": 2.0}
    refused = _post(
        api_client(admin), url, body | {"diversify": ["department"], "weights": {"level": 2}}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "weights": ["level: only attributes to diversify can have a weight."]
    }
    assert Programme.objects.count() == 1


def test_it_validates_the_schema(admin, api_client):
    response = _post(
        api_client(admin),
        "/api/organisations/acme/programmes",
        {"name": "Bad", "goal": "x", "start_date": "soon", "cadence": "hourly"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"start_date", "cadence"}


# HR sync -----------------------------------------------------------------------------------------
def _upsert(client, programme, participants, **extra):
    url = f"/api/organisations/acme/programmes/{programme.pk}/participants/upsert"
    return _post(client, url, {"participants": participants, **extra})


PEOPLE = [
    {
        "email": "Ann@Acme.test",
        "name": "Ann",
        "manager_email": "boss@acme.test",
        "attributes": {"department": "Sales"},
        "languages": ["English"],
        "time_zone": "Europe/London",
    },
    {"email": "bob@acme.test", "name": "Bob"},
]


def test_it_upserts_participants_idempotently(
    admin, programme, api_client, django_capture_on_commit_callbacks
):
    client = api_client(admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = _upsert(client, programme, PEOPLE)
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@acme.test", "bob@acme.test"]
    ann = programme.participants.get(email="ann@acme.test")
    assert ann.source == Source.API and ann.languages == ["en"]
    assert ann.attributes == {"department": "Sales"}

    with django_capture_on_commit_callbacks(execute=True):
        again = _upsert(client, programme, PEOPLE)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(mail.outbox) == 2  # nobody invited twice
    assert programme.participants.count() == 2


def test_it_updates_only_the_fields_sent(admin, programme, api_client):
    client = api_client(admin)
    _upsert(client, programme, PEOPLE, invite=False)
    response = _upsert(
        client, programme, [{"email": "ann@acme.test", "attributes": {"level": "Senior"}}]
    )
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    ann = programme.participants.get(email="ann@acme.test")
    assert ann.attributes == {"department": "Sales", "level": "Senior"}
    assert (ann.name, ann.manager_email) == ("Ann", "boss@acme.test")


def test_it_can_sync_without_inviting(
    admin, programme, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upsert(api_client(admin), programme, PEOPLE, invite=False)
    assert mail.outbox == [] and programme.participants.count() == 2


def test_it_rejects_the_whole_batch_when_an_item_is_invalid(admin, programme, api_client):
    make_participant(programme, "kept@acme.test", name="Kept")
    response = _upsert(
        api_client(admin),
        programme,
        [
            {"email": "good@acme.test"},
            {"email": "not@an-email"},
            {"email": "GOOD@acme.test"},
            {"email": "c@acme.test", "manager_email": "boss@", "attributes": {"shoe_size": "44"}},
            {"email": "kept@acme.test", "name": "Changed", "time_zone": "Mars/Olympus"},
        ],
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "4 of 5 participants are invalid; nothing was saved."
    assert [{k: v for k, v in item.items() if k != "fields"} for item in body["errors"]] == [
        {
            "index": 1,
            "email": "not@an-email",
            "errors": ["“not@an-email” is not a valid email address."],
        },
        {"index": 2, "email": "GOOD@acme.test", "errors": ["Duplicate of item 0 (same email)."]},
        {
            "index": 3,
            "email": "c@acme.test",
            "errors": [
                "Manager email “boss@” is not a valid address.",
                "Attributes not asked for by this programme: shoe_size.",
            ],
        },
        {
            "index": 4,
            "email": "kept@acme.test",
            "errors": [
                "“Mars/Olympus” is not a time zone name like Europe/Berlin or America/Chicago."
            ],
        },
    ]
    assert body["errors"][2]["fields"] == {
        "manager_email": ["Manager email “boss@” is not a valid address."],
        "attributes": ["Attributes not asked for by this programme: shoe_size."],
    }
    assert list(programme.participants.values_list("email", "name")) == [("kept@acme.test", "Kept")]


# Matching and circles ----------------------------------------------------------------------------
def _ready(programme, count: int) -> None:
    departments = ["Sales", "Finance", "Legal", "People", "Design", "Engineering"]
    for number in range(count):
        make_participant(
            programme,
            f"p{number}@acme.test",
            ready=True,
            attributes={"department": departments[number % 6], "level": "Senior"},
        )


def test_it_starts_matching_and_reports_progress(
    admin, programme, api_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _ready(programme, 6)
    client = api_client(admin)
    base = f"/api/organisations/acme/programmes/{programme.pk}/formation"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(base)
    assert started.status_code == 202, started.content
    run_id = started.json()["id"]
    status = client.get(f"{base}/{run_id}").json()
    assert status["status"] == FormationStatus.PROPOSED
    assert status["progress"] == 1.0
    assert sum(status["circle_sizes"]) == 6
    assert client.get(base).json()["id"] == run_id


def test_it_explains_why_matching_cannot_start(admin, programme, api_client):
    _ready(programme, 2)
    response = api_client(admin).post(
        f"/api/organisations/acme/programmes/{programme.pk}/formation"
    )
    assert response.status_code == 409
    assert "at least 5 are needed" in response.json()["detail"]
    assert not FormationRun.objects.exists()


def test_it_says_when_no_run_exists(admin, programme, api_client):
    response = api_client(admin).get(f"/api/organisations/acme/programmes/{programme.pk}/formation")
    assert response.status_code == 404
    assert response.json() == {"detail": "Circles have not been formed for this programme yet."}


def test_it_lists_a_programmes_circles_with_members_names_only_for_admins(
    admin, organisation, programme, api_client
):
    from circlewise.circles.models import Circle, CircleMember

    participant = make_participant(programme, "ann@acme.test", name="Ann", ready=True)
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Circle 1")
    CircleMember.objects.create(circle=circle, participant=participant, email=participant.email)
    url = f"/api/organisations/acme/programmes/{programme.pk}/circles"
    assert api_client(admin).get(url).json()["items"] == [
        {
            "id": circle.pk,
            "name": "Circle 1",
            "status": "active",
            "language": "",
            "time_zone": "",
            "members": [{"name": "Ann", "email": None}],
        }
    ]


def test_it_shows_circle_mates_each_others_emails_as_the_page_does(
    member, organisation, programme, api_client
):
    from circlewise.circles.models import Circle, CircleMember

    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Circle 1")
    for email, user in (("ann@acme.test", None), (member.email, member)):
        participant = make_participant(programme, email, name=email[:3], user=user, ready=True)
        CircleMember.objects.create(circle=circle, participant=participant, user=user, email=email)
    url = f"/api/organisations/acme/programmes/{programme.pk}/circles"
    members = api_client(member).get(url).json()["items"][0]["members"]
    assert {m["email"] for m in members} == {"ann@acme.test", member.email}
    page = client_for(member).get(f"/o/acme/circles/{circle.pk}/").text
    assert "ann@acme.test" in page


def test_it_answers_404_with_a_message_for_another_organisation(outsider, programme, api_client):
    response = api_client(outsider).get(f"/api/organisations/acme/programmes/{programme.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such organisation."}
