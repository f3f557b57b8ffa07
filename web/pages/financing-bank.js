// A bank's part of #/financing/:id: its own offers (withdraw), the offer form while the need is
// open, and, for the bank whose offer was accepted, the disbursement form.

import * as api from "../api.js";
import { confirmBinding } from "../confirm.js";
import { act, badge, button, el, field, money, notice, onSubmit, time } from "../dom.js";
import { chineseCapitals, formatMoneyExact } from "../format.js";
import { language, t } from "../i18n.js";
import { amountPreview, months, rate } from "./financing-shared.js";
import { endOfDayIso } from "./trade-common.js";

/** Amounts in Chinese capitals (大写) are a Chinese convention: shown for CNY in Chinese. */
const capitalsShown = (currency) => (currency ?? "CNY") === "CNY" && language() === "zh-CN";

function offerBody(values) {
  const term = Number(values.term_months);
  return {
    amount: values.amount ?? "",
    annual_rate: values.annual_rate ?? "",
    term_months: Number.isInteger(term) && values.term_months ? term : values.term_months,
    conditions: values.conditions,
    // The end of the chosen day in the viewer's time zone (a bare date would mean China time).
    valid_until: values.valid_until ? endOfDayIso(values.valid_until) : undefined,
  };
}

function submit(key) {
  return el("div", { className: "form__actions" }, [
    el("button", { className: "button button--primary", text: t(key), attrs: { type: "submit" } }),
  ]);
}

function offerForm() {
  return el("form", { className: "form financing-form", attrs: { id: "offer-form", novalidate: "" } }, [
    amountPreview(field("amount", "financing.field.amountYuan", { attrs: { required: "", inputmode: "decimal", autocomplete: "off" } })),
    field("annual_rate", "financing.offer.rateInput", {
      hintKey: "financing.offer.rateHint",
      attrs: { required: "", inputmode: "decimal", autocomplete: "off" },
    }),
    field("term_months", "financing.field.termMonths", { type: "number", attrs: { required: "", min: "1", max: "360", step: "1" } }),
    field("conditions", "financing.offer.conditionsOptional", { type: "textarea", attrs: { maxlength: "2000" } }),
    field("valid_until", "financing.offer.validUntilOptional", { type: "date", hintKey: "financing.offer.validUntilHint" }),
    submit("financing.offer.submit"),
  ]);
}

function disburseForm() {
  const amount = field("amount", "financing.disburse.amount", { attrs: { required: "", inputmode: "decimal", autocomplete: "off" } });
  const control = amount.querySelector("input");
  const limitId = `${control.id}-limit`;
  control.setAttribute("aria-describedby", `${limitId} ${control.getAttribute("aria-describedby")}`);
  return el("form", { className: "form financing-form", attrs: { id: "disburse-form", novalidate: "" } }, [
    amountPreview(amount),
    el("p", { className: "field__hint financing-disburse-limit", attrs: { id: limitId } }),
    submit("financing.disburse.submit"),
  ]);
}

function section(id, titleKey, children) {
  const node = el("section", { className: "panel", attrs: { "aria-labelledby": id } }, [
    el("h3", { text: t(titleKey), attrs: { id } }),
    ...children,
  ]);
  node.hidden = true;
  return node;
}

/** Fill an untouched form with defaults taken from the need or the accepted offer. */
function prefill(form, defaults) {
  if (form.dataset.filled) return;
  form.dataset.filled = "true";
  for (const [name, value] of Object.entries(defaults)) {
    const control = form.elements.namedItem(name);
    if (control && !control.value && value !== undefined && value !== null) {
      control.value = String(value);
      control.dispatchEvent(new Event("input"));
    }
  }
}

export function bankSections({ path, verified, reload }) {
  const message = notice();
  const ownList = el("div", { className: "table-wrap" });
  const ownSection = section("own-offers-title", "financing.ownOffers.title", [ownList]);
  const offer = offerForm();
  const offerNotice = notice();
  const offerSection = section("offer-form-title", "financing.offer.formTitle", [
    el("p", { className: "field__hint", text: t("financing.offer.sealedHint") }),
    offerNotice,
    offer,
  ]);
  const disburse = disburseForm();
  const contractLine = el("p", { className: "financing-contract-status" });
  const disburseNotice = notice();
  const disburseSection = section("disburse-title", "financing.disburse.title", [contractLine, disburseNotice, disburse]);

  onSubmit(offer, offerNotice, async (values) => {
    await api.post(`${path}/offers`, offerBody(values));
    offer.reset();
    delete offer.dataset.filled;
    await reload();
    message.say(t("financing.offer.made"));
  });
  let shown = { need: null, contract: null };
  onSubmit(disburse, disburseNotice, async ({ amount }) => {
    const { need, contract } = shown;
    const exact = /^\d+(\.\d+)?$/.test(amount ?? "");
    const done = await confirmBinding({
      titleKey: "financing.disburse.confirmTitle",
      leadKey: "confirm.lead",
      confirmKey: "financing.disburse.confirm",
      password: true,
      facts: [
        ["financing.disburse.borrower", need?.owner?.name ?? need?.owner?.id],
        ["confirm.amount", exact ? formatMoneyExact(amount, need?.currency) : amount, "confirm__amount"],
        exact && capitalsShown(need?.currency) ? ["confirm.amountCapitals", chineseCapitals(amount)] : null,
        contract ? ["confirm.digest", contract.digest, "confirm__digest"] : null,
      ],
      run: ({ password }) => api.post(`${path}/disburse`, { amount: amount ?? "", password }),
    });
    if (done === undefined) return;
    await reload();
    message.say(t("financing.disburse.done"));
  });

  function withdrawButton(own) {
    const node = button("financing.ownOffers.withdraw", () =>
      act(node, message, async () => {
        await api.post(`${path}/offers/${encodeURIComponent(own.id)}/withdraw`);
        await reload();
      }, "financing.ownOffers.withdrawn"), { danger: true });
    return node;
  }

  function paintOwn(offers) {
    ownList.replaceChildren(el("table", { className: "data-table financing-offer-table" }, [
      el("thead", {}, [el("tr", {}, [
        "financing.field.amount", "financing.offer.rate", "financing.field.term", "financing.offer.conditions",
        "financing.offer.validUntil", "financing.field.status", "financing.offer.actions",
      ].map((key) => el("th", { text: t(key), attrs: { scope: "col" } })))]),
      el("tbody", {}, offers.map((own) => el("tr", { attrs: { "data-offer-id": own.id } }, [
        el("td", { attrs: { "data-label": t("financing.field.amount") } }, [money(own.amount)]),
        el("td", { text: rate(own.annual_rate), attrs: { "data-label": t("financing.offer.rate") } }),
        el("td", { text: months(own.term_months), attrs: { "data-label": t("financing.field.term") } }),
        el("td", { text: own.conditions || "—", attrs: { "data-label": t("financing.offer.conditions") } }),
        el("td", { attrs: { "data-label": t("financing.offer.validUntil") } }, [time(own.valid_until)]),
        el("td", { attrs: { "data-label": t("financing.field.status") } }, [badge("offer", own.status)]),
        el("td", { attrs: { "data-label": t("financing.offer.actions") } }, [own.status === "submitted" ? withdrawButton(own) : null]),
      ]))),
    ]));
  }

  function paintDisburse(need, accepted, contract) {
    disburseSection.hidden = !(accepted && need.status === "matched");
    if (disburseSection.hidden) return;
    shown = { need, contract };
    const limit = formatMoneyExact(accepted.amount, need.currency);
    disburse.querySelector(".financing-disburse-limit").textContent = t("financing.disburse.limit", { limit });
    const signed = contract && ["signed", "completed"].includes(contract.status);
    contractLine.replaceChildren(
      el("span", { text: t("financing.disburse.contract") }),
      contract ? badge("contract", contract.status) : el("span", { text: "—" }),
    );
    if (!signed) {
      contractLine.append(el("span", { className: "financing-contract-status__note", text: t("financing.disburse.unsigned") }));
    }
    prefill(disburse, { amount: accepted.amount });
  }

  function paint({ need, offers, contract }) {
    ownSection.hidden = !offers.length;
    if (offers.length) paintOwn(offers);
    const active = offers.some((own) => own.status === "submitted");
    // Unverified banks cannot read the need; the form stays so the server can say why it refuses.
    offerSection.hidden = need ? !(verified && need.status === "open" && !active) : verified;
    if (need && !offerSection.hidden) prefill(offer, { amount: need.amount, term_months: need.term_months });
    if (need) paintDisburse(need, offers.find((own) => own.status === "accepted"), contract);
  }

  return { nodes: [message, ownSection, offerSection, disburseSection], paint };
}
