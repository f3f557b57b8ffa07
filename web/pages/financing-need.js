// #/financing/:id: one financing need. Everyone allowed sees its summary; the owner compares
// the banks' offers, accepts one or withdraws the need (financing-owner.js); a bank offers and,
// once matched, disburses (financing-bank.js). The page re-reads itself on the live stream's
// events for this need or its loan contract, so a new offer appears without reloading.

import * as api from "../api.js";
import { badge, debounce, el, fact, heading, link, money, notice, time } from "../dom.js";
import { documentList } from "../documents.js";
import { t, tCount } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { overdueBadge } from "./financing-cards.js";
import { bankSections } from "./financing-bank.js";
import { ownerSections } from "./financing-owner.js";
import { months, refreshVerified, verificationNotice } from "./financing-shared.js";
import { regionLabel } from "./public-labels.js";

function contractFact(need, contract) {
  if (!need.contract_id) return null;
  const href = `#/contracts/${encodeURIComponent(need.contract_id)}`;
  return fact(
    "financing.field.contract",
    el("span", { className: "financing-contract" }, [
      link(href, t("financing.need.openContract")),
      contract ? badge("contract", contract.status) : null,
    ]),
  );
}

function summary(need, contract) {
  const disbursed = need.amount_disbursed
    ? [
        fact("financing.field.amountDisbursed", money(need.amount_disbursed, need.currency)),
        fact("financing.field.disbursedAt", time(need.disbursed_at)),
      ]
    : [];
  return [
    el("div", { className: "financing-summary__header" }, [
      el("p", { className: "financing-summary__purpose", text: need.purpose }),
      el("span", { className: "financing-need__badges" }, [
        badge("need", need.status),
        need.overdue ? overdueBadge() : null,
      ]),
    ]),
    need.overdue ? el("p", { className: "financing-need__warning", text: t("financing.overdue.explain") }) : null,
    el("dl", { className: "financing-summary__facts" }, [
      fact("financing.field.amount", money(need.amount, need.currency)),
      fact("financing.field.term", months(need.term_months)),
      fact("financing.field.productType", t(`productType.${need.product_type}`)),
      fact("financing.field.region", regionLabel(need.region)),
      fact("financing.field.status", badge("need", need.status)),
      fact("financing.field.offers", tCount("financing.offerCount", Number(need.offer_count) || 0)),
      fact("financing.field.firstOfferAt", need.first_offer_at ? time(need.first_offer_at) : t("financing.need.noOfferYet")),
      fact("financing.field.owner", need.owner?.name ?? t("financing.unknownName")),
      fact("financing.field.published", time(need.published_at)),
      fact("financing.field.respondBy", need.respond_by ? time(need.respond_by) : t("financing.need.noDeadline")),
      ...disbursed,
      contractFact(need, contract),
    ]),
    documentList(need.documents),
  ];
}

async function readContract(need, offers, isOwner) {
  const party = isOwner || offers.some((offer) => offer.status === "accepted");
  if (!need.contract_id || !party) return null;
  try {
    return await api.get(`/contracts/${encodeURIComponent(need.contract_id)}`);
  } catch {
    return null; // the link still leads to the contract page, which explains any refusal
  }
}

export async function render(view, { params }) {
  const needId = params.id;
  const path = `/financing-needs/${encodeURIComponent(needId)}`;
  const me = session.organization();
  const isOwnerKind = session.is("enterprise");
  const isBank = session.is("bank");
  const verified = isBank ? await refreshVerified() : true;

  const message = notice();
  const summaryPanel = el("section", { className: "panel financing-summary", attrs: { "aria-label": t("financing.need.summary") } });
  summaryPanel.hidden = true;
  view.append(heading("financing.need.title"));
  if (isBank && !verified) view.append(verificationNotice());
  view.append(message, summaryPanel);

  let state = { need: null, offers: [], contract: null };
  let parts = null;
  if (isOwnerKind) parts = ownerSections({ path, reload: () => load() });
  if (isBank) parts = bankSections({ path, verified, reload: () => load() });
  if (parts) view.append(...parts.nodes);

  // Reads overlap (a stream event during an action's re-read): only the newest one is painted.
  let loads = 0;

  async function load(minPosition) {
    const current = ++loads;
    const options = minPosition ? { min_position: minPosition } : {};
    const need = await api.get(path, options);
    const isOwner = need.owner?.id === me?.id;
    const offers = isOwner || isBank ? await api.getAll(`${path}/offers`, options) : [];
    const contract = await readContract(need, offers, isOwner);
    if (current !== loads) return;
    state = { need, offers, contract, isOwner };
    summaryPanel.replaceChildren(...summary(need, contract).filter(Boolean));
    summaryPanel.hidden = false;
    message.say("");
    parts?.paint(state);
  }

  async function firstLoad() {
    try {
      await load();
    } catch (error) {
      // An unverified bank may not read needs: the verification notice already says why.
      if (!(isBank && !verified && error.status === 403)) message.say(error, { error: true });
      parts?.paint(state);
    }
  }

  const reload = debounce(async (position) => {
    try {
      await load(position);
    } catch (error) {
      message.say(error, { error: true });
    }
  }, 200);
  const unsubscribe = stream.subscribe((event) => {
    const contractId = state.need?.contract_id;
    // Until a re-read has brought the loan contract's id, any contract event may be about it
    // (the parties sign while the re-read after the acceptance is still on its way).
    const ours = contractId ? event.stream_id === contractId : event.type?.startsWith("Contract.");
    if (event.stream_id === needId || ours) reload(event.position);
  });
  await firstLoad();
  return () => {
    reload.cancel();
    unsubscribe();
  };
}
