"""The OpenAPI document declares the problems the API answers, and 405s name the real methods."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Account
from tests.api.helpers import API, assert_problem

PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


# A fixed id: test ids must be the same in every collection (pytest-xdist compares them).
SOME_ID = "0b7c4f0e-3d52-4a43-9d0e-5f2a7c1e9b10"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/postings", {"GET", "POST"}),
        ("PUT", f"/postings/{SOME_ID}", {"GET", "PATCH"}),
        ("GET", f"/postings/{SOME_ID}/withdraw", {"POST"}),
        ("PATCH", "/financing-needs", {"GET", "POST"}),
        ("POST", "/stats", {"GET"}),
    ],
)
def test_405_names_every_method_of_the_path(
    client: TestClient, method: str, path: str, allowed: set[str]
) -> None:
    response = client.request(method, API + path)
    assert_problem(response, 405)
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


def test_422_is_declared_as_a_problem_with_coded_field_errors(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        content = operation["responses"]["422"]["content"]
        assert list(content) == [PROBLEM_JSON], (method, path)
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    field_error = schemas["FieldError"]
    assert set(field_error["required"]) == {"field", "message", "code"}
    assert {"type", "title", "status", "detail"} <= set(schemas["Problem"]["required"])


@pytest.mark.parametrize("status", ["401", "403", "404", "409", "412", "503"])
def test_the_other_problems_are_declared(spec: dict[str, Any], status: str) -> None:
    for path, method, operation in operations(spec):
        declared = operation["responses"][status]
        assert list(declared["content"]) == [PROBLEM_JSON], (method, path)
        assert declared["content"][PROBLEM_JSON]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }


def test_bodies_may_be_too_large(spec: dict[str, Any]) -> None:
    operation = spec["paths"][f"{API}/postings"]["post"]
    assert PROBLEM_JSON in operation["responses"]["413"]["content"]


def test_413_is_declared_on_every_post_patch_and_put_with_or_without_a_body(
    spec: dict[str, Any],
) -> None:
    """The body limit answers 413 before the route runs, also where the route reads no body
    (e.g. POST /postings/{id}/withdraw), so each of them declares it; GET and DELETE do not."""
    bodiless = [
        (path, method)
        for path, method, operation in operations(spec)
        if method in {"post", "patch", "put"} and "requestBody" not in operation
    ]
    assert (f"{API}/postings/{{posting_id}}/withdraw", "post") in bodiless
    for path, method, operation in operations(spec):
        declared = "413" in operation["responses"]
        assert declared == (method in {"post", "patch", "put"}), (method, path)
        if declared:
            assert list(operation["responses"]["413"]["content"]) == [PROBLEM_JSON]


def test_a_bodiless_post_answers_the_413_it_declares(client: TestClient, owner: Account) -> None:
    response = client.post(
        f"{API}/postings/{uuid.uuid4()}/withdraw",
        content=b"x" * (2 * 1024 * 1024 + 1),
        headers={**owner.auth, "Content-Type": "application/json"},
    )
    assert_problem(response, 413)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_an_api_path_that_is_only_a_websocket_is_not_found_over_http(
    client: TestClient, method: str
) -> None:
    """GET /api/v1/stream over plain HTTP is 404 (it is a WebSocket), so no method is allowed
    there: not 405 with `Allow: GET, HEAD`."""
    assert_problem(client.get(f"{API}/stream"), 404)
    response = client.request(method, f"{API}/stream")
    assert_problem(response, 404)
    assert "allow" not in response.headers
