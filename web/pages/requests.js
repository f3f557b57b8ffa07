// #/requests: an enterprise's own service requests ("my requests", with "ask for help"), or for
// operators and auditors every request; filtered by status, category, urgency and overdue.
// Follows the stream: a request's new state shows without a reload.

import { el, field, heading, notice } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { followRequests, requestList, statusOptions, urgencyOptions } from "./requests-shared.js";
import { categoryOptions } from "./services-shared.js";

const FILTERS = ["status", "category", "urgency", "overdue"];

function filters(query) {
  return el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("requests.filter.label") } }, [
    field("status", "requests.field.status", { options: statusOptions("requests.filter.anyStatus"), value: query.get("status") ?? "" }),
    field("category", "services.field.category", { options: categoryOptions("services.filter.anyCategory"), value: query.get("category") ?? "" }),
    field("urgency", "requests.field.urgency", { options: urgencyOptions("requests.filter.anyUrgency"), value: query.get("urgency") ?? "" }),
    field("overdue", "requests.filter.overdue", {
      options: [["", "requests.filter.anyOverdue"], ["true", "requests.filter.overdueOnly"], ["false", "requests.filter.onTime"]],
      value: query.get("overdue") ?? "",
    }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("services.filter.submit"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("services.filter.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
}

export async function render(view, { query }) {
  const own = session.is("enterprise");
  view.append(heading(own ? "requests.mine.title" : "requests.all.title"));
  if (own) {
    view.append(el("p", { className: "services-links" }, [
      el("a", { className: "button button--primary", text: t("services.askLink"), attrs: { href: "#/services/ask" } }),
      el("a", { className: "button", text: t("nav.services"), attrs: { href: "#/services" } }),
    ]));
  }
  const form = filters(query);
  const params = () => Object.fromEntries(FILTERS.map((name) => [name, form.elements.namedItem(name).value]).filter(([, value]) => value));
  const list = requestList({ id: "requests-title", titleKey: own ? "requests.mine.list" : "requests.all.list", params });
  const remember = () => {
    const text = new URLSearchParams(params()).toString();
    window.history.replaceState(null, "", `#/requests${text ? `?${text}` : ""}`);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember();
    list.load();
  });
  form.addEventListener("reset", () => window.setTimeout(() => {
    remember();
    list.load();
  }, 0));
  const message = notice();
  view.append(form, downloadLinks("/service-requests", params, message), message, list.section);
  list.load();
  return followRequests([list]);
}
