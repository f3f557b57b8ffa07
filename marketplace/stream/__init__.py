"""The live stream's infrastructure, one per API process (its WebSocket route: `api/stream.py`).

- `hub`: the `StreamHub` worker (one LISTEN, each event read and decoded once, fanned out to
  every socket's bounded `Subscriber` mailbox);
- `delivery`: one stream message per event, classified by `marketplace.queries.visibility`
  and encoded once for all sockets;
- `matches`: the `MatchNotifier` worker (`match` messages when a posting is published);
- `notifications`: the `NotificationFeed` worker (`notification` messages: new workbench
  notifications to their organization's sockets);
- `sessions`: sockets never outlive their session (the `market_sessions` channel and the
  periodic check).
"""
