// One contract: parties, terms, amount and the digest the parties sign. A party signs with the
// digest shown on this page (the server refuses it if the content has changed since), cancels a
// contract not yet signed, and the buyer or lender confirms completion. Re-read live.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, badge, button, debounce, el, fact, field, heading, money, notice, onSubmit, time } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { chineseCapitals, formatMoneyExact } from "../format.js";
import { language, t } from "../i18n.js";
import * as session from "../session.js";
import { contractTitle, liveUpdates, organizationName, positionAfter, roleOf } from "./trade-common.js";
import { contractDocuments } from "./contract-documents.js";
import { exhibitionLink, partiesTable, sourceLink, termsList } from "./trade-contract-parts.js";

/** Amounts in Chinese capitals (大写) are a Chinese convention: shown for CNY in Chinese. */
const capitalsShown = (currency) => (currency ?? "CNY") === "CNY" && language() === "zh-CN";

const COMPLETING_ROLES = ["buyer", "lender"];

function panel(titleKey, id, children) {
  return el("section", { className: "panel", attrs: { "aria-labelledby": id } }, [
    el("h3", { className: "trade-section-title", text: t(titleKey), attrs: { id } }),
    ...children,
  ]);
}

function cancelForm(contract, message, changed, toggle) {
  const form = el("form", { className: "trade-inline-form", attrs: { novalidate: "" } }, [
    field("reason", "trade.contract.cancelReason", { attrs: { required: "", maxlength: "2000" } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--danger", text: t("trade.contract.cancelConfirm"), attrs: { type: "submit" } }),
      button("common.cancel", () => toggle(false)),
    ]),
  ]);
  form.hidden = true;
  onSubmit(form, message, async ({ reason }) => {
    const written = await api.post(`/contracts/${encodeURIComponent(contract.id)}/cancel`, { reason: reason ?? "" });
    message.say(t("trade.contract.cancelled"));
    await changed(written.position);
  });
  return form;
}

/** What the signed-in party may do now; nothing for staff and for finished contracts. */
function actions(contract, digestNode, message, changed) {
  const me = session.organization();
  const role = roleOf(contract, me?.id);
  if (!role) return null;
  const mine = contract.parties.find((party) => party.organization_id === me.id);
  const path = `/contracts/${encodeURIComponent(contract.id)}`;
  const buttons = [];
  if (contract.status === "drafted" && !mine.signed_at) {
    const sign = button("trade.contract.sign", async () => {
      const others = contract.parties.filter((party) => party.organization_id !== me.id);
      const names = await Promise.all(others.map((party) => organizationName(party.organization_id)));
      const digest = digestNode.textContent;
      await confirmed(sign, message, {
        titleKey: "trade.contract.signTitle",
        leadKey: "confirm.lead",
        confirmKey: "trade.contract.signConfirm",
        password: true,
        facts: [
          ["trade.contract.title", contractTitle(contract)],
          ...others.map((party, i) => ["confirm.party", `${names[i]}（${t(`role.${party.role}`)}）`]),
          ["confirm.amount", formatMoneyExact(contract.amount, contract.currency), "confirm__amount"],
          capitalsShown(contract.currency) ? ["confirm.amountCapitals", chineseCapitals(contract.amount)] : null,
          ["confirm.digest", digest, "confirm__digest"],
        ],
        run: async ({ password }) => {
          const written = await api.post(`${path}/sign`, { digest, password });
          await changed(written.position);
          return written;
        },
      }, "trade.contract.signedByMe");
    }, { primary: true });
    buttons.push(sign);
  }
  if (contract.status === "signed" && COMPLETING_ROLES.includes(role)) {
    const complete = button("trade.contract.complete", () =>
      act(complete, message, async () => {
        const written = await api.post(`${path}/complete`);
        await changed(written.position);
      }, "trade.contract.completed"), { primary: true });
    buttons.push(complete);
  }
  let form = "";
  if (contract.status === "drafted") {
    const toggle = (open) => {
      form.hidden = !open;
      cancel.setAttribute("aria-expanded", String(open));
      if (open) form.querySelector("input")?.focus();
      else cancel.focus();
    };
    const cancel = button("trade.contract.cancel", () => toggle(form.hidden), { danger: true, attrs: { "aria-expanded": "false" } });
    form = cancelForm(contract, message, changed, toggle);
    buttons.push(cancel);
  }
  if (!buttons.length) return null;
  return panel("trade.contract.actions", "contract-actions", [
    mine.signed_at && contract.status === "drafted" ? el("p", { className: "trade-muted", text: t("trade.contract.waiting") }) : "",
    el("div", { className: "trade-actions" }, buttons),
    form,
  ]);
}

async function sections(contract, message, changed) {
  const digest = el("code", { className: "digest", text: contract.digest, attrs: { id: "contract-digest" } });
  const [parties, exhibition] = await Promise.all([partiesTable(contract), exhibitionLink(contract)]);
  return [
    actions(contract, digest, message, changed) ?? "",
    panel("trade.contract.summary", "contract-summary", [
      downloadLinks(`/contracts/${encodeURIComponent(contract.id)}/document`, () => ({}), message, "", [null]),
      el("dl", { className: "trade-facts" }, [
        fact("trade.contract.kind", t(`trade.contract.kind.${contract.kind === "loan" ? "loan" : "sale"}`)),
        fact("trade.contract.status", badge("contract", contract.status)),
        fact("trade.contract.amount", money(contract.amount, contract.currency)),
        capitalsShown(contract.currency) ? fact("trade.contract.amountCapitals", chineseCapitals(contract.amount)) : "",
        fact("trade.contract.currency", contract.currency),
        fact("trade.contract.draftedAt", time(contract.drafted_at)),
        fact("trade.contract.source", sourceLink(contract)),
        fact("trade.contract.exhibition", exhibition),
      ]),
    ]),
    panel("trade.contract.parties", "contract-parties", [parties]),
    panel("trade.contract.terms", "contract-terms", [termsList(contract)]),
    contractDocuments(contract, message, changed),
    panel("trade.contract.digest", "contract-digest-title", [
      el("p", { className: "field__hint", text: t("trade.contract.digestHint") }),
      el("p", {}, [digest]),
    ]),
  ];
}

export async function render(view, { params }) {
  const id = params.id;
  const message = notice();
  const title = heading("trade.contract.loading");
  const badges = el("p", { className: "trade-badges" });
  const content = el("div", { className: "trade-contract" });
  let generation = 0;
  let shown = "";

  async function refresh(position) {
    const current = ++generation;
    const contract = await api.get(`/contracts/${encodeURIComponent(id)}`, position ? { min_position: position } : undefined);
    if (current !== generation || JSON.stringify(contract) === shown) return;
    const parts = await sections(contract, message, changed);
    if (current !== generation) return;
    shown = JSON.stringify(contract);
    title.textContent = contractTitle(contract);
    badges.replaceChildren(badge("contract", contract.status), " ", live.badge);
    content.replaceChildren(...parts);
  }

  function changed(position) {
    return refresh(positionAfter({ position })).catch((error) => message.say(error, { error: true }));
  }

  const onEvent = debounce(changed);
  const live = liveUpdates((event) => {
    if (event.stream_id === id) onEvent(event.position);
  });
  view.append(title, badges, message, content);
  try {
    await refresh();
  } catch (error) {
    title.textContent = t("trade.contract.missing");
    message.say(error, { error: true });
  }
  return () => {
    onEvent.cancel();
    live.stop();
  };
}
