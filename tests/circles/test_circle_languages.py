"""Circles keep their language as a code and show and find it by name."""

from __future__ import annotations

import importlib

from django.apps import apps

from circlewise.circles import services
from circlewise.circles.models import Circle
from circlewise.programmes.models import Programme
from tests.conftest import client_for

BASE = "/o/acme/circles"


def _start(organisation, by, name: str, language: str) -> Circle:
    return services.circle_start(
        organisation=organisation, by=by, name=name, language=language, is_listed=True
    )


def test_it_stores_the_language_typed_as_a_name_as_its_code(organisation, member):
    client = client_for(member)
    data = {"name": "Lectores", "language": "Spanish", "format": "video", "max_size": 6}
    assert client.post(f"{BASE}/new/", data).status_code == 302
    circle = Circle.objects.get()
    assert circle.language == "es"
    edit = client.get(f"{BASE}/{circle.pk}/edit/").content.decode()
    assert 'value="Spanish"' in edit  # the form shows the name, not the code
    assert " · Spanish" in client.get(f"{BASE}/{circle.pk}/").content.decode()


def test_it_explains_a_language_it_does_not_know_and_starts_nothing(organisation, member):
    data = {"name": "Snakes", "language": "Parseltongue", "format": "video", "max_size": 6}
    response = client_for(member).post(f"{BASE}/new/", data)
    assert "“Parseltongue” is not a language we know" in response.content.decode()
    assert not Circle.objects.exists()


def test_it_finds_circles_by_language_name_or_code(organisation, admin, member):
    _start(organisation, admin, "Runners", "en")
    _start(organisation, admin, "Lectores", "Spanish")
    client = client_for(member)

    def found(language: str) -> set[str]:
        body = client.get(f"{BASE}/find/", {"language": language}).content.decode()
        return {name for name in ("Runners", "Lectores") if name in body}

    assert found("English") == {"Runners"}
    assert found("en") == {"Runners"}
    assert found("espa") == {"Lectores"}  # part of its own name, español
    assert found("Parseltongue") == set()
    body = client.get(f"{BASE}/find/").content.decode()
    assert "English ·" in body and "en ·" not in body


def test_it_shows_a_programme_circles_language_by_name(organisation, admin):
    programme = Programme.objects.create(
        organisation=organisation, name="New managers", start_date="2027-01-04"
    )
    circle = Circle.objects.create(
        organisation=organisation, programme=programme, name="Circle 1", language="de"
    )
    page = client_for(admin).get(f"{BASE}/{circle.pk}/").content.decode()
    assert " · German" in page


def test_it_turns_language_names_stored_before_into_codes(organisation):
    migration = importlib.import_module("circlewise.circles.migrations.0007_language_codes")
    for name, language in [
        ("A", "English"),
        ("B", "Deutsch"),
        ("C", "any"),
        ("D", ""),
        ("E", "fr"),
    ]:
        Circle.objects.create(organisation=organisation, name=name, language=language)
    migration.names_to_codes(apps, None)
    stored = dict(Circle.objects.values_list("name", "language"))
    assert stored == {"A": "en", "B": "de", "C": "any", "D": "", "E": "fr"}
