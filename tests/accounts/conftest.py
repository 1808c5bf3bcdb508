from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """allauth counts attempts in the cache (a database table); start every test at zero."""
    cache.clear()
    yield
    cache.clear()
