"""Schemathesis over the whole /api/v1/openapi.json, in process (WSGI), as several personas.

Every operation gets ``FUZZ_EXAMPLES`` generated requests per persona (valid and invalid data: the
schema says what is valid). Checked: no 5xx, and every response whose status the schema documents
matches its schema. Undocumented 401/403/404/409/422 answers are the domain's and pass.
Requests carry a bearer token (``accounts.ApiToken``), so writes need no CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from dangqun.accounts.models import User
from dangqun.accounts.services import api_token_create
from tests.fuzz.conftest import FUZZ_EXAMPLES

FUZZ_PERSONAS = ("citizen", "grid_worker", "dispatcher", "sysadmin")
CHECKS = [not_a_server_error, response_schema_conformance]


@contextmanager
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: the WSGI handler must not close the test's (transactional)
    database connection at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schema(demo) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    with _keep_test_connection():
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("persona", FUZZ_PERSONAS)
def test_no_server_error_and_schema_conformance(schema, persona):
    user = User.objects.get(username=persona)
    token = api_token_create(actor=None, user=user, name="fuzz").key
    headers = {"Authorization": f"Bearer {token}"}
    operations = _operations(schema)
    tried: list[str] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategies.data())
    def run(operation: Any, data: Any) -> None:
        mode = data.draw(strategies.sampled_from(list(schemathesis.GenerationMode)))
        case = data.draw(operation.as_strategy(generation_mode=mode))
        tried.append(f"{case.method} {case.path}")
        case.call_and_validate(headers=headers, checks=CHECKS)

    for operation in operations:
        run(operation)
    assert len(set(tried)) == len(operations)  # every operation was exercised
