// The need owner's part of #/financing/:id: the offer comparison (sortable, best rate marked,
// accept), withdrawing the need, and the bank products that match it.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, badge, button, el, money, notice, time } from "../dom.js";
import { formatMoneyExact } from "../format.js";
import { t } from "../i18n.js";
import { monthRange, months, percent, rate, rateRange, reasonText } from "./financing-shared.js";

const COLUMNS = [
  ["bank", "financing.offer.bank", null],
  ["amount", "financing.field.amount", (o) => Number(o.amount)],
  ["annual_rate", "financing.offer.rate", (o) => Number(o.annual_rate)],
  ["term_months", "financing.field.term", (o) => Number(o.term_months)],
  ["conditions", "financing.offer.conditions", null],
  ["valid_until", "financing.offer.validUntil", (o) => (o.valid_until ? Date.parse(o.valid_until) : Infinity)],
  ["status", "financing.field.status", null],
  ["actions", "financing.offer.actions", null],
];

const bankNames = new Map();

/** The bank's name: in the offer already, else from its public profile. */
async function bankName(offer) {
  if (offer.bank?.name) return offer.bank.name;
  const id = offer.bank?.id;
  if (!bankNames.has(id)) {
    bankNames.set(id, api.get(`/organizations/${encodeURIComponent(id)}`).then((o) => o.name, () => id));
  }
  return bankNames.get(id);
}

function bestRate(offers) {
  const active = offers.filter((offer) => offer.status === "submitted").map((o) => Number(o.annual_rate));
  return active.length ? Math.min(...active) : null;
}

function matchCard(product) {
  return el("li", { className: "financing-match" }, [
    el("div", { className: "financing-match__header" }, [
      el("h4", { className: "financing-match__name", text: product.name }),
      el("span", { className: "financing-score", text: t("financing.match.score", { score: percent(product.score) }) }),
    ]),
    el("p", { className: "financing-match__meta", text: [
      product.bank?.name ?? "",
      t(`productType.${product.product_type}`),
      rateRange(product.rate_min, product.rate_max),
      monthRange(product.term_min, product.term_max),
    ].filter(Boolean).join(" · ") }),
    el("ul", { className: "financing-match__reasons" },
      (product.reasons ?? []).map((reason) => el("li", { text: `${reasonText(reason)} (${percent(reason.contribution)})` })),
    ),
  ]);
}

export function ownerSections({ path, reload }) {
  const message = notice();
  const sort = { key: "annual_rate", ascending: true };
  const tableHolder = el("div", { className: "table-wrap" });
  const offersSection = el("section", { className: "panel financing-offers", attrs: { "aria-labelledby": "offers-title" } }, [
    el("h3", { text: t("financing.offers.title"), attrs: { id: "offers-title" } }),
    el("p", { className: "field__hint", text: t("financing.offers.hint") }),
    message,
    tableHolder,
  ]);
  const matchList = el("ul", { className: "financing-matches" });
  const matchStatus = el("p", { className: "results__status", text: t("common.loading") });
  const matchesSection = el("section", { className: "panel", attrs: { "aria-labelledby": "matches-title" } }, [
    el("h3", { text: t("financing.match.title"), attrs: { id: "matches-title" } }),
    el("p", { className: "field__hint", text: t("financing.match.hint") }),
    matchStatus,
    matchList,
  ]);
  const actions = el("div", { className: "form__actions financing-owner-actions" });
  offersSection.hidden = matchesSection.hidden = actions.hidden = true;
  let current = null;
  let matchesLoaded = false;

  function withdrawControls() {
    const confirm = button("financing.need.confirmWithdraw", () =>
      act(confirm, message, async () => {
        await api.post(`${path}/withdraw`, {}, { ifMatch: current.need.version });
        await reload();
      }, "financing.need.withdrawn"), { danger: true });
    const cancel = button("common.cancel", () => showStart());
    const start = button("financing.need.withdraw", () => {
      actions.replaceChildren(el("span", { text: t("financing.need.withdrawQuestion") }), confirm, cancel);
      confirm.focus();
    }, { danger: true });
    const showStart = () => {
      actions.replaceChildren(start);
      start.focus();
    };
    actions.replaceChildren(start);
  }

  function acceptButton(offer) {
    const node = button("financing.offer.accept", async () => {
      await confirmed(node, message, {
        titleKey: "financing.offer.acceptTitle",
        leadKey: "financing.offer.acceptLead",
        confirmKey: "financing.offer.acceptConfirm",
        facts: [
          ["financing.offer.bank", await bankName(offer)],
          ["confirm.amount", formatMoneyExact(offer.amount, current.need?.currency), "confirm__amount"],
          ["financing.offer.rate", rate(offer.annual_rate)],
          ["financing.field.term", months(offer.term_months)],
          offer.conditions ? ["financing.offer.conditions", offer.conditions] : null,
        ],
        run: async () => {
          const accepted = await api.post(`${path}/offers/${encodeURIComponent(offer.id)}/accept`);
          await reload();
          return accepted;
        },
      }, "financing.offer.acceptedNotice");
    }, { primary: true, attrs: { "data-offer-id": offer.id } });
    return node;
  }

  function header() {
    return el("tr", {}, COLUMNS.map(([key, labelKey, value]) => {
      if (!value) return el("th", { text: t(labelKey), attrs: { scope: "col" } });
      const active = sort.key === key;
      const direction = active ? (sort.ascending ? "ascending" : "descending") : "none";
      return el("th", { attrs: { scope: "col", "aria-sort": direction } }, [
        el("button", {
          className: "financing-sort",
          text: `${t(labelKey)}${active ? (sort.ascending ? " ↑" : " ↓") : ""}`,
          attrs: { type: "button", title: t("financing.offers.sortBy") },
          on: { click: () => {
            sort.ascending = active ? !sort.ascending : true;
            sort.key = key;
            paintOffers();
          } },
        }),
      ]);
    }));
  }

  function offerRow(offer, best, need) {
    const isBest = best !== null && offer.status === "submitted" && Number(offer.annual_rate) === best;
    const name = el("span", { text: offer.bank?.name ?? "…" });
    bankName(offer).then((text) => {
      name.textContent = text;
    });
    const canAccept = need.status === "open" && offer.status === "submitted";
    const cells = {
      bank: [name],
      amount: [money(offer.amount)],
      annual_rate: [
        el("span", { text: rate(offer.annual_rate) }),
        isBest ? el("span", { className: "badge financing-best", text: t("financing.offers.best") }) : null,
      ],
      term_months: [el("span", { text: months(offer.term_months) })],
      conditions: [el("span", { className: "financing-conditions", text: offer.conditions || "—" })],
      valid_until: [time(offer.valid_until)],
      status: [badge("offer", offer.status)],
      actions: [canAccept ? acceptButton(offer) : null],
    };
    const classes = [isBest ? "financing-offer--best" : "", offer.status === "accepted" ? "financing-offer--accepted" : ""];
    return el("tr", { className: classes.join(" ").trim(), attrs: { "data-offer-id": offer.id } },
      COLUMNS.map(([key, labelKey]) =>
        el(key === "bank" ? "th" : "td", { attrs: { "data-label": t(labelKey), scope: key === "bank" ? "row" : null } }, [
          el("span", { className: "financing-cell" }, cells[key]),
        ]),
      ),
    );
  }

  function paintOffers() {
    const { need, offers } = current;
    if (!offers.length) {
      tableHolder.replaceChildren(el("p", { className: "results__empty", text: t("financing.offers.none") }));
      return;
    }
    const value = COLUMNS.find(([key]) => key === sort.key)[2];
    const sorted = [...offers].sort((a, b) => (value(a) - value(b)) * (sort.ascending ? 1 : -1));
    const best = bestRate(offers);
    tableHolder.replaceChildren(el("table", { className: "data-table financing-offer-table" }, [
      el("caption", { className: "visually-hidden", text: t("financing.offers.title") }),
      el("thead", {}, [header()]),
      el("tbody", {}, sorted.map((offer) => offerRow(offer, best, need))),
    ]));
  }

  async function loadMatches() {
    matchesLoaded = true;
    try {
      const page = await api.get(`${path}/matches`);
      matchList.replaceChildren(...page.items.map(matchCard));
      matchStatus.textContent = page.items.length ? "" : t("financing.match.none");
    } catch (error) {
      matchStatus.textContent = error.message;
    }
  }

  function paint(state) {
    const visible = Boolean(state.need && state.isOwner);
    offersSection.hidden = matchesSection.hidden = !visible;
    actions.hidden = !visible || state.need.status !== "open";
    if (!visible) return;
    current = state;
    if (state.need.status === "open" && !actions.childElementCount) withdrawControls();
    if (state.need.status !== "open") actions.replaceChildren();
    paintOffers();
    if (!matchesLoaded) loadMatches();
  }

  return { nodes: [actions, offersSection, matchesSection], paint };
}
