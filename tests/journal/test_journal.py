"""The private journal: readable and changeable by its owner alone.

Circle-mates, the circle's coach, the organisation's admins and the API with anyone else's token
all get 404 for someone's entry, exactly as for an entry that does not exist.
"""

from __future__ import annotations

import json

import pytest

from circlewise.accounts.models import ApiToken
from circlewise.journal.models import JournalEntry
from circlewise.journal.services import journal_entry_create
from circlewise.organisations.models import Organisation
from tests.circle_fixtures import circle_mate, make_circle
from tests.conftest import client_for
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


@pytest.fixture
def circle(organisation, member, coach):
    return make_circle(organisation, members=[member, circle_mate(organisation)], coach=coach)


@pytest.fixture
def entry(organisation, member, circle):
    return journal_entry_create(
        owner=member, organisation=organisation, circle=circle, title="After March",
        body="I noticed I rescue people instead of asking.",
    )  # fmt: skip


def _api(user) -> object:
    from django.test import Client

    _, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"authorization": f"Bearer {raw}"})


def _members_entry(organisation: Organisation) -> dict:
    from circlewise.accounts.models import User

    mia = User.objects.get(email="mia@acme.test")
    entry = journal_entry_create(owner=mia, organisation=organisation, body="Private.")
    return {"org_slug": organisation.slug, "entry_id": entry.pk}


def _other_organisations_entry(organisation: Organisation) -> dict:
    """Our slug with an entry id from another organisation: 404 even for its owner's org admin."""
    from circlewise.accounts.models import User

    otto = User.objects.get(email="otto@globex.test")
    other = otto.memberships.get().organisation
    entry = journal_entry_create(owner=otto, organisation=other, body="Globex note.")
    return {"org_slug": organisation.slug, "entry_id": entry.pk}


OWNER_ONLY = expect(member=200, coach=404, admin=404)
EVERY_MEMBER = expect(member=200, coach=200)
NOBODY = {"outsider": 404, "member": 404, "coach": 404, "admin": 404}

ROWS = [
    Row("journal:journal", lambda o: {"org_slug": o.slug}, EVERY_MEMBER),
    Row(
        "journal:journal",
        lambda o: {"org_slug": o.slug},
        expect(member=302, coach=302, admin=302),
        method="post",
        data={"title": "", "body": "A thought."},
    ),
    Row("journal:edit", _members_entry, OWNER_ONLY),
    Row("journal:edit", _members_entry, OWNER_ONLY | {"member": 302}, "post", {"body": "New."}),
    Row("journal:delete", _members_entry, OWNER_ONLY),
    Row("journal:delete", _members_entry, OWNER_ONLY | {"member": 302}, method="post"),
    Row("journal:edit", _other_organisations_entry, NOBODY),
    Row("journal:delete", _other_organisations_entry, NOBODY, method="post"),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_journal_url():
    from circlewise.journal.urls import urlpatterns

    assert {f"journal:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}


def test_it_shows_the_owner_their_notes_and_nobody_else(organisation, entry, member, coach, admin):
    mate = circle_mate(organisation)
    assert "I noticed I rescue people" in client_for(member).get("/o/acme/journal/").text
    for other in (mate, coach, admin):
        client = client_for(other)
        assert "I noticed I rescue people" not in client.get("/o/acme/journal/").text
        assert client.get(f"/o/acme/journal/{entry.pk}/").status_code == 404
        response = client.post(f"/o/acme/journal/{entry.pk}/", {"body": "Overwritten."})
        assert response.status_code == 404
        assert client.post(f"/o/acme/journal/{entry.pk}/delete/").status_code == 404
    entry.refresh_from_db()
    assert entry.body == "I noticed I rescue people instead of asking."


def test_it_answers_404_to_the_api_with_another_users_token(organisation, entry, coach, admin):
    url = f"/api/organisations/acme/journal/{entry.pk}"
    for other in (circle_mate(organisation), coach, admin):
        client = _api(other)
        assert client.get(url).status_code == 404
        assert entry.body not in client.get("/api/organisations/acme/journal").text
    assert _api(entry.owner).get(url).json()["body"] == entry.body


def test_it_saves_a_note_written_from_a_circle_with_that_context(organisation, member, circle):
    client = client_for(member)
    page = client.get(f"/o/acme/journal/?circle={circle.pk}")
    assert "about Oak" in page.text
    client.post("/o/acme/journal/", {"circle": circle.pk, "title": "", "body": "Brave today."})
    assert JournalEntry.objects.get(owner=member).circle == circle


def test_it_ignores_a_circle_the_writer_is_not_in(organisation, member):
    elsewhere = make_circle(organisation, members=[circle_mate(organisation)], name="Elm")
    client_for(member).post("/o/acme/journal/", {"circle": elsewhere.pk, "body": "Mine."})
    assert JournalEntry.objects.get(owner=member).circle is None


def test_it_edits_and_deletes_after_confirmation(organisation, member, entry):
    client = client_for(member)
    client.post(f"/o/acme/journal/{entry.pk}/", {"title": "April", "body": "Asked more."})
    entry.refresh_from_db()
    assert (entry.title, entry.body) == ("April", "Asked more.")
    confirm = client.get(f"/o/acme/journal/{entry.pk}/delete/")
    assert "cannot be brought back" in confirm.text
    assert JournalEntry.objects.filter(pk=entry.pk).exists()  # a GET changes nothing
    client.post(f"/o/acme/journal/{entry.pk}/delete/")
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"body": "a\x00b"}, "NUL character"),
        ({"body": "   "}, "The note is required"),
        ({"body": "x" * 10_001}, "the most is 10000"),
        ({"title": "two\nlines", "body": "ok"}, "one line"),
        ({"title": "t" * 121, "body": "ok"}, "the most is 120"),
    ],
)
def test_it_refuses_bad_input_through_the_api_and_saves_nothing(organisation, member, payload,
                                                                 message):  # fmt: skip
    response = _api(member).post(
        "/api/organisations/acme/journal", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not JournalEntry.objects.exists()


def test_it_refuses_a_nul_character_in_the_form(organisation, member):
    response = client_for(member).post("/o/acme/journal/", {"body": "a\x00b"})
    assert response.status_code == 200 and "Null characters are not allowed" in response.text
    assert not JournalEntry.objects.exists()
