from __future__ import annotations

import pytest
from django.test import Client

from circlewise.accounts.models import ApiToken
from tests.programmes.factories import make_programme


@pytest.fixture
def programme(organisation):
    return make_programme(organisation)


@pytest.fixture
def api_client():
    """``api_client(user)``: a client that sends a fresh personal access token of ``user``."""

    def _client(user) -> Client:
        _, raw = ApiToken.issue(user=user, name="test")
        return Client(headers={"authorization": f"Bearer {raw}"})

    return _client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users get real password hashes; a fast hasher keeps the permission matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
