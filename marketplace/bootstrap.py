"""Wiring: settings → database → application, views, runners, security, in one place."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from marketplace.aggregate_cache import AggregateCache
from marketplace.application import Marketplace
from marketplace.audit import store as audit_store
from marketplace.audit.signing import Checkpointer, load_or_create_signer
from marketplace.audit.verify.checkpoint import Signer
from marketplace.documents import store as document_store
from marketplace.documents.blobs import open_blobs
from marketplace.documents.store import DocumentStore
from marketplace.documents.uploads import Documents
from marketplace.embedded_pg.server import EmbeddedPostgres
from marketplace.own_writes import OwnWrites
from marketplace.queries import Queries, build_queries
from marketplace.service_requests import ServiceDeadlines
from marketplace.settings import Settings, eventsourcing_env
from marketplace.stores import (
    budgets,
    idempotency,
    members,
    notification_reads,
    personal_data,
    policy_reads,
    security,
)
from marketplace.stores.database import MIGRATION_LOCK_KEY, Database, recover_quickly
from marketplace.stores.idempotency import IdempotencyStore
from marketplace.stores.personal_data import ContactVault
from marketplace.stores.security import SecurityStore
from marketplace.stores.webhooks import WebhookStore
from marketplace.workers.document_purge import DocumentPurger
from marketplace.workers.scheduler import DeadlineScheduler
from marketplace.workers.webhook_sender import WebhookSender
from projections import engine
from projections.catalog import Views, build_views
from projections.engine import ProjectionRunner
from projections.failures import Retry
from projections.freshness import PositionWatcher
from projections.rebuild import outdated_views, rebuild
from projections.text import warm_up
from projections.webhook_outbox import SCHEMA as OUTBOX_SCHEMA

log = logging.getLogger(__name__)

EVENTS_TABLE = "marketplace_events"  # eventsourcing names it after the application


@dataclass
class Services:
    """Everything a process of the platform uses, built from settings."""

    settings: Settings
    url: str
    app: Marketplace
    db: Database
    views: Views
    security: SecurityStore
    vault: ContactVault
    watcher: PositionWatcher
    idempotency: IdempotencyStore
    signer: Signer
    queries: Queries
    documents: Documents
    webhooks: WebhookStore
    own_writes: OwnWrites = field(default_factory=OwnWrites)
    runners: list[ProjectionRunner] = field(default_factory=list)
    scheduler: DeadlineScheduler | None = None
    checkpointer: Checkpointer | None = None
    purger: DocumentPurger | None = None
    sender: WebhookSender | None = None
    embedded: EmbeddedPostgres | None = None

    def start_projections(self) -> None:
        """Run the view runners, the deadline scheduler, the checkpointer and the webhook
        sender in this process."""
        warm_up()
        self.runners = [
            ProjectionRunner(
                self.app,
                self.url,
                self.views.all(),
                batch_size=self.settings.projection_batch_size,
                retry=Retry(
                    self.settings.projection_retries, self.settings.projection_retry_seconds
                ),
                reconnect=self.settings.projection_reconnect_seconds,
            )
        ]
        self.scheduler = DeadlineScheduler(
            self.app, self.db.pool, self.settings.scheduler_interval_seconds
        )
        self.checkpointer = Checkpointer(
            self.url,
            self.signer,
            self.settings.audit_origin,
            self.settings.checkpoint_interval_seconds,
        )
        self.purger = DocumentPurger(self.documents)
        self.sender = WebhookSender(self.url, self.settings)
        workers = [self.scheduler, self.checkpointer, self.purger, self.sender]
        for thread in [*self.runners, *workers]:
            thread.start()

    def stop_projections(self) -> None:
        threads: list[Any] = [*self.runners]
        threads += [
            t
            for t in (self.scheduler, self.checkpointer, self.purger, self.sender)
            if t is not None
        ]
        _stop(threads)
        self.runners, self.scheduler, self.checkpointer = [], None, None
        self.purger, self.sender = None, None

    def close(self) -> None:
        self.stop_projections()
        _stop([self.watcher])
        self.idempotency.close()
        self.app.close()
        self.db.close()
        if self.embedded is not None:
            self.embedded.stop()


def _stop(threads: list[Any]) -> None:
    for thread in threads:
        thread.stop()
    for thread in threads:
        if thread.is_alive():
            thread.join(timeout=5)


def database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    """The configured database, or the embedded server under the data directory."""
    if settings.database_url:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.data_dir / "postgres")
    info = embedded.start()
    return info.url(), embedded


def migrate(app: Marketplace, url: str) -> None:
    """Create every table once, under an advisory lock, so parallel starts never race; views
    whose code changed (a new `View.version`) are rebuilt into place."""
    pool: ConnectionPool[Any] = ConnectionPool(url, min_size=1, max_size=1, open=True)
    views = build_views(pool).all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            app.recorder.create_table()  # type: ignore[attr-defined]
            with conn.transaction():
                for statement in [
                    *engine.SCHEMA,
                    *security.SCHEMA,
                    *members.SCHEMA,
                    *budgets.SCHEMA,
                    *personal_data.SCHEMA,
                    *policy_reads.SCHEMA,
                    *notification_reads.SCHEMA,
                    *OUTBOX_SCHEMA,
                    *idempotency.SCHEMA,
                    *document_store.SCHEMA,
                    *audit_store.SCHEMA,
                    *audit_store.trigger_schema(EVENTS_TABLE),
                ]:
                    conn.execute(statement)
            outdated = outdated_views(conn, views)
            with conn.transaction():
                for view in views:
                    if view not in outdated:
                        for statement in view.schema:
                            conn.execute(statement)
            if outdated:
                log.info("rebuilding outdated views: %s", ", ".join(v.name for v in outdated))
                rebuild(app, url, outdated)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
    pool.close()


def open_services(settings: Settings, *, url: str | None = None) -> Services:
    """Connect, migrate, and build the services (background threads are not started)."""
    embedded = None
    if url is None:
        url, embedded = database_url(settings)
    app = Marketplace(env=eventsourcing_env(url, settings))
    recover_quickly(app.recorder.datastore.pool)  # type: ignore[attr-defined]
    app.command_retries = settings.command_retries
    app.aggregates = AggregateCache(settings.aggregate_cache_size)
    app.enterprise_verification = settings.enterprise_verification
    app.financing_response_days = settings.financing_response_days
    app.service_deadlines = ServiceDeadlines(
        settings.service_accept_hours,
        settings.service_resolve_hours,
        settings.service_feedback_days,
    )
    migrate(app, url)
    db = Database(url, max_size=settings.pool_size)
    views = build_views(db.pool)
    security_store = SecurityStore(
        db,
        token_ttl=timedelta(hours=settings.token_ttl_hours),
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_window_seconds),
        password_slots=settings.login_verify_concurrency,
        password_wait=settings.login_queue_seconds,
    )
    vault = ContactVault(db)
    documents = Documents(
        DocumentStore(db),
        open_blobs(settings.data_dir, settings.documents_url, settings.s3_endpoint_url),
        settings.document_max_bytes,
        timedelta(hours=settings.document_orphan_hours),
    )
    app.document_catalog = documents.store
    watcher = PositionWatcher(url, [v.name for v in views.all()])
    watcher.start()
    watcher.ready.wait(10)
    services = Services(
        settings=settings,
        url=url,
        app=app,
        db=db,
        views=views,
        security=security_store,
        vault=vault,
        idempotency=IdempotencyStore(db, ttl=timedelta(hours=settings.idempotency_ttl_hours)),
        signer=load_or_create_signer(settings.signing_key_path, settings.audit_origin),
        watcher=watcher,
        queries=build_queries(app, views, security_store, vault, settings, documents),
        documents=documents,
        webhooks=WebhookStore(
            db,
            allowed_hosts=settings.webhook_hosts,
            limit=settings.webhooks_per_organization,
        ),
        embedded=embedded,
    )
    app.on_recorded = services.own_writes.note  # each caller's last write, read-your-writes
    return services


def head_position(db: Database) -> int:
    """The newest event's position (0 for an empty log)."""
    with db.connection() as conn:
        row = conn.execute("SELECT max(notification_id) AS head FROM marketplace_events").fetchone()
    return int(row["head"] or 0) if row else 0
