"""The FastAPI application: `create_app()` and its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api import docs, problems
from api.deps import name_the_writer
from api.headers import SecurityHeadersMiddleware
from api.limits import BudgetMiddleware
from api.log_redaction import install as install_log_redaction
from api.middleware import BodyMiddleware
from api.routes import (
    audit,
    bank_products,
    bids,
    contracts,
    documents,
    exhibitions,
    financing,
    financing_offers,
    matches,
    members,
    notifications,
    ocds,
    organizations,
    policies,
    postings,
    reports,
    service_products,
    service_request_reads,
    service_requests,
    sessions,
    stats,
    status,
    subscriptions,
    webhooks,
)
from api.stream import live_stream
from api.stream import router as stream_router
from api.text import query_text
from marketplace.bootstrap import Services, open_services
from marketplace.settings import Settings
from marketplace.workers.projector import Projector
from projections.text import warm_up

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

DESCRIPTION = """Supply-demand and financing docking for small and medium-sized enterprises
(中小企业供需对接与融资对接平台). Every fact is an immutable event; lists read from projections
and accept `min_position` for read-your-writes. Errors are RFC 9457 problem details."""


def create_app(services: Services | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app; with no `services`, the lifespan opens them (and runs the projections)."""
    install_log_redaction()  # no token in any log line, in every worker process

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warm_up()  # jieba's dictionary, before the first search needs it
        if services is not None:
            app.state.services = services
            async with live_stream(app, services):
                yield
            return
        opened = open_services(settings or Settings())
        projector = Projector(opened)
        if opened.settings.run_projections:
            projector.start()
        app.state.services = opened
        try:
            async with live_stream(app, opened):
                yield
        finally:
            projector.stop()
            if projector.is_alive():
                projector.join(timeout=10)
            opened.close()

    app = FastAPI(
        title="SME Marketplace API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    docs.install(app)
    chosen = settings or (services.settings if services else Settings())
    app.add_middleware(
        BodyMiddleware,
        max_body_bytes=chosen.max_body_bytes,
        max_document_bytes=chosen.document_max_bytes,
        services=lambda: app.state.services,
    )
    app.add_middleware(BudgetMiddleware, services=lambda: app.state.services)  # before Body
    app.add_middleware(SecurityHeadersMiddleware)
    problems.install(app)
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(query_text), Depends(name_the_writer)])
    for module in (
        members,  # /organizations/me/members before /organizations/{organization_id}
        organizations,
        sessions,
        postings,
        bids,
        exhibitions,
        financing,
        financing_offers,
        bank_products,
        service_products,
        service_requests,
        service_request_reads,
        contracts,
        documents,
        policies,
        notifications,
        subscriptions,
        webhooks,
        audit,
        ocds,
        stats,
        reports,
        status,
    ):
        api.include_router(module.router)
    api.include_router(matches.router)
    api.include_router(stream_router)
    app.include_router(api)

    @app.get("/healthz", tags=["status"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    if (WEB_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app
