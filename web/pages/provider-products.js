// #/provider/products: a provider's desk for its service products: publish one in its own
// categories, revise one (a form under its card) or retire one (confirmed). An unverified
// provider sees that it awaits the operator's verification.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { button, debounce, el, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { pagedList } from "../paging.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import {
  fillProductForm,
  isProductEvent,
  productBody,
  productCard,
  productForm,
  productPath,
  sameItems,
} from "./services-shared.js";

function editor(product, categories, message, reload) {
  const box = el("div", { className: "financing-product__editor" });
  const edit = button("services.product.edit", () => {
    const open = !box.hasChildNodes();
    edit.setAttribute("aria-expanded", String(open));
    if (!open) {
      box.replaceChildren();
      return;
    }
    const form = productForm(categories);
    fillProductForm(form, product);
    form.querySelector("[type=submit]").textContent = t("services.product.save");
    const formNotice = notice();
    onSubmit(form, formNotice, async (values) => {
      await api.patch(productPath(product.id), productBody(values), { ifMatch: product.version });
      message.say(t("services.product.revised", { name: values.name ?? product.name }));
      await reload();
    });
    box.replaceChildren(formNotice, form);
    form.querySelector("input")?.focus();
  }, { attrs: { "aria-expanded": "false", "aria-label": t("services.product.editFor", { name: product.name }) } });
  return { edit, box };
}

function actions(product, categories, message, reload) {
  if (product.status !== "active") return null;
  const { edit, box } = editor(product, categories, message, reload);
  const retire = button("services.product.retire", async () => {
    const done = await confirmed(retire, message, {
      titleKey: "services.product.retireTitle",
      leadKey: "services.product.retireLead",
      confirmKey: "services.product.retireConfirm",
      danger: true,
      facts: [
        ["services.field.name", product.name],
        ["services.field.category", t(`serviceCategory.${product.category}`)],
      ],
      run: () => api.post(productPath(product.id, "/retire")),
    }, "services.product.retiredNotice");
    if (done) await reload();
  }, { danger: true, attrs: { "aria-label": t("services.product.retireFor", { name: product.name }) } });
  return el("div", { className: "financing-product__actions" }, [el("div", { className: "trade-row-buttons" }, [edit, retire]), box]);
}

function ownList(status, titleKey, categories, message) {
  const id = `own-${status}`;
  const counter = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "financing-products service-products" });
  // The list's own notice for read errors: a successful read clears it, not the actions' news.
  const listNotice = notice();
  const shown = sameItems();
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/service-products", { provider: session.organization()?.id, status, limit: 50, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      // A live re-read that changed nothing leaves the cards (and an open editor) alone.
      if (shown(items, append)) return;
      if (!append) list.replaceChildren();
      list.append(...items.map((product) => productCard(product, actions(product, categories, message, reloadAll))));
    },
    onShown: (count) => {
      counter.textContent = count ? t("services.count", { count }) : t("services.none");
    },
    message: listNotice,
    status: counter,
  });
  let reloadAll = () => paging.load();
  const section = el("section", { className: "results", attrs: { "aria-labelledby": id } }, [
    el("div", { className: "results__header" }, [el("h3", { text: t(titleKey), attrs: { id } }), counter]),
    listNotice,
    list,
    el("div", { className: "results__more" }, [paging.more]),
  ]);
  return { section, paging, setReload: (fn) => { reloadAll = fn; } };
}

function verificationNotice() {
  return el("div", { className: "notice financing-verify", attrs: { role: "status" } }, [
    el("strong", { text: t("services.verify.title") }),
    el("p", { text: t("services.verify.body") }),
  ]);
}

export async function render(view) {
  view.append(heading("services.desk.title"));
  const me = await api.get("/organizations/me");
  if (Boolean(me.verified) !== Boolean(session.organization()?.verified)) session.update({ verified: Boolean(me.verified) });
  if (!me.verified) {
    view.append(verificationNotice());
    return undefined;
  }
  const categories = me.service_categories ?? [];
  const message = notice();
  const active = ownList("active", "services.desk.active", categories, message);
  const retired = ownList("retired", "services.desk.retired", categories, message);
  const reload = (minPosition) => Promise.all([active.paging.load({ minPosition }), retired.paging.load({ minPosition })]);
  active.setReload(reload);
  retired.setReload(reload);
  const formNotice = notice();
  const form = productForm(categories);
  onSubmit(form, formNotice, async (values) => {
    const product = await api.post("/service-products", productBody(values));
    form.reset();
    formNotice.say(t("services.product.published", { name: product.name }));
    await reload();
  });
  view.append(
    message,
    el("section", { className: "panel financing-product-new", attrs: { "aria-labelledby": "service-form-title" } }, [
      el("h3", { text: t("services.product.formTitle"), attrs: { id: "service-form-title" } }),
      formNotice,
      form,
    ]),
    active.section,
    retired.section,
  );
  reload();
  const live = debounce((position) => reload(position), 300);
  const unsubscribe = stream.subscribe((event) => {
    if (isProductEvent(event)) live(event.position);
  });
  return () => {
    live.cancel();
    unsubscribe();
    active.paging.cancel();
    retired.paging.cancel();
  };
}
