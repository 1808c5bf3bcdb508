"""``one_or_none``: the one matching row without an ``ORDER BY`` (``first()`` would add one)."""

from __future__ import annotations

import pytest
from django.core.exceptions import MultipleObjectsReturned
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circlewise.accounts.models import User
from circlewise.core.rows import one_or_none

pytestmark = pytest.mark.django_db


def test_it_returns_the_matching_row_and_compiles_no_order_by():
    wanted = User.objects.create_user(email="ana@example.com", password="x" * 12, name="Ana")
    User.objects.create_user(email="ben@example.com", password="x" * 12, name="Ben")
    with CaptureQueriesContext(connection) as queries:
        found = one_or_none(User.objects.all(), email="ana@example.com")
    assert found == wanted
    assert "ORDER BY" not in queries.captured_queries[0]["sql"].upper()


def test_it_returns_none_when_nothing_matches():
    assert one_or_none(User.objects.all(), email="nobody@example.com") is None


def test_it_refuses_lookups_that_match_several_rows():
    """Not a silent pick of one: the lookups were meant to be unique."""
    User.objects.create_user(email="ana@example.com", password="x" * 12, name="Same")
    User.objects.create_user(email="ben@example.com", password="x" * 12, name="Same")
    with pytest.raises(MultipleObjectsReturned):
        one_or_none(User.objects.all(), name="Same")
