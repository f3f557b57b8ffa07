"""Tables of the statistics view: one small row per organization, posting, contract, financing
need, exhibition, service product and service request, and one per step of a service request
(dispatch, acceptance, resolution, feedback), holding what the figures and the OCDS releases
are computed from (so that both read one view, consistent at its position)."""

from __future__ import annotations

from psycopg.sql import SQL

from projections.table import Table

ORGANIZATIONS = Table(
    "stats_organizations",
    (
        "id uuid PRIMARY KEY",
        "kind text NOT NULL",
        "name text NOT NULL",
        "verified boolean NOT NULL DEFAULT false",
    ),
)
POSTINGS = Table(
    "stats_postings",
    (
        "id uuid PRIMARY KEY",
        "side text NOT NULL",
        "title text NOT NULL",
        "description text NOT NULL",
        "region text NOT NULL",
        "category text NOT NULL",
        "quantity numeric NOT NULL",
        "unit text NOT NULL",
        "status text NOT NULL",
        "expires_at timestamptz NOT NULL",
        "published_at timestamptz NOT NULL",
        "bids int NOT NULL DEFAULT 0",
    ),
)
CONTRACTS = Table(
    "stats_contracts",
    (
        "id uuid PRIMARY KEY",
        "kind text NOT NULL",
        "status text NOT NULL",
        "amount numeric NOT NULL",
        "currency text NOT NULL",
        "parties jsonb NOT NULL",
        "signatures int NOT NULL DEFAULT 0",
        "posting_id uuid",
        "bid_id uuid",
        "need_id uuid",
        "exhibition_id uuid",
        "region text",
        "category text",
        "drafted_at timestamptz NOT NULL",
        "signed_at timestamptz",
        "completed_at timestamptz",
        "cancelled_at timestamptz",
        "version int NOT NULL",
        "position bigint NOT NULL",
    ),
)
NEEDS = Table(
    "stats_needs",
    (
        "id uuid PRIMARY KEY",
        "product_type text NOT NULL",
        "region text NOT NULL",
        "amount numeric NOT NULL",
        "status text NOT NULL",
        "posted_at timestamptz NOT NULL",
        "owner_id uuid",  # the enterprise asking
        "first_offer_at timestamptz",
        "bank_id uuid",
        "amount_matched numeric",
        "matched_at timestamptz",
        "amount_disbursed numeric",
        "disbursed_at timestamptz",
    ),
)
EXHIBITIONS = Table(
    "stats_exhibitions",
    (
        "id uuid PRIMARY KEY",
        "status text NOT NULL",
        "starts_at timestamptz NOT NULL",
        "ends_at timestamptz NOT NULL",
        "confirmed int NOT NULL DEFAULT 0",
        "waitlisted int NOT NULL DEFAULT 0",
        "checked_in int NOT NULL DEFAULT 0",
        "kind text NOT NULL",
        "attended int NOT NULL DEFAULT 0",  # persons checked in
    ),
)
SERVICE_PRODUCTS = Table(
    "stats_service_products",
    (
        "id uuid PRIMARY KEY",
        "status text NOT NULL",
    ),
)
SERVICE_REQUESTS = Table(
    "stats_service_requests",
    (
        "id uuid PRIMARY KEY",
        "category text NOT NULL",
        "region text NOT NULL",
        "submitted_at timestamptz NOT NULL",
        "provider_id uuid",  # when closed, the one it was closed with; else the current one
        "closed boolean NOT NULL DEFAULT false",
    ),
)
# One row per dispatch, acceptance, resolution and feedback, keyed "<request id>:<version>".
SERVICE_STEPS = Table(
    "stats_service_steps",
    (
        "id text PRIMARY KEY",
        "request_id uuid NOT NULL",
        "kind text NOT NULL",  # dispatch | accept | resolve | feedback
        "provider_id uuid NOT NULL",
        "started_at timestamptz",  # accept: the dispatch; resolve: the acceptance or reopening
        "due timestamptz",  # accept: accept_by; resolve: the resolve_by in force
        "at timestamptz NOT NULL",
        "satisfaction int",  # feedback only
    ),
)
# One row per act that makes an enterprise served, keyed "<aggregate id>:<version>".
ACTS = Table(
    "stats_acts",
    (
        "id text PRIMARY KEY",
        "organization_id uuid NOT NULL",
        "at timestamptz NOT NULL",
    ),
)
POLICIES = Table(
    "stats_policies",
    (
        "id uuid PRIMARY KEY",
        "published_at timestamptz NOT NULL",
    ),
)
TABLES = (
    ORGANIZATIONS,
    POSTINGS,
    CONTRACTS,
    NEEDS,
    EXHIBITIONS,
    SERVICE_PRODUCTS,
    SERVICE_REQUESTS,
    SERVICE_STEPS,
    ACTS,
    POLICIES,
)

SCHEMA = (
    *(table.create for table in TABLES),
    SQL(
        "CREATE INDEX IF NOT EXISTS stats_contracts_deals_idx"
        " ON stats_contracts (kind, status, signed_at)"
    ),
    SQL(
        "CREATE INDEX IF NOT EXISTS stats_contracts_position_idx"
        " ON stats_contracts (kind, position)"
    ),
    SQL(
        "CREATE INDEX IF NOT EXISTS stats_service_steps_request_idx"
        " ON stats_service_steps (request_id)"
    ),
)
