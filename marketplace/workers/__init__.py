"""Background loops, each a `Worker` (start, stop, join; reconnect with back-off).

- `scheduler.DeadlineScheduler`: appends `Expired`/`Closed` events as deadlines pass;
- `projector.Projector`: runs the projections while this process holds the projector lock;
- `marketplace.audit.signing.Checkpointer`: signs a new tree head while events arrive;
- `marketplace.stream.hub.StreamHub` and `marketplace.stream.matches.MatchNotifier`: the live
  stream's per-process listener and its match messages;
- `projections.engine.ProjectionRunner` and `projections.freshness.PositionWatcher`: the view
  runner and the read-your-writes watcher, below this layer.

`Worker` itself lives in `projections.worker` so that the projection threads may use it too
(`projections/` may not import `marketplace/`); it is re-exported here for the layers above.
Only the base is imported here, so that any module may import it without import cycles.
"""

from projections.worker import MAX_BACKOFF, Worker

__all__ = ["MAX_BACKOFF", "Worker"]
