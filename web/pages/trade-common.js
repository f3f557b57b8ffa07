// Pieces shared by the trade pages: side badges, prices and quantities, organization names,
// the live badge, and the date <-> ISO time conversion of the posting form.

import * as api from "../api.js";
import { el } from "../dom.js";
import { formatMoneyExact, formatQuantity } from "../format.js";
import { t } from "../i18n.js";
import * as stream from "../stream.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The server refuses expiry times more than 365 days ahead (API.md). */
export const MAX_DAYS_AHEAD = 365;

export function sideBadge(side) {
  const known = side === "demand" ? "demand" : "supply";
  return el("span", { className: `badge badge--${known}`, text: t(`trade.side.${known}`) });
}

export function quantityText(quantity, unit) {
  return t("trade.quantity", { quantity: formatQuantity(quantity), unit: unit ?? "" });
}

function rangeText(min, max, format) {
  const has = (value) => value !== null && value !== undefined && value !== "";
  if (has(min) && has(max)) {
    return min === max ? format(min) : t("price.range", { min: format(min), max: format(max) });
  }
  if (has(min)) return t("price.from", { min: format(min) });
  if (has(max)) return t("price.upTo", { max: format(max) });
  return null;
}

/** A posting's unit price range, exact ("¥14,000.00 – ¥16,000.00 / 吨"). */
export function priceRange({ price_min: min, price_max: max, currency, unit }) {
  const exact = rangeText(min, max, (v) => formatMoneyExact(v, currency));
  if (exact === null) return el("span", { text: t("price.negotiable") });
  return el("span", { className: "money", text: t("price.perUnit", { price: exact, unit }) });
}

const names = new Map();

/** An organization's public name (cached per page load); its id when it cannot be read. */
export function organizationName(id) {
  if (!names.has(id)) {
    const found = api
      .get(`/organizations/${encodeURIComponent(id)}`)
      .then((organization) => organization.name)
      .catch(() => id);
    names.set(id, found);
  }
  return names.get(id);
}

/**
 * Subscribe to the stream and show whether it is connected in a `.live-badge`; returns
 * `{badge, stop}`. The badge polls because the shared socket has no "opened" callback.
 */
export function liveUpdates(handler) {
  const badge = el("span", { className: "live-badge", attrs: { "data-live": "false" } });
  const unsubscribe = stream.subscribe(handler);
  let connected = false;
  const show = () => {
    const live = stream.isLive();
    connected ||= live;
    // Before the first connection "reconnecting" would be wrong: say it is connecting.
    badge.textContent = t(live ? "common.live" : connected ? "common.offline" : "trade.live.connecting");
    badge.setAttribute("data-live", String(live));
  };
  show();
  const timer = window.setInterval(show, 500);
  return {
    badge,
    stop() {
      window.clearInterval(timer);
      unsubscribe();
    },
  };
}

/** The read position for a re-read caused by a stream event (never behind our own writes). */
export function positionAfter(message) {
  return Math.max(Number(message.position) || 0, api.lastWritePosition());
}

const pad = (n, width = 2) => String(Math.abs(Math.trunc(n))).padStart(width, "0");

/** "YYYY-MM-DD" of a time, in the viewer's time zone (for <input type=date>). */
export function dateInputValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function daysFromNow(days) {
  return new Date(Date.now() + days * DAY_MS);
}

function isoWithOffset(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${dateInputValue(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/**
 * A chosen date as the end of that day in local time, with the local offset; the last
 * allowed day is capped just under the server's limit so that picking it is not refused.
 * Anything that is not a date is passed through for the server to explain.
 */
export function endOfDayIso(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return value;
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 0);
  const limit = new Date(Date.now() + MAX_DAYS_AHEAD * DAY_MS - 5 * 60 * 1000);
  const lastDay = end > limit && end - limit < DAY_MS;
  return isoWithOffset(lastDay ? limit : end);
}

/** `[[value, key], …]` options for a filter <select>, "all" first. */
export function filterOptions(prefix, valuesList, allKey = "trade.filter.all") {
  return [["", allKey], ...valuesList.map((value) => [value, `${prefix}.${value}`])];
}

/** A contract's name: the goods of a sale, the product of a loan. */
export function contractTitle(contract) {
  const terms = contract.terms ?? {};
  if (contract.kind === "sale" && terms.title) return terms.title;
  if (contract.kind === "loan" && terms.product_type) {
    return t("trade.contract.loanTitle", { product: t(`productType.${terms.product_type}`) });
  }
  return t(`trade.contract.kind.${contract.kind === "loan" ? "loan" : "sale"}`);
}

/** The viewer's role in a contract ("buyer", …), or null for staff and strangers. */
export function roleOf(contract, organizationId) {
  return contract.parties?.find((party) => party.organization_id === organizationId)?.role ?? null;
}

/**
 * A data table that turns into labelled stacked rows on a phone (trade.css): `columns` are
 * `[labelKey, (item) => text | Node | Node[], className?]`, `rowAttrs(item)` the <tr>'s attributes.
 */
export function stackedTable(captionKey, columns, items, rowAttrs = () => ({})) {
  const cell = ([key, content, className], item) => {
    const value = content(item);
    const children = Array.isArray(value) ? value : value instanceof Node ? [value] : [];
    const text = children.length || value === null || value === undefined ? undefined : value;
    return el("td", { className, text, attrs: { "data-label": t(key) } }, children);
  };
  return el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table trade-stack" }, [
      el("caption", { className: "visually-hidden", text: t(captionKey) }),
      el("thead", {}, [el("tr", {}, columns.map(([key]) => el("th", { text: t(key), attrs: { scope: "col" } })))]),
      el("tbody", {}, items.map((item) => el("tr", { attrs: rowAttrs(item) }, columns.map((column) => cell(column, item))))),
    ]),
  ]);
}
