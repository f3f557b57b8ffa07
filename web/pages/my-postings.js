// The signed-in enterprise's own postings, filtered by status, newest first, with a link to
// publish another. The filter is kept in the address (replaceState) so reload and back keep it.

import * as api from "../api.js";
import { badge, el, fact, field, heading, notice, time } from "../dom.js";
import { t } from "../i18n.js";
import { pagedList } from "../paging.js";
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
  const paging = pagedList({
    fetchPage: ({ cursor }) => api.get("/postings", { owner: me.id, status: select.value, limit: PAGE_SIZE, cursor }),
    renderItems(items, { append }) {
      if (!append) list.replaceChildren();
      list.append(...items.map(card));
    },
    onShown: (count) => {
      summary.textContent = count ? t("trade.mine.count", { count }) : t("trade.mine.empty");
    },
    message,
  });

  const filters = el("form", { className: "trade-filters", attrs: { role: "search", "aria-label": t("trade.mine.filters") } }, [filter]);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    paging.load();
  });
  select.addEventListener("change", () => {
    window.history.replaceState(null, "", `#/my/postings?status=${encodeURIComponent(select.value)}`);
    paging.load();
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
    el("div", { className: "results__more" }, [paging.more]),
  );
  await paging.load();
  return paging.cancel;
}
