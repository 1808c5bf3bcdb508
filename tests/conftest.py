"""Shared fixtures: one organisation with an admin, a coach, a member, and an outsider.

Every organisation view is tested for all four (outsider 404, member without the role 403,
the right role 200): see tests/test_permissions.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from circlewise.accounts.models import User
from circlewise.organisations.models import Membership, Organisation, Role

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Each test starts and ends in the site's language: a request activates its reader's
    language for the rest of the thread, which would leak into the next test's emails."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Tests create and check many passwords: a fast hash keeps them quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email: str, name: str = "") -> User:
    """A user with a verified address; the same one again when it exists (matrix rows build
    their objects more than once)."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    user = User.objects.create_user(email=email, password=PASSWORD, name=name or email)
    user.emailaddress_set.create(email=email, verified=True, primary=True)
    return user


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(name="Acme", slug="acme")


def _member(organisation: Organisation, email: str, role: str) -> User:
    user = make_user(email, email.split("@")[0].title())
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def admin(organisation: Organisation) -> User:
    return _member(organisation, "ada@acme.test", Role.ADMIN)


@pytest.fixture
def coach(organisation: Organisation) -> User:
    return _member(organisation, "cody@acme.test", Role.COACH)


@pytest.fixture
def member(organisation: Organisation) -> User:
    return _member(organisation, "mia@acme.test", Role.MEMBER)


@pytest.fixture
def outsider(db) -> User:
    other = Organisation.objects.create(name="Globex", slug="globex")
    return _member(other, "otto@globex.test", Role.ADMIN)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
