"""Who gets which answer from formation's pages (see ``circlewise.policy``).

Admins manage them; coaches see programmes but may not change them (403); members outside the
programme cannot see it (404); another organisation's admin gets 404. Every page with an object
id also answers 404 to an admin who puts another organisation's id under their own slug.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from circlewise.organisations.models import Organisation
from tests.circles.test_circle_permissions import _programme, _programme_circle
from tests.conftest import client_for
from tests.permissions import Row, assert_matrix, expect


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _programme_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": _programme(organisation).pk}


def _run_kwargs(organisation: Organisation) -> dict:
    programme = _programme(organisation)
    run = programme.formation_runs.first()
    return {"org_slug": organisation.slug, "programme_id": programme.pk, "run_id": run.pk}


def _circle_kwargs(organisation: Organisation) -> dict:
    circle = _programme_circle(organisation)
    return {
        "org_slug": organisation.slug,
        "programme_id": circle.programme_id,
        "circle_id": circle.pk,
    }


PROGRAMME_ADMIN = expect(member=404, coach=403)  # coaches see programmes, members do not
POSTED = PROGRAMME_ADMIN | {"admin": 302}

ROWS = [
    Row("formation:formation", _programme_kwargs, PROGRAMME_ADMIN),
    Row("formation:run_status", _run_kwargs, PROGRAMME_ADMIN),
    Row("formation:people", _run_kwargs, PROGRAMME_ADMIN),
    Row("formation:publish", _run_kwargs, PROGRAMME_ADMIN),  # asks for confirmation
    Row("formation:move", _run_kwargs, POSTED, method="post"),
    Row("formation:swap", _run_kwargs, POSTED, method="post"),
    Row("formation:publish", _run_kwargs, POSTED, method="post"),
    Row("formation:programme_circles", _programme_kwargs, PROGRAMME_ADMIN),
    Row("formation:place_joiners", _programme_kwargs, POSTED, method="post"),
    Row("formation:place_joiner", _programme_kwargs, POSTED, method="post"),
    Row("formation:queue_form", _programme_kwargs, POSTED, method="post"),
    Row("formation:merge", _circle_kwargs, POSTED, method="post"),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_hides_another_organisations_objects_under_ones_own_slug(row, admin, outsider):
    other = Organisation.objects.get(slug="globex")
    kwargs = dict(row.kwargs(other)) | {"org_slug": "acme"}
    response = getattr(client_for(admin), row.method)(reverse(row.url_name, kwargs=kwargs))
    assert response.status_code == 404


def test_it_covers_every_formation_url():
    from circlewise.formation.urls import urlpatterns

    assert {f"formation:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}
