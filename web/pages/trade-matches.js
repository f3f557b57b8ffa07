// The owner's matches: open postings of the other side ranked by the server, each with its
// score (0–1, shown as a percentage) and the reasons that make it up.

import * as api from "../api.js";
import { el } from "../dom.js";
import { language, t } from "../i18n.js";
import { priceRange, quantityText, sideBadge } from "./trade-common.js";

function percent(score) {
  const value = Math.round(Math.min(1, Math.max(0, Number(score) || 0)) * 100);
  return t("trade.matches.score", { percent: value });
}

function reasonText(reason) {
  return language() === "zh-CN" ? reason.zh : reason.en;
}

function item(match) {
  const reasons = (match.reasons ?? []).map((reason) =>
    el("li", { className: Number(reason.contribution) > 0 ? "" : "trade-muted", text: reasonText(reason) }),
  );
  return el("li", { className: `posting__card posting__card--${match.side === "demand" ? "demand" : "supply"} trade-match` }, [
    el("div", { className: "posting__header" }, [
      sideBadge(match.side),
      el("h4", { className: "posting__title" }, [
        el("a", { text: match.title, attrs: { href: `#/postings/${encodeURIComponent(match.id)}` } }),
      ]),
      el("span", { className: "trade-score", text: percent(match.score) }),
    ]),
    el("p", { className: "trade-muted" }, [
      el("span", { text: `${match.owner?.name ?? ""} · ${quantityText(match.quantity, match.unit)} · ` }),
      priceRange(match),
    ]),
    el("ul", { className: "trade-reasons", attrs: { "aria-label": t("trade.matches.reasons") } }, reasons),
  ]);
}

/** The matches section; `reload(posting)` re-reads it (only while the posting is open). */
export function matchesPanel(postingId) {
  const list = el("div");
  const node = el("section", { className: "panel", attrs: { "aria-labelledby": "posting-matches" } }, [
    el("h3", { className: "trade-section-title", text: t("trade.matches.title"), attrs: { id: "posting-matches" } }),
    el("p", { className: "field__hint", text: t("trade.matches.hint") }),
    list,
  ]);
  let shown = "";

  async function reload(posting, position, isCurrent = () => true) {
    node.hidden = posting.status !== "open";
    if (node.hidden) return;
    try {
      const params = position ? { min_position: position } : {};
      const page = await api.get(`/postings/${encodeURIComponent(postingId)}/matches`, params);
      if (!isCurrent()) return;
      const items = page.items ?? [];
      const key = JSON.stringify(items);
      if (key === shown) return;
      shown = key;
      list.replaceChildren(
        items.length
          ? el("ol", { className: "postings trade-matches" }, items.map(item))
          : el("p", { className: "trade-muted", text: t("trade.matches.none") }),
      );
    } catch (error) {
      list.replaceChildren(el("p", { className: "notice notice--error", text: error.message }));
    }
  }

  return { node, reload };
}
