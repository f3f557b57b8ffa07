// #/operator/providers: the provider assessment table (考核) for operators and auditors: each
// provider's requests, dispatches, acceptances and resolutions (on time), feedback, the three
// rates (响应率, 按时办结率, 满意率) and the median hours, from GET /stats/services by provider
// over a submission period, ranked by the rate chosen. Re-read when request events arrive.

import * as api from "../api.js";
import { debounce, el, field, heading, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as stream from "../stream.js";
import { percent } from "./financing-shared.js";
import { isRequestEvent } from "./requests-shared.js";

const RATES = ["satisfaction_rate", "response_rate", "resolution_rate"];
const COUNTS = ["requests", "dispatched", "accepted_on_time", "resolved", "resolved_on_time", "feedback"];
const HOURS = ["median_hours_to_accept", "median_hours_to_resolve"];

function filters() {
  return el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("assessment.filter") } }, [
    field("from", "assessment.from", { type: "date" }),
    field("to", "assessment.to", { type: "date" }),
    field("rank", "assessment.rank", { options: RATES.map((rate) => [rate, `assessment.${rate}`]) }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("services.filter.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
}

/** Highest rate first; a provider without the figure (null: nothing to rate yet) last. */
function ranked(rows, rate) {
  const value = (row) => (row[rate] === null ? -1 : Number(row[rate]));
  return [...rows].sort((a, b) => value(b) - value(a) || b.requests - a.requests);
}

function cell(row, column) {
  if (RATES.includes(column)) return row[column] === null ? "—" : percent(row[column]);
  if (HOURS.includes(column)) return row[column] === null || row[column] === undefined ? "—" : String(row[column]);
  return String(row[column] ?? 0);
}

function table(rows, names) {
  const columns = ["rankColumn", "provider", ...RATES, ...COUNTS, ...HOURS];
  return el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table assessment-table", attrs: { "aria-labelledby": "assessment-title" } }, [
      el("thead", {}, [el("tr", {}, columns.map((c) => el("th", { text: t(`assessment.${c}`), attrs: { scope: "col" } })))]),
      el("tbody", {}, rows.map((row, index) => el("tr", { attrs: { "data-provider-id": row.key } }, [
        el("td", { text: String(index + 1) }),
        el("th", { text: names.get(row.key) ?? row.key, attrs: { scope: "row" } }),
        ...[...RATES, ...COUNTS, ...HOURS].map((column) => el("td", { text: cell(row, column) })),
      ]))),
    ]),
  ]);
}

export async function render(view) {
  view.append(heading("assessment.title"), el("p", { className: "financing-lead", text: t("assessment.lead") }));
  const form = filters();
  const message = notice();
  const holder = el("div");
  const section = el("section", { className: "panel", attrs: { "aria-labelledby": "assessment-title" } }, [
    el("h3", { className: "events-panel__title", text: t("assessment.table"), attrs: { id: "assessment-title" } }),
    message,
    holder,
  ]);
  const providers = await api.getAll("/organizations", { kind: "provider" });
  const names = new Map(providers.map((provider) => [provider.id, provider.name]));
  let generation = 0;
  const load = async (position) => {
    const current = ++generation;
    const value = (name) => form.elements.namedItem(name).value;
    const params = { group_by: "provider", from: value("from") || undefined, to: value("to") || undefined, min_position: position };
    try {
      const rows = (await api.get("/stats/services", params)).filter((row) => row.key !== null);
      if (current !== generation) return;
      message.say(rows.length ? "" : t("assessment.none"));
      holder.replaceChildren(rows.length ? table(ranked(rows, value("rank")), names) : "");
    } catch (error) {
      if (current === generation) message.say(error, { error: true });
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  form.elements.namedItem("rank").addEventListener("change", () => load());
  view.append(form, section);
  await load();
  const reload = debounce((position) => load(position), 500);
  const unsubscribe = stream.subscribe((event) => {
    if (isRequestEvent(event)) reload(event.position);
  });
  return () => {
    generation += 1;
    reload.cancel();
    unsubscribe();
  };
}
