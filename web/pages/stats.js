// Platform statistics (#/stats): the overview figures, deal and financing charts with a
// month filter (kept in the hash query), re-read when the stream reports changes.

import * as api from "../api.js";
import { debounce, el, field, heading, moneyAggregate, notice } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { language, t } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import {
  DEAL_GROUPS,
  dealChart,
  FINANCING_GROUPS,
  financingChart,
  labelsFor,
} from "./public-stats-charts.js";

// Contract events reach only their parties: others also re-read now and then.
const POLL_MS = 30_000;
const LIVE_CHECK_MS = 500;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const OVERVIEW = [
  ["organizations", ["organizations.enterprise", "organizations.bank"]],
  ["postings", ["postings.open", "postings.total", "bids"]],
  ["contracts", ["contracts.signed", "contracts.amount"]],
  // With the API's sale and loan figures (GET /stats contracts.sale / contracts.loan) the two
  // are shown apart: sale volume and loan principal are different things and are not added.
  ["contracts", ["contracts.signed", "contracts.sale.signed", "contracts.sale.amount", "contracts.loan.signed", "contracts.loan.amount"]],
  ["financing", [
    "financing.needs", "financing.matched", "financing.amount_matched",
    "financing.amount_disbursed", "financing.overdue",
  ]],
  ["exhibitions", ["exhibitions.held", "exhibitions.signups", "exhibitions.checked_in"]],
  ["activities", [
    "activities.held.exhibition", "activities.held.matchmaking", "activities.held.lecture",
    "activities.held.training", "activities.participants", "activities.trained",
  ]],
  ["services", [
    "services.providers", "services.products", "services.requests", "services.closed",
    "services.response_rate", "services.resolution_rate", "services.satisfaction_rate",
  ]],
];
// The service hall's three rates (响应率, 按时办结率, 满意率): fractions shown as percentages.
const RATES = new Set(["services.response_rate", "services.resolution_rate", "services.satisfaction_rate"]);
const MONEY = new Set([
  "contracts.amount", "contracts.sale.amount", "contracts.loan.amount",
  "financing.amount_matched", "financing.amount_disbursed",
]);

function pick(data, path) {
  return path.split(".").reduce((value, part) => value?.[part], data);
}

function rate(value) {
  if (value === null || value === undefined) return "—"; // nothing to rate yet
  return new Intl.NumberFormat(language(), { style: "percent", maximumFractionDigits: 1 }).format(Number(value));
}

function figure(stats, path) {
  const value = pick(stats, path);
  let shown;
  if (MONEY.has(path)) shown = moneyAggregate(value ?? "0");
  else if (RATES.has(path)) shown = document.createTextNode(rate(value));
  else shown = document.createTextNode(new Intl.NumberFormat(language()).format(Number(value) || 0));
  return el("div", { className: "stat" }, [
    el("dt", { text: t(`public.stat.${path}`) }),
    el("dd", { attrs: { "data-stat": path } }, [shown]),
  ]);
}

function overview(stats) {
  const apart = Boolean(stats.contracts?.sale && stats.contracts?.loan);
  const groups = OVERVIEW.filter(([group, paths]) =>
    (group !== "contracts" || apart === paths.includes("contracts.sale.amount")) && group in stats);
  return groups.map(([group, paths]) =>
    // "stats-group-" keeps these ids apart from the chart sections' ("stats-financing").
    el("section", { className: "stats-group", attrs: { "aria-labelledby": `stats-group-${group}` } }, [
      el("h4", { text: t(`public.stats.group.${group}`), attrs: { id: `stats-group-${group}` } }),
      el("dl", { className: "stats-figures" }, paths.map((path) => figure(stats, path))),
    ]),
  );
}

/** The month filter as the API's inclusive dates: first day of `from`, last day of `to`. */
function period({ from, to }) {
  const params = {};
  if (from) params.from = `${from}-01`;
  if (to) {
    const [year, month] = to.split("-").map(Number);
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    params.to = `${to}-${String(last).padStart(2, "0")}`;
  }
  return params;
}

function monthsFrom(query) {
  const months = {};
  for (const name of ["from", "to"]) {
    const value = query.get(name) ?? "";
    if (MONTH.test(value)) months[name] = value;
  }
  return months;
}

function rememberMonths(months) {
  const search = new URLSearchParams(months).toString();
  window.history.replaceState(window.history.state, "", search ? `#/stats?${search}` : "#/stats");
}

// Browsers without a month picker show a text box: the hint and pattern say what to type.
function monthField(name, labelKey, value) {
  return field(name, labelKey, {
    type: "month",
    value,
    hintKey: "public.stats.monthHint",
    attrs: { pattern: "[0-9]{4}-[0-9]{2}", placeholder: "2026-05" },
  });
}

function filterForm(months, onChange) {
  const form = el("form", { className: "stats-filter", attrs: { "aria-label": t("public.stats.filter") } }, [
    monthField("from", "public.stats.from", months.from),
    monthField("to", "public.stats.to", months.to),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("public.stats.apply"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("public.stats.clear"), attrs: { type: "reset" } }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onChange(monthsFrom(new URLSearchParams(new FormData(form))));
  });
  form.addEventListener("reset", () => window.setTimeout(() => onChange({}), 0));
  return form;
}

async function charts(kind, groups, params, message) {
  const draw = kind === "deals" ? dealChart : financingChart;
  return Promise.all(groups.map(async (group) => {
    const query = { ...params, group_by: group };
    const rows = await api.get(`/stats/${kind}`, query);
    const list = Array.isArray(rows) ? rows : [];
    const figure = draw(group, list, await labelsFor(group, list));
    const what = t(`public.chart.${kind}.${group}`);
    figure.append(downloadLinks(`/stats/${kind}`, () => query, message, what));
    return figure;
  }));
}

function chartSection(id, titleKey) {
  const grid = el("div", { className: "charts", attrs: { "aria-busy": "true" } });
  const section = el("section", { className: "stats-section", attrs: { "aria-labelledby": id } }, [
    el("h3", { text: t(titleKey), attrs: { id } }),
    grid,
  ]);
  return { section, grid };
}

export function render(view, { query }) {
  let months = monthsFrom(query);
  let seen = 0;
  let generation = 0;
  let left = false;
  const message = notice();
  const live = el("span", { className: "live-badge", text: t("common.live"), attrs: { hidden: "" } });
  const figures = el("div", { className: "stats-overview", attrs: { "aria-busy": "true" } });
  const deals = chartSection("stats-deals", "public.stats.deals");
  const financing = chartSection("stats-financing", "public.stats.financing");
  const financingGroups = session.is("operator", "auditor")
    ? FINANCING_GROUPS
    : FINANCING_GROUPS.filter((group) => group !== "bank");

  async function load() {
    if (left) return;
    const current = ++generation;
    const params = { ...period(months) };
    if (seen > 0) params.min_position = Math.max(seen, api.lastWritePosition());
    try {
      const [stats, dealFigures, financingFigures] = await Promise.all([
        api.get("/stats", params.min_position ? { min_position: params.min_position } : {}),
        charts("deals", DEAL_GROUPS, params, message),
        charts("financing", financingGroups, params, message),
      ]);
      if (current !== generation || left) return;
      live.hidden = !stream.isLive();
      figures.replaceChildren(...overview(stats));
      deals.grid.replaceChildren(...dealFigures);
      financing.grid.replaceChildren(...financingFigures);
      message.say("");
    } catch (error) {
      if (current !== generation || left) return;
      if (error.name !== "ApiError") console.error(error);
      message.say(error, { error: true });
    } finally {
      if (current === generation && !left) {
        for (const node of [figures, deals.grid, financing.grid]) node.setAttribute("aria-busy", "false");
      }
    }
  }

  const reload = debounce(load, 400);
  const unsubscribe = stream.subscribe((event) => {
    if (event.type === "match") return;
    seen = Math.max(seen, Number(event.position) || 0);
    reload();
  });
  const poll = window.setInterval(() => {
    if (!document.hidden) reload();
  }, POLL_MS);
  const liveCheck = window.setInterval(() => {
    live.hidden = !stream.isLive();
  }, LIVE_CHECK_MS);

  view.append(
    el("div", { className: "page-head" }, [heading("public.stats.title"), live]),
    message,
    el("section", { className: "stats-section", attrs: { "aria-labelledby": "stats-overview" } }, [
      el("h3", { text: t("public.stats.overview"), attrs: { id: "stats-overview" } }),
      figures,
      downloadLinks("/stats", () => ({}), message, t("public.stats.overview")),
    ]),
    filterForm(months, (chosen) => {
      months = chosen;
      rememberMonths(chosen);
      load();
    }),
    deals.section,
    financing.section,
  );

  const cleanup = () => {
    left = true;
    unsubscribe();
    window.clearInterval(poll);
    window.clearInterval(liveCheck);
  };
  return load().then(() => cleanup);
}
