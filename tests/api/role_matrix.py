"""The checks every role matrix makes: who is refused, with which status, writing nothing.

Each `test_*_roles.py` module knows its own routes and cast; these helpers hold what the three
matrices share, so a refusal means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from marketplace.bootstrap import Services
from tests.api.helpers import assert_problem, no_new_events

Send = Callable[[dict[str, str]], Any]  # sends the route's request with these headers

# Not a session token: a forged bearer token and another scheme altogether.
INVALID_AUTHORIZATIONS = pytest.mark.parametrize(
    "authorization", ["Bearer forged-token", "Basic b3duZXI6c2VjcmV0"], ids=["forged", "basic"]
)


def assert_refused(services: Services, send: Send, headers: dict[str, str], status: int) -> Any:
    """The request is answered with the problem `status` and appends no event."""
    with no_new_events(services):
        response = send(headers)
        assert_problem(response, status)
    return response


def assert_anonymous_refused(services: Services, send: Send) -> None:
    """No credentials: 401 with a Bearer challenge."""
    response = assert_refused(services, send, {}, 401)
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")
