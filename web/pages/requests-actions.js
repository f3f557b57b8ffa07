// What each party may do on a service request's page: the operator dispatches (派单) with a
// provider picker, the provider signs for it (签收) or returns it (退单) and resolves it (办结),
// the enterprise gives its feedback (回访) or withdraws; the parties and operators write notes.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { button, el, field, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { percent } from "./financing-shared.js";
import { isOverdue, requestPath } from "./requests-shared.js";
import { regionLabel } from "./public-labels.js";

const OPEN = ["submitted", "dispatched", "accepted", "reopened"];

function panel(id, titleKey, children) {
  return el("section", { className: "panel request-action", attrs: { "aria-labelledby": id } }, [
    el("h3", { className: "events-panel__title", text: t(titleKey), attrs: { id } }),
    ...children,
  ]);
}

function textForm(name, labelKey, submitKey, maxlength, run) {
  const message = notice();
  const form = el("form", { className: "form", attrs: { novalidate: "" } }, [
    field(name, labelKey, { type: "textarea", attrs: { required: "", maxlength } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t(submitKey), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    await run(values[name] ?? "");
    form.reset();
  });
  return [message, form];
}

/**
 * The verified providers that offer the request's category, those with a product serving its
 * region first, each with where it is based and its figures (响应率, 满意率 from
 * /stats/services by provider): `{near, other}` lists of `[id, label]` for a <select>.
 */
export async function providerChoices(request) {
  const [providers, products, figures] = await Promise.all([
    api.getAll("/organizations", { kind: "provider", verified: true }),
    api.getAll("/service-products", { category: request.category, region: request.region }),
    api.get("/stats/services", { group_by: "provider" }),
  ]);
  const serving = new Set(products.map((product) => product.provider?.id));
  const byProvider = new Map(figures.map((row) => [row.key, row]));
  const offering = providers.filter((p) => !p.suspended && (p.service_categories ?? []).includes(request.category));
  const rate = (value) => (value === null || value === undefined ? "—" : percent(value));
  const label = (p) => {
    const row = byProvider.get(p.id) ?? {};
    const shown = t("requests.dispatch.figures", { response: rate(row.response_rate), satisfaction: rate(row.satisfaction_rate) });
    return `${p.name} · ${regionLabel(p.region)} · ${shown}`;
  };
  return {
    near: offering.filter((p) => serving.has(p.id)).map((p) => [p.id, label(p)]),
    other: offering.filter((p) => !serving.has(p.id)).map((p) => [p.id, label(p)]),
  };
}

/** The dispatch form: a provider picker filtered by category and region, and a note. */
export async function dispatchForm(request, onDone) {
  const { near, other } = await providerChoices(request);
  const holder = field("provider_id", "requests.dispatch.provider", {
    options: [["", "requests.dispatch.choose"]],
    hintKey: "requests.dispatch.providerHint",
    attrs: { required: "" },
  });
  const groups = [["requests.dispatch.near", near], ["requests.dispatch.other", other]].filter(([, items]) => items.length);
  holder.querySelector("select").append(...groups.map(([key, items]) =>
    el("optgroup", { attrs: { label: t(key) } }, items.map(([id, text]) => el("option", { text, attrs: { value: id } })))));
  const message = notice();
  const form = el("form", { className: "form request-dispatch", attrs: { novalidate: "" } }, [
    holder,
    field("note", "requests.dispatch.note", { type: "textarea", attrs: { maxlength: "2000" } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("requests.dispatch.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    const body = { provider_id: values.provider_id ?? "", ...(values.note ? { note: values.note } : {}) };
    await api.post(requestPath(request.id, "/dispatch"), body);
    await onDone(t("requests.dispatch.done"));
  });
  if (!near.length && !other.length) message.say(t("requests.dispatch.nobody"));
  return [message, form];
}

function mayDispatch(request) {
  if (["submitted", "dispatched"].includes(request.status)) return true;
  return ["accepted", "reopened"].includes(request.status) && isOverdue(request);
}

function facts(request) {
  return [["requests.field.title", request.title], ["services.field.category", t(`serviceCategory.${request.category}`)]];
}

async function operatorParts(request, message, refresh) {
  if (!mayDispatch(request)) return [];
  const done = async (text) => {
    message.say(text);
    await refresh();
  };
  return [panel("dispatch-title", request.provider ? "requests.dispatch.again" : "requests.dispatch.title", await dispatchForm(request, done))];
}

function providerParts(request, message, refresh, handedBack) {
  const path = (suffix) => requestPath(request.id, suffix);
  const parts = [];
  if (request.status === "dispatched") {
    const accept = button("requests.accept", async () => {
      const done = await confirmed(accept, message, {
        titleKey: "requests.acceptTitle", leadKey: "requests.acceptLead", confirmKey: "requests.accept",
        facts: facts(request), run: () => api.post(path("/accept")),
      }, "requests.accepted");
      if (done) await refresh();
    }, { primary: true });
    const giveBack = button("requests.return", async () => {
      const done = await confirmed(giveBack, message, {
        titleKey: "requests.returnTitle", leadKey: "requests.returnLead", confirmKey: "requests.return",
        reasonKey: "requests.returnReason", danger: true, facts: facts(request),
        run: ({ reason }) => api.post(path("/return"), { reason }),
      }, "requests.returned");
      // Handed back, it is no longer this provider's to read: no re-read (it would fail).
      if (done) handedBack();
    }, { danger: true });
    parts.push(panel("sign-title", "requests.signTitle", [el("div", { className: "trade-row-buttons" }, [accept, giveBack])]));
  }
  if (["accepted", "reopened"].includes(request.status)) {
    parts.push(panel("resolve-title", "requests.resolveTitle", textForm("summary", "requests.summary", "requests.resolve", "2000", async (summary) => {
      await api.post(path("/resolve"), { summary });
      message.say(t("requests.resolved"));
      await refresh();
    })));
  }
  return parts;
}

function feedbackForm(request, message, refresh) {
  const formNotice = notice();
  const form = el("form", { className: "form request-feedback", attrs: { novalidate: "" } }, [
    field("satisfaction", "requests.feedback.satisfaction", {
      options: [["5", "requests.feedback.5"], ["4", "requests.feedback.4"], ["3", "requests.feedback.3"], ["2", "requests.feedback.2"], ["1", "requests.feedback.1"]],
    }),
    field("resolved", "requests.feedback.resolved", { type: "checkbox", attrs: { checked: "" } }),
    field("comment", "requests.feedback.comment", { type: "textarea", hintKey: "requests.feedback.commentHint", attrs: { maxlength: "1000" } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("requests.feedback.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, formNotice, async (values) => {
    const body = { satisfaction: Number(values.satisfaction), resolved: Boolean(values.resolved), ...(values.comment ? { comment: values.comment } : {}) };
    const answer = await api.post(requestPath(request.id, "/feedback"), body);
    message.say(t(answer.status === "reopened" ? "requests.feedback.reopened" : "requests.feedback.closed"));
    await refresh();
  });
  return panel("feedback-title", "requests.feedback.title", [el("p", { text: t("requests.feedback.lead") }), formNotice, form]);
}

function enterpriseParts(request, message, refresh) {
  const parts = request.status === "resolved" ? [feedbackForm(request, message, refresh)] : [];
  if (OPEN.includes(request.status)) {
    const withdraw = button("requests.withdraw", async () => {
      const done = await confirmed(withdraw, message, {
        titleKey: "requests.withdrawTitle", leadKey: "requests.withdrawLead", confirmKey: "requests.withdraw",
        danger: true, facts: facts(request), run: () => api.post(requestPath(request.id, "/withdraw"), {}),
      }, "requests.withdrawn");
      if (done) await refresh();
    }, { danger: true });
    parts.push(el("p", { className: "request-withdraw" }, [withdraw]));
  }
  return parts;
}

function notesPart(request, message, refresh) {
  if (!session.is("enterprise", "provider", "operator") || ["closed", "withdrawn"].includes(request.status)) return [];
  return [panel("note-title", "requests.noteTitle", textForm("text", "requests.note", "requests.noteSubmit", "2000", async (text) => {
    await api.post(requestPath(request.id, "/notes"), { text });
    message.say(t("requests.noted"));
    await refresh();
  }))];
}

/** The panels the signed-in party may use on this request now. */
export async function actionsFor(request, message, refresh, handedBack) {
  let parts = [];
  if (session.is("operator")) parts = await operatorParts(request, message, refresh);
  else if (session.is("provider")) parts = providerParts(request, message, refresh, handedBack);
  else if (session.is("enterprise")) parts = enterpriseParts(request, message, refresh);
  return [...parts, ...notesPart(request, message, refresh)];
}
