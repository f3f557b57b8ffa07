// Pieces shared by the service hall's pages: category and pricing options, the product card
// and facts, and the product form a provider publishes and revises with.

import { el, fact, field, money } from "../dom.js";
import { t, tCount } from "../i18n.js";
import { regionsPicker } from "../pickers.js";
import { regionList } from "./financing-products.js";
import { regionLabel } from "./public-labels.js";

// aggregates/service_categories.py (Qingdao's twelve), in the catalogue's order.
export const SERVICE_CATEGORIES = [
  "government_affairs", "financing", "legal", "management", "technology", "human_resources",
  "training_startup", "testing_inspection", "informatization", "certification",
  "market_expansion", "business",
];
export const PRICINGS = ["free", "discounted", "market"];

/** `[[value, key]]` for a category <select>: all twelve, or `only` these; led by `anyKey`. */
export function categoryOptions(anyKey, only = SERVICE_CATEGORIES) {
  const options = only.map((code) => [code, `serviceCategory.${code}`]);
  return anyKey ? [["", anyKey], ...options] : options;
}

/**
 * A provider's service categories as twelve checkboxes (`cat_<code>`), in one field named
 * `service_categories` (where a 422 on it shows); `chosenCategories(values)` reads them back.
 */
export function categoryChecks(selected = [], { disabled = false, hintKey } = {}) {
  const boxes = SERVICE_CATEGORIES.map((code) => {
    const node = field(`cat_${code}`, `serviceCategory.${code}`, { type: "checkbox", attrs: { disabled } });
    node.querySelector("input").checked = selected.includes(code);
    node.querySelector(".field__error").remove();
    return node;
  });
  return el("div", { className: "field category-checks", attrs: { "data-field": "service_categories" } }, [
    el("fieldset", { className: "form__group" }, [
      el("legend", { text: t("services.field.categories") }),
      el("div", { className: "category-checks__boxes" }, boxes),
    ]),
    hintKey ? el("small", { className: "field__hint", text: t(hintKey) }) : null,
    el("small", { className: "field__error" }),
  ]);
}

export function chosenCategories(values) {
  return SERVICE_CATEGORIES.filter((code) => values[`cat_${code}`] === true);
}

export function pricingOptions(anyKey) {
  const options = PRICINGS.map((pricing) => [pricing, `pricing.${pricing}`]);
  return anyKey ? [["", anyKey], ...options] : options;
}

export function productPath(id, suffix = "") {
  return `/service-products/${encodeURIComponent(id)}${suffix}`;
}

/** "免费（公益）" or "¥600.00 / 次 · 优惠". */
export function priceOf(product) {
  if (product.pricing === "free" || product.price === null || product.price === undefined) {
    return el("span", { text: t("pricing.free") });
  }
  return el("span", {}, [money(product.price), el("span", { text: ` / ${product.unit}` })]);
}

function satisfactionText(product) {
  const { count = 0, mean = null } = product.satisfaction ?? {};
  return count ? t("services.satisfaction", { mean, count }) : t("services.noFeedback");
}

/** The facts of a product, for its card and its page. */
export function productFacts(product) {
  return [
    fact("services.field.category", t(`serviceCategory.${product.category}`)),
    fact("services.field.price", priceOf(product)),
    fact("services.field.regions", (product.regions ?? []).map(regionLabel).join(t("financing.listSeparator"))),
    fact("services.field.responseHours", tCount("services.hours", Number(product.response_hours))),
    fact("services.completed", String(product.completed_requests ?? 0)),
    fact("services.satisfactionLabel", satisfactionText(product)),
  ];
}

export function pricingBadge(product) {
  return el("span", { className: `badge badge--${product.pricing}`, text: t(`pricing.${product.pricing}`) });
}

export function productCard(product, actions = null) {
  const href = `#/services/${encodeURIComponent(product.id)}`;
  return el("li", {}, [
    el("article", { className: "financing-product service-product", attrs: { "data-product-id": product.id } }, [
      el("header", { className: "financing-product__header" }, [
        el("h4", { className: "financing-product__name" }, [el("a", { text: product.name, attrs: { href } })]),
        pricingBadge(product),
      ]),
      el("p", { className: "financing-product__bank", text: product.provider?.name ?? t("financing.unknownName") }),
      el("dl", { className: "financing-product__facts" }, productFacts(product)),
      actions,
    ]),
  ]);
}

/** Price only when not free: a free product sends no price (and `null` when revised to free). */
export function productBody(values) {
  const hours = Number(values.response_hours);
  const free = values.pricing === "free";
  return {
    name: values.name ?? "",
    category: values.category,
    description: values.description ?? "",
    pricing: values.pricing,
    price: free ? null : (values.price ?? ""),
    unit: values.unit ?? "",
    regions: regionList(values.regions),
    response_hours: values.response_hours && Number.isInteger(hours) ? hours : (values.response_hours ?? ""),
  };
}

export function fillProductForm(form, product) {
  for (const name of ["name", "category", "description", "pricing", "unit", "response_hours"]) {
    form.elements.namedItem(name).value = String(product[name] ?? "");
  }
  form.elements.namedItem("price").value = product.price ?? "";
  const regions = form.querySelector('[data-field="regions"]');
  if (regions.setValue) regions.setValue(product.regions ?? []);
  else form.elements.namedItem("regions").value = (product.regions ?? []).join(", ");
  form.elements.namedItem("pricing").dispatchEvent(new Event("change"));
}

/** The product form, its categories limited to the provider's own. */
export function productForm(categories) {
  const price = field("price", "services.field.priceInput", {
    hintKey: "services.field.priceHint",
    attrs: { inputmode: "decimal", autocomplete: "off" },
  });
  const pricing = field("pricing", "services.field.pricing", { options: pricingOptions() });
  const form = el("form", { className: "form financing-form service-product-form", attrs: { novalidate: "" } }, [
    field("name", "services.field.name", { attrs: { required: "", maxlength: "120" } }),
    field("category", "services.field.category", { options: categoryOptions(null, categories) }),
    field("description", "services.field.description", { type: "textarea", attrs: { maxlength: "5000" } }),
    pricing,
    price,
    field("unit", "services.field.unit", { value: "次", hintKey: "services.field.unitHint", attrs: { required: "", maxlength: "16" } }),
    regionsPicker("regions", "services.field.regions", {
      hintKey: "services.field.regionsHint",
      fallback: { required: "", autocomplete: "off" },
    }),
    field("response_hours", "services.field.responseHoursInput", {
      type: "number",
      value: "24",
      attrs: { required: "", min: "1", max: "720", step: "1" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("services.product.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  const priceInput = price.querySelector("input");
  const pricingSelect = pricing.querySelector("select");
  // A free service has no price: the input is disabled, so the form sends none.
  const sync = () => {
    priceInput.disabled = pricingSelect.value === "free";
    if (priceInput.disabled) priceInput.value = "";
  };
  pricingSelect.addEventListener("change", sync);
  form.addEventListener("reset", () => window.setTimeout(sync, 0));
  sync();
  return form;
}

/** True when an event of the live stream concerns the catalogue. */
export function isProductEvent(message) {
  return String(message?.type ?? "").startsWith("ServiceProduct.");
}

/**
 * For a list's `renderItems`: true when a first page holds the same items at the same versions
 * as the one shown, so that a live re-read that changed nothing re-renders nothing.
 */
export function sameItems() {
  let key = null;
  return (items, append) => {
    if (append) {
      key = null;
      return false;
    }
    const next = items.map((item) => `${item.id}@${item.version}`).join(",");
    const same = next === key;
    key = next;
    return same;
  };
}
