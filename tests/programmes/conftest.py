from __future__ import annotations

import pytest

from tests.programmes.factories import make_programme


@pytest.fixture
def programme(organisation):
    return make_programme(organisation)


@pytest.fixture
def matrix_users(outsider, member, coach, admin):
    return {"outsider": outsider, "member": member, "coach": coach, "admin": admin}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users get real password hashes; a fast hasher keeps the permission matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
