"""Services and app clients as the test fixtures open them: open, start the projections, yield,
close, in one place. Each module passes its own settings; `QUICK` holds the usual ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from marketplace.bootstrap import Services, open_services
from marketplace.settings import Settings
from tests.budgets import GENEROUS_BUDGETS

QUICK: dict[str, Any] = {
    "scheduler_interval_seconds": 0.2,
    "checkpoint_interval_seconds": 0.2,
    **GENEROUS_BUDGETS,
}
"""The shared API fixture's settings: deadlines and checkpoints every 0.2 s, generous budgets."""


@contextmanager
def opened_services(database_url: str, data_dir: Path, **settings: Any) -> Iterator[Services]:
    """Migrated services on `database_url` with exactly the given settings (nothing is added:
    pass `**QUICK` for the usual ones), no background threads; closed afterwards."""
    opened = open_services(
        Settings(database_url=database_url, data_dir=data_dir, **settings), url=database_url
    )
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def running_services(database_url: str, data_dir: Path, **settings: Any) -> Iterator[Services]:
    """As `opened_services`, with the projections (and scheduler) started."""
    with opened_services(database_url, data_dir, **settings) as opened:
        opened.start_projections()
        yield opened


@contextmanager
def app_client(services: Services, **options: Any) -> Iterator[TestClient]:
    """A test client of the real app on `services`; server errors answer 500, not raise."""
    with TestClient(create_app(services), raise_server_exceptions=False, **options) as client:
        yield client
