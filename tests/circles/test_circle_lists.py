"""The circles a person is in, and circle sizes: what the lists count, and that counting them
does not read every seat."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from circlewise.accounts.models import ApiToken
from circlewise.circles.models import CircleMember
from circlewise.circles.selectors import circles_for_user, pending_requests
from circlewise.organisations.models import Organisation
from tests.circle_fixtures import circle_mate, make_circle
from tests.programmes.factories import make_programme


def test_a_persons_circles_are_those_they_sit_in_host_or_coach_and_still_run(
    organisation, member, coach
):
    mate = circle_mate(organisation)
    seated = make_circle(organisation, members=[member, mate], name="Seated")
    hosted = make_circle(organisation, members=[mate], host=member, name="Hosted")
    coached = make_circle(organisation, members=[mate], coach=member, name="Coached")
    left = make_circle(organisation, members=[member, mate], name="Left")
    CircleMember.objects.filter(circle=left, user=member).update(left_at=timezone.now())
    make_circle(organisation, members=[member], name="Closed", status="closed")
    make_circle(organisation, members=[mate], coach=coach, name="Others'")
    elsewhere = Organisation.objects.create(name="Globex", slug="globex")
    make_circle(elsewhere, members=[member], name="Elsewhere")

    found = circles_for_user(user=member, organisation=organisation)

    assert {c.name: c.size for c in found} == {"Seated": 2, "Hosted": 1, "Coached": 1}
    assert {c.pk for c in found} == {seated.pk, hosted.pk, coached.pk}


def test_a_circle_nobody_sits_in_has_size_zero(organisation, member):
    make_circle(organisation, members=[], host=member, name="Empty")
    assert [c.size for c in circles_for_user(user=member, organisation=organisation)] == [0]


def test_the_api_counts_a_programmes_circles_without_reading_their_seats(
    client, organisation, admin
):
    programme = make_programme(organisation, status="published")
    make_circle(organisation, members=[admin], programme=programme)
    token = ApiToken.issue(user=admin, name="sync")[1]
    url = f"/api/organisations/acme/programmes/{programme.pk}/circles"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["count"] == 1
    count = next(
        q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "circles_circle" in q["sql"]
    )
    assert "JOIN" not in count  # the sizes (a join on every seat) are not part of the count


def test_a_programme_circle_has_no_join_requests_to_read(
    organisation, member, django_assert_num_queries
):
    programme = make_programme(organisation, status="published")
    circle = make_circle(organisation, members=[member], programme=programme)
    with django_assert_num_queries(0):
        assert list(pending_requests(circle=circle)) == []
