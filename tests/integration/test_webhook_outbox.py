"""The webhook outbox across crashes and rebuilds: a `market project` process killed (SIGKILL)
while its webhook delivery is being answered posts the same delivery again once restarted
(nothing lost; recorded once, delivered); a rebuild queues only what the live runner never saw,
once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from marketplace.bootstrap import Services
from projections.rebuild import rebuild
from tests.api.conftest import sign_up
from tests.api.helpers import bid, publish
from tests.services import QUICK, app_client, opened_services
from tests.webhook_receiver import receiving

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "MARKET_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
    "MARKET_WEBHOOK_RETRY_SECONDS": "0.2",
    "MARKET_SCHEDULER_INTERVAL_SECONDS": "0.5",
}


def projector(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV, "MARKET_DATABASE_URL": url, "MARKET_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "cli", "--log-level", "warning", "project"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def output(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.terminate()
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=10)
    return out.decode(errors="replace") if out else ""


def wait_for(check: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"the projector exited:\n{output(process)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; the projector said:\n{output(process)}")
        time.sleep(0.1)


def delivery_rows(services: Services, webhook_id: Any = None) -> list[dict[str, Any]]:
    """The outbox's rows (of one webhook, if given)."""
    with services.db.connection() as conn:
        return conn.execute(
            "SELECT id, attempts, delivered_at, next_attempt_at FROM webhook_deliveries"
            " WHERE %(webhook)s::uuid IS NULL OR webhook_id = %(webhook)s::uuid",
            {"webhook": webhook_id},
        ).fetchall()


def test_a_projector_killed_mid_delivery_posts_it_again(database_url: str, tmp_path: Path) -> None:
    settings = {**QUICK, "webhook_allow_hosts": "127.0.0.1"}
    with (
        receiving() as receiver,
        opened_services(database_url, tmp_path / "data", **settings) as services,
        app_client(services) as client,
    ):
        owner, bidder = sign_up(client), sign_up(client)
        services.webhooks.register(UUID(owner.id), receiver.url, ["*"])
        receiver.stall.clear()  # the receiver holds the first request unanswered
        bid(client, bidder, publish(client, owner)["id"])

        first = projector(services.url, tmp_path / "data")
        try:
            wait_for(receiver.arrived.is_set, first, timeout=90)
            first.kill()  # mid-delivery: the request is out, the answer not yet back
            first.wait(timeout=10)
        finally:
            output(first)
        [pending] = delivery_rows(services)
        assert pending["attempts"] == 0 and pending["delivered_at"] is None
        receiver.stall.set()  # the stalled request is answered to a dead socket

        second = projector(services.url, tmp_path / "data")
        try:
            wait_for(lambda: delivery_rows(services)[0]["delivered_at"] is not None, second, 90)
            time.sleep(1.0)  # and nothing more comes
        finally:
            output(second)
        got = receiver.all()
        [done] = delivery_rows(services)
    assert len(got) == 2, got
    assert got[0].delivery == got[1].delivery == str(pending["id"])
    assert done["attempts"] == 1 and done["next_attempt_at"] is None


def test_a_rebuild_queues_only_what_the_live_runner_never_saw(
    database_url: str, tmp_path: Path
) -> None:
    """With no live runner, the events of a bid are folded by a rebuild's swap alone: their
    notification is queued by it, once; a rebuild after that queues nothing again."""
    settings = {**QUICK, "webhook_allow_hosts": "127.0.0.1"}
    with (
        opened_services(database_url, tmp_path / "data", **settings) as services,
        app_client(services) as client,
    ):
        owner, bidder = sign_up(client), sign_up(client)
        posting = publish(client, owner)  # before the webhook: never sent to it
        hook = services.webhooks.register(UUID(owner.id), "http://127.0.0.1:9/hooks", ["*"])
        bid(client, bidder, posting["id"])
        view = services.views.notifications
        rebuild(services.app, services.url, [view])
        queued = delivery_rows(services, hook["id"])
        assert len(queued) == 1 and queued[0]["attempts"] == 0
        rebuild(services.app, services.url, [view])
        assert delivery_rows(services, hook["id"]) == queued
