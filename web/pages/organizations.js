// #/operator/organizations: staff find an organization by name or credit code (searched by the
// API, page by page) and see its status (verified, awaiting verification, turned down and why,
// contact erased, suspended); operators verify or turn down a waiting bank or provider from
// here as on the bank verification page, and suspend or reinstate an organization, each
// behind a confirmation with the reason.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { button, debounce, el, field, heading, notice, time } from "../dom.js";
import { documentList } from "../documents.js";
import { t } from "../i18n.js";
import { pagedList } from "../paging.js";
import * as session from "../session.js";
import { decisionButtons } from "./banks.js";
import { categoryLabel, regionLabel } from "./public-labels.js";

const KINDS = ["enterprise", "bank", "provider", "operator", "auditor"];
const STAFF = ["operator", "auditor"]; // never suspended
const STATES = ["verified", "waiting", "rejected"];
const DECIDED_BY_OPERATORS = ["bank", "provider"]; // verified or turned down on this page
const PAGE_SIZE = 50;

function stateOf(organization) {
  if (organization.verified) return "verified";
  return organization.rejection_reason ? "rejected" : "waiting";
}

function statusCell(organization) {
  const state = stateOf(organization);
  return [
    el("span", { className: `badge badge--${state}`, text: t(`organizations.state.${state}`) }),
    state === "rejected"
      ? el("div", { className: "trade-muted", text: t("organizations.reason", { reason: organization.rejection_reason }) })
      : null,
    organization.contact_erased ? el("div", { className: "trade-muted", text: t("organizations.contactErased") }) : null,
    organization.suspended ? el("span", { className: "badge badge--suspended", text: t("moderation.suspended") }) : null,
    organization.suspended
      ? el("div", { className: "trade-muted", text: t("organizations.reason", { reason: organization.suspension_reason }) })
      : null,
  ].filter(Boolean);
}

/** Suspend (or reinstate a suspended) organization, with the reason, after a confirmation. */
function suspensionButton(organization, message, refresh) {
  const action = organization.suspended ? "reinstate" : "suspend";
  const node = button(`moderation.${action}`, async () => {
    const done = await confirmed(node, message, {
      titleKey: `moderation.${action}Title`,
      leadKey: `moderation.${action}Lead`,
      confirmKey: `moderation.${action}Confirm`,
      danger: action === "suspend",
      facts: [["organizations.name", organization.name], ["organizations.creditCode", organization.credit_code]],
      reasonKey: "moderation.reason",
      run: ({ reason }) => api.post(`/organizations/${encodeURIComponent(organization.id)}/${action}`, { reason }),
    });
    if (!done) return;
    message.say(t(`moderation.${action}Done`, { name: organization.name }));
    await refresh();
  }, { danger: action === "suspend", attrs: { "aria-label": t(`moderation.${action}For`, { name: organization.name }) } });
  return node;
}

function row(organization, actions) {
  const cell = (key, children) => el("td", { attrs: { "data-label": t(`organizations.${key}`) } }, children);
  return el("tr", { attrs: { "data-id": organization.id } }, [
    el("th", { text: organization.name, attrs: { scope: "row", "data-label": t("organizations.name") } }),
    cell("kind", [t(`kind.${organization.kind}`)]),
    cell("creditCode", [el("code", { text: organization.credit_code })]),
    cell("region", [regionLabel(organization.region)]),
    cell("industry", [organization.industry ? categoryLabel(organization.industry) : "—"]),
    cell("status", [...statusCell(organization), documentList(organization.documents)]),
    cell("registeredAt", [time(organization.registered_at)]),
    cell("actions", actions ? [actions] : []),
  ]);
}

export async function render(view) {
  const message = notice();
  const operator = session.is("operator");
  const form = el("form", { className: "search__form", attrs: { role: "search", "aria-label": t("organizations.search") } }, [
    field("q", "organizations.q", { type: "search", attrs: { autocomplete: "off" } }),
    field("kind", "organizations.kind", { options: [["", "organizations.anyKind"], ...KINDS.map((k) => [k, `kind.${k}`])] }),
    field("state", "organizations.status", {
      options: [["", "organizations.anyState"], ...STATES.map((s) => [s, `organizations.state.${s}`])],
    }),
  ]);
  const count = el("p", { className: "results__status", attrs: { role: "status", "aria-live": "polite" } });
  const body = el("tbody");
  const columns = ["name", "kind", "creditCode", "region", "industry", "status", "registeredAt", "actions"];
  const table = el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table banks__table organizations__table" }, [
      el("caption", { className: "visually-hidden", text: t("organizations.title") }),
      el("thead", {}, [el("tr", {}, columns.map((key) => el("th", { text: t(`organizations.${key}`), attrs: { scope: "col" } })))]),
      body,
    ]),
  ]);
  // The API filters by name or credit code, kind and verified; "waiting" and "rejected" are
  // both unverified, told apart by the reason here (rejected ones are few).
  const query = () => {
    const state = form.elements.state.value;
    return {
      q: form.elements.q.value.trim() || undefined,
      kind: form.elements.kind.value || undefined,
      verified: state ? String(state === "verified") : undefined,
    };
  };
  const wanted = (o) => !["waiting", "rejected"].includes(form.elements.state.value) || stateOf(o) === form.elements.state.value;
  const rowOf = (o) => {
    const decide = operator && DECIDED_BY_OPERATORS.includes(o.kind) && stateOf(o) === "waiting";
    const actions = el("div", { className: "banks__actions" }, [
      decide ? decisionButtons(o, message, reload) : null,
      operator && !STAFF.includes(o.kind) ? suspensionButton(o, message, reload) : null,
    ]);
    return row(o, operator ? actions : null);
  };
  const paging = pagedList({
    fetchPage: ({ cursor }) => api.get("/organizations", { ...query(), limit: PAGE_SIZE, cursor }),
    renderItems(items, { append }) {
      if (!append) body.replaceChildren();
      body.append(...items.filter(wanted).map(rowOf));
    },
    onShown: () => {
      const rows = body.children.length;
      count.textContent = rows ? t("organizations.count", { shown: rows }) : t("organizations.none");
    },
    message,
    status: count,
  });
  const reload = () => paging.load();
  const show = debounce(reload, 250);

  form.addEventListener("input", show);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reload();
  });
  view.append(
    heading("organizations.title"),
    el("p", { className: "events-intro", text: t("organizations.intro") }),
    message,
    form,
    count,
    table,
    el("div", { className: "results__more" }, [paging.more]),
  );
  await reload();
}
