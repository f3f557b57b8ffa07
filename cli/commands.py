"""What the `market` commands do: serve, project, rebuild, status (the data ones: `cli/data.py`).

Each `cmd_*` takes the parsed arguments and returns the exit code; the parser in main.py names
them, and the audit commands are in `marketplace.audit.cli`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time

from cli.data import settings_of, show_demo
from marketplace.bootstrap import Services, database_url, open_services
from marketplace.settings import Settings
from marketplace.status import format_status, projection_status
from marketplace.workers.projector import Projector
from projections.failures import Retry, failures_by_view
from projections.rebuild import rebuild


def _exit_on_sigterm() -> None:
    """SIGTERM ends the process through `finally` and atexit, so the embedded database stops.

    uvicorn handles SIGTERM itself, then raises it again once it has shut down; with the
    default handler that would kill the process before our clean-up runs.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.connection_deadlines import uvicorn_options
    from api.main import create_app

    _exit_on_sigterm()
    settings = settings_of(args, host=args.host, port=args.port)
    if args.workers:
        return _serve_workers(args, settings)
    services = open_services(settings)
    projector = Projector(services)
    try:
        projector.start()
        if args.demo:
            show_demo(services)
        print(f"Serving on http://{settings.host}:{settings.port}  (API docs: /docs)", flush=True)
        uvicorn.run(
            create_app(services),
            host=settings.host,
            port=settings.port,
            log_level=args.log_level,
            **uvicorn_options(settings),
        )
    finally:
        projector.stop()
        projector.join(timeout=10)
        services.close()
    return 0


def _serve_workers(args: argparse.Namespace, settings: Settings) -> int:
    """N API worker processes and no projections: run `market project` beside them."""
    import uvicorn

    from api.connection_deadlines import uvicorn_options

    url, embedded = database_url(settings)
    try:
        services = open_services(settings, url=url)  # migrates once, before the workers start
        if args.demo:
            show_demo(services)
        services.close()
        os.environ["MARKET_DATABASE_URL"] = url
        os.environ["MARKET_RUN_PROJECTIONS"] = "false"
        print(f"Serving on http://{settings.host}:{settings.port} with {args.workers} workers;"
              " projections run in `market project`", flush=True)  # fmt: skip
        uvicorn.run(
            "api.main:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            log_level=args.log_level,
            **uvicorn_options(settings),
        )
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    """Run the projections, the deadline scheduler and the checkpointer (or stand by)."""
    services = open_services(settings_of(args))
    projector = Projector(services)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    projector.start()
    print("Projector started (hot standby while another one is active).", flush=True)
    try:
        while not stop.wait(0.5):
            if not projector.is_alive():
                return 1
    finally:
        projector.stop()
        projector.join(timeout=10)
        services.close()
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Replay the log into fresh tables for the named views (default: all), then swap."""
    services = open_services(settings_of(args))
    try:
        views = {v.name: v for v in services.views.all()}
        unknown = [name for name in args.views if name not in views]
        if unknown:
            print(f"error: unknown view {', '.join(unknown)}; views: {', '.join(views)}",
                  file=sys.stderr)  # fmt: skip
            return 2
        chosen = [views[name] for name in args.views] or list(views.values())
        retry = Retry(
            services.settings.projection_retries, services.settings.projection_retry_seconds
        )
        rebuild(services.app, services.url, chosen, progress=ProgressBar(), retry=retry)
        print(f"\nRebuilt and swapped in: {', '.join(v.name for v in chosen)}")
        _report_failures(services, [v.name for v in chosen])
    finally:
        services.close()
    return 0


def _report_failures(services: Services, names: list[str]) -> None:
    """Say which rebuilt views still hold events they could not apply."""
    with services.db.connection() as conn:
        failed = failures_by_view(conn)
    for name in names:
        if name in failed:
            print(f"{name}: {failed[name]['count']} event(s) still cannot be applied and were"
                  " skipped; see `market status`", file=sys.stderr)  # fmt: skip


def cmd_status(args: argparse.Namespace) -> int:
    """Print each view's position, lag and the events it could not apply."""
    services = open_services(settings_of(args))
    try:
        status = projection_status(services)
    finally:
        services.close()
    if args.json:
        print(json.dumps(status, default=str, ensure_ascii=False, indent=2))
    else:
        print(format_status(status))
    return 0


class ProgressBar:
    """events done / total, rate and ETA on one terminal line."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, names: str, done: int, total: int, rate: float) -> None:
        now = time.monotonic()
        if now - self.shown < 0.2 and done < total:
            return
        self.shown = now
        share = done / total if total else 1.0
        eta = (total - done) / rate if rate > 0 else 0.0
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r{names}: [{bar:<30}] {done}/{total} events, {rate:,.0f}/s, ETA {eta:,.0f} s "
        )
        sys.stderr.flush()
