"""Schemathesis over `/openapi.json`, as an enterprise and as an operator: generated requests
(valid and invalid) find no 5xx and no answer that breaks the published schema.

Bounded (`FUZZ_EXAMPLES` per operation and role) so that it runs in about a minute; it is part
of the default run. `MARKET_FUZZ_EXAMPLES` raises the bound for a longer hunt.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.bootstrap import Services
from tests.api.conftest import sign_up, staff_account
from tests.budgets import GENEROUS_BUDGETS
from tests.services import running_services

FUZZ_EXAMPLES = int(os.environ.get("MARKET_FUZZ_EXAMPLES", "6"))
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
calls: Counter[str] = Counter()

pytestmark = [
    pytest.mark.fuzz,
    # schemathesis's generators draw from `random` now and then; hypothesis warns about it.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """As in conftest, but a `min_position` beyond the log answers 503 after 0.2 s, not 5."""
    with running_services(
        database_url, tmp_path_factory.mktemp("data"), read_wait_seconds=0.2, **GENEROUS_BUDGETS
    ) as opened:
        yield opened


@pytest.fixture(scope="module")
def api_schema(client: TestClient) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


@pytest.fixture(scope="module")
def tokens(client: TestClient, services: Services) -> dict[str, str]:
    return {
        "enterprise": sign_up(client).token,
        "operator": staff_account(client, services, "operator").token,
    }


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    total = sum(calls.values())
    print(f"\nschema fuzz: {total} requests, by role and mode {dict(calls)}")


FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(api_schema: Any, token: str, mode: GenerationMode) -> int:
    """Every operation, `FUZZ_EXAMPLES` generated cases each; how many requests were sent."""
    sent = 0
    headers = {"Authorization": f"Bearer {token}"}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @FUZZ
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            response = case.call(headers=headers)
            _no_server_error(case, response)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (e.g. a GET without parameters).
            assert mode is GenerationMode.NEGATIVE, operation.label
    return sent


def _no_server_error(case: schemathesis.Case, response: Any) -> None:
    """No 5xx, but the one the contract asks for: `min_position` not reached in time."""
    if response.status_code < 500:
        return
    waited = response.status_code == 503 and response.json().get("code") == "not_caught_up"
    assert waited and "min_position" in (case.query or {}), (
        f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: "
        f"{response.text[:500]}"
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ["enterprise", "operator"])
def test_no_server_error_and_no_schema_violation(
    api_schema: Any, tokens: dict[str, str], role: str, mode: GenerationMode
) -> None:
    calls[f"{role}/{mode.value}"] += _fuzz(api_schema, tokens[role], mode)
