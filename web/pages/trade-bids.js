// Bids on a posting. The owner's panel lists every bid received, with accept (optionally naming
// the exhibition where the deal was made) and reject (optional reason); a bidder's panel lists
// its own bids, with withdraw, and the form to place one. Bids are sealed: the server returns
// only what the caller may see, and refuses everyone else.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, badge, button, el, field, money, notice, onSubmit, time } from "../dom.js";
import { formatMoneyExact, timesToCents } from "../format.js";
import { t } from "../i18n.js";
import { quantityText, stackedTable } from "./trade-common.js";

const path = (postingId, ...rest) =>
  ["/postings", postingId, "bids", ...rest].map((part, i) => (i ? encodeURIComponent(part) : part)).join("/");

async function readBids(postingId, position) {
  return api.getAll(path(postingId), position ? { min_position: position } : {});
}

function section(labelKey, id, children) {
  return el("section", { className: "panel trade-bids", attrs: { "aria-labelledby": id } }, [
    el("h3", { className: "trade-section-title", text: t(labelKey), attrs: { id } }),
    ...children,
  ]);
}

const days = (value) => (value === null || value === undefined ? "—" : t("trade.terms.days", { days: value }));

function bidTable(captionKey, bids, posting, { withBidder, actions }) {
  const columns = [
    withBidder ? ["trade.bids.bidder", (bid) => bid.bidder?.name ?? bid.bidder?.id] : null,
    ["trade.bids.unitPrice", (bid) => money(bid.unit_price, posting.currency)],
    ["trade.bids.quantity", (bid) => quantityText(bid.quantity, posting.unit)],
    ["trade.bids.deliveryDays", (bid) => days(bid.delivery_days)],
    ["trade.bids.message", (bid) => bid.message || "—", "trade-message"],
    ["trade.bids.status", (bid) => [
      badge("bid", bid.status),
      bid.reason ? el("div", { className: "trade-muted", text: t("trade.bids.reasonShown", { reason: bid.reason }) }) : null,
    ].filter(Boolean)],
    ["trade.bids.placedAt", (bid) => time(bid.placed_at)],
    ["trade.bids.actions", (bid) => actions(bid), "trade-row-actions"],
  ].filter(Boolean);
  return stackedTable(captionKey, columns, bids, (bid) => ({ "data-bid": bid.id }));
}

/** Exhibitions a deal may be attributed to (not cancelled ones), as a labelled <select>. */
async function exhibitionChooser() {
  const id = "accept-exhibition";
  const select = el("select", { attrs: { id, name: "exhibition_id" } }, [
    el("option", { text: t("trade.bids.noExhibition"), attrs: { value: "" } }),
  ]);
  const wrapper = el("div", { className: "field trade-exhibition" }, [
    el("label", { text: t("trade.bids.exhibition"), attrs: { for: id } }),
    select,
    el("small", { className: "field__hint", text: t("trade.bids.exhibitionHint") }),
  ]);
  try {
    const page = await api.get("/exhibitions", { limit: 200 });
    for (const exhibition of page.items ?? []) {
      if (exhibition.status === "cancelled") continue;
      select.append(el("option", { text: exhibition.name, attrs: { value: exhibition.id } }));
    }
  } catch {
    // Without the list the deal is simply not attributed to an exhibition.
  }
  return { wrapper, select };
}

function rejectForm(postingId, bid, message, changed, toggle) {
  const form = el("form", { className: "trade-inline-form", attrs: { novalidate: "" } }, [
    field("reason", "trade.bids.reason", { attrs: { maxlength: "2000" } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--danger", text: t("trade.bids.rejectConfirm"), attrs: { type: "submit" } }),
      button("common.cancel", () => toggle(false)),
    ]),
  ]);
  form.hidden = true;
  onSubmit(form, message, async ({ reason }) => {
    const written = await api.post(path(postingId, bid.id, "reject"), reason ? { reason } : {});
    message.say(t("trade.bids.rejected"));
    await changed(written.position);
  });
  return form;
}

/** The owner's view: every bid received; accept or reject while the posting is open. */
export function receivedBids({ postingId, message, changed, onAccepted }) {
  const table = el("div");
  let chooser = null;
  const exhibitions = () => (chooser ??= exhibitionChooser());
  const chooserSlot = el("div");
  const node = section("trade.bids.received", "bids-received", [chooserSlot, table]);
  let shown = "";

  function actions(posting, bid) {
    if (posting.status !== "open" || bid.status !== "submitted") return [];
    const who = bid.bidder?.name ?? "";
    const accept = button("trade.bids.accept", async () => {
      const { select } = await exhibitions();
      const body = select.value ? { exhibition_id: select.value } : {};
      const exhibition = select.value ? select.selectedOptions[0]?.textContent : null;
      await confirmed(accept, message, {
        titleKey: "trade.bids.acceptTitle",
        leadKey: "trade.bids.acceptLead",
        confirmKey: "trade.bids.acceptConfirm",
        facts: [
          ["trade.bids.bidder", who || bid.bidder?.id],
          ["trade.bids.unitPrice", t("price.perUnit", { price: formatMoneyExact(bid.unit_price, posting.currency), unit: posting.unit ?? "" })],
          ["trade.bids.quantity", quantityText(bid.quantity, posting.unit)],
          ["trade.bids.total", formatMoneyExact(timesToCents(bid.unit_price, bid.quantity), posting.currency), "confirm__amount"],
          exhibition ? ["trade.bids.exhibition", exhibition] : null,
        ],
        run: async () => {
          const accepted = await api.post(path(postingId, bid.id, "accept"), body);
          await onAccepted(accepted.contract_id, accepted.position);
          return accepted;
        },
      }, "trade.bids.accepted");
    }, { primary: true, attrs: { "aria-label": t("trade.bids.acceptLabel", { name: who }) } });
    const toggle = (open) => {
      form.hidden = !open;
      reject.setAttribute("aria-expanded", String(open));
      if (open) form.querySelector("input")?.focus();
      else reject.focus();
    };
    const reject = button("trade.bids.reject", () => toggle(form.hidden), {
      danger: true,
      attrs: { "aria-expanded": "false", "aria-label": t("trade.bids.rejectLabel", { name: who }) },
    });
    const form = rejectForm(postingId, bid, message, changed, toggle);
    return [el("div", { className: "trade-row-buttons" }, [accept, reject]), form];
  }

  async function reload(posting, position, isCurrent = () => true) {
    try {
      const bids = await readBids(postingId, position);
      if (!isCurrent()) return;
      const key = JSON.stringify([posting.status, bids]);
      if (key === shown) return;
      shown = key;
      const open = posting.status === "open" && bids.some((bid) => bid.status === "submitted");
      chooserSlot.replaceChildren(open ? (await exhibitions()).wrapper : "");
      table.replaceChildren(
        bids.length
          ? bidTable("trade.bids.received", bids, posting, { withBidder: true, actions: (bid) => actions(posting, bid) })
          : el("p", { className: "trade-muted", text: t("trade.bids.none") }),
      );
    } catch (error) {
      table.replaceChildren(el("p", { className: "notice notice--error", text: error.message }));
    }
  }

  return { node, reload, mayHaveContract: () => true };
}

function bidBody(values) {
  const days = values.delivery_days;
  return {
    unit_price: values.unit_price ?? "",
    quantity: values.quantity ?? "",
    // An integer when it is one; anything else is sent as typed, for the server to explain.
    delivery_days: days === undefined ? undefined : /^\d+$/.test(days) ? Number(days) : days,
    message: values.message,
  };
}

function bidForm(postingId, posting, message, changed) {
  const formNotice = notice();
  const form = el("form", { className: "form trade-bid-form", attrs: { novalidate: "", "aria-labelledby": "bid-form-title" } }, [
    el("h4", { className: "trade-subtitle", text: t("trade.bid.title"), attrs: { id: "bid-form-title" } }),
    el("p", { className: "field__hint", text: t("trade.bid.sealed") }),
    formNotice,
    field("unit_price", "trade.bid.unitPrice", {
      hintKey: "trade.bid.unitPriceHint",
      attrs: { required: "", inputmode: "decimal", autocomplete: "off" },
    }),
    field("quantity", "trade.bid.quantity", {
      value: posting.quantity,
      attrs: { required: "", inputmode: "decimal", autocomplete: "off" },
    }),
    field("delivery_days", "trade.bid.deliveryDays", { attrs: { inputmode: "numeric", autocomplete: "off" } }),
    field("message", "trade.bid.message", { type: "textarea", attrs: { maxlength: "2000" } }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("trade.bid.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, formNotice, async (values) => {
    const placed = await api.post(path(postingId), bidBody(values));
    form.reset();
    message.say(t("trade.bid.placed"));
    await changed(placed.position);
  });
  return form;
}

/** Another enterprise's view: its own bids (withdraw) and the form to bid. */
export function bidderPanel({ postingId, message, changed }) {
  const table = el("div");
  const formSlot = el("div");
  const node = section("trade.bids.mine", "bids-mine", [table, formSlot]);
  let own = [];
  let shown = "";
  let form = null;

  function actions(bid) {
    if (bid.status !== "submitted") return [];
    const withdraw = button("trade.bids.withdraw", () =>
      act(withdraw, message, async () => {
        const written = await api.post(path(postingId, bid.id, "withdraw"));
        await changed(written.position);
      }, "trade.bids.withdrawn"), { danger: true });
    return [withdraw];
  }

  async function reload(posting, position, isCurrent = () => true) {
    let read = [];
    try {
      read = await readBids(postingId, position);
    } catch (error) {
      // 403: no bid from us yet, so nothing of ours to show.
      if (error?.status !== 403) message.say(error, { error: true });
    }
    if (!isCurrent()) return;
    own = read;
    const key = JSON.stringify([posting.status, own]);
    if (key === shown) return;
    shown = key;
    table.replaceChildren(
      own.length
        ? bidTable("trade.bids.mine", own, posting, { withBidder: false, actions })
        : el("p", { className: "trade-muted", text: t("trade.bids.noneOfMine") }),
    );
    const active = own.some((bid) => bid.status === "submitted");
    if (posting.status !== "open") formSlot.replaceChildren(el("p", { className: "trade-muted", text: t("trade.bid.closed") }));
    else if (active) formSlot.replaceChildren(el("p", { className: "trade-muted", text: t("trade.bid.oneActive") }));
    else {
      form ??= bidForm(postingId, posting, message, changed);
      formSlot.replaceChildren(form);
    }
  }

  return { node, reload, mayHaveContract: () => own.some((bid) => bid.status === "accepted") };
}
