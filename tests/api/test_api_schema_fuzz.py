"""A short schemathesis run against the API in-process (WSGI), authenticated with a token.

It fails on any 5xx and on any answer the OpenAPI document does not describe (status code,
content type, body schema), and checks that input the schema calls invalid is refused. Path
parameters point at a real organisation and programme for half of the examples, so operations
get past the 404 and reach validation and the services.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from circlewise.accounts.models import ApiToken
from circlewise.wsgi import application
from tests.programmes.factories import make_programme

EXAMPLES_PER_OPERATION = 8


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
    if case.path_parameters and hash(repr(case.body)) % 2 == 0:
        case.path_parameters = {**case.path_parameters, "org_slug": "acme"}
        if "programme_id" in case.path_parameters:
            case.path_parameters["programme_id"] = programme.pk
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # Valid-looking input can still break a rule the schema cannot state (an unknown time
        # zone, an attribute this programme does not ask for): that is a documented 422.
        excluded_checks=[positive_data_acceptance],
    )
