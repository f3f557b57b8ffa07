// Pieces shared by the financing pages: option lists, rate/term/score wording, the bank's
// verification state and the live "= ¥5,000,000.00" preview under amount inputs.

import * as api from "../api.js";
import { el } from "../dom.js";
import { chineseCapitals, formatMoneyExact } from "../format.js";
import { language, t, tCount } from "../i18n.js";
import { normaliseDecimal } from "../numbers.js";
import * as session from "../session.js";

export const PRODUCT_TYPES = [
  "credit_loan",
  "receivables",
  "order_financing",
  "warehouse_receipt",
  "inventory_pledge",
  "guaranteed_loan",
];
export const NEED_STATUSES = ["open", "matched", "disbursed", "withdrawn", "expired"];

/** `[[value, key]]` for a product type <select>, led by "any" when `anyKey` is given. */
export function productTypeOptions(anyKey) {
  const options = PRODUCT_TYPES.map((type) => [type, `productType.${type}`]);
  return anyKey ? [["", anyKey], ...options] : options;
}

export function needStatusOptions(anyKey) {
  return [["", anyKey], ...NEED_STATUSES.map((status) => [status, `status.need.${status}`])];
}

/** An annual rate "3.85" as "3.85%". */
export function rate(value) {
  return t("financing.rate", { rate: String(value) });
}

export function rateRange(min, max) {
  return String(min) === String(max) ? rate(min) : t("financing.rateRange", { min, max });
}

export function months(count) {
  return tCount("financing.months", Number(count));
}

export function monthRange(min, max) {
  return Number(min) === Number(max) ? months(min) : t("financing.monthRange", { min, max });
}

/** A match score 0–1 as a whole percentage in the page's language. */
export function percent(score) {
  return new Intl.NumberFormat(language(), { style: "percent", maximumFractionDigits: 0 }).format(
    Number(score) || 0,
  );
}

/** A match reason in the page's language (the API gives both). */
export function reasonText(reason) {
  return language() === "zh-CN" ? reason.zh : reason.en;
}

/**
 * Re-read this bank's `verified` flag (an operator may have verified it since login) and keep
 * the session in step; only an actual change is written, as it reconnects the stream.
 */
export async function refreshVerified() {
  const me = await api.get("/organizations/me");
  if (Boolean(me.verified) !== Boolean(session.organization()?.verified)) {
    session.update({ verified: Boolean(me.verified) });
  }
  return Boolean(me.verified);
}

/** The bank's status: "awaiting operator verification". */
export function verificationNotice() {
  return el("div", { className: "notice financing-verify", attrs: { role: "status" } }, [
    el("strong", { text: t("financing.verify.title") }),
    el("p", { text: t("financing.verify.body") }),
  ]);
}

/** Fill the region input (or picker) with the organization's own region when still empty. */
export async function prefillRegion(form) {
  const input = form.querySelector("[name=region]");
  if (!input || input.value) return;
  try {
    const me = await api.get("/organizations/me");
    if (input.value || !me.region) return;
    const picker = input.closest(".picker");
    if (picker) picker.setValue(me.region);
    else input.value = me.region;
  } catch {
    // Only a convenience: the visitor types the code.
  }
}

/**
 * An <output> under the amount input that shows what will be sent, exactly and in Chinese
 * capitals: "300万" -> "即 ¥3,000,000.00（叁佰万元整）".
 */
export function amountPreview(fieldNode) {
  const input = fieldNode.querySelector("input");
  const output = el("output", {
    className: "financing-amount-preview",
    attrs: { for: input.id, "aria-live": "polite" },
  });
  const update = () => {
    const text = normaliseDecimal(input.value);
    const amount = /^\d+(\.\d+)?$/.test(text) ? formatMoneyExact(text) : "";
    const capitals = amount && language() === "zh-CN" ? `（${chineseCapitals(text)}）` : "";
    output.textContent = amount ? t("financing.amountPreview", { amount: amount + capitals }) : "";
  };
  input.addEventListener("input", update);
  update();
  fieldNode.append(output);
  return fieldNode;
}

/** True when an event of the live stream concerns the financing board. */
export function isNeedEvent(message) {
  return String(message?.type ?? "").startsWith("FinancingNeed.");
}
