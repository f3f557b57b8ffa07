// The charts of the statistics page: which groupings to draw, how their keys read, and the
// figure (SVG bars + table) of each. Exhibition and bank keys are ids: their names are looked
// up once through the public API.

import * as api from "../api.js";
import { barChart } from "../charts.js";
import { formatMoneyAggregate, formatMoneyExact } from "../format.js";
import { language, t, tCount } from "../i18n.js";
import { categoryLabel, monthLabel, regionLabel } from "./public-labels.js";

export const DEAL_GROUPS = ["month", "region", "category", "exhibition"];
export const FINANCING_GROUPS = ["month", "product_type", "region", "bank"];
const PRODUCT_TYPES = new Set([
  "credit_loan", "receivables", "order_financing", "warehouse_receipt", "inventory_pledge",
  "guaranteed_loan",
]);

const names = new Map(); // "exhibitions/<id>" | "organizations/<id>" -> Promise<name | null>

function nameOf(collection, id) {
  const key = `${collection}/${id}`;
  if (!names.has(key)) {
    const lookup = api.get(`/${collection}/${encodeURIComponent(id)}`)
      .then((found) => found?.name ?? null)
      .catch(() => null);
    names.set(key, lookup);
  }
  return names.get(key);
}

const NAMED = {
  exhibition: ["exhibitions", "public.chart.noExhibition"],
  bank: ["organizations", "public.chart.unmatched"],
};

function plainLabel(group, key) {
  if (group === "month") return monthLabel(key);
  if (group === "region") return regionLabel(key);
  if (group === "category") return categoryLabel(key);
  if (group === "product_type" && PRODUCT_TYPES.has(key)) return t(`productType.${key}`);
  return key ?? "—";
}

/** The display label of every group's key (ids resolved to names). */
export async function labelsFor(group, rows) {
  const named = NAMED[group];
  return Promise.all(rows.map(async ({ key }) => {
    if (!named) return plainLabel(group, key);
    if (key === null || key === undefined) return t(named[1]);
    return (await nameOf(named[0], key)) ?? key;
  }));
}

function count(value) {
  return new Intl.NumberFormat(language()).format(Number(value) || 0);
}

function money(value) {
  return formatMoneyAggregate(value ?? "0", "CNY", language());
}

/** The exact CNY amount, plus the other currencies' totals when there are any. */
function exactAmounts(amount, byCurrency = {}) {
  const others = Object.entries(byCurrency)
    .filter(([currency]) => currency !== "CNY")
    .map(([currency, total]) => formatMoneyExact(total, currency));
  return [formatMoneyExact(amount ?? "0"), ...others].join(" + ");
}

export function dealChart(group, rows, labels) {
  const caption = t(`public.chart.deals.${group}`);
  return barChart({
    id: `chart-deals-${group}`,
    caption,
    series: [t("public.chart.amount")],
    rows: rows.map((row, i) => ({
      label: labels[i],
      values: [Number(row.amount)],
      texts: [t("public.chart.dealValue", {
        amount: money(row.amount),
        contracts: tCount("public.chart.contracts", Number(row.contracts) || 0),
      })],
    })),
    head: [t(`public.chart.key.${group}`), t("public.chart.contractCount"), t("public.chart.amountExact")],
    body: rows.map((row, i) => [labels[i], count(row.contracts), exactAmounts(row.amount, row.amount_by_currency)]),
    emptyText: t("public.chart.empty"),
  });
}

function hours(value) {
  return value === null || value === undefined ? "—" : String(value);
}

export function financingChart(group, rows, labels) {
  return barChart({
    id: `chart-financing-${group}`,
    caption: t(`public.chart.financing.${group}`),
    series: [t("public.chart.needs"), t("public.chart.matched")],
    rows: rows.map((row, i) => ({
      label: labels[i],
      values: [Number(row.needs), Number(row.matched)],
      texts: [count(row.needs), count(row.matched)],
    })),
    head: [
      t(`public.chart.key.${group}`),
      t("public.chart.needs"),
      t("public.chart.matched"),
      t("public.chart.amountMatched"),
      t("public.chart.amountDisbursed"),
      t("public.chart.overdue"),
      t("public.chart.medianHours"),
    ],
    body: rows.map((row, i) => [
      labels[i],
      count(row.needs),
      count(row.matched),
      formatMoneyExact(row.amount_matched ?? "0"),
      formatMoneyExact(row.amount_disbursed ?? "0"),
      count(row.overdue),
      hours(row.median_hours_to_first_offer),
    ]),
    emptyText: t("public.chart.empty"),
  });
}
