// Bank product cards and the product form of #/bank-products.

import { el, fact, field, money } from "../dom.js";
import { t } from "../i18n.js";
import { regionsPicker } from "../pickers.js";
import { monthRange, productTypeOptions, rateRange } from "./financing-shared.js";
import { regionLabel } from "./public-labels.js";

function amountRange(product) {
  return el("span", { className: "financing-range" }, [
    money(product.amount_min),
    el("span", { text: " – " }),
    money(product.amount_max),
  ]);
}

export function productCard(product, actions = null) {
  return el("li", {}, [
    el("article", { className: "financing-product", attrs: { "data-product-id": product.id } }, [
      el("header", { className: "financing-product__header" }, [
        el("h4", { className: "financing-product__name", text: product.name }),
        el("span", { className: "badge financing-type-badge", text: t(`productType.${product.product_type}`) }),
      ]),
      el("p", { className: "financing-product__bank", text: product.bank?.name ?? t("financing.unknownName") }),
      el("dl", { className: "financing-product__facts" }, [
        fact("financing.product.amount", amountRange(product)),
        fact("financing.product.term", monthRange(product.term_min, product.term_max)),
        fact("financing.product.rate", rateRange(product.rate_min, product.rate_max)),
        fact("financing.product.regions", (product.regions ?? []).map(regionLabel).join(t("financing.listSeparator"))),
      ]),
      actions,
    ]),
  ]);
}

/** Fill a product form with a product's terms (to revise it). */
export function fillProductForm(form, product) {
  for (const name of ["name", "product_type", "amount_min", "amount_max", "term_min", "term_max", "rate_min", "rate_max"]) {
    form.elements.namedItem(name).value = String(product[name] ?? "");
  }
  const regions = form.querySelector('[data-field="regions"]');
  if (regions.setValue) regions.setValue(product.regions ?? []);
  else form.elements.namedItem("regions").value = (product.regions ?? []).join(", ");
}

/** "33, 3301 3302" → ["33", "3301", "3302"] (Chinese commas and 、 too). */
export function regionList(text) {
  return String(text ?? "")
    .split(/[\s,，、;；]+/)
    .filter(Boolean);
}

function whole(text) {
  const number = Number(text);
  return text && Number.isInteger(number) ? number : text;
}

export function productBody(values) {
  return {
    name: values.name ?? "",
    product_type: values.product_type,
    amount_min: values.amount_min ?? "",
    amount_max: values.amount_max ?? "",
    term_min: whole(values.term_min),
    term_max: whole(values.term_max),
    rate_min: values.rate_min ?? "",
    rate_max: values.rate_max ?? "",
    regions: regionList(values.regions),
  };
}

export function productForm() {
  const decimal = { required: "", inputmode: "decimal", autocomplete: "off" };
  const term = { required: "", min: "1", max: "360", step: "1" };
  return el("form", { className: "form financing-form financing-product-form", attrs: { id: "product-form", novalidate: "" } }, [
    field("name", "financing.product.name", { attrs: { required: "", maxlength: "100" } }),
    field("product_type", "financing.field.productType", { options: productTypeOptions() }),
    el("fieldset", { className: "form__group financing-pair" }, [
      el("legend", { text: t("financing.product.amountLegend") }),
      field("amount_min", "financing.product.amountMin", { attrs: decimal }),
      field("amount_max", "financing.product.amountMax", { attrs: decimal }),
    ]),
    el("fieldset", { className: "form__group financing-pair" }, [
      el("legend", { text: t("financing.product.termLegend") }),
      field("term_min", "financing.product.termMin", { type: "number", attrs: term }),
      field("term_max", "financing.product.termMax", { type: "number", attrs: term }),
    ]),
    el("fieldset", { className: "form__group financing-pair" }, [
      el("legend", { text: t("financing.product.rateLegend") }),
      field("rate_min", "financing.product.rateMin", { attrs: decimal }),
      field("rate_max", "financing.product.rateMax", { attrs: decimal }),
    ]),
    regionsPicker("regions", "financing.product.regions", {
      hintKey: "financing.product.regionsPickHint",
      fallback: { required: "", autocomplete: "off" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("financing.product.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
}
