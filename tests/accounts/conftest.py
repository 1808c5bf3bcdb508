from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """allauth counts attempts in the cache (a database table); start every test at zero."""
    cache.clear()
    yield
    cache.clear()


# The programme and API token fixtures of the insights tests: deleting an account is checked
# against the same dashboard, API and coach view figures.
from tests.insights.conftest import api_client, programme  # noqa: E402, F401
