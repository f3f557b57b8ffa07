// A posting as a listing card: side, linked title, excerpt and the facts a buyer or seller
// compares at a glance. Every value from the API goes in as text (never parsed as HTML).

import { el, fact, time } from "../dom.js";
import { formatMoneyExact, formatQuantity } from "../format.js";
import { t, tCount } from "../i18n.js";
import { categoryLabel, regionLabel } from "./public-labels.js";

const EXCERPT_CHARS = 140;

function priceBounds(min, max) {
  if (min && max && formatMoneyExact(min) !== formatMoneyExact(max)) return ["range", min, max];
  if (min && max) return ["single", min];
  if (min) return ["from", min];
  return ["upTo", max];
}

function priceWords([kind, first, second], format) {
  if (kind === "range") return t("price.range", { min: format(first), max: format(second) });
  if (kind === "single") return format(first);
  if (kind === "from") return t("price.from", { min: format(first) });
  return t("price.upTo", { max: format(first) });
}

/** The unit price, exact ("¥14,000.00 – ¥16,000.00 / 吨"). */
export function priceText({ price_min: min, price_max: max, currency, unit }) {
  if (!min && !max) return { text: t("price.negotiable"), exact: "" };
  const full = priceWords(priceBounds(min, max), (v) => formatMoneyExact(v, currency));
  return { text: unit ? t("price.perUnit", { price: full, unit }) : full, exact: "" };
}

function excerpt(text) {
  const plain = String(text ?? "").replace(/\s+/g, " ").trim();
  return plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS)}…` : plain;
}

export function sideBadge(side) {
  const known = side === "demand" ? "demand" : "supply";
  return el("span", { className: `badge badge--${known}`, text: t(`side.${known}`) });
}

/** One `<li>` of the listings. */
export function postingCard(posting) {
  const side = posting.side === "demand" ? "demand" : "supply";
  const titleId = `posting-${posting.id}-title`;
  const price = priceText(posting);
  const summary = excerpt(posting.description);
  const quantity = t("public.posting.quantityValue", {
    quantity: formatQuantity(posting.quantity),
    unit: posting.unit ?? "",
  });
  return el("li", { className: "posting", attrs: { "data-posting-id": posting.id } }, [
    el("article", {
      className: `posting__card posting__card--${side}`,
      attrs: { "aria-labelledby": titleId },
    }, [
      el("header", { className: "posting__header" }, [
        sideBadge(side),
        el("h3", { className: "posting__title", attrs: { id: titleId } }, [
          el("a", {
            className: "posting__link",
            text: posting.title,
            attrs: { href: `#/postings/${encodeURIComponent(posting.id)}` },
          }),
        ]),
      ]),
      summary ? el("p", { className: "posting__excerpt", text: summary }) : null,
      el("dl", { className: "posting__facts" }, [
        fact("public.posting.category", categoryLabel(posting.category)),
        fact("public.posting.region", regionLabel(posting.region)),
        fact("public.posting.quantity", quantity),
        fact("public.posting.price", el("span", {
          text: price.text,
          attrs: { title: price.exact || null },
        })),
        fact("public.posting.owner", posting.owner?.name || t("public.posting.ownerUnknown")),
        fact("public.posting.bids", tCount("public.posting.bidCount", Number(posting.bid_count) || 0)),
        fact("public.posting.published", time(posting.published_at)),
        fact("public.posting.expires", time(posting.expires_at)),
      ]),
    ]),
  ]);
}
