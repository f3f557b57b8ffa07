// #/audit: the global event log (newest page, or from a position: ?after=P&limit=N), the latest
// signed checkpoint, and a verify button per event that checks inclusion in the browser.

import * as api from "../api.js";
import { button, el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import * as stream from "../stream.js";
import { checkpointPanel } from "./audit-checkpoint.js";
import { eventTable } from "./audit-events.js";

const DEFAULT_LIMIT = 50;
const MAX_PAGES = 50; // walking to the newest page: enough for gaps left by rejected writes

function whole(text, { min, max }) {
  const value = Number(text);
  return text !== null && text !== "" && Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

function href(after, limit) {
  const query = new URLSearchParams();
  if (after !== null) query.set("after", String(after));
  if (limit !== DEFAULT_LIMIT) query.set("limit", String(limit));
  const text = query.toString();
  return text ? `#/audit?${text}` : "#/audit";
}

/** The last page of the log: start near the end (the views' position or the tree size, both
 * at most the last position) and follow next_after, since positions have gaps. */
async function newestPage(limit, treeSize) {
  const stats = await api.get("/stats");
  let after = Math.max(0, Math.max(Number(stats.position) || 0, treeSize) - limit);
  let items = [];
  for (let pages = 0; after !== null && pages < MAX_PAGES; pages += 1) {
    const page = await api.get("/audit/events", { after, limit });
    items = [...items, ...page.items].slice(-limit);
    after = page.next_after;
  }
  return { items, next_after: after };
}

function pager(page, after, limit) {
  const links = [];
  const first = page.items[0]?.position;
  if (first > 1) {
    links.push(el("a", { className: "button", text: t("audit.log.older"), attrs: { href: href(Math.max(0, first - 1 - limit), limit) } }));
  }
  if (page.next_after !== null) {
    links.push(el("a", { className: "button", text: t("audit.log.newer"), attrs: { href: href(page.next_after, limit) } }));
  }
  if (after !== null) {
    links.push(el("a", { className: "button", text: t("audit.log.newest"), attrs: { href: href(null, limit) } }));
  }
  return el("nav", { className: "audit-pager", attrs: { "aria-label": t("audit.log.pages") } }, links);
}

function positionForm(limit, navigate) {
  const say = notice();
  const form = el("form", { className: "audit-goto", attrs: { novalidate: "" } }, [
    field("from", "audit.log.from", { type: "number", attrs: { min: "1", step: "1", inputmode: "numeric" } }),
    el("button", { className: "button", text: t("audit.log.go"), attrs: { type: "submit" } }),
  ]);
  onSubmit(form, say, async ({ from }) => {
    const position = whole(from ?? "", { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (position === null) {
      say.say(t("audit.log.fromInvalid"), { error: true });
      return;
    }
    navigate(href(position - 1, limit));
  });
  return el("div", {}, [form, say]);
}

export async function render(view, { query, navigate }) {
  const limit = whole(query.get("limit"), { min: 1, max: 200 }) ?? DEFAULT_LIMIT;
  const after = whole(query.get("after"), { min: 0, max: Number.MAX_SAFE_INTEGER });
  const checkpoint = checkpointPanel();
  const head = await checkpoint.load();
  const page = after === null
    ? await newestPage(limit, head?.tree_size ?? 0)
    : await api.get("/audit/events", { after, limit });

  const fresh = el("div", { className: "audit-fresh" });
  const listTitle = after === null ? "audit.log.newestTitle" : "audit.log.fromTitle";
  const from = page.items[0]?.position ?? after + 1;
  view.append(
    heading("audit.title"),
    el("p", { className: "audit-intro", text: t("audit.intro") }),
    // Web Crypto exists only in a secure context (HTTPS, or localhost): say why checks fail.
    // ("" rather than null: append() would write a null as the text "null".)
    window.crypto?.subtle
      ? ""
      : el("p", { className: "notice notice--error", text: t("audit.insecureContext"), attrs: { role: "alert" } }),
    checkpoint.node,
    el("section", { className: "audit-log", attrs: { "aria-labelledby": "audit-log-title" } }, [
      el("h3", { text: t(listTitle, { from }), attrs: { id: "audit-log-title" } }),
      el("div", { className: "audit-toolbar" }, [positionForm(limit, navigate), pager(page, after, limit)]),
      fresh,
      page.items.length
        ? eventTable(page.items, { checkpoints: checkpoint.source, captionKey: "audit.log.caption" })
        : el("p", { className: "results__empty", text: t("audit.log.empty") }),
    ]),
  );
  if (after !== null) return undefined;
  // On the newest page, offer the events written since it was loaded (without re-rendering the
  // table under the auditor's verification results).
  let count = 0;
  let shown = page.items.at(-1)?.position ?? 0;
  return stream.subscribe((message) => {
    const position = Number(message.position);
    // The stream may start before the last row shown (it starts at the views' position).
    if (message.type === "match" || !Number.isSafeInteger(position) || position <= shown) return;
    shown = position;
    count += 1;
    const reload = button("audit.log.freshCount", () => navigate(href(null, limit)));
    reload.textContent = t("audit.log.freshCount", { count });
    fresh.replaceChildren(reload);
  });
}
