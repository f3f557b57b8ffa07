// #/policies/new and #/policies/<id>/edit: the operator's policy editor, with a preview of how
// many registered enterprises the targeting reaches (GET /policies/preview-targets).

import * as api from "../api.js";
import { debounce, el, field, heading, notice, onSubmit } from "../dom.js";
import { t, tCount } from "../i18n.js";
import { regionsPicker } from "../pickers.js";
import { TOPICS, policyPath } from "./policies-common.js";

const list = (text) => String(text ?? "").split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);

function topicsField(chosen) {
  return el("fieldset", { className: "field policy-topics", attrs: { "data-field": "topics" } }, [
    el("legend", { text: t("policies.form.topics") }),
    ...TOPICS.map((topic) => {
      const id = `policy-topic-${topic}`;
      const box = el("input", { attrs: { id, type: "checkbox", name: "topic", value: topic } });
      box.checked = chosen.includes(topic);
      return el("span", { className: "field--check policy-topics__item" }, [box, el("label", { text: t(`policies.topic.${topic}`), attrs: { for: id } })]);
    }),
    el("small", { className: "field__error" }),
  ]);
}

function bodyFrom(form, values) {
  const optional = (name) => values[name] ?? null;
  return {
    title: values.title ?? "",
    issuer: values.issuer ?? "",
    document_number: optional("document_number"),
    topics: [...form.querySelectorAll("input[name=topic]:checked")].map((box) => box.value),
    regions: list(values.regions),
    industries: list(values.industries),
    effective_from: optional("effective_from"),
    effective_until: optional("effective_until"),
    url: optional("url"),
    body: values.body ?? "",
  };
}

/** "It targets N registered enterprises", re-counted as the targeting changes. */
function targetPreview(form) {
  const text = el("p", { className: "policy-preview__count", attrs: { role: "status", "aria-live": "polite" } });
  const count = debounce(async () => {
    const query = new URLSearchParams();
    for (const code of list(form.elements.namedItem("regions").value)) query.append("regions", code);
    for (const code of list(form.elements.namedItem("industries").value)) query.append("industries", code);
    try {
      const answer = await api.get(`/policies/preview-targets?${query}`);
      text.textContent = tCount("policies.preview.count", answer.enterprises);
    } catch {
      text.textContent = t("policies.preview.failed");
    }
  }, 300);
  form.addEventListener("input", count);
  form.addEventListener("change", count);
  form.addEventListener("click", (event) => {
    if (event.target.closest(".picker")) count();
  });
  count();
  return el("section", { className: "panel policy-preview", attrs: { "aria-labelledby": "policy-preview-title" } }, [
    el("h3", { text: t("policies.preview.title"), attrs: { id: "policy-preview-title" } }),
    text,
  ]);
}

export async function render(view, { params }) {
  const editing = Boolean(params.id);
  const policy = editing ? await api.get(policyPath(params.id)) : null;
  const message = notice();
  const regions = regionsPicker("regions", "policies.form.regions", {
    value: policy?.regions ?? [],
    hintKey: "policies.form.regionsHint",
    fallback: { maxlength: "700" },
  });
  const form = el("form", { className: "form policy-form", attrs: { novalidate: "", "aria-labelledby": "policy-form-title" } }, [
    field("title", "policies.form.title", { value: policy?.title, attrs: { required: "", maxlength: "200" } }),
    field("issuer", "policies.form.issuer", { value: policy?.issuer, hintKey: "policies.form.issuerHint", attrs: { required: "", maxlength: "100" } }),
    field("document_number", "policies.form.documentNumber", { value: policy?.document_number, attrs: { maxlength: "100" } }),
    topicsField(policy?.topics ?? []),
    regions,
    field("industries", "policies.form.industries", {
      value: (policy?.industries ?? []).join(", "),
      hintKey: "policies.form.industriesHint",
      attrs: { maxlength: "500" },
    }),
    field("effective_from", "policies.form.effectiveFrom", { type: "date", value: policy?.effective_from }),
    field("effective_until", "policies.form.effectiveUntil", { type: "date", value: policy?.effective_until }),
    field("url", "policies.form.url", { type: "url", value: policy?.url, attrs: { maxlength: "2000" } }),
    field("body", "policies.form.body", { type: "textarea", value: policy?.body, attrs: { required: "", maxlength: "20000", rows: "10" } }),
    el("div", { className: "form__actions" }, [
      el("button", {
        className: "button button--primary",
        text: t(editing ? "policies.form.save" : "policies.form.publish"),
        attrs: { type: "submit" },
      }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    const body = bodyFrom(form, values);
    const saved = editing
      ? await api.patch(policyPath(policy.id), body, { ifMatch: policy.version })
      : await api.post("/policies", body);
    message.say(t(editing ? "policies.form.saved" : "policies.form.published", { title: saved.title }));
    window.location.hash = `#${policyPath(saved.id)}`;
  });
  view.append(
    el("p", { className: "events-back" }, [el("a", { text: t("policies.detail.back"), attrs: { href: "#/policies" } })]),
    heading(editing ? "policies.form.editTitle" : "policies.form.newTitle"),
    el("h3", { className: "visually-hidden", text: t(editing ? "policies.form.editTitle" : "policies.form.newTitle"), attrs: { id: "policy-form-title" } }),
    message,
    targetPreview(form),
    form,
  );
}
