"""Who gets which answer from the contract and circle-home pages (see ``circlewise.policy``).

The contract, emails and rotation are the circle's alone: its members and coach see them; an
admin who is not in the circle gets 404, like a colleague. Another organisation's circle with
our own slug is 404 for everyone.
"""

from __future__ import annotations

import datetime as dt

import pytest

from circlewise.circles.models import Circle, CircleMember
from circlewise.organisations.models import Organisation
from circlewise.programmes.models import Programme
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _programme(organisation: Organisation) -> Programme:
    return Programme.objects.get_or_create(
        organisation=organisation,
        name="Leads",
        defaults={"goal": "Grow.", "start_date": dt.date(2027, 1, 4), "with_coach": True},
    )[0]


def _circle(organisation: Organisation, *, with_member: bool = True) -> Circle:
    from circlewise.accounts.models import User

    circle = Circle.objects.create(
        organisation=organisation,
        programme=_programme(organisation),
        name="Oak",
        coach=User.objects.get(email="cody@acme.test") if with_member else None,
    )
    if with_member:
        mia = User.objects.get(email="mia@acme.test")
        CircleMember.objects.create(circle=circle, user=mia, email=mia.email)
    return circle


def _mine(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _circle(organisation).pk}


def _not_mine(organisation: Organisation) -> dict:
    circle = _circle(organisation, with_member=False)
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


def _elsewhere(organisation: Organisation) -> dict:
    """Our own slug with another organisation's circle id."""
    other, _ = Organisation.objects.get_or_create(slug="initech", defaults={"name": "Initech"})
    circle = Circle.objects.create(organisation=other, name="Theirs")
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


def _programme_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": _programme(organisation).pk}


def _self_organised(organisation: Organisation) -> dict:
    from circlewise.accounts.models import User

    mia = User.objects.get(email="mia@acme.test")
    circle = Circle.objects.create(organisation=organisation, name="Walkers", host=mia)
    CircleMember.objects.create(circle=circle, user=mia, email=mia.email)
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


CIRCLE_ALONE = {"outsider": 404, "member": 200, "coach": 200, "admin": 404}
NOBODY = {"outsider": 404, "member": 404, "coach": 404, "admin": 404}
PROGRAMME_ADMIN = expect(member=404, coach=403)

ROWS = [
    Row("contracts:show", _mine, CIRCLE_ALONE),
    Row("contracts:show", _not_mine, NOBODY),
    Row("contracts:show", _elsewhere, NOBODY),
    Row("contracts:edit", _mine, CIRCLE_ALONE | {"coach": 403}),
    Row("contracts:edit", _elsewhere, NOBODY),
    Row("contracts:accept", _mine, CIRCLE_ALONE | {"member": 302, "coach": 403}, "post"),
    Row("contracts:accept", _elsewhere, NOBODY, "post"),
    Row("contracts:template", _programme_kwargs, PROGRAMME_ADMIN),
    Row("circles:detail", _elsewhere, NOBODY),
    Row("circles:coaches", _programme_kwargs, PROGRAMME_ADMIN),
    Row("circles:coaches", _programme_kwargs, PROGRAMME_ADMIN | {"admin": 302}, "post"),
    Row(
        "circles:coach", _mine, {"outsider": 404, "member": 404, "coach": 403, "admin": 302}, "post"
    ),
    Row("circles:coach", _elsewhere, NOBODY, "post"),
    Row("circles:hand_over", _self_organised, {**NOBODY, "member": 302}, "post"),
    Row("circles:close", _self_organised, {**NOBODY, "member": 200}),
    Row("circles:close", _self_organised, {**NOBODY, "member": 302}, "post"),
    Row("circles:close", _elsewhere, NOBODY, "post"),
    Row(
        "circles:rotation",
        _mine,
        CIRCLE_ALONE | {"member": 302, "coach": 302},
        "post",
        {"coachees_per_session": 2},
    ),
    Row("circles:rotation", _elsewhere, NOBODY, "post", {"coachees_per_session": 2}),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_contract_and_circle_home_url():
    """A new contract page, or circle-home action of this module, without a row fails here."""
    from circlewise.contracts.urls import urlpatterns

    names = {f"contracts:{p.name}" for p in urlpatterns}
    names |= {"circles:coaches", "circles:coach", "circles:hand_over", "circles:close"}
    names |= {"circles:rotation"}
    assert names <= {row.url_name for row in ROWS}


def test_it_shows_the_circle_home_privately_only_to_the_circle(matrix_users, organisation):
    from tests.conftest import client_for

    kwargs = _mine(organisation)
    url = f"/o/acme/circles/{kwargs['circle_id']}/"
    for role, sees_private in (("member", True), ("coach", True), ("admin", False)):
        page = client_for(matrix_users[role]).get(url).content.decode()
        assert ("mia@acme.test" in page) is sees_private, role
        assert ("Our contract" in page) is sees_private, role
