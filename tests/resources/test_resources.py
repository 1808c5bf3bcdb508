"""Resource libraries, sharing with a circle, marks and reflections; who may do what."""

from __future__ import annotations

import pytest

from circlewise.circles.models import Circle
from circlewise.organisations.models import Organisation
from circlewise.resources.models import Progress, Resource, Share
from circlewise.resources.services import resource_add, resource_share
from tests.circle_fixtures import circle_mate, make_circle
from tests.conftest import client_for
from tests.permissions import Row, assert_matrix, expect
from tests.programmes.factories import make_programme

BOOK = {
    "kind": "book",
    "title": "Coaching for Performance",
    "url": "https://example.org/growth",
    "note": "The GROW model at its source.",
    "tags": "grow, questions",
    "suggested_month": "2",
}


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


def _users():
    from circlewise.accounts.models import User

    return {u.email.split("@")[0]: u for u in User.objects.all()}


def _programme_circle(organisation: Organisation) -> Circle:
    """A programme circle with mia and sam in it, coached by cody; one shared resource."""
    people = _users()
    programme = make_programme(organisation)
    circle = make_circle(
        organisation, members=[people["mia"], circle_mate(organisation)], coach=people["cody"],
        programme=programme,
    )  # fmt: skip
    resource = resource_add(by=people["ada"], programme=programme, **BOOK | {"suggested_month": 2})
    resource_share(circle=circle, resource=resource, by=people["cody"])
    return circle


def _circle(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "circle_id": _programme_circle(organisation).pk}


def _share(organisation: Organisation) -> dict:
    circle = _programme_circle(organisation)
    share = circle.shared_resources.get()
    return {"org_slug": organisation.slug, "circle_id": circle.pk, "share_id": share.pk}


def _programme_kwargs(organisation: Organisation) -> dict:
    return {"org_slug": organisation.slug, "programme_id": make_programme(organisation).pk}


def _programme_resource(organisation: Organisation) -> dict:
    programme = make_programme(organisation)
    resource = resource_add(by=None, programme=programme, **BOOK | {"suggested_month": None})
    return {"org_slug": organisation.slug, "resource_id": resource.pk}


def _other_organisations_circle(organisation: Organisation) -> dict:
    other = Organisation.objects.get(slug="globex")
    circle = make_circle(other, members=[_users()["otto"]], name="Globex circle")
    return {"org_slug": organisation.slug, "circle_id": circle.pk}


INSIDE = {"outsider": 404, "member": 200, "coach": 200, "admin": 404}  # admins never see inside
ROWS = [
    Row("resources:programme_library", _programme_kwargs, expect(member=404, coach=200)),
    Row(
        "resources:programme_library",
        _programme_kwargs,
        expect(member=404, admin=302),
        method="post",
        data=BOOK,
    ),
    Row("resources:remove", _programme_resource, expect(member=404, admin=302), method="post"),
    Row("resources:circle", _circle, INSIDE),
    # Programme circles share from the programme's library: the coach cannot add to the circle.
    Row("resources:circle", _circle, INSIDE | {"member": 403, "coach": 403}, "post", BOOK),
    Row("resources:share", _circle, INSIDE | {"member": 403, "coach": 302}, method="post"),
    Row(
        "resources:progress", _share, INSIDE | {"member": 302, "coach": 302}, "post", {"done": "on"}
    ),
    Row("resources:circle", _other_organisations_circle, INSIDE | {"member": 404, "coach": 404}),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_it_enforces_the_matrix(row, matrix_users, organisation):
    assert_matrix(row, users=matrix_users, organisation=organisation)


def test_it_covers_every_resources_url():
    from circlewise.resources.urls import urlpatterns

    assert {f"resources:{p.name}" for p in urlpatterns} == {row.url_name for row in ROWS}


def test_it_lets_the_admin_curate_the_programme_library(organisation, admin):
    programme = make_programme(organisation)
    client = client_for(admin)
    client.post(f"/o/acme/programmes/{programme.pk}/resources/", BOOK)
    resource = Resource.objects.get()
    assert (resource.kind, resource.tags, resource.suggested_month) == (
        "book", ["grow", "questions"], 2
    )  # fmt: skip
    assert (
        "Coaching for Performance"
        in client.get(f"/o/acme/programmes/{programme.pk}/resources/").text
    )


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/book.pdf", "data:text/html,hi", "example"]
)
def test_it_refuses_a_link_that_is_not_http_and_saves_nothing(organisation, admin, link):
    programme = make_programme(organisation)
    response = client_for(admin).post(
        f"/o/acme/programmes/{programme.pk}/resources/", BOOK | {"url": link}
    )
    assert "must start with http:// or https://" in response.text
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "A\nB", "one line"),
        ("tags", "ok, " + "x" * 41, "the most is 40"),
        ("suggested_month", "13", "between 1 and 12"),
        ("url", "https://exa mple.org", "not a valid web address"),
    ],
)
def test_it_says_what_is_wrong_with_a_resource(organisation, admin, field, value, message):
    programme = make_programme(organisation)
    response = client_for(admin).post(
        f"/o/acme/programmes/{programme.pk}/resources/", BOOK | {field: value}
    )
    assert message in response.text
    assert not Resource.objects.exists()


def test_members_mark_and_reflect_and_the_circle_sees_it(organisation, member, coach, admin):
    circle = _programme_circle(organisation)
    share = circle.shared_resources.get()
    client_for(member).post(
        f"/o/acme/circles/{circle.pk}/resources/{share.pk}/progress/",
        {"done": "on", "reflection": "I ask fewer why-questions now."},
    )
    mark = Progress.objects.get()
    assert (mark.user, mark.done) == (member, True)
    mate_page = client_for(circle_mate(organisation)).get(f"/o/acme/circles/{circle.pk}/resources/")
    assert "I ask fewer why-questions now." in mate_page.text
    assert (
        "I ask fewer why-questions now."
        in client_for(coach).get(mate_page.request["PATH_INFO"]).text
    )
    assert client_for(admin).get(f"/o/acme/circles/{circle.pk}/resources/").status_code == 404


def test_it_refuses_to_share_another_programmes_resource(organisation, member, coach, admin):
    circle = _programme_circle(organisation)
    other = make_programme(organisation, name="Other")
    foreign = resource_add(by=None, programme=other, **BOOK | {"suggested_month": None})
    response = client_for(coach).post(
        f"/o/acme/circles/{circle.pk}/resources/share/", {"resource": foreign.pk}, follow=True
    )
    assert "is not in this circle" in response.text
    assert Share.objects.filter(resource=foreign).count() == 0


def test_a_self_organised_circle_curates_its_own_library(organisation, member):
    circle = make_circle(organisation, members=[member], host=member, name="Walkers")
    client = client_for(member)
    client.post(f"/o/acme/circles/{circle.pk}/resources/", BOOK | {"url": "http://example.org/a"})
    resource = Resource.objects.get(circle=circle)
    client.post(f"/o/acme/circles/{circle.pk}/resources/share/", {"resource": resource.pk})
    assert Share.objects.get().circle == circle
    again = client.post(
        f"/o/acme/circles/{circle.pk}/resources/share/", {"resource": resource.pk}, follow=True
    )
    assert "already shared" in again.text and Share.objects.count() == 1
