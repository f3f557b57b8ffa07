// The signed-in enterprise's own postings, filtered by status, newest first, with a link to
// publish another. The filter is kept in the address (replaceState) so reload and back keep it.

import * as api from "../api.js";
import { badge, button, el, fact, field, heading, notice, time } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { priceRange, quantityText, sideBadge } from "./trade-common.js";

const STATUSES = ["open", "awarded", "withdrawn", "expired", "all"];
const PAGE_SIZE = 20;

function card(posting) {
  const side = posting.side === "demand" ? "demand" : "supply";
  return el("li", { className: `posting__card posting__card--${side}`, attrs: { "data-posting": posting.id } }, [
    el("div", { className: "posting__header" }, [
      sideBadge(posting.side),
      el("h3", { className: "posting__title" }, [
        el("a", { text: posting.title, attrs: { href: `#/postings/${encodeURIComponent(posting.id)}` } }),
      ]),
      badge("posting", posting.status),
    ]),
    el("dl", { className: "posting__facts" }, [
      fact("trade.posting.quantity", quantityText(posting.quantity, posting.unit)),
      fact("trade.posting.price", priceRange(posting)),
      fact("trade.posting.bidCount", String(posting.bid_count)),
      fact("trade.posting.expiresAt", time(posting.expires_at)),
    ]),
  ]);
}

export async function render(view, { query }) {
  const me = session.organization();
  const message = notice();
  const chosen = STATUSES.includes(query.get("status")) ? query.get("status") : "open";
  const filter = field("status", "trade.mine.status", {
    options: STATUSES.map((status) => [status, `trade.mine.status.${status}`]),
    value: chosen,
  });
  const select = filter.querySelector("select");
  const list = el("ul", { className: "postings trade-my-postings", attrs: { "aria-live": "polite" } });
  const summary = el("p", { className: "results__status", attrs: { role: "status" } });
  const more = el("div", { className: "results__more" });
  let cursor = null;
  let count = 0;

  // A newer load (a changed filter) makes older answers stale: they are dropped.
  let generation = 0;

  async function load(reset) {
    const current = reset ? ++generation : generation;
    if (reset) {
      cursor = null;
      count = 0;
      list.replaceChildren();
    }
    try {
      const page = await api.get("/postings", {
        owner: me.id,
        status: select.value,
        limit: PAGE_SIZE,
        cursor,
      });
      if (current !== generation) return;
      const items = page.items ?? [];
      count += items.length;
      list.append(...items.map(card));
      cursor = page.next_cursor ?? null;
      summary.textContent = count ? t("trade.mine.count", { count }) : t("trade.mine.empty");
      more.replaceChildren(cursor ? button("common.loadMore", (event) => {
        event.currentTarget.disabled = true; // one page at a time
        load(false);
      }) : "");
      message.say("");
    } catch (error) {
      if (current !== generation) return;
      message.say(error, { error: true });
      more.querySelector("button")?.removeAttribute("disabled"); // "load more" may be tried again
    }
  }

  const filters = el("form", { className: "trade-filters", attrs: { role: "search", "aria-label": t("trade.mine.filters") } }, [filter]);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load(true);
  });
  select.addEventListener("change", () => {
    window.history.replaceState(null, "", `#/my/postings?status=${encodeURIComponent(select.value)}`);
    load(true);
  });
  view.append(
    heading("trade.mine.title"),
    el("div", { className: "trade-toolbar" }, [
      filters,
      el("a", { className: "button button--primary", text: t("trade.mine.publish"), attrs: { href: "#/postings/new" } }),
    ]),
    message,
    summary,
    list,
    more,
  );
  await load(true);
}
