"""The OpenAPI document declares the problems the API answers, and 405s name the real methods."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

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


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/postings", {"GET", "POST"}),
        ("PUT", f"/postings/{uuid.uuid4()}", {"GET", "PATCH"}),
        ("GET", f"/postings/{uuid.uuid4()}/withdraw", {"POST"}),
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
