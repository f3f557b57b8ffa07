// Webhooks (回调地址): the organization's notifications posted, signed, to its own server.
// Register one (its secret is shown once, right here), list them, see each one's delivery log
// (attempts, last status, when delivered or tried next), and delete one.

import * as api from "../api.js";
import { act, button, el, field, heading, notice, onSubmit, time } from "../dom.js";
import { t } from "../i18n.js";

// The notification kinds a webhook may choose (API.md "Workbench").
const KINDS = [
  "bid_received", "bid_accepted", "bid_rejected", "contract_to_sign", "contract_signed",
  "offer_received", "offer_accepted", "need_without_offer", "loan_disbursed", "signup_promoted",
  "exhibition_cancelled", "verification_decided", "service_request_dispatched",
  "service_request_update", "service_request_resolved", "service_request_overdue",
  "policy_published", "posting_matches_subscription",
];

const kindsText = (kinds) => (kinds.includes("*") ? t("webhooks.kinds.all") : kinds.map((k) => t(`webhooks.kind.${k}`)).join("、"));

function checkbox(name, labelKey, { value, checked = false } = {}) {
  const input = el("input", { attrs: { type: "checkbox", name, value } });
  input.checked = checked;
  return el("label", { className: "webhook-kinds__choice" }, [input, el("span", { text: t(labelKey) })]);
}

function kindsField() {
  const all = checkbox("all_kinds", "webhooks.kinds.all", { value: "*", checked: true });
  const each = KINDS.map((kind) => checkbox("kinds", `webhooks.kind.${kind}`, { value: kind }));
  const toggle = () => {
    for (const choice of each) choice.querySelector("input").disabled = all.querySelector("input").checked;
  };
  all.querySelector("input").addEventListener("change", toggle);
  toggle();
  const set = el("fieldset", { className: "field webhook-kinds", attrs: { "data-field": "kinds" } }, [
    el("legend", { text: t("webhooks.kinds") }),
    all,
    el("div", { className: "webhook-kinds__list" }, each),
    el("small", { className: "field__error" }),
  ]);
  set.chosen = () =>
    all.querySelector("input").checked ? ["*"] : each.map((c) => c.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
  return set;
}

function deliveryRow(delivery) {
  const outcome = delivery.delivered_at
    ? [el("span", { className: "badge badge--done", text: t("webhooks.delivered") }), " ", time(delivery.delivered_at)]
    : delivery.next_attempt_at
      ? [el("span", { className: "badge badge--todo", text: t("webhooks.pending") }), ` ${t("webhooks.nextAttempt")} `, time(delivery.next_attempt_at)]
      : [el("span", { className: "badge badge--unread", text: t("webhooks.givenUp") })];
  return el("li", { className: "webhook-delivery", attrs: { "data-delivery": delivery.id } }, [
    el("p", { className: "webhook-delivery__outcome" }, outcome),
    el("p", { className: "webhook-delivery__facts" }, [
      el("span", { text: t("webhooks.attempts", { count: delivery.attempts }) }),
      delivery.status_code ? el("span", { text: ` · HTTP ${delivery.status_code}` }) : null,
      el("span", { text: ` · ${t("webhooks.deliveryId")} ` }),
      el("code", { text: delivery.id }),
    ]),
    delivery.error ? el("p", { className: "webhook-delivery__error", text: delivery.error }) : null,
  ]);
}

export async function render(view) {
  const message = notice();
  const said = notice();
  const list = el("ul", { className: "webhooks" });
  const empty = el("p", { className: "field__hint", text: t("webhooks.none") });
  const secretBox = el("div", { className: "panel webhook-secret", attrs: { role: "status" } });
  secretBox.hidden = true;

  function webhookItem(hook) {
    const log = el("ul", { className: "webhook-deliveries", attrs: { "aria-live": "polite" } });
    log.hidden = true;
    const showLog = button("webhooks.showLog", async () => {
      const page = await act(showLog, said, () => api.get(`/webhooks/${encodeURIComponent(hook.id)}/deliveries`));
      if (!page) return;
      log.hidden = false;
      const items = page.items ?? [];
      log.replaceChildren(...(items.length ? items.map(deliveryRow) : [el("li", { className: "field__hint", text: t("webhooks.noDeliveries") })]));
    });
    const remove = button(
      "webhooks.delete",
      () => act(remove, said, () => api.del(`/webhooks/${encodeURIComponent(hook.id)}`).then(refresh), "webhooks.deleted"),
      { danger: true },
    );
    remove.setAttribute("aria-label", `${t("webhooks.delete")}: ${hook.url}`);
    return el("li", { className: "panel webhook", attrs: { "data-webhook": hook.id } }, [
      el("p", { className: "webhook__url" }, [el("code", { text: hook.url })]),
      el("p", { className: "webhook__facts" }, [el("span", { text: `${kindsText(hook.kinds)} · ${t("webhooks.created")} ` }), time(hook.created_at)]),
      el("div", { className: "webhook__actions" }, [showLog, remove]),
      log,
    ]);
  }

  async function refresh() {
    const page = await api.get("/webhooks");
    const hooks = page.items ?? [];
    list.replaceChildren(...hooks.map(webhookItem));
    empty.hidden = hooks.length > 0;
  }

  const kinds = kindsField();
  const form = el("form", { className: "panel form webhook-form", attrs: { novalidate: "" } }, [
    el("h2", { text: t("webhooks.new") }),
    field("url", "webhooks.url", { type: "url", hintKey: "webhooks.url.hint", attrs: { required: "", maxlength: "2000", inputmode: "url" } }),
    kinds,
    el("button", { className: "button button--primary", text: t("webhooks.create"), attrs: { type: "submit" } }),
    message,
  ]);
  onSubmit(form, message, async (typed) => {
    const created = await api.post("/webhooks", { url: typed.url ?? "", kinds: kinds.chosen() });
    secretBox.hidden = false;
    secretBox.replaceChildren(
      el("p", { text: t("webhooks.secretOnce") }),
      el("code", { className: "webhook-secret__value", text: created.secret }),
    );
    form.reset();
    const all = kinds.querySelector("input[name=all_kinds]");
    all.checked = true;
    all.dispatchEvent(new Event("change"));
    message.say(t("webhooks.created.notice"));
    await refresh();
  });

  view.append(
    heading("webhooks.title"),
    el("p", { className: "field__hint", text: t("webhooks.lead") }),
    form,
    secretBox,
    el("section", { className: "webhooks-list", attrs: { "aria-labelledby": "webhooks-list-title" } }, [
      el("h2", { text: t("webhooks.list"), attrs: { id: "webhooks-list-title" } }),
      said,
      list,
      empty,
    ]),
  );
  await refresh();
}
