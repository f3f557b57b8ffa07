"""Document upload and download: 20 MiB files through the real app, against writing the same
bytes to disk.

    .venv/bin/python tests/bench/documents.py [--count 10] [--mib 20]

Starts a private PostgreSQL in a temporary directory, opens the services (no projections) and
serves the app with uvicorn on 127.0.0.1 in a thread. Each sample uploads a new file of
random bytes behind a PDF signature, streamed from disk by the client in 64 KiB chunks, then
downloads it (streamed to disk). Printed: p50 and max of each, and, for one more upload
measured apart (tracemalloc slows every allocation), the peak of Python heap allocations in
the process while it runs (the server's buffering, since the client streams from a file);
in the same run, the baselines: hashing the bytes and writing them to a file in the data
directory, the floor of any upload, and one raw one-row INSERT on the same PostgreSQL.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
import uvicorn  # noqa: E402

from api.main import create_app  # noqa: E402
from marketplace.bootstrap import open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from tests.budgets import GENEROUS_BUDGETS  # noqa: E402
from tests.support import organization_body  # noqa: E402

BOUNDARY = "bench-boundary"


CHUNK = 64 * 1024
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n'
    "Content-Type: application/pdf\r\n\r\n"
).encode()
TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


def sample(path: Path, mib: int) -> str:
    """A new file of random bytes behind a PDF signature; its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for index in range(mib * 16):
            chunk = os.urandom(CHUNK)
            if index == 0:
                chunk = b"%PDF-1.7\n" + chunk[9:]
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def body(path: Path) -> Iterator[bytes]:
    yield HEAD
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk
    yield TAIL


class Server:
    def __init__(self, app: Any) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, args=([self.socket],), daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def baseline(directory: Path, source: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with source.open("rb") as file, (directory / "copy").open("wb") as out:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return time.perf_counter() - started


def insert_row(url: str) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE bench_rows (id uuid, data bytea)")
        started = time.perf_counter()
        conn.execute("INSERT INTO bench_rows VALUES (gen_random_uuid(), %s)", (os.urandom(300),))
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--mib", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="market-bench-documents-") as temporary:
        data_dir = Path(temporary)
        data_dir.chmod(0o755)  # the embedded server's own system user must enter it
        embedded = EmbeddedPostgres(data_dir / "postgres")
        url = embedded.start().url()
        settings = Settings(database_url=url, data_dir=data_dir, **GENEROUS_BUDGETS)
        services = open_services(settings, url=url)
        try:
            return run(services, url, data_dir, args.count, args.mib)
        finally:
            services.close()
            embedded.stop()


def run(services: Any, url: str, data_dir: Path, count: int, mib: int) -> int:
    uploads: list[float] = []
    downloads: list[float] = []
    floors: list[float] = []
    raw = data_dir / "raw"
    raw.mkdir()
    source, fetched = data_dir / "sample.pdf", data_dir / "fetched.pdf"
    with Server(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        account = organization_body("enterprise")
        assert client.post("/api/v1/organizations", json=account).status_code == 201
        credentials = {"credit_code": account["credit_code"], "password": account["password"]}
        token = client.post("/api/v1/sessions", json=credentials).json()["token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        }

        def upload() -> tuple[float, str]:
            started = time.perf_counter()
            answer = client.post("/api/v1/documents", content=body(source), headers=headers)
            assert answer.status_code == 201, answer.text
            return time.perf_counter() - started, answer.json()["id"]

        for _ in range(count):
            sha256 = sample(source, mib)
            seconds, document_id = upload()
            uploads.append(seconds)
            started = time.perf_counter()
            digest = hashlib.sha256()
            path = f"/api/v1/documents/{document_id}"
            with client.stream("GET", path, headers=headers) as got, fetched.open("wb") as out:
                for chunk in got.iter_bytes(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            downloads.append(time.perf_counter() - started)
            assert digest.hexdigest() == sha256
            floors.append(baseline(raw, source))
        sample(source, mib)
        tracemalloc.start()
        upload()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    inserts = [insert_row(url) for _ in range(5)]

    def ms(values: list[float]) -> str:
        return f"p50 {statistics.median(values) * 1000:7.1f} ms, max {max(values) * 1000:7.1f} ms"

    print(f"{count} files of {mib} MiB each")
    print(f"upload (POST /documents)      {ms(uploads)}")
    print(f"download (GET /documents/id)  {ms(downloads)}")
    print(f"peak Python heap, one upload  {peak / 2**20:7.1f} MiB")
    print(f"baseline: sha256 + write file {ms(floors)}")
    print(f"baseline: one raw INSERT      {ms(inserts)}")
    ratio = statistics.median(uploads) / statistics.median(floors)
    print(f"upload / baseline (p50)       {ratio:7.1f} ×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
