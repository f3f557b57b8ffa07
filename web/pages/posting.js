// One posting: its terms for everyone; the bid form and own bids for other enterprises; bids
// received, revise, withdraw and matches for the owner. Re-read live from the stream, so the
// owner sees a new (sealed) bid appear without reloading.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, badge, button, debounce, el, fact, heading, link, notice, time } from "../dom.js";
import { documentList } from "../documents.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { categoryLabel, regionLabel } from "./public-labels.js";
import { bidderPanel, receivedBids } from "./trade-bids.js";
import { matchesPanel } from "./trade-matches.js";
import { liveUpdates, positionAfter, priceRange, quantityText, sideBadge } from "./trade-common.js";

function facts(posting) {
  return el("dl", { className: "trade-facts" }, [
    fact("trade.posting.category", categoryLabel(posting.category)),
    fact("trade.posting.region", regionLabel(posting.region)),
    fact("trade.posting.quantity", quantityText(posting.quantity, posting.unit)),
    fact("trade.posting.price", priceRange(posting)),
    fact("trade.posting.owner", posting.owner?.name ?? posting.owner?.id),
    fact("trade.posting.bidCount", String(posting.bid_count)),
    fact("trade.posting.publishedAt", time(posting.published_at)),
    fact("trade.posting.expiresAt", time(posting.expires_at)),
  ]);
}

function details(posting) {
  const description = posting.description
    ? el("p", { className: "trade-description", text: posting.description })
    : el("p", { className: "trade-muted", text: t("trade.posting.noDescription") });
  return el("section", { className: "panel", attrs: { "aria-labelledby": "posting-terms" } }, [
    el("h3", { className: "trade-section-title", text: t("trade.posting.terms"), attrs: { id: "posting-terms" } }),
    facts(posting),
    el("h4", { className: "trade-subtitle", text: t("trade.posting.description") }),
    description,
    documentList(posting.documents),
  ]);
}

/** Revise and withdraw (with an inline confirmation) while the posting is open. */
function ownerActions(posting, message, changed) {
  if (posting.status !== "open") return null;
  const confirm = el("div", { className: "trade-confirm", attrs: { role: "group" } });
  confirm.hidden = true;
  const withdraw = button("trade.posting.withdraw", () => {
    confirm.hidden = false;
    withdraw.setAttribute("aria-expanded", "true");
    confirm.querySelector("button")?.focus();
  }, { danger: true, attrs: { "aria-expanded": "false" } });
  const yes = button("trade.posting.withdrawConfirm", () =>
    act(yes, message, async () => {
      const written = await api.post(`/postings/${encodeURIComponent(posting.id)}/withdraw`);
      await changed(written.position);
    }, "trade.posting.withdrawn"), { danger: true });
  const no = button("common.cancel", () => {
    confirm.hidden = true;
    withdraw.setAttribute("aria-expanded", "false");
    withdraw.focus();
  });
  confirm.append(el("span", { text: t("trade.posting.withdrawQuestion") }), yes, no);
  return el("div", { className: "trade-actions" }, [
    el("a", {
      className: "button",
      text: t("trade.posting.revise"),
      attrs: { href: `#/postings/${encodeURIComponent(posting.id)}/edit` },
    }),
    withdraw,
    confirm,
  ]);
}

/** The sale contract drafted from this posting, for the owner and the winning bidder. */
/** Operators take a posting down, with the reason, after a confirmation. */
function removeAction(posting, message, changed) {
  const node = button("moderation.remove", async () => {
    const done = await confirmed(node, message, {
      titleKey: "moderation.removeTitle",
      leadKey: "moderation.removeLead",
      confirmKey: "moderation.removeConfirm",
      danger: true,
      facts: [["trade.posting.owner", posting.owner?.name ?? posting.owner?.id]],
      reasonKey: "moderation.reason",
      run: ({ reason }) => api.post(`/postings/${encodeURIComponent(posting.id)}/remove`, { reason }),
    }, "moderation.removeDone");
    if (done) await changed(done.value.position);
  }, { danger: true, attrs: { id: "remove-posting" } });
  return el("div", { className: "trade-actions" }, [node]);
}

async function findContract(postingId) {
  const contracts = await api.getAll("/contracts", { kind: "sale" });
  return contracts.find((contract) => contract.source?.posting_id === postingId)?.id ?? null;
}

function contractLink(contractId) {
  if (!contractId) return null;
  return el("p", { className: "panel trade-contract-link" }, [
    el("span", { text: t("trade.posting.contractDrafted") }),
    " ",
    link(`#/contracts/${encodeURIComponent(contractId)}`, t("trade.posting.openContract")),
  ]);
}

export async function render(view, { params }) {
  const id = params.id;
  const message = notice();
  const me = session.organization();
  const title = heading("trade.posting.loading");
  const badges = el("p", { className: "trade-badges" });
  const body = el("div", { className: "trade-posting" });
  const owner = el("div");
  const contract = el("div");
  const moderation = el("div");
  const parts = { posting: null, bids: null, matches: null, contractId: null, mine: false };
  let generation = 0;
  let ownerShownFor = "";

  function show() {
    const posting = parts.posting;
    title.textContent = posting.title;
    badges.replaceChildren(sideBadge(posting.side), " ", badge("posting", posting.status), " ", live.badge);
    body.replaceChildren(details(posting));
    // Rebuilt only when the status changes, so a bid arriving does not close the confirmation.
    if (me?.kind === "operator") {
      moderation.replaceChildren(posting.status === "removed" ? "" : removeAction(posting, message, changed));
    }
    if (posting.removal_reason) {
      body.prepend(el("p", { className: "notice notice--error", text: t("moderation.removedBecause", { reason: posting.removal_reason }) }));
    }
    if (parts.mine && ownerShownFor !== posting.status) {
      ownerShownFor = posting.status;
      owner.replaceChildren(ownerActions(posting, message, changed) ?? "");
    }
  }

  function showContract(contractId) {
    parts.contractId = contractId;
    contract.replaceChildren(contractLink(contractId) ?? "");
  }

  /** Re-read everything shown; a slower, older re-read never overwrites a newer one. */
  async function refresh(position, preloaded) {
    const current = ++generation;
    const isCurrent = () => current === generation;
    const options = position ? { min_position: position } : undefined;
    const posting = preloaded ?? (await api.get(`/postings/${encodeURIComponent(id)}`, options));
    if (!isCurrent()) return;
    parts.posting = posting;
    show();
    await Promise.all([
      parts.bids?.reload(posting, position, isCurrent),
      parts.matches?.reload(posting, position, isCurrent),
    ]);
    // A party of the sale contract reads its id on the posting (API.md "Rules changed");
    // from a server without it, the contract is looked for among the party's contracts.
    if (posting.contract_id && !parts.contractId) showContract(posting.contract_id);
    else if (posting.status === "awarded" && !parts.contractId && parts.bids?.mayHaveContract()) {
      const found = await findContract(id);
      if (isCurrent()) showContract(found);
    }
  }

  function changed(position) {
    return refresh(positionAfter({ position })).catch((error) => message.say(error, { error: true }));
  }

  const onEvent = debounce(changed);
  const live = liveUpdates((event) => {
    if (event.stream_id === id) onEvent(event.position);
    else if (event.type === "match" && event.posting_id === id) parts.matches?.reload(parts.posting);
    // Only the parties receive it: the contract drafted when the posting was awarded.
    else if (event.type === "Contract.Drafted" && event.data?.source?.posting_id === id) showContract(event.stream_id);
  });
  view.append(title, badges, message);
  let first;
  try {
    first = await api.get(`/postings/${encodeURIComponent(id)}`);
  } catch (error) {
    title.textContent = t("trade.posting.missing");
    message.say(error, { error: true });
    return live.stop;
  }
  parts.mine = Boolean(me) && me.id === first.owner?.id;
  if (parts.mine) {
    const onAccepted = (contractId, position) => {
      showContract(contractId);
      return changed(position);
    };
    parts.bids = receivedBids({ postingId: id, message, changed, onAccepted });
    parts.matches = matchesPanel(id);
  } else if (me?.kind === "enterprise") {
    parts.bids = bidderPanel({ postingId: id, message, changed });
  }
  view.append(contract, moderation, owner, body, parts.bids?.node ?? anonymousHint(me, id), parts.matches?.node ?? "");
  const stop = () => {
    onEvent.cancel();
    live.stop();
  };
  try {
    await refresh(0, first);
  } catch (error) {
    // The terms are on show; what failed (bids, the contract) is said, and the page stays live.
    message.say(error, { error: true });
  }
  return stop;
}

function anonymousHint(me, id) {
  if (me) return "";
  const next = encodeURIComponent(`#/postings/${id}`);
  return el("p", { className: "panel" }, [
    el("a", { text: t("trade.bid.loginToBid"), attrs: { href: `#/login?next=${next}` } }),
  ]);
}
