"""A short schemathesis run against the API in-process (WSGI), authenticated with a token.

It fails on any 5xx and on any answer the OpenAPI document does not describe (status code,
content type, body schema), and checks that input the schema calls invalid is refused. Path
parameters of half of the valid examples point at a real organisation and programme, so
operations get past the 404 and reach the services.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from circlewise.accounts.models import ApiToken
from circlewise.wsgi import application
from tests.programmes.factories import make_programme

EXAMPLES_PER_OPERATION = 5


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests share the test's connection and transaction, as with Django's test client."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(admin) -> str:
    return ApiToken.issue(user=admin, name="fuzz")[1]


@pytest.fixture
def programme(organisation):
    return make_programme(organisation, diversify=["department"])


# pytest-django has set Django up before collection; the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_it_answers_every_generated_request_as_documented(case, token, programme):
    positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        case.path_parameters = {**case.path_parameters, "org_slug": "acme"}
        if "programme_id" in case.path_parameters:
            case.path_parameters["programme_id"] = programme.pk
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # Valid-looking input can still break a rule the schema cannot state (an unknown time
        # zone, an attribute this programme does not ask for): that is a documented 422.
        excluded_checks=[positive_data_acceptance],
    )
