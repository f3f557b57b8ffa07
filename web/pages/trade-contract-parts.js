// Read-only parts of the contract page: parties, terms, source and exhibition.

import * as api from "../api.js";
import { el, link, money, time } from "../dom.js";
import { t } from "../i18n.js";
import { categoryLabel } from "./public-labels.js";
import { organizationName, quantityText } from "./trade-common.js";

/** The parties with their names (public profiles), roles and when each signed. */
export async function partiesTable(contract) {
  const parties = contract.parties ?? [];
  const names = await Promise.all(parties.map((party) => organizationName(party.organization_id)));
  const rows = parties.map((party, i) =>
    el("tr", { attrs: { "data-party": party.organization_id } }, [
      el("th", { text: names[i], attrs: { scope: "row" } }),
      el("td", { text: t(`role.${party.role}`) }),
      el("td", {}, [party.signed_at ? time(party.signed_at) : el("span", { className: "trade-muted", text: t("trade.contract.notSigned") })]),
    ]),
  );
  const headers = ["trade.contract.party", "trade.contract.role", "trade.contract.signedAt"];
  return el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table" }, [
      el("caption", { className: "visually-hidden", text: t("trade.contract.parties") }),
      el("thead", {}, [el("tr", {}, headers.map((key) => el("th", { text: t(key), attrs: { scope: "col" } })))]),
      el("tbody", {}, rows),
    ]),
  ]);
}

const KNOWN_TERMS = [
  "title", "category", "quantity", "unit_price", "delivery_days",
  "product_type", "purpose", "annual_rate", "term_months", "conditions", "documents",
];

function termValue(name, value, terms, currency) {
  if (value === null || value === undefined || value === "") return "—";
  switch (name) {
    case "category":
      return categoryLabel(value);
    case "quantity":
      return quantityText(value, terms.unit);
    case "unit_price":
      return money(value, currency);
    case "delivery_days":
      return t("trade.terms.days", { days: value });
    case "product_type":
      return t(`productType.${value}`);
    case "annual_rate":
      return t("trade.terms.rate", { rate: value });
    case "term_months":
      return t("trade.terms.months", { months: value });
    case "documents":
      // what the digest covers: each attached file's name and SHA-256
      return Array.isArray(value)
        ? value.map((d) => `${d.filename} (SHA-256 ${String(d.sha256).slice(0, 16)}…)`).join("; ")
        : String(value);
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

/** The agreed terms, known ones labelled and in a fixed order, any others after them as-is. */
export function termsList(contract) {
  const terms = contract.terms ?? {};
  const others = Object.keys(terms).filter((name) => !KNOWN_TERMS.includes(name) && name !== "unit");
  const items = [...KNOWN_TERMS.filter((name) => name in terms), ...others].map((name) => {
    const value = termValue(name, terms[name], terms, contract.currency);
    const label = KNOWN_TERMS.includes(name) ? t(`trade.terms.${name}`) : name;
    return el("div", { className: "fact" }, [
      el("dt", { text: label }),
      value instanceof Node ? el("dd", {}, [value]) : el("dd", { text: value }),
    ]);
  });
  return el("dl", { className: "trade-facts" }, items);
}

/** Where the contract came from: the posting (sale) or the financing need (loan). */
export function sourceLink(contract) {
  const source = contract.source ?? {};
  if (source.posting_id) return link(`#/postings/${encodeURIComponent(source.posting_id)}`, t("trade.contract.sourcePosting"));
  if (source.need_id) return link(`#/financing/${encodeURIComponent(source.need_id)}`, t("trade.contract.sourceNeed"));
  return "—";
}

/** The exhibition where the deal was made, by name when it can be read. */
export async function exhibitionLink(contract) {
  if (!contract.exhibition_id) return t("trade.contract.noExhibition");
  let name = contract.exhibition_id;
  try {
    name = (await api.get(`/exhibitions/${encodeURIComponent(contract.exhibition_id)}`)).name;
  } catch {
    // The id still identifies it, and the link still leads there.
  }
  return link(`#/exhibitions/${encodeURIComponent(contract.exhibition_id)}`, name);
}
