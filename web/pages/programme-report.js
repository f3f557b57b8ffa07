// #/reports/programme: the programme report (项目报表) for operators and auditors: the figures
// a service centre reports upward for a period, from GET /reports/programme, one table of
// sections and figures in the page's language, and the same report as an Excel download.

import * as api from "../api.js";
import { el, field, heading, notice } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { formatMoneyExact } from "../format.js";
import { language, t } from "../i18n.js";
import { percent } from "./financing-shared.js";

const RATE = /_rate$/;
const AMOUNT = /amount/;

/** The year so far: 1 January to today (the browser's day). */
function defaults() {
  const today = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const to = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  return { from: `${today.getFullYear()}-01-01`, to };
}

function shown(figure) {
  if (figure.value === null) return "—";
  if (RATE.test(figure.key)) return percent(figure.value);
  if (AMOUNT.test(figure.key)) return formatMoneyExact(String(figure.value));
  return String(figure.value);
}

function table(report) {
  const label = (item) => (language() === "en" ? item.label.en : item.label.zh);
  return el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table report-table", attrs: { "aria-labelledby": "report-title" } }, [
      el("thead", {}, [el("tr", {}, [
        el("th", { text: t("report.figure"), attrs: { scope: "col" } }),
        el("th", { text: t("report.value"), attrs: { scope: "col" } }),
      ])]),
      ...report.sections.map((section) => el("tbody", { attrs: { "data-section": section.key } }, [
        el("tr", {}, [el("th", { text: label(section), attrs: { scope: "colgroup", colspan: "2" } })]),
        ...section.figures.map((figure) => el("tr", { attrs: { "data-figure": `${section.key}.${figure.key}` } }, [
          el("th", { text: label(figure), attrs: { scope: "row" } }),
          el("td", { text: shown(figure) }),
        ])),
      ])),
    ]),
  ]);
}

export async function render(view) {
  view.append(heading("report.title"), el("p", { className: "financing-lead", text: t("report.lead") }));
  const period = defaults();
  const form = el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("report.filter") } }, [
    field("from", "report.from", { type: "date", value: period.from, attrs: { required: "" } }),
    field("to", "report.to", { type: "date", value: period.to, attrs: { required: "" } }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("report.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  const value = (name) => form.elements.namedItem(name).value;
  const params = () => ({ from: value("from"), to: value("to") });
  const message = notice();
  const holder = el("div");
  const position = el("p", { className: "muted" });
  const section = el("section", { className: "panel", attrs: { "aria-labelledby": "report-title" } }, [
    el("h3", { className: "events-panel__title", text: t("report.table"), attrs: { id: "report-title" } }),
    downloadLinks("/reports/programme", params, message, "", ["xlsx", "pdf"]),
    message,
    holder,
    position,
  ]);
  let generation = 0;
  const load = async () => {
    const current = ++generation;
    try {
      const report = await api.get("/reports/programme", params());
      if (current !== generation) return;
      message.say("");
      holder.replaceChildren(table(report));
      position.textContent = t("report.position", { position: report.position });
    } catch (error) {
      if (current === generation) message.say(error, { error: true });
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  view.append(form, section);
  await load();
  return () => {
    generation += 1;
  };
}
