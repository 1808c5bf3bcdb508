"""The home page, friendly error pages, static files and the health check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from circlewise.organisations.models import Membership, Organisation, Role
from circlewise.urls import urlpatterns as site_urls
from tests.conftest import client_for, make_user


def _boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def _denied(request):
    raise PermissionDenied("Your role in Acme does not allow this.")


urlpatterns = [*site_urls, path("boom/", _boom), path("denied/", _denied)]


def test_it_explains_circlewise_to_visitors(client, db):
    content = client.get("/").content.decode()
    assert "Peer coaching circles" in content
    assert 'href="/accounts/signup/"' in content


def test_it_sends_someone_in_one_organisation_straight_to_it(admin):
    response = client_for(admin).get("/")
    assert response.status_code == 302 and response.url == "/o/acme/"


def test_it_lets_someone_in_several_organisations_choose(admin, outsider):
    Membership.objects.create(
        organisation=Organisation.objects.get(slug="globex"), user=admin, role=Role.MEMBER
    )
    response = client_for(admin).get("/")
    assert response.status_code == 302 and response.url == "/o/"


def test_it_offers_someone_in_no_organisation_to_create_one(db):
    response = client_for(make_user("new@example.test")).get("/", follow=True)
    assert "Create an organisation" in response.content.decode()


def test_it_shows_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_it_shows_a_friendly_403_with_the_reason(client, db):
    response = client.get("/denied/")
    assert response.status_code == 403
    assert "Your role in Acme does not allow this." in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_it_shows_a_friendly_500(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Nothing you entered has been lost" in response.content.decode()


@pytest.mark.parametrize("asset", ["css/app.css", "vendor/pico.min.css", "vendor/htmx.min.js"])
def test_it_serves_static_files_locally_through_whitenoise(db, asset):
    # Tests run without collectstatic, so let WhiteNoise find the files where they live.
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        response = Client().get(f"/static/{asset}")
        assert response.status_code == 200
        assert "public" in response.headers["Cache-Control"]  # WhiteNoise's, not Django's


def test_it_loads_no_asset_from_another_site(client, db):
    content = client.get("/").content.decode()
    assert "https://" not in content.split("<body")[0]


def test_it_has_a_skip_link_and_a_mobile_menu_button(client, db):
    content = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in content
    assert 'aria-controls="nav-links"' in content
    assert '<main id="main"' in content


def test_it_answers_the_health_check(client, db):
    assert client.get("/healthz").content == b"ok"
