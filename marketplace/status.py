"""How far each view has got behind the event log: position, lag in events and in seconds,
and the events it could not apply (recorded and skipped, see `projections.failures`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marketplace.bootstrap import Services, head_position
from projections.failures import failures_by_view

FAILURES_SHOWN = 20  # per view; `failed_count` says how many there are in all


def projection_status(services: Services) -> dict[str, Any]:
    """Per view: its position, the head position, lag in events and seconds, and the events
    it could not apply (how many, and the first ones by position)."""
    head = head_position(services.db)
    now = datetime.now(UTC)
    with services.db.connection() as conn:
        tracked = {
            row["view"]: row
            for row in conn.execute(
                "SELECT view, position, version, updated_at FROM projection_positions"
            ).fetchall()
        }
        failed = failures_by_view(conn, FAILURES_SHOWN)
        views = []
        for view in services.views.all():
            row = tracked.get(view.name)
            position = int(row["position"]) if row else 0
            oldest = conn.execute(
                "SELECT recorded_at FROM audit_leaves WHERE position > %s"
                " ORDER BY position LIMIT 1",
                (position,),
            ).fetchone()
            lag_seconds = 0.0
            if oldest is not None:
                waiting_since = datetime.fromisoformat(oldest["recorded_at"])
                lag_seconds = max(0.0, (now - waiting_since).total_seconds())
            views.append(
                {
                    "name": view.name,
                    "version": view.version,
                    "position": position,
                    "lag_events": max(0, head - position),
                    "lag_seconds": round(lag_seconds, 3),
                    "updated_at": row["updated_at"] if row else None,
                    "failed_count": failed.get(view.name, {}).get("count", 0),
                    "failed_events": failed.get(view.name, {}).get("first", []),
                }
            )
    return {"head": head, "checked_at": now, "views": views}


def format_status(status: dict[str, Any]) -> str:
    """The status as text for `market status`: a line per view, then its failed events."""
    lines = [
        f"head {status['head']}, checked at {status['checked_at']:%Y-%m-%d %H:%M:%S %Z}",
        f"{'view':<18}{'version':>8}{'position':>10}{'lag':>8}{'lag s':>9}{'failed':>8}",
    ]
    for v in status["views"]:
        lines.append(
            f"{v['name']:<18}{v['version']:>8}{v['position']:>10}{v['lag_events']:>8}"
            f"{v['lag_seconds']:>9.1f}{v['failed_count']:>8}"
        )
    for v in status["views"]:
        if not v["failed_count"]:
            continue
        lines.append(
            f"\n{v['name']}: {v['failed_count']} event(s) could not be applied and were"
            f" skipped; `market rebuild {v['name']}` replays them once the cause is fixed"
        )
        for failure in v["failed_events"]:
            lines.append(
                f"  position {failure['position']}  {failure['topic']}"
                f"  at {failure['failed_at']:%Y-%m-%d %H:%M:%S}"
            )
            lines += [f"    {line}" for line in failure["error"].splitlines()]
        if v["failed_count"] > len(v["failed_events"]):
            lines.append(f"  ... and {v['failed_count'] - len(v['failed_events'])} more")
    return "\n".join(lines)
