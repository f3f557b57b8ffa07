"""`market serve` killed with SIGKILL under concurrent writes that carry Idempotency-Keys:
every acknowledged write is readable afterwards, every retried key is answered (the first
answer, or the record the command's transaction kept), nothing is written twice, and the audit
log still verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.test_serve_shutdown import free_port, wait_for_health
from tests.support import organization_body, posting_body

WRITERS = 4
WRITE_SECONDS = 2.0


@dataclass
class Write:
    key: str
    body: dict[str, Any]
    answer: dict[str, Any] | None = None  # set when the server acknowledged it (201)


class Server:
    """`market serve` on the test database, as a child process."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "MARKET_DATABASE_URL": database_url,
            "MARKET_DATA_DIR": str(data_dir),
            "MARKET_PORT": str(self.port),
            "MARKET_BUDGET_PER_ADDRESS": "0",
            "MARKET_BUDGET_PER_ORGANIZATION": "0",
            "MARKET_BUDGET_ANONYMOUS_WRITES": "0",
            "MARKET_CHECKPOINT_INTERVAL_SECONDS": "0.2",
        }
        self.log = (data_dir / "serve.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        wait_for_health(f"{self.base}/healthz", self.process)

    def kill(self, signum: int = signal.SIGKILL) -> None:
        assert self.process is not None
        self.process.send_signal(signum)
        self.process.wait(timeout=60)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    running = Server(database_url, tmp_path)
    running.start()
    try:
        yield running
    finally:
        if running.process is not None and running.process.poll() is None:
            running.kill(signal.SIGTERM)
        running.log.close()


def _enterprise(http: httpx.Client) -> tuple[dict[str, str], str]:
    body = organization_body()
    assert http.post("/api/v1/organizations", json=body).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    session = http.post("/api/v1/sessions", json=login).json()
    return {"Authorization": f"Bearer {session['token']}"}, session["organization"]["id"]


def _titles(http: httpx.Client, owner: str, position: int) -> list[str]:
    """Every posting of this owner, as the listings show them once they reached `position`."""
    titles: list[str] = []
    params: dict[str, Any] = {"owner": owner, "status": "all", "limit": 200}
    params["min_position"] = position
    while True:
        page = http.get("/api/v1/postings", params=params).json()
        titles += [item["title"] for item in page["items"]]
        if not page["next_cursor"]:
            return titles
        params["cursor"] = page["next_cursor"]


def _post(http: httpx.Client, auth: dict[str, str], write: Write) -> httpx.Response:
    headers = {**auth, "Idempotency-Key": write.key}
    return http.post("/api/v1/postings", json=write.body, headers=headers, timeout=10)


def _write_until_killed(base: str, auth: dict[str, str], log: list[Write]) -> None:
    with httpx.Client(base_url=base) as http:
        while True:
            write = Write(f"crash-{uuid.uuid4()}", posting_body(title=f"崩溃测试 {uuid.uuid4()}"))
            log.append(write)
            try:
                response = _post(http, auth, write)
            except httpx.HTTPError:
                return  # the server is gone: this write's fate is unknown
            if response.status_code == 201:
                write.answer = response.json()


@pytest.mark.slow
def test_sigkill_under_idempotent_writes_loses_nothing(server: Server, database_url: str) -> None:
    with httpx.Client(base_url=server.base) as http:
        writers = [(*_enterprise(http), []) for _ in range(WRITERS)]
    threads = [
        threading.Thread(target=_write_until_killed, args=(server.base, auth, log))
        for auth, _, log in writers
    ]
    for thread in threads:
        thread.start()
    time.sleep(WRITE_SECONDS)
    deadline = time.monotonic() + 60  # a loaded machine answers the first writes late
    while not any(w.answer for _, _, log in writers for w in log) and time.monotonic() < deadline:
        time.sleep(0.1)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)

    server.start()
    acknowledged = retried = rebuilt = last = 0
    with httpx.Client(base_url=server.base) as http:
        for auth, owner, log in writers:
            for write in log:
                again = _post(http, auth, write)
                assert again.status_code == 201, again.text  # answered, never stuck
                retried += 1
                if write.answer is not None:
                    acknowledged += 1
                    assert again.json() == write.answer
                rebuilt += "written" in again.json()
                posting_id = again.json()["id"]  # the first answer, or the rebuilt one
                last = max(last, position := again.json()["position"])
                read = http.get(f"/api/v1/postings/{posting_id}", params={"min_position": position})
                assert read.status_code == 200 and read.json()["title"] == write.body["title"]
            titles = _titles(http, owner, last)
            assert sorted(titles) == sorted(w.body["title"] for w in log)  # each once
    lost = retried - acknowledged
    print(
        f"\ncrash test: {retried} writes, {acknowledged} acknowledged before SIGKILL, "
        f"{lost} unacknowledged (all retried and answered, {rebuilt} from the "
        "transaction's record), 0 lost, 0 duplicated"
    )
    assert acknowledged > 0

    verify = subprocess.run(
        [sys.executable, "-m", "cli", "audit", "verify"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
