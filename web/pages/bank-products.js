// #/bank-products: the banks' financing products, public, filtered by type and region. A
// verified bank also sees its own products and publishes new ones here.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { button, debounce, el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { pagedList, resultsSection } from "../paging.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { fillProductForm, productBody, productCard, productForm } from "./financing-products.js";
import { productTypeOptions, refreshVerified, verificationNotice } from "./financing-shared.js";

function filters(query) {
  return el("form", { className: "search__form financing-filters", attrs: { role: "search", "aria-label": t("financing.filter.label") } }, [
    field("product_type", "financing.field.productType", {
      options: productTypeOptions("financing.filter.anyType"),
      value: query.get("product_type") ?? "",
    }),
    regionPicker("region", "financing.filter.region", {
      value: query.get("region") ?? "",
      prefix: true,
      fallback: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{2,6}" },
    }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("financing.filter.submit"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("financing.filter.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
}

/** A bank's own product: revise its terms (a form under the card) or retire it (confirmed). */
function ownActions(product, message, reload) {
  const path = `/bank-products/${encodeURIComponent(product.id)}`;
  const editor = el("div", { className: "financing-product__editor" });
  const edit = button("financing.product.edit", () => {
    const open = !editor.hasChildNodes();
    edit.setAttribute("aria-expanded", String(open));
    if (!open) {
      editor.replaceChildren();
      return;
    }
    const form = productForm();
    form.removeAttribute("id");
    fillProductForm(form, product);
    form.querySelector("[type=submit]").textContent = t("financing.product.save");
    const formNotice = notice();
    onSubmit(form, formNotice, async (values) => {
      await api.patch(path, productBody(values), { ifMatch: product.version });
      message.say(t("financing.product.revised", { name: values.name ?? product.name }));
      await reload();
    });
    editor.replaceChildren(formNotice, form);
    form.querySelector("input")?.focus();
  }, { attrs: { "aria-expanded": "false", "aria-label": t("financing.product.editFor", { name: product.name }) } });
  const retire = button("financing.product.retire", async () => {
    const done = await confirmed(retire, message, {
      titleKey: "financing.product.retireTitle",
      leadKey: "financing.product.retireLead",
      confirmKey: "financing.product.retireConfirm",
      danger: true,
      facts: [
        ["financing.product.name", product.name],
        ["financing.field.productType", t(`productType.${product.product_type}`)],
      ],
      run: () => api.post(`${path}/retire`),
    }, "financing.product.retiredNotice");
    if (done) await reload();
  }, { danger: true, attrs: { "aria-label": t("financing.product.retireFor", { name: product.name }) } });
  return el("div", { className: "financing-product__actions" }, [el("div", { className: "trade-row-buttons" }, [edit, retire]), editor]);
}

/** A product list with its status line and "load more"; `params()` gives the filters. */
function productList(id, titleKey, params, actions = null) {
  const message = notice();
  const status = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "financing-products" });
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/bank-products", { ...params(), limit: 20, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      if (!append) list.replaceChildren();
      list.append(...items.map((product) => productCard(product, actions?.(product))));
    },
    onShown: (count) => {
      status.textContent = count ? t("financing.list.count", { count }) : t("financing.product.none");
    },
    message,
    status,
  });
  return { section: resultsSection(id, titleKey, { status, message, list, more: paging.more }), ...paging };
}

function ownProducts(own, publicList) {
  const message = notice();
  const form = productForm();
  onSubmit(form, message, async (values) => {
    await api.post("/bank-products", productBody(values));
    form.reset();
    message.say(t("financing.product.published"));
    await Promise.all([own.load(), publicList.load()]);
  });
  const formSection = el("section", { className: "panel financing-product-new", attrs: { "aria-labelledby": "product-form-title" } }, [
    el("h3", { text: t("financing.product.formTitle"), attrs: { id: "product-form-title" } }),
    message,
    form,
  ]);
  own.load();
  return [formSection, own.section];
}

export async function render(view, { query }) {
  view.append(heading("financing.products.title"), el("p", { className: "financing-lead", text: t("financing.products.lead") }));
  const form = filters(query);
  const filterValues = () => ({
    product_type: form.elements.namedItem("product_type").value,
    region: form.elements.namedItem("region").value.trim(),
  });
  const publicList = productList("products-title", "financing.products.results", filterValues);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    publicList.load();
  });
  form.addEventListener("reset", () => window.setTimeout(() => {
    form.querySelector(".picker")?.setValue("");
    publicList.load();
  }, 0));

  const ownMessage = notice();
  const reloadBoth = () => Promise.all([own.load(), publicList.load()]);
  const own = productList(
    "own-products-title",
    "financing.product.own",
    () => ({ bank: session.organization()?.id }),
    (product) => ownActions(product, ownMessage, reloadBoth),
  );
  own.section.querySelector(".results__header").after(ownMessage);
  let bankPart = [];
  if (session.is("bank")) {
    bankPart = (await refreshVerified()) ? ownProducts(own, publicList) : [verificationNotice()];
  }
  view.append(...bankPart, form, publicList.section);
  publicList.load();
  const reload = debounce((position) => publicList.load({ minPosition: position }), 300);
  const unsubscribe = stream.subscribe((message) => {
    if (String(message.type).startsWith("BankProduct.")) reload(message.position);
  });
  return () => {
    reload.cancel();
    unsubscribe();
    publicList.cancel();
    own.cancel();
  };
}
