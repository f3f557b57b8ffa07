// #/financing/new: an enterprise posts a financing need for verified banks to answer.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { documentPicker } from "../documents.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { amountPreview, prefillRegion, productTypeOptions } from "./financing-shared.js";
import { endOfDayIso } from "./trade-common.js";

function needBody(values) {
  return {
    amount: values.amount ?? "",
    term_months: Number.isInteger(Number(values.term_months)) ? Number(values.term_months) : values.term_months,
    purpose: values.purpose ?? "",
    product_type: values.product_type,
    region: values.region ?? "",
    // The end of the chosen day in the viewer's time zone (a bare date would mean China time).
    respond_by: values.respond_by ? endOfDayIso(values.respond_by) : undefined,
  };
}

export function render(view, { navigate }) {
  const message = notice();
  const documents = documentPicker({ kind: "financial_statement" });
  const form = el("form", { className: "form financing-form", attrs: { id: "need-form", novalidate: "" } }, [
    amountPreview(
      field("amount", "financing.field.amountYuan", {
        hintKey: "financing.form.amountHint",
        attrs: { required: "", inputmode: "decimal", autocomplete: "off" },
      }),
    ),
    field("term_months", "financing.field.termMonths", {
      type: "number",
      hintKey: "financing.form.termHint",
      attrs: { required: "", min: "1", max: "360", step: "1" },
    }),
    field("product_type", "financing.field.productType", { options: productTypeOptions() }),
    field("purpose", "financing.field.purpose", {
      type: "textarea",
      hintKey: "financing.form.purposeHint",
      attrs: { required: "", maxlength: "2000" },
    }),
    regionPicker("region", "financing.field.region", {
      hintKey: "financing.form.regionHint",
      fallback: { required: "", inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}" },
    }),
    field("respond_by", "financing.field.respondByOptional", {
      type: "date",
      hintKey: "financing.form.respondByHint",
    }),
    documents,
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("financing.form.submit"), attrs: { type: "submit" } }),
      el("a", { className: "button", text: t("common.cancel"), attrs: { href: "#/financing" } }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    await documents.settled();
    const need = await api.post("/financing-needs", { ...needBody(values), documents: documents.ids() });
    navigate(`#/financing/${encodeURIComponent(need.id)}`);
  });
  view.append(heading("financing.form.title"), el("p", { className: "financing-lead", text: t("financing.form.lead") }), message, form);
  prefillRegion(form);
}
