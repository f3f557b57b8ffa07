"""RFC 9457 problem details for every error, in English or Chinese (Accept-Language)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aggregates.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
    TooLargeError,
    UnsupportedMediaTypeError,
    VersionMismatchError,
)
from api import validation
from api.answers import problem_body
from api.operations import path_methods
from marketplace.stores.database import UNAVAILABLE

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
STATUS_OF: dict[type[DomainError], int] = {
    InvalidValueError: 422,
    NotFoundError: 404,
    ForbiddenError: 403,
    ConflictError: 409,
    VersionMismatchError: 412,
    TooLargeError: 413,
    UnsupportedMediaTypeError: 415,
}


class ApiProblem(Exception):
    """An HTTP-level refusal raised by the API layer itself (401, 403, 429, 503 …)."""

    def __init__(
        self, status: int, en: str, zh: str, *, code: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(en)
        self.status, self.en, self.zh, self.code = status, en, zh, code
        self.headers = headers or {}


def wants_chinese(request: Request) -> bool:
    return request.headers.get("accept-language", "").lower().startswith("zh")


def problem(
    status: int,
    detail: str,
    *,
    code: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = problem_body(status, detail, code, errors)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _field_error(error: dict[str, Any], chinese: bool) -> dict[str, str]:
    # A body that is not JSON at all is the body's fault, not that of a position in it.
    field = "body" if error.get("type") == "json_invalid" else _field_name(error["loc"])
    code, en, zh = validation.describe(error, field)
    text = validation.message(field, zh if chinese else en, chinese)
    return {"field": field, "code": code, "message": text}


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    chinese = wants_chinese(request)
    errors = [_field_error(e, chinese) for e in exc.errors()]
    detail = "请求内容有误" if chinese else "the request is not valid"
    return problem(422, detail, code="validation_failed", errors=errors)


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = next(s for cls, s in STATUS_OF.items() if isinstance(exc, cls))
    chinese = wants_chinese(request)
    detail = exc.zh if chinese else exc.en
    errors = None
    if status == 422:
        context = {"en": exc.en, "zh": exc.zh}
        error = {"loc": (exc.field or "body",), "type": exc.code, "ctx": context}
        errors = [_field_error(error, chinese)]
        detail = errors[0]["message"]
    return problem(status, detail, code=exc.code, errors=errors)


async def on_api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    detail = exc.zh if wants_chinese(request) else exc.en
    return problem(exc.status, detail, code=exc.code, headers=exc.headers)


async def on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    headers = dict(exc.headers) if exc.headers else {}
    api_methods = route_methods(request)
    if status == 405 and not api_methods and request.url.path.startswith("/api/"):
        # An API path without HTTP operations (`/api/v1/stream` is a WebSocket): the static
        # mount's 405 would claim GET works there; nothing does over plain HTTP, so 404.
        status, detail = 404, "Not Found"
        headers.pop("Allow", None)
    if status == 405 or (status == 404 and api_methods and request.method not in api_methods):
        # The static pages mounted at `/` answer API paths the routes do not: an API path
        # asked with a method it lacks is a 405 naming the methods it really has.
        status = 405
        detail = "不支持该请求方法" if wants_chinese(request) else "method not allowed"
        headers["Allow"] = ", ".join(sorted(api_methods or {"GET", "HEAD"}))
    elif status == 404 and detail == "Not Found":
        detail = "没有该资源" if wants_chinese(request) else "no such resource"
    elif status == 400:  # a body FastAPI could not parse (not JSON, not UTF-8, bad form)
        zh, en = "请求内容不是有效的 JSON", "the request body is not valid JSON"
        detail = zh if wants_chinese(request) else en
        errors = [{"field": "body", "message": detail, "code": "invalid_json"}]
        return problem(422, detail, code="validation_failed", errors=errors)
    return problem(status, detail, code="http_error", headers=headers or None)


def route_methods(request: Request) -> set[str]:
    """The methods the API has for the requested path (none: not an API path)."""
    return path_methods(request.app, request.url.path)


async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return problem(
        503,
        "数据库暂时不可用，请稍后重试"
        if wants_chinese(request)
        else "the database is unavailable, please retry",
        code="database_unavailable",
        headers={"Retry-After": "1"},
    )


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "internal error", code="internal_error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, on_unavailable)
    app.add_exception_handler(Exception, on_unexpected)
