"""The circle's contract and rotation through the API, with the same answers as the pages."""

from __future__ import annotations

import datetime as dt

from circlewise.circles.models import Circle, CircleMember
from circlewise.contracts import services
from tests.programmes.factories import make_programme


def test_it_reads_the_contract_status_and_rotation_with_a_token(organisation, member, api_client):
    programme = make_programme(organisation)
    circle = Circle.objects.create(organisation=organisation, programme=programme, name="Oak")
    CircleMember.objects.create(circle=circle, user=member, email=member.email)
    CircleMember.objects.create(circle=circle, email="dev@acme.test")
    services.contract_accept(circle=circle, user=member, number=0)
    client = api_client(member)
    contract = client.get(f"/api/organisations/acme/circles/{circle.pk}/contract").json()
    assert contract["version"] == 1 and not contract["accepted_by_all"]
    assert [a["name"] for a in contract["accepted"]] == ["Mia"]
    assert contract["missing"] == ["A member"]  # a name, never an address
    rotation = client.get(f"/api/organisations/acme/circles/{circle.pk}/rotation").json()
    upcoming = rotation["upcoming"]
    assert rotation["coachees_per_session"] == 1 and upcoming
    assert all(dt.date.fromisoformat(s["day"]) >= dt.date.today() for s in upcoming)
