// Contracts: a party's own (operators and auditors see all), filtered by kind and status,
// newest first. The filters are kept in the address (replaceState).

import * as api from "../api.js";
import { badge, el, field, heading, money, notice, time } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { t } from "../i18n.js";
import { pagedList } from "../paging.js";
import * as session from "../session.js";
import { contractTitle, filterOptions, roleOf, stackedTable } from "./trade-common.js";

const KINDS = ["sale", "loan"];
const STATUSES = ["drafted", "signed", "completed", "cancelled"];
const PAGE_SIZE = 20;
const kindName = (contract) => t(`trade.contract.kind.${contract.kind === "loan" ? "loan" : "sale"}`);

function columns(me) {
  return [
    ["trade.contracts.name", (c) => el("a", { text: contractTitle(c), attrs: { href: `#/contracts/${encodeURIComponent(c.id)}` } })],
    ["trade.contracts.kind", kindName],
    ["trade.contracts.status", (c) => badge("contract", c.status)],
    ["trade.contracts.amount", (c) => money(c.amount, c.currency)],
    ["trade.contracts.myRole", (c) => (roleOf(c, me?.id) ? t(`role.${roleOf(c, me?.id)}`) : "—")],
    ["trade.contracts.draftedAt", (c) => time(c.drafted_at)],
  ];
}

function chosen(query, name, allowed) {
  const value = query.get(name) ?? "";
  return allowed.includes(value) ? value : "";
}

export async function render(view, { query }) {
  const me = session.organization();
  const message = notice();
  const kind = field("kind", "trade.contracts.filterKind", { options: filterOptions("trade.contract.kind", KINDS), value: chosen(query, "kind", KINDS) });
  const status = field("status", "trade.contracts.filterStatus", { options: filterOptions("status.contract", STATUSES), value: chosen(query, "status", STATUSES) });
  const [kindSelect, statusSelect] = [kind, status].map((node) => node.querySelector("select"));
  const filters = el("form", { className: "trade-filters", attrs: { role: "search", "aria-label": t("trade.contracts.filters") } }, [kind, status]);
  const table = el("div", { className: "trade-contracts" });
  const shown = [];
  const summary = el("p", { className: "results__status", attrs: { role: "status" } });
  const paging = pagedList({
    fetchPage: ({ cursor }) =>
      api.get("/contracts", { kind: kindSelect.value, status: statusSelect.value, limit: PAGE_SIZE, cursor }),
    renderItems(items, { append }) {
      if (!append) shown.length = 0;
      shown.push(...items);
      table.replaceChildren(stackedTable("trade.contracts.title", columns(me), shown, (c) => ({ "data-contract": c.id })));
      table.hidden = shown.length === 0;
    },
    onShown: (count) => {
      summary.textContent = count ? t("trade.contracts.count", { count }) : t("trade.contracts.empty");
    },
    message,
  });

  const reload = () => {
    const params = new URLSearchParams();
    if (kindSelect.value) params.set("kind", kindSelect.value);
    if (statusSelect.value) params.set("status", statusSelect.value);
    const search = params.toString();
    window.history.replaceState(null, "", `#/contracts${search ? `?${search}` : ""}`);
    paging.load();
  };
  kindSelect.addEventListener("change", reload);
  statusSelect.addEventListener("change", reload);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    reload();
  });
  const downloads = downloadLinks("/contracts", () => ({ kind: kindSelect.value, status: statusSelect.value }), message);
  view.append(heading("trade.contracts.title"), filters, downloads, message, summary, table, el("div", { className: "results__more" }, [paging.more]));
  await paging.load();
  return paging.cancel;
}
