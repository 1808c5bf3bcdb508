"""The programme circles page and a circle page run the same number of queries whatever the
number of circles (merge targets are stored, not computed per view)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circlewise.circles.models import Circle, CircleMember
from circlewise.programmes.models import ProgrammeStatus
from tests.conftest import client_for


def _circles(programme, add_participants, count: int, start: int) -> list[Circle]:
    """``count`` circles of 3 (below the minimum of 5), each a merge target of the first."""
    people = add_participants(programme, 3 * count, start=start)
    circles = []
    for number in range(count):
        circle = Circle.objects.create(
            organisation=programme.organisation, programme=programme, name=f"C{start + number}"
        )
        for person in people[3 * number : 3 * number + 3]:
            CircleMember.objects.create(circle=circle, participant=person, email=person.email)
        circles.append(circle)
    return circles


def _queries(client, url: str) -> int:
    cache.clear()  # kept counts are computed afresh: each size is measured at its worst
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["programme", "circle"])
def test_it_runs_as_many_queries_for_2n_circles_as_for_n(page, programme, add_participants, admin):
    programme.status = ProgrammeStatus.PUBLISHED
    programme.save()
    client = client_for(admin)
    first = _circles(programme, add_participants, 4, start=0)
    counts = []
    for extra in (0, 4):
        if extra:
            more = _circles(programme, add_participants, extra, start=100)
            first[0].merge_targets.add(*more)
        else:
            first[0].merge_targets.set(first[1:])
        url = (
            f"/o/acme/programmes/{programme.pk}/circles/"
            if page == "programme"
            else f"/o/acme/circles/{first[0].pk}/"
        )
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]
    body = client.get(url).content.decode()
    assert "C101" in body  # the stored merge targets are shown
