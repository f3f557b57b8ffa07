// API validation errors (422 `errors[]`, already in the reader's language through
// Accept-Language) shown with the field named as on the form the person filled in.

import { t } from "./i18n.js";

/** A field's label as on `form` ("数量"), else the API's name of the field. */
function fieldLabel(field, form) {
  const name = String(field ?? "").split(".")[0];
  const wrapper = form?.querySelector(`[data-field="${CSS.escape(name)}"]`);
  // A picker's legend names the whole field ("所在地区"), its labels only the parts ("省份").
  const label = (wrapper?.querySelector("legend") ?? wrapper?.querySelector("label"))?.textContent?.trim();
  return label || name;
}

/** The API's message without the API's name of the field ("数量：须大于 0" -> "须大于 0"). */
export function phraseOf(message) {
  const text = String(message ?? "");
  const found = /^[^：:]{1,40}(?:：|: )/.exec(text);
  return found ? text.slice(found[0].length) : text;
}

/** "报价单价：须大于 0": the field named as on the form (else as the API names it). */
export function fieldErrorText(item, form) {
  const label = fieldLabel(item.field, form);
  const message = String(item.message ?? "");
  const onForm = form?.querySelector(`[data-field="${CSS.escape(String(item.field).split(".")[0])}"]`);
  if (!onForm) return message;
  return t("error.field", { field: label, message: phraseOf(message) });
}
