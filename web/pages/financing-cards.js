// Cards of the financing need lists (one per need), shared by the board and an enterprise's list.

import { badge, el, fact, money, time } from "../dom.js";
import { t, tCount } from "../i18n.js";
import { months } from "./financing-shared.js";
import { regionLabel } from "./public-labels.js";

/** "Overdue" in words as well as colour, so it is not told by colour alone. */
export function overdueBadge() {
  return el("span", { className: "badge financing-overdue-badge", text: t("financing.overdue.badge") });
}

function needCard(need, { board }) {
  const overdue = Boolean(need.overdue);
  const title = el("h4", { className: "financing-need__title" }, [
    el("a", { text: need.purpose, attrs: { href: `#/financing/${encodeURIComponent(need.id)}` } }),
  ]);
  const facts = el("dl", { className: "financing-need__facts" }, [
    fact("financing.field.amount", money(need.amount, need.currency)),
    fact("financing.field.term", months(need.term_months)),
    fact("financing.field.productType", t(`productType.${need.product_type}`)),
    fact("financing.field.region", regionLabel(need.region)),
    board ? fact("financing.field.owner", need.owner?.name ?? t("financing.unknownName")) : null,
    fact("financing.field.offers", tCount("financing.offerCount", Number(need.offer_count) || 0)),
    fact("financing.field.published", time(need.published_at)),
    need.respond_by ? fact("financing.field.respondBy", time(need.respond_by)) : null,
  ]);
  return el("li", {}, [
    el(
      "article",
      {
        className: `financing-need${overdue ? " financing-need--overdue" : ""}`,
        attrs: { "data-need-id": need.id, "data-overdue": overdue ? "true" : "false" },
      },
      [
        el("header", { className: "financing-need__header" }, [
          title,
          el("span", { className: "financing-need__badges" }, [
            badge("need", need.status),
            overdue ? overdueBadge() : null,
          ]),
        ]),
        overdue ? el("p", { className: "financing-need__warning", text: t("financing.overdue.explain") }) : null,
        facts,
      ],
    ),
  ]);
}

export function needCards(items, options) {
  return items.map((need) => needCard(need, options));
}
