"""Every operation of the API, called with inputs generated from its OpenAPI
document: no answer is a server error, and every answer matches the document."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api_fuzz.seed import SECRET

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_document(case: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {SECRET}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
