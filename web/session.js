// The signed-in organization: token and profile kept in sessionStorage (this tab only, never in
// a URL: the WebSocket gets it as its subprotocol), cleared by logout or when the server rejects
// the token.

const KEY = "market.session";
const listeners = new Set();
let current = load();

function load() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(KEY) ?? "null");
    if (saved?.token && new Date(saved.expires_at) > new Date()) return saved;
  } catch {
    // Unreadable or disabled storage: start signed out.
  }
  return null;
}

function save(value) {
  current = value;
  try {
    if (value) window.sessionStorage.setItem(KEY, JSON.stringify(value));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
  for (const listener of listeners) listener(current);
}

/** `{token, expires_at, organization: {id, kind, name, verified}}` or null. */
export function get() {
  if (current && new Date(current.expires_at) <= new Date()) save(null);
  return current;
}

export function token() {
  return get()?.token ?? null;
}

export function organization() {
  return get()?.organization ?? null;
}

/** The signed-in organization's kind: enterprise, bank, operator, auditor, or null. */
export function kind() {
  return organization()?.kind ?? null;
}

export function is(...kinds) {
  return kinds.includes(kind());
}

export function start(value) {
  save(value);
}

/** Refresh the stored profile (e.g. `verified` after an operator verified the bank). */
export function update(organizationPatch) {
  if (current) save({ ...current, organization: { ...current.organization, ...organizationPatch } });
}

/** The server no longer accepts the token: forget it. */
export function expire() {
  if (current) save(null);
}

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
