"""Settings: the only module that reads the environment (prefix `MARKET_`)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as `MARKET_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="MARKET_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; unset means the embedded server in data_dir"
    )
    data_dir: Path = Field(default=Path(".market"), description="embedded database, keys, logs")
    host: str = "127.0.0.1"
    port: int = 8000
    token_ttl_hours: float = Field(default=24.0, gt=0, description="session token lifetime")
    login_max_failures: int = Field(default=5, ge=1, description="failed logins per window")
    login_window_seconds: int = Field(default=60, ge=1)
    login_verify_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2),
        ge=1,
        description="argon2 computations (logins, registrations) at once per process",
    )
    login_queue_seconds: float = Field(
        default=5.0, gt=0, description="a login waits this long for a verification slot, then 503"
    )
    trusted_proxies: str = Field(
        default="", description="comma-separated IPs/CIDRs whose X-Forwarded-For is believed"
    )
    budget_window_seconds: float = Field(default=60.0, gt=0, description="request budget window")
    budget_per_address: int = Field(
        default=600, ge=0, description="requests per window per client address (0: no budget)"
    )
    budget_per_organization: int = Field(
        default=1200, ge=0, description="requests per window per signed-in organization (0: none)"
    )
    budget_anonymous_writes: int = Field(
        default=20, ge=0, description="registrations + logins per address per anonymous window"
    )
    budget_anonymous_window_seconds: float = Field(default=600.0, gt=0)
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="market serve: a request's headers must arrive in time"
    )
    body_timeout_seconds: float = Field(
        default=60.0, gt=0, description="market serve: a request's body must arrive in time"
    )
    keep_alive_seconds: float = Field(
        default=5.0, gt=0, description="market serve: idle keep-alive connections are closed"
    )
    connections_per_address: int = Field(
        default=64, ge=0, description="market serve: open connections per peer address (0: any)"
    )
    read_wait_seconds: float = Field(default=5.0, gt=0, description="min_position wait limit")
    pool_size: int = Field(default=10, ge=1, description="database connections per pool")
    lock_timeout_seconds: int = Field(default=5, ge=1, description="event table lock wait")
    command_retries: int = Field(default=10, ge=1, description="retries on version conflict")
    aggregate_cache_size: int = Field(
        default=1000, ge=0, description="aggregates kept for the next command on them (0: none)"
    )
    enterprise_verification: Literal["open", "required"] = Field(
        default="open",
        description="open: enterprises start verified; required: an operator verifies them",
    )
    scheduler_interval_seconds: float = Field(default=5.0, gt=0, description="deadline scan")
    financing_response_days: int = Field(
        default=7, ge=1, description="days banks have to answer a need before it is overdue"
    )
    service_accept_hours: float = Field(
        default=24.0, gt=0, description="hours a provider has to sign for a dispatched request"
    )
    service_resolve_hours: dict[str, float] = Field(
        default={"urgent": 24.0, "timely": 72.0, "general": 168.0, "complex": 360.0},
        description='hours from acceptance to resolution by urgency (JSON, e.g. {"urgent": 24})',
    )
    service_feedback_days: float = Field(
        default=7.0, gt=0, description="a resolved request without feedback closes after this"
    )
    ocds_prefix: str = Field(
        default="ocds-sme000-",
        pattern=r"^ocds-[a-z0-9]{6}-",
        description="OCDS ocid prefix; sale contracts' ocids are this + the posting id",
    )
    ocds_publisher: str = Field(
        default="SME Marketplace", description="publisher name of the OCDS release packages"
    )
    projection_batch_size: int = Field(default=500, ge=1)
    projection_retries: int = Field(
        default=3, ge=0, description="retries of an event a view fails to apply, then skipped"
    )
    projection_retry_seconds: float = Field(
        default=0.2, gt=0, description="first pause between those retries (doubling)"
    )
    projection_reconnect_seconds: float = Field(
        default=1.0, gt=0, description="pause before the projections reconnect to the database"
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="largest document upload (POST /documents)"
    )
    documents_url: str | None = Field(
        default=None,
        pattern=r"^s3://[^/]+(/.*)?$",
        description="s3://bucket/prefix: documents in S3-compatible storage (default: data_dir)",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint (credentials: the standard AWS_* vars)"
    )
    document_orphan_hours: float = Field(
        default=24.0, gt=0, description="uploads attached to nothing are deleted after this"
    )
    idempotency_ttl_hours: float = Field(
        default=24.0, gt=0, description="how long an Idempotency-Key's answer is kept"
    )
    audit_origin: str = Field(
        default="sme-marketplace/local", description="checkpoint origin and signing key name"
    )
    audit_key_file: Path | None = Field(
        default=None, description="Ed25519 signing key (default: <data_dir>/audit-signing.key)"
    )
    checkpoint_interval_seconds: float = Field(default=1.0, gt=0)
    stream_ping_seconds: float = Field(
        default=15.0, gt=0, description="live stream: a ping message this often"
    )
    stream_queue_size: int = Field(
        default=1000,
        ge=1,
        description="live stream: messages queued per socket before it is closed",
    )
    stream_page_size: int = Field(default=500, ge=1, description="live stream: backlog page")
    stream_match_count: int = Field(
        default=3, ge=0, description="live stream: best matches told of a new posting"
    )
    stream_match_min_score: float = Field(default=0.5, ge=0, le=1)
    stream_session_check_seconds: float = Field(
        default=1.0,
        gt=0,
        le=4,
        description="live stream: how often each process checks its sockets' sessions (expiry)",
    )
    webhook_allow_hosts: str = Field(
        default="",
        description="webhooks: comma-separated hosts that may be plain http and private,"
        " loopback or link-local (e.g. 127.0.0.1 for a local receiver)",
    )
    webhooks_per_organization: int = Field(default=10, ge=1, description="webhooks: at most")
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="webhooks: a delivery's answer must come in time"
    )
    webhook_retry_seconds: float = Field(
        default=10.0, gt=0, description="webhooks: pause after a first failure (then doubling)"
    )
    webhook_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="webhooks: the longest pause between two attempts"
    )
    webhook_give_up_hours: float = Field(
        default=24.0, gt=0, description="webhooks: a delivery failing this long is given up"
    )
    run_projections: bool = Field(
        default=True, description="run projections in the API process (off for --workers)"
    )

    @field_validator("service_resolve_hours")
    @classmethod
    def _every_urgency(cls, value: dict[str, float]) -> dict[str, float]:
        hours = {"urgent": 24.0, "timely": 72.0, "general": 168.0, "complex": 360.0, **value}
        if set(hours) != {"urgent", "timely", "general", "complex"} or min(hours.values()) <= 0:
            raise ValueError("give positive hours for urgent, timely, general and complex")
        return hours

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            ipaddress.ip_network(part, strict=False)  # ValueError names the bad entry
        return value

    @property
    def webhook_hosts(self) -> frozenset[str]:
        """`webhook_allow_hosts`, each lower-cased (IPv6 without brackets)."""
        parts = (p.strip().strip("[]").lower() for p in self.webhook_allow_hosts.split(","))
        return frozenset(p for p in parts if p)

    @property
    def signing_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit-signing.key"


def eventsourcing_env(database_url: str, settings: Settings) -> dict[str, str]:
    """The eventsourcing `env` for our application on the given database."""
    parts = urlsplit(database_url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": "marketplace.stores.recorder:MarketRecorder",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(settings.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.pool_size),
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_seconds),
        "POSTGRES_CONNECT_TIMEOUT": str(settings.lock_timeout_seconds),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
        # The schema is created once by `migrate`, never at every start (see DESIGN.md).
        "CREATE_TABLE": "n",
    }
    return env


def connection_kwargs(database_url: str) -> dict[str, Any]:
    """psycopg connection keywords for our own pools (views, security, idempotency)."""
    return {"conninfo": database_url, "autocommit": True}
