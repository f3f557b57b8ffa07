// #/services/:id: one service product: its terms and figures for everyone, a link to its
// provider's desk for the provider. Re-read live on its own stream's events.

import * as api from "../api.js";
import { badge, debounce, el, fact, notice, time } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { pricingBadge, productFacts, productPath } from "./services-shared.js";

function details(product) {
  return [
    el("p", { className: "exhibition-status" }, [badge("serviceProduct", product.status), pricingBadge(product)]),
    el("p", { className: "financing-product__bank", text: product.provider?.name ?? t("financing.unknownName") }),
    el("dl", { className: "financing-product__facts service-product__facts" }, [
      ...productFacts(product),
      fact("services.publishedAt", time(product.published_at)),
    ]),
    product.description ? el("p", { className: "service-product__description", text: product.description }) : null,
  ];
}

export async function render(view, { params }) {
  const first = await api.get(productPath(params.id));
  const title = el("h2", { className: "page-title", text: first.name, attrs: { tabindex: "-1" } });
  const body = el("section", { className: "panel", attrs: { "aria-label": t("services.product.terms") } });
  const message = notice();
  let order = null;
  const show = (product) => {
    title.textContent = product.name;
    if (order) order.hidden = product.status !== "active";
    body.replaceChildren(...details(product).filter(Boolean));
  };
  show(first);
  const own = session.is("provider") && session.organization()?.id === first.provider?.id;
  order = el("a", {
    className: "button button--primary",
    text: t("services.order"),
    attrs: { href: `#/services/ask?product=${encodeURIComponent(first.id)}` },
  });
  order.hidden = first.status !== "active";
  let extra = null;
  if (own) extra = el("p", {}, [el("a", { className: "button", text: t("nav.providerProducts"), attrs: { href: "#/provider/products" } })]);
  else if (session.is("enterprise")) extra = el("p", { className: "service-order" }, [order]);
  view.append(...[title, message, body, extra].filter(Boolean));
  let closed = false;
  const reload = debounce(async (position) => {
    try {
      const product = await api.get(productPath(params.id), { min_position: position });
      if (!closed) show(product);
    } catch (error) {
      if (!closed) message.say(error, { error: true });
    }
  }, 300);
  const unsubscribe = stream.subscribe((event) => {
    if (event.stream_id === params.id) reload(event.position);
  });
  return () => {
    closed = true;
    reload.cancel();
    unsubscribe();
  };
}
