// The count of unread notifications on the header's workbench link (#/inbox). While someone is
// signed in it follows the stream: every live notification re-reads the summary, and so does
// every change made on the inbox page (`refreshInboxBadge`). Signed out, it is hidden.

import * as api from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import * as session from "./session.js";
import * as stream from "./stream.js";

const node = el("span", { className: "nav-count", attrs: { "data-inbox-count": "" } });
node.hidden = true;
let unsubscribe = null;
let generation = 0;
let shown = 0;

function label() {
  node.setAttribute("aria-label", t("inbox.unreadCount", { count: shown }));
  node.setAttribute("title", t("inbox.unreadCount", { count: shown }));
}

/** The badge element (the same one on every render of the navigation, labelled anew). */
export function inboxBadge() {
  label();
  return node;
}

function show(unread) {
  shown = Number(unread) || 0;
  node.hidden = shown === 0;
  node.textContent = shown > 99 ? "99+" : String(shown);
  label();
}

/** Re-read the summary; an older answer arriving after a newer one is dropped. */
export async function refreshInboxBadge() {
  const current = ++generation;
  if (!session.get()) {
    node.hidden = true;
    return;
  }
  try {
    const summary = await api.get("/notifications/summary");
    if (current === generation && session.get()) show(summary.unread);
  } catch {
    // What is shown stays; the next live notification or page action reads it again.
  }
}

function follow() {
  unsubscribe?.();
  unsubscribe = null;
  generation += 1;
  node.hidden = true;
  if (!session.get()) return;
  unsubscribe = stream.subscribe((message) => {
    if (message.type === "notification") refreshInboxBadge();
  });
  refreshInboxBadge();
}

/** Start following the session (called once by the shell). */
export function startInboxBadge() {
  session.onChange(follow);
  follow();
}
