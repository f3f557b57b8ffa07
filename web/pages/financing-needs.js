// #/financing: an enterprise's own financing needs, or, for verified banks and staff, the
// financing board with filters, where needs still without an offer after the response time
// stand out as overdue. The list follows the live stream.

import * as api from "../api.js";
import { debounce, el, field, heading, notice } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { pagedList } from "../paging.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import {
  isNeedEvent,
  needStatusOptions,
  productTypeOptions,
  refreshVerified,
  verificationNotice,
} from "./financing-shared.js";
import { needCards } from "./financing-cards.js";

const BOARD_FILTERS = ["product_type", "region", "status", "amount_min", "amount_max", "overdue"];

function submitButton(key) {
  return el("button", { className: "button button--primary", text: t(key), attrs: { type: "submit" } });
}

function boardFilters(query) {
  const initial = (name, fallback = "") => query.get(name) ?? fallback;
  return el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("financing.filter.label") } }, [
    field("product_type", "financing.field.productType", {
      options: productTypeOptions("financing.filter.anyType"),
      value: initial("product_type"),
    }),
    regionPicker("region", "financing.filter.region", {
      value: initial("region"),
      prefix: true,
      fallback: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{2,6}" },
    }),
    field("status", "financing.field.status", {
      options: needStatusOptions("financing.filter.anyStatus"),
      value: initial("status", "open"),
    }),
    field("amount_min", "financing.filter.amountMin", { value: initial("amount_min"), attrs: { inputmode: "decimal" } }),
    field("amount_max", "financing.filter.amountMax", { value: initial("amount_max"), attrs: { inputmode: "decimal" } }),
    field("overdue", "financing.filter.overdueOnly", {
      type: "checkbox",
      attrs: { value: "true", checked: query.get("overdue") === "true" ? "" : null },
    }),
    el("div", { className: "search__actions" }, [
      submitButton("financing.filter.submit"),
      el("button", { className: "button", text: t("financing.filter.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
}

function ownFilters(query) {
  return el("form", { className: "financing-filters financing-filters--own", attrs: { role: "search", "aria-label": t("financing.filter.label") } }, [
    field("status", "financing.field.status", {
      options: needStatusOptions("financing.filter.anyStatus"),
      value: query.get("status") ?? "",
    }),
    el("div", { className: "search__actions" }, [submitButton("financing.filter.submit")]),
  ]);
}

function filterValues(form) {
  const result = {};
  for (const name of BOARD_FILTERS) {
    const control = form.elements.namedItem(name);
    if (control?.type === "checkbox") {
      if (control.checked) result[name] = "true";
      continue;
    }
    const value = control ? String(control.value).trim() : "";
    if (value) result[name] = value;
  }
  return result;
}

/** The list under the filters: first page, "load more", reload on stream events. */
function needList(form, { board }) {
  const message = notice();
  const status = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "financing-needs" });
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/financing-needs", { ...filterValues(form), limit: 20, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      if (!append) list.replaceChildren();
      list.append(...needCards(items, { board }));
    },
    onShown: (count) => {
      status.textContent = count ? t("financing.list.count", { count }) : t("financing.list.empty");
    },
    message,
    status,
  });
  const section = el("section", { className: "results", attrs: { "aria-labelledby": "financing-results-title" } }, [
    el("div", { className: "results__header" }, [
      el("h3", { text: t(board ? "financing.board.results" : "financing.mine.results"), attrs: { id: "financing-results-title" } }),
      status,
    ]),
    downloadLinks("/financing-needs", () => filterValues(form), message),
    message,
    list,
    el("div", { className: "results__more" }, [paging.more]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    paging.load();
  });
  form.addEventListener("reset", () => window.setTimeout(() => {
    form.querySelector(".picker")?.setValue("");
    paging.load();
  }, 0));
  return { section, ...paging };
}

/** Re-reads the list on need events; the returned cleanup also drops a read on its way. */
function followStream({ load, cancel }) {
  const reload = debounce((position) => load({ minPosition: position }), 300);
  const unsubscribe = stream.subscribe((message) => {
    if (isNeedEvent(message)) reload(message.position);
  });
  return () => {
    reload.cancel();
    unsubscribe();
    cancel();
  };
}

function renderOwn(view, query) {
  const form = ownFilters(query);
  const needs = needList(form, { board: false });
  view.append(
    el("p", { className: "financing-toolbar" }, [
      el("a", { className: "button button--primary", text: t("financing.mine.new"), attrs: { href: "#/financing/new" } }),
    ]),
    form,
    needs.section,
  );
  const cleanup = followStream(needs);
  needs.load();
  return cleanup;
}

async function renderBoard(view, query, navigate) {
  if (session.is("bank") && !(await refreshVerified())) {
    view.append(verificationNotice());
    const me = session.organization()?.id;
    // An operator's verification arrives on the public stream: open the board right away.
    return stream.subscribe((message) => {
      if (message.type === "Organization.Verified" && message.stream_id === me) {
        session.update({ verified: true });
        navigate("#/financing");
      }
    });
  }
  const form = boardFilters(query);
  const needs = needList(form, { board: true });
  view.append(el("p", { className: "financing-lead", text: t("financing.board.lead") }), form, needs.section);
  const cleanup = followStream(needs);
  needs.load();
  return cleanup;
}

export async function render(view, { query, navigate }) {
  const own = session.is("enterprise");
  view.append(heading(own ? "financing.mine.title" : "financing.board.title"));
  return own ? renderOwn(view, query) : renderBoard(view, query, navigate);
}
