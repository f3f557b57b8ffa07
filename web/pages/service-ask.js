// #/services/ask: an enterprise asks the centre for help (提出诉求): category, title, what it
// needs, urgency and region (its own by default). With ?product=<id> it orders that product:
// the category is the product's and its provider gets the request at once.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { prefillRegion } from "./financing-shared.js";
import { urgencyOptions } from "./requests-shared.js";
import { categoryOptions, priceOf, productPath } from "./services-shared.js";

function productBox(product) {
  return el("section", { className: "panel service-ask__product", attrs: { "aria-labelledby": "ordered-title" } }, [
    el("h3", { text: t("requests.ask.ordering"), attrs: { id: "ordered-title" } }),
    el("p", {}, [el("a", { text: product.name, attrs: { href: `#/services/${encodeURIComponent(product.id)}` } })]),
    el("p", { text: `${product.provider?.name ?? ""} · ${t(`serviceCategory.${product.category}`)}` }),
    el("p", {}, [priceOf(product)]),
  ]);
}

function askForm(product) {
  return el("form", { className: "form financing-form service-ask-form", attrs: { novalidate: "" } }, [
    product
      ? null
      : field("category", "services.field.category", { options: categoryOptions("requests.ask.chooseCategory"), attrs: { required: "" } }),
    field("title", "requests.field.title", { attrs: { required: "", maxlength: "120" }, hintKey: "requests.field.titleHint" }),
    field("description", "requests.field.description", { type: "textarea", attrs: { required: "", maxlength: "5000" } }),
    field("urgency", "requests.field.urgency", { options: urgencyOptions(), value: "general", hintKey: "requests.field.urgencyHint" }),
    regionPicker("region", "requests.field.region", {
      hintKey: "requests.field.regionHint",
      fallback: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t(product ? "requests.ask.order" : "requests.ask.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
}

export async function render(view, { query, navigate }) {
  const productId = query.get("product");
  const product = productId ? await api.get(productPath(productId)) : null;
  view.append(heading(product ? "requests.ask.orderTitle" : "requests.ask.title"), el("p", { className: "financing-lead", text: t("requests.ask.lead") }));
  const message = notice();
  const form = askForm(product);
  onSubmit(form, message, async (values) => {
    const body = {
      title: values.title ?? "",
      description: values.description ?? "",
      urgency: values.urgency,
      ...(values.region ? { region: values.region } : {}),
      ...(product ? { product_id: product.id } : { category: values.category ?? "" }),
    };
    const created = await api.post("/service-requests", body);
    navigate(`#/requests/${encodeURIComponent(created.id)}`);
  });
  view.append(...[product ? productBox(product) : null, message, form].filter(Boolean));
  await prefillRegion(form);
}
