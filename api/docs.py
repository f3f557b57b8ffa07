"""Interactive API docs served from the installed swagger-ui bundle: no CDN at run time; and
the OpenAPI document's error answers, declared as the RFC 9457 problems the API really sends."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
VALIDATION_REF = "#/components/schemas/ValidationProblem"

PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details; `detail` in the language of Accept-Language",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "stable machine code"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A 422 problem: one item per refused field",
        "allOf": [{"$ref": PROBLEM_REF}, {"type": "object", "required": ["errors"]}],
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "required": ["field", "message", "code"],
        "properties": {
            "field": {"type": "string", "description": "dotted path, e.g. contact.name"},
            "message": {"type": "string", "description": "names the field, zh or en"},
            "code": {"type": "string", "description": "e.g. missing, too_long, out_of_range"},
        },
    },
}

BODY_METHODS = frozenset({"post", "patch", "put"})

ANSWERS: dict[str, str] = {
    "401": "no or an invalid session token",
    "403": "the caller's role or relation does not allow this",
    "404": "no such resource",
    "409": "not allowed in the current state",
    "412": "If-Match does not match the current version",
    "422": "a field is not valid (each one named in errors[])",
    "429": "too many requests: see Retry-After",
    "503": "the database or the read models are not available yet: see Retry-After",
}


def _problem(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": ref}}}}


def with_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation declares its problem answers (413 on every POST, PATCH and PUT: the body
    limit applies whether or not the operation reads a body)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    components.update(PROBLEM_SCHEMAS)
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for status, description in ANSWERS.items():
                ref = VALIDATION_REF if status == "422" else PROBLEM_REF
                responses[status] = _problem(description, ref)
            if method in BODY_METHODS:  # a body is read, and limited, even where none is used
                responses["413"] = _problem("the request body is too large", PROBLEM_REF)
    return schema


def install(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
