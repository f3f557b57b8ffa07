// #/services: the service hall's catalogue (服务大厅), public, filtered by category, region,
// pricing and text; each product links to its page. Re-read live on the catalogue's events.

import * as api from "../api.js";
import { debounce, el, field, heading, notice } from "../dom.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { pagedList } from "../paging.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { categoryOptions, isProductEvent, pricingOptions, productCard, sameItems } from "./services-shared.js";

const FILTERS = ["q", "category", "region", "pricing"];

function filters(query) {
  return el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("services.filter.label") } }, [
    field("q", "services.filter.q", {
      type: "search",
      value: query.get("q") ?? "",
      attrs: { placeholder: t("services.filter.qPlaceholder"), maxlength: "100" },
    }),
    field("category", "services.field.category", {
      options: categoryOptions("services.filter.anyCategory"),
      value: query.get("category") ?? "",
    }),
    regionPicker("region", "services.filter.region", {
      value: query.get("region") ?? "",
      prefix: true,
      fallback: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{2,6}" },
    }),
    field("pricing", "services.field.pricing", {
      options: pricingOptions("services.filter.anyPricing"),
      value: query.get("pricing") ?? "",
    }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("services.filter.submit"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("services.filter.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
}

/** The filters in the hash's query, so that a reload or a shared link shows the same list. */
function remember(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
  const text = search.toString();
  window.history.replaceState(null, "", `#/services${text ? `?${text}` : ""}`);
}

function links() {
  const items = [];
  if (session.is("enterprise")) items.push(["#/services/ask", "services.askLink"], ["#/requests", "services.myRequestsLink"]);
  if (session.is("provider")) items.push(["#/provider/products", "nav.providerProducts"], ["#/provider/requests", "nav.providerRequests"]);
  if (!items.length) return null;
  return el("p", { className: "services-links" }, items.map(([href, key]) =>
    el("a", { className: "button", text: t(key), attrs: { href } })));
}

export async function render(view, { query }) {
  view.append(heading("services.title"), el("p", { className: "financing-lead", text: t("services.lead") }));
  const form = filters(query);
  const params = () => Object.fromEntries(FILTERS.map((name) => [name, form.elements.namedItem(name).value.trim()]));
  const message = notice();
  const status = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "financing-products service-products" });
  const shown = sameItems();
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/service-products", { ...params(), limit: 20, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      if (shown(items, append)) return;
      if (!append) list.replaceChildren();
      list.append(...items.map((product) => productCard(product)));
    },
    onShown: (count) => {
      status.textContent = count ? t("services.count", { count }) : t("services.none");
    },
    message,
    status,
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember(params());
    paging.load();
  });
  form.addEventListener("reset", () => window.setTimeout(() => {
    form.querySelector(".picker")?.setValue("");
    remember({});
    paging.load();
  }, 0));
  view.append(
    ...[links()].filter(Boolean),
    form,
    el("section", { className: "results", attrs: { "aria-labelledby": "services-results" } }, [
      el("div", { className: "results__header" }, [el("h3", { text: t("services.results"), attrs: { id: "services-results" } }), status]),
      message,
      list,
      el("div", { className: "results__more" }, [paging.more]),
    ]),
  );
  paging.load();
  const reload = debounce((position) => paging.load({ minPosition: position }), 300);
  const unsubscribe = stream.subscribe((event) => {
    if (isProductEvent(event)) reload(event.position);
  });
  return () => {
    reload.cancel();
    unsubscribe();
    paging.cancel();
  };
}
