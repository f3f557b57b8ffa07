"""How far each view has got behind the event log: position, lag in events and in seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marketplace.bootstrap import Services, head_position


def projection_status(services: Services) -> dict[str, Any]:
    """Per view: its position, the head position, lag in events and seconds."""
    head = head_position(services.db)
    now = datetime.now(UTC)
    with services.db.connection() as conn:
        tracked = {
            row["view"]: row
            for row in conn.execute(
                "SELECT view, position, version, updated_at FROM projection_positions"
            ).fetchall()
        }
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
                }
            )
    return {"head": head, "checked_at": now, "views": views}
