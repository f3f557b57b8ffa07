// An audit event as a person reads it: its type by name ("Contract.Signed" -> 合同已签署), its
// data field by field with the form's names, organizations by name and amounts exact; the raw
// JSON (what the leaf hash covers) stays one click away.

import { el } from "../dom.js";
import { formatMoneyExact } from "../format.js";
import { t } from "../i18n.js";
import { preciseDateTime } from "./audit-events.js";
import { categoryLabel, regionLabel } from "./public-labels.js";
import { organizationName } from "./trade-common.js";

// t() echoes an unknown key with a console warning: ask it only for names the catalogue has.
const TYPES = new Set([
  "Organization.Registered", "Organization.Verified", "Organization.VerificationRejected",
  "Organization.ContactErased", "Posting.Published", "Posting.Revised",
  "Posting.Withdrawn", "Posting.Expired", "Posting.BidPlaced",
  "Posting.BidWithdrawn", "Posting.BidRejected", "Posting.BidAccepted",
  "Contract.Drafted", "Contract.Signed", "Contract.Cancelled",
  "Contract.Completed", "FinancingNeed.Posted", "FinancingNeed.Withdrawn",
  "FinancingNeed.Expired", "FinancingNeed.BecameOverdue", "FinancingNeed.OfferMade",
  "FinancingNeed.OfferWithdrawn", "FinancingNeed.OfferExpired", "FinancingNeed.OfferAccepted",
  "FinancingNeed.Disbursed",
  "BankProduct.Published", "BankProduct.Revised", "BankProduct.Retired",
  "Exhibition.Scheduled", "Exhibition.SignedUp", "Exhibition.SignupCancelled",
  "Exhibition.CheckedIn", "Exhibition.Cancelled", "Exhibition.Closed",
]);
const FIELDS = new Set([
  "title", "description", "category", "industry", "quantity", "unit",
  "price_min", "price_max", "unit_price", "currency", "region", "regions",
  "expires_at", "delivery_days", "message", "reason", "amount", "annual_rate",
  "term_months", "conditions", "valid_until", "purpose", "product_type", "respond_by",
  "digest", "kind", "name", "credit_code", "side", "parties",
  "terms", "organization_id", "owner_id", "bidder_id", "bank_id", "organizer_id",
  "promoted_id", "bid_id", "offer_id", "contract_id", "exhibition_id", "posting_id",
  "need_id", "originator_id", "originator_version", "timestamp", "verified", "capacity",
  "venue", "starts_at", "ends_at", "signup_deadline", "role", "signed_at",
  "amount_min", "amount_max", "term_min", "term_max", "rate_min", "rate_max",
]);
const ORGANIZATIONS = new Set(["organization_id", "owner_id", "bidder_id", "bank_id", "organizer_id", "promoted_id"]);
const MONEY = new Set(["amount", "unit_price", "price_min", "price_max", "amount_min", "amount_max"]);
const DECIMAL = /^\d+(?:\.\d+)?$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** "Contract.Signed" -> "合同已签署" (the class name itself when it has no name yet). */
export function eventTypeName(name) {
  return TYPES.has(name) ? t(`audit.type.${name}`) : name;
}

function fieldName(name) {
  return FIELDS.has(name) ? t(`audit.field.${name}`) : name;
}

/** An organization's name in place of its id, filled in once read (the id as its tooltip). */
function organization(id) {
  const node = el("span", { text: id, attrs: { title: id } });
  organizationName(id).then((name) => {
    node.textContent = name;
  });
  return node;
}

function value(name, data) {
  if (data === null || data === undefined || data === "") return "—";
  if (ORGANIZATIONS.has(name) && typeof data === "string") return organization(data);
  if (MONEY.has(name) && DECIMAL.test(String(data))) return formatMoneyExact(data);
  if (typeof data === "boolean") return t(data ? "common.yes" : "common.no");
  if (name === "region") return regionLabel(data);
  if (name === "category" || name === "industry") return categoryLabel(data);
  if (typeof data === "string" && MOMENT.test(data)) return preciseDateTime(data);
  if (name === "parties" && Array.isArray(data)) {
    return el("ul", { className: "audit-parties" }, data.map((party) =>
      el("li", {}, [organization(party.organization_id), ` · ${party.role ?? ""}`]),
    ));
  }
  if (typeof data === "object") return el("code", { text: JSON.stringify(data) });
  return String(data);
}

/** The event's data as a list of named fields, with the raw JSON in a <details>. */
export function eventData(data, undecodable) {
  if (data === null || data === undefined) return el("p", { text: undecodable });
  const rows = Object.entries(data).map(([name, content]) => {
    const shown = value(name, content);
    return el("div", { className: "fact" }, [
      el("dt", { text: fieldName(name), attrs: { title: name } }),
      shown instanceof Node ? el("dd", {}, [shown]) : el("dd", { text: shown }),
    ]);
  });
  return el("div", { className: "audit-data" }, [
    el("dl", { className: "audit-facts" }, rows),
    el("details", {}, [
      el("summary", { text: t("audit.data.raw") }),
      el("pre", { className: "audit-json", text: JSON.stringify(data, null, 2) }),
    ]),
  ]);
}
