// The workbench inbox (待办与消息): the organization's notifications, "to do" (action items not
// done yet, soonest due first) or "all" (newest first), unread ones marked. Each title, in the
// reader's language, links to its subject; opening it marks it read, as does its button.
// New notifications arrive over the stream and appear at the top. The tab is in the address.

import * as api from "../api.js";
import { button, el, heading, link, notice, time } from "../dom.js";
import { language, t } from "../i18n.js";
import { refreshInboxBadge } from "../inbox-badge.js";
import { pagedList, resultsSection } from "../paging.js";
import { liveUpdates } from "./trade-common.js";

const TABS = ["todo", "all"];
const PAGE_SIZE = 50;
const PAGES = {
  posting: (id) => `#/postings/${encodeURIComponent(id)}`,
  contract: (id) => `#/contracts/${encodeURIComponent(id)}`,
  financing_need: (id) => `#/financing/${encodeURIComponent(id)}`,
  service_request: (id) => `#/requests/${encodeURIComponent(id)}`,
  exhibition: (id) => `#/exhibitions/${encodeURIComponent(id)}`,
  policy: (id) => `#/policies/${encodeURIComponent(id)}`,
  organization: () => "#/account",
};

const isToDo = (item) => item.action_required && !item.done_at;
const titleOf = (item) => (language() === "en" ? item.title?.en : item.title?.zh) || item.title?.zh || "";
const subjectHref = (subject) => PAGES[subject?.type]?.(subject.id) ?? null;

/** Soonest due first, those without a due time last; then newest first. */
function byDue(a, b) {
  const due = (item) => (item.due_at ? Date.parse(item.due_at) : Number.POSITIVE_INFINITY);
  return due(a) - due(b) || b.position - a.position;
}

export async function render(view, { query }) {
  let tab = TABS.includes(query.get("tab")) ? query.get("tab") : "todo";
  const message = notice();
  const status = el("p", { className: "results__status", attrs: { role: "status" } });
  const summary = el("span", { attrs: { "data-inbox-summary": "" } });
  const list = el("ul", { className: "inbox", attrs: { "aria-live": "polite" } });
  const shown = [];

  async function markRead(item) {
    const updated = await api.post(`/notifications/${encodeURIComponent(item.id)}/read`);
    item.read_at = updated.read_at;
    draw();
    refreshAll();
  }

  function row(item) {
    const href = subjectHref(item.subject);
    const title = href
      ? el("a", { text: titleOf(item), attrs: { href }, on: { click: () => !item.read_at && markRead(item).catch(() => {}) } })
      : el("span", { text: titleOf(item) });
    const read = item.read_at
      ? null
      : button("inbox.markRead", (event) => {
          event.currentTarget.disabled = true;
          markRead(item).catch((error) => message.say(error, { error: true }));
        });
    const state = item.action_required
      ? el("span", { className: `badge badge--${item.done_at ? "done" : "todo"}`, text: t(item.done_at ? "inbox.done" : "inbox.todo") })
      : null;
    return el("li", { className: `inbox__item${item.read_at ? "" : " inbox__item--unread"}`, attrs: { "data-notification": item.id } }, [
      el("div", { className: "inbox__header" }, [
        item.read_at ? null : el("span", { className: "badge badge--unread", text: t("inbox.unread") }),
        el("h3", { className: "inbox__title" }, [title]),
        state,
      ]),
      el("p", { className: "inbox__facts" }, [
        el("span", { text: `${t("inbox.received")} ` }),
        time(item.created_at),
        item.due_at && !item.done_at ? el("span", { text: ` · ${t("inbox.due")} ` }) : null,
        item.due_at && !item.done_at ? time(item.due_at) : null,
        read ? el("span", { text: " " }) : null,
        read,
      ]),
    ]);
  }

  function draw() {
    if (tab === "todo") shown.sort(byDue);
    list.replaceChildren(...shown.map(row));
    status.textContent = shown.length ? t("inbox.count", { count: shown.length }) : t(`inbox.empty.${tab}`);
  }

  const paging = pagedList({
    fetchPage: ({ cursor }) =>
      api.get("/notifications", { action_required: tab === "todo" ? true : undefined, limit: PAGE_SIZE, cursor }),
    renderItems(items, { append }) {
      if (!append) shown.length = 0;
      // The "to do" filter of the API keeps done items too: they belong to "all" only.
      shown.push(...items.filter((item) => tab === "all" || isToDo(item)));
      draw();
    },
    message,
  });

  async function readSummary() {
    try {
      const counts = await api.get("/notifications/summary");
      summary.textContent = t("inbox.summary", { unread: counts.unread, todo: counts.action_required });
    } catch (error) {
      message.say(error, { error: true });
    }
  }

  function refreshAll() {
    refreshInboxBadge();
    readSummary();
  }

  const tabs = el("div", { className: "inbox-tabs", attrs: { role: "group", "aria-label": t("inbox.tabs") } });
  function drawTabs() {
    tabs.replaceChildren(
      ...TABS.map((name) =>
        button(`inbox.tab.${name}`, () => choose(name), { primary: name === tab, attrs: { "aria-pressed": String(name === tab), "data-tab": name } }),
      ),
    );
  }
  function choose(name) {
    tab = name;
    window.history.replaceState(null, "", `#/inbox?tab=${name}`);
    drawTabs();
    paging.load();
  }

  const readAll = button("inbox.markAllRead", async (event) => {
    const node = event.currentTarget;
    node.disabled = true;
    try {
      // Everything up to the newest notification there is now (shown here or not yet).
      const newest = await api.get("/notifications", { limit: 1 });
      const before = newest.items?.[0]?.position;
      const answer = before === undefined ? { marked: 0 } : await api.post("/notifications/read-all", { before_position: before });
      const now = new Date().toISOString();
      for (const item of shown) if (item.position <= before && !item.read_at) item.read_at = now;
      draw();
      refreshAll();
      message.say(t("inbox.markedAll", { count: answer.marked }));
    } catch (error) {
      message.say(error, { error: true });
    } finally {
      node.disabled = false;
    }
  });

  const live = liveUpdates((note) => {
    if (note.type !== "notification" || !note.notification) return;
    const item = note.notification;
    readSummary();
    if (shown.some((known) => known.id === item.id)) return;
    if (tab === "todo" && !isToDo(item)) return;
    shown.unshift(item);
    draw();
  });

  drawTabs();
  view.append(
    heading("inbox.title"),
    el("div", { className: "inbox-toolbar" }, [tabs, readAll]),
    el("p", { className: "inbox-summary" }, [summary, " ", live.badge, " · ", link("#/webhooks", t("inbox.webhooks"), { "data-webhooks-link": "" })]),
    resultsSection("inbox-results", "inbox.list", { status, message, list, more: paging.more }),
  );
  await Promise.all([paging.load(), readSummary()]);
  return () => {
    paging.cancel();
    live.stop();
  };
}
