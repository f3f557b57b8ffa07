// #/policies/<id>: one policy, its facts and text (an enterprise that opens it has it marked
// read); operators revise or withdraw it here.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { badge, button, el, heading, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { policyFacts, policyPath, topicsText } from "./policies-common.js";

function operatorActions(policy, message, reload) {
  if (policy.status !== "published") return [];
  const edit = el("a", { className: "button", text: t("policies.detail.edit"), attrs: { href: `#${policyPath(policy.id, "/edit")}` } });
  const withdraw = button("policies.withdraw", async () => {
    const done = await confirmed(withdraw, message, {
      titleKey: "policies.withdrawTitle",
      leadKey: "policies.withdrawLead",
      confirmKey: "policies.withdrawConfirm",
      danger: true,
      facts: [
        ["policies.form.title", policy.title],
        ["policies.fact.topics", topicsText(policy)],
      ],
      run: () => api.post(policyPath(policy.id, "/withdraw"), {}, { ifMatch: policy.version }),
    }, "policies.withdrawn");
    if (done) await reload();
  }, { danger: true });
  return [el("div", { className: "trade-row-buttons policy-actions" }, [edit, withdraw])];
}

export async function render(view, { params }) {
  const message = notice();
  const body = el("div", { className: "policy-page" });
  const load = async () => {
    const policy = await api.get(policyPath(params.id));
    body.replaceChildren(
      heading("policies.detail.title", { title: policy.title }),
      el("p", { className: "policy-status" }, [badge("policy", policy.status)]),
      ...(session.is("operator") ? operatorActions(policy, message, load) : []),
      el("section", { className: "panel", attrs: { "aria-label": t("policies.fact.issuer") } }, [
        el("dl", { className: "policy-facts" }, policyFacts(policy, { full: true })),
      ]),
      el("section", { className: "panel policy-body", attrs: { "aria-labelledby": "policy-body-title" } }, [
        el("h3", { text: t("policies.detail.body"), attrs: { id: "policy-body-title" } }),
        el("p", { className: "policy-body__text", text: policy.body }),
      ]),
    );
  };
  view.append(
    el("p", { className: "events-back" }, [el("a", { text: t("policies.detail.back"), attrs: { href: "#/policies" } })]),
    message,
    body,
  );
  await load();
}
