// Publish a posting (#/postings/new) or revise one (#/postings/:id/edit). A revision sends only
// the fields that changed, with If-Match: the version it was read at, so a concurrent change is
// refused (412) rather than silently overwritten. Side, category and region cannot be revised.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { industrySections } from "../divisions.js";
import { documentPicker } from "../documents.js";
import { t } from "../i18n.js";
import { industryPicker, regionPicker } from "../pickers.js";
import * as session from "../session.js";
import { CATEGORY_CODES, categoryLabel } from "./public-labels.js";
import { MAX_DAYS_AHEAD, dateInputValue, daysFromNow, endOfDayIso } from "./trade-common.js";

const DEFAULT_DAYS = 30;
const REVISABLE = ["title", "description", "quantity", "unit", "price_min", "price_max", "expires_at"];

/** Suggestions for the category box: every division code with its name. */
function categoryChoices() {
  return el("datalist", { attrs: { id: "category-codes" } }, CATEGORY_CODES.map((code) =>
    el("option", { attrs: { value: code, label: categoryLabel(code) } }),
  ));
}

function fields(initial, editing) {
  const fixed = editing ? { disabled: "" } : {};
  return [
    field("side", "trade.form.side", {
      options: [["demand", "trade.side.demand"], ["supply", "trade.side.supply"]],
      value: initial.side,
      attrs: fixed,
    }),
    field("title", "trade.form.title", { value: initial.title, attrs: { required: "", maxlength: "120" } }),
    field("description", "trade.form.description", {
      type: "textarea",
      value: initial.description,
      attrs: { maxlength: "5000" },
    }),
    industryPicker("category", "trade.form.category", {
      hintKey: "trade.form.categoryHint",
      value: initial.category,
      required: true,
      disabled: editing,
      fallback: { required: "", maxlength: "3", autocapitalize: "characters", list: "category-codes", ...fixed },
    }),
    industrySections() ? null : categoryChoices(),
    el("div", { className: "trade-form-row" }, [
      field("quantity", "trade.form.quantity", { value: initial.quantity, attrs: { required: "", inputmode: "decimal" } }),
      field("unit", "trade.form.unit", { hintKey: "trade.form.unitHint", value: initial.unit, attrs: { required: "", maxlength: "16" } }),
    ]),
    el("div", { className: "trade-form-row" }, [
      field("price_min", "trade.form.priceMin", { value: initial.price_min, attrs: { inputmode: "decimal" } }),
      field("price_max", "trade.form.priceMax", { value: initial.price_max, attrs: { inputmode: "decimal" } }),
    ]),
    el("p", { className: "field__hint", text: t("trade.form.priceHint") }),
    regionPicker("region", "trade.form.region", {
      hintKey: "trade.form.regionHint",
      value: initial.region,
      disabled: editing,
      fallback: { required: "", inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}", ...fixed },
    }),
    field("expires_at", "trade.form.expiresAt", {
      type: "date",
      hintKey: "trade.form.expiresAtHint",
      value: initial.expires_at,
      attrs: { required: "", min: dateInputValue(new Date()), max: dateInputValue(daysFromNow(MAX_DAYS_AHEAD)) },
    }),
  ];
}

/** The form's starting values: an existing posting's, or sensible ones for a new posting. */
async function initialValues(posting, query) {
  if (posting) {
    return { ...posting, expires_at: dateInputValue(new Date(posting.expires_at)), price_min: posting.price_min ?? "", price_max: posting.price_max ?? "" };
  }
  let region = "";
  let category = "";
  try {
    const me = await api.get("/organizations/me");
    region = me.region ?? "";
    category = me.industry ?? "";
  } catch {
    // The profile only pre-fills the form; the visitor can type the codes.
  }
  const side = query.get("side") === "supply" ? "supply" : "demand";
  return { side, region, category, expires_at: dateInputValue(daysFromNow(DEFAULT_DAYS)) };
}

function createBody(values) {
  return {
    side: values.side,
    title: values.title ?? "",
    description: values.description ?? "",
    category: (values.category ?? "").toUpperCase(),
    quantity: values.quantity ?? "",
    unit: values.unit ?? "",
    price_min: values.price_min,
    price_max: values.price_max,
    region: values.region ?? "",
    expires_at: endOfDayIso(values.expires_at ?? ""),
  };
}

/** Only what differs from the values the form started with; a cleared price becomes null. */
function changes(values, initial) {
  const result = {};
  for (const name of REVISABLE) {
    const now = values[name] ?? "";
    const before = String(initial[name] ?? "").trim();
    if (now === before) continue;
    if (name === "expires_at") result[name] = endOfDayIso(now);
    else if (now === "" && name.startsWith("price_")) result[name] = null;
    else result[name] = now;
  }
  return result;
}

export async function render(view, { params, query, navigate }) {
  const editing = Boolean(params.id);
  const message = notice();
  let posting = null;
  if (editing) {
    try {
      posting = await api.get(`/postings/${encodeURIComponent(params.id)}`);
    } catch (error) {
      view.append(heading("trade.form.editTitle"), message);
      message.say(error, { error: true });
      return;
    }
    if (posting.owner?.id !== session.organization()?.id) {
      view.append(heading("trade.form.editTitle"), message);
      message.say(t("trade.form.notOwner"), { error: true });
      return;
    }
  }
  const initial = await initialValues(posting, query);
  const submitKey = editing ? "trade.form.saveRevision" : "trade.form.publish";
  const documents = documentPicker({ kind: "product", existing: posting?.documents ?? [] });
  const documentsBefore = documents.ids().join(",");
  const form = el("form", { className: "form trade-posting-form", attrs: { id: "posting-form", novalidate: "" } }, [
    ...fields(initial, editing),
    documents,
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t(submitKey), attrs: { type: "submit" } }),
      el("a", {
        className: "button",
        text: t("common.cancel"),
        attrs: { href: editing ? `#/postings/${encodeURIComponent(posting.id)}` : "#/my/postings" },
      }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    await documents.settled();
    if (!editing) {
      const created = await api.post("/postings", { ...createBody(values), documents: documents.ids() });
      navigate(`#/postings/${encodeURIComponent(created.id)}`);
      return;
    }
    const body = changes(values, initial);
    if (documents.ids().join(",") !== documentsBefore) body.documents = documents.ids();
    if (Object.keys(body).length === 0) {
      message.say(t("trade.form.nothingChanged"), { error: true });
      return;
    }
    await api.patch(`/postings/${encodeURIComponent(posting.id)}`, body, { ifMatch: posting.version });
    navigate(`#/postings/${encodeURIComponent(posting.id)}`);
  });
  view.append(
    heading(editing ? "trade.form.editTitle" : "trade.form.newTitle"),
    editing ? el("p", { className: "field__hint", text: t("trade.form.editNote") }) : "",
    message,
    form,
  );
}
