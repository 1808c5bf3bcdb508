from __future__ import annotations

import datetime as dt
import re

from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from circlewise.accounts.models import ApiToken


def test_it_serves_the_openapi_schema_and_docs(db):
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/organisations/{org_slug}/programmes" in paths
    assert "/api/organisations/{org_slug}/programmes/{programme_id}/participants/upsert" in paths
    assert Client().get("/api/docs").status_code == 200


def test_it_refuses_requests_without_a_token(admin):
    response = Client().get("/api/organisations/acme/programmes")
    assert response.status_code == 401


def test_it_refuses_an_unknown_token(admin):
    client = Client(headers={"authorization": "Bearer cw_not-a-real-token"})
    assert client.get("/api/organisations/acme/programmes").status_code == 401


def test_it_refuses_a_revoked_token(admin):
    from django.utils import timezone

    token, raw = ApiToken.issue(user=admin, name="old")
    token.revoked_at = timezone.now()
    token.save()
    client = Client(headers={"authorization": f"Bearer {raw}"})
    assert client.get("/api/organisations/acme/programmes").status_code == 401


def test_it_refuses_a_session_login_without_a_token(admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/api/organisations/acme/programmes").status_code == 401


def test_it_records_when_a_token_was_last_used(admin):
    token, raw = ApiToken.issue(user=admin, name="sync")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    assert client.get("/api/organisations/acme/programmes").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_records_a_tokens_use_at_most_once_a_minute(admin):
    token, raw = ApiToken.issue(user=admin, name="sync")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    client.get("/api/organisations/acme/programmes")
    token.refresh_from_db()
    first = token.last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/organisations/acme/programmes").status_code == 200
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=1))
    client.get("/api/organisations/acme/programmes")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_it_serves_the_api_docs_from_local_files_only(db):
    page = Client().get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/static/") for s in sources), sources  # no CDN
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
