"""Who may see and do what on every programme page.

The policy decides: an outsider gets 404 everywhere; a member who is not in a programme cannot
see it (404); a coach sees programmes read-only (403 on changes); an admin manages them. A
member who takes part sees their own programme page and intake, nothing about other people.
"""

from __future__ import annotations

import datetime as dt

import pytest

from circlewise.organisations.models import Organisation
from circlewise.programmes.models import EnrolmentUpload, Programme
from tests.conftest import client_for
from tests.permissions import Row, assert_matrix, expect
from tests.programmes.factories import make_participant, make_programme


def _org(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug}


def _programme(organisation: Organisation) -> dict:
    programme = Programme.objects.filter(organisation=organisation).first() or make_programme(
        organisation
    )
    return {"org_slug": organisation.slug, "pk": programme.pk}


def _upload(organisation: Organisation) -> dict:
    kwargs = _programme(organisation)
    upload = EnrolmentUpload.objects.create(
        programme_id=kwargs["pk"],
        rows=[{"line": 2, "email": "new@acme.test", "errors": []}],
    )
    return kwargs | {"upload_id": upload.pk}


def _join(organisation: Organisation) -> dict:
    programme = make_programme(organisation)
    return {"org_slug": organisation.slug, "token": programme.signup_token}


PROGRAMME_DATA = {
    "name": "Second cohort",
    "goal": "Peer support.",
    "start_date": "2027-03-01",
    "duration_months": 6,
    "cadence": "monthly",
    "session_minutes": 90,
    "min_size": 5,
    "max_size": 6,
    "format": "video",
    "overlap_rule": "prefer",
    "separation_depth": 1,
}

SEES = expect(member=404, coach=200)  # read-only pages for admins and coaches
MANAGES = expect(member=404)  # admin-only pages of a programme the member is not in

ROWS = [
    Row("programmes:list", _org, expect(member=200, coach=200)),
    Row("programmes:create", _org, expect()),
    Row("programmes:create", _org, expect(admin=302), "post", PROGRAMME_DATA),
    Row("programmes:detail", _programme, SEES),
    Row("programmes:edit", _programme, MANAGES),
    Row("programmes:edit", _programme, expect(member=404, admin=302), "post", PROGRAMME_DATA),
    Row("programmes:enrol", _programme, MANAGES),
    Row(
        "programmes:add",
        _programme,
        expect(member=404, admin=302),
        "post",
        {"email": "n@acme.test"},
    ),
    Row("programmes:upload", _upload, MANAGES),
    Row("programmes:upload", _upload, expect(member=404, admin=302), "post"),
    Row("programmes:signup_toggle", _programme, expect(member=404, admin=302), "post"),
    Row("programmes:participants", _programme, SEES),
    Row("programmes:remind", _programme, expect(member=404, admin=302), "post"),
    # Only participants have an intake and an invitation to accept.
    Row("programmes:intake", _programme, expect(member=404, coach=404, admin=404)),
    Row("programmes:accept", _programme, expect(member=404, coach=404, admin=404)),
    # The sign-up link explains itself to non-members instead of hiding.
    Row("programmes:join", _join, expect(outsider=403, member=200, coach=200)),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_permission_matrix(row, matrix_users, organisation):
    if row.url_name == "programmes:remind":
        make_participant(make_programme(organisation), "pending@acme.test")
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_programme_url():
    from circlewise.programmes.urls import urlpatterns

    assert {f"programmes:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}


# Participants ------------------------------------------------------------------------------------
PARTICIPANT_ROWS = [
    Row("programmes:detail", _programme, expect(member=200, coach=200)),
    Row("programmes:intake", _programme, expect(member=200, coach=404, admin=404)),
    Row("programmes:edit", _programme, expect(member=403, coach=403)),
    Row("programmes:enrol", _programme, expect(member=403, coach=403)),
    Row("programmes:participants", _programme, expect(member=403, coach=200)),
]


@pytest.mark.parametrize("row", PARTICIPANT_ROWS, ids=str)
def test_it_lets_a_participant_see_only_their_own_pages(row, matrix_users, organisation):
    programme = make_programme(organisation)
    make_participant(programme, matrix_users["member"].email, user=matrix_users["member"])
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_participants_never_see_other_participants(member, organisation):
    programme = make_programme(organisation)
    make_participant(programme, member.email, user=member)
    make_participant(programme, "secret-colleague@acme.test", ready=True)
    client = client_for(member)
    for name in ("detail", "intake"):
        page = client.get(
            f"/o/acme/programmes/{programme.pk}/{'' if name == 'detail' else 'intake/'}"
        )
        assert page.status_code == 200
        assert "secret-colleague" not in page.text
        assert "Participants</a>" not in page.text


def test_members_list_only_their_own_programmes(member, organisation):
    mine = make_programme(organisation, name="Mine")
    make_programme(organisation, name="Not mine", start_date=dt.date(2027, 5, 1))
    make_participant(mine, member.email, user=member)
    page = client_for(member).get("/o/acme/programmes/")
    assert "Mine" in page.text and "Not mine" not in page.text
