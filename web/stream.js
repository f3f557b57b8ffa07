// One WebSocket to /api/v1/stream per tab, shared by every page that subscribes.
//
// It starts after the position the read models had reached when it was first asked for (pages
// load their lists after that, so nothing falls between), resumes after the last position it
// saw when the connection drops, and reconnects with the new token when the session changes.
// The token travels as the WebSocket subprotocol `bearer.<token>`, never in the URL (so it is in
// no server log or browser history). The server closes the socket with 4401 when the session
// ends (logout, also in another tab or device, or expiry): the session is then forgotten here.

import * as api from "./api.js";
import * as session from "./session.js";

const handlers = new Set();
let socket = null;
let after = null; // the last position seen
let retryDelay = 1000;
let retryTimer = null;
let opening = null;

async function startPosition() {
  if (after !== null) return after;
  const stats = await api.get("/stats");
  after = Math.max(Number(stats.position) || 0, api.lastWritePosition());
  return after;
}

function url(position) {
  const address = new URL("/api/v1/stream", window.location.href);
  address.protocol = address.protocol === "https:" ? "wss:" : "ws:";
  address.searchParams.set("after", String(position));
  return address;
}

function open(position) {
  const token = session.token();
  return token ? new WebSocket(url(position), [`bearer.${token}`]) : new WebSocket(url(position));
}

function deliver(message) {
  if (!message || message.type === "ping") return;
  const position = Number(message.position);
  // A "match" or "notification" note reuses the position of the event that caused it (sent
  // before it, mostly): not a new position, and not part of the resumable sequence.
  if (message.type !== "match" && message.type !== "notification" && Number.isSafeInteger(position)) {
    if (position <= after) return; // already delivered before a reconnect
    after = position;
  }
  for (const handler of handlers) {
    try {
      handler(message);
    } catch (error) {
      console.error("stream handler failed", error);
    }
  }
}

function scheduleReconnect() {
  if (retryTimer || handlers.size === 0) return;
  retryTimer = window.setTimeout(() => {
    retryTimer = null;
    connect();
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 15_000);
}

async function connect() {
  if (socket || opening) return opening;
  opening = (async () => {
    try {
      const position = await startPosition();
      // Every page unsubscribed while the start position was being read: stay closed.
      if (handlers.size === 0) return;
      const ws = open(position);
      socket = ws;
      ws.addEventListener("open", () => {
        retryDelay = 1000;
      });
      ws.addEventListener("message", (event) => {
        try {
          deliver(JSON.parse(event.data));
        } catch (error) {
          console.error("unreadable stream message", error);
        }
      });
      ws.addEventListener("close", (event) => {
        // A socket already replaced (session changed, no subscribers) says nothing about the
        // current session: its late 4401 must not sign out a session started since.
        if (socket !== ws) return;
        socket = null;
        if (event.code === 4401) session.expire();
        scheduleReconnect();
      });
    } catch (error) {
      console.warn("stream unavailable, retrying", error);
      scheduleReconnect();
    } finally {
      opening = null;
    }
  })();
  return opening;
}

function reconnect() {
  const old = socket;
  socket = null;
  old?.close(1000, "session changed");
  if (handlers.size) connect();
}

/** Call `handler({position, type, stream_id, data})` for every visible event; returns unsubscribe. */
export function subscribe(handler) {
  handlers.add(handler);
  connect();
  return () => {
    handlers.delete(handler);
    if (handlers.size > 0) return;
    window.clearTimeout(retryTimer);
    retryTimer = null;
    if (socket) {
      const old = socket;
      socket = null;
      old.close(1000, "no subscribers");
    }
  };
}

/** True while the socket is open (pages may show a "live" badge). */
export function isLive() {
  return socket?.readyState === WebSocket.OPEN;
}

session.onChange(reconnect);
