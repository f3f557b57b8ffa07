"""A real HTTP receiver of webhook deliveries on 127.0.0.1, for tests and the benchmark: it keeps
every request it gets (headers, body) and answers with the status its script says."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    delivery: str
    signature: str
    content_type: str
    body: bytes
    status: int  # what the receiver answered


class Receiver:
    """`answer(delivery_id, how many times it was seen before)` → the status to answer; a
    `stall` event makes every request wait until it is set."""

    def __init__(self, answer: Callable[[str, int], int] | None = None) -> None:
        self.answer = answer or (lambda delivery, seen: 200)
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.stall = threading.Event()
        self.stall.set()
        self.arrived = threading.Event()  # set by each request as it arrives
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                delivery = self.headers.get("Market-Delivery", "")
                receiver.arrived.set()
                receiver.stall.wait(60)
                with receiver.lock:
                    seen = sum(1 for r in receiver.received if r.delivery == delivery)
                    status = receiver.answer(delivery, seen)
                    receiver.received.append(
                        Received(
                            delivery,
                            self.headers.get("Market-Signature", ""),
                            self.headers.get("Content-Type", ""),
                            body,
                            status,
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def delivered(self) -> list[Received]:
        """The requests answered 2xx, in the order they came."""
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@contextmanager
def receiving(answer: Callable[[str, int], int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(answer)
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.stall.set()
        receiver.server.shutdown()
        receiver.server.server_close()
