// Operators verify banks: the banks waiting for verification, each with a verify button, and
// the banks already verified. Re-read live when a bank registers or is verified.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { button, el, heading, notice, time } from "../dom.js";
import { t } from "../i18n.js";
import * as stream from "../stream.js";
import { reloader } from "./events-common.js";
import { regionLabel } from "./public-labels.js";

const PAGE = 50;
const COLUMNS = ["name", "creditCode", "region", "registeredAt"];

const bankFacts = (bank) => [
  ["events.banks.name", bank.name],
  ["events.banks.creditCode", bank.credit_code],
  ["events.banks.region", regionLabel(bank.region)],
];

/** Verify or turn down a bank (or provider), each after a confirmation that restates which. */
export function decisionButtons(bank, message, refresh) {
  const verifyPath = `/organizations/${encodeURIComponent(bank.id)}/verify`;
  const verify = button("events.banks.verify", async () => {
    const done = await confirmed(verify, message, {
      titleKey: "events.banks.verifyTitle",
      leadKey: "events.banks.verifyLead",
      confirmKey: "events.banks.verifyConfirm",
      facts: bankFacts(bank),
      run: () => api.post(verifyPath),
    });
    if (!done) return;
    message.say(t("events.banks.verifiedOne", { name: bank.name }));
    await refresh();
  }, { primary: true, attrs: { "aria-label": t("events.banks.verifyFor", { name: bank.name }) } });
  const reject = button("events.banks.reject", async () => {
    const done = await confirmed(reject, message, {
      titleKey: "events.banks.rejectTitle",
      confirmKey: "events.banks.rejectConfirm",
      danger: true,
      facts: bankFacts(bank),
      reasonKey: "events.banks.rejectReason",
      run: ({ reason }) => api.post(verifyPath, { approve: false, reason }),
    });
    if (!done) return;
    message.say(t("events.banks.rejectedOne", { name: bank.name }));
    await refresh();
  }, { danger: true, attrs: { "aria-label": t("events.banks.rejectFor", { name: bank.name }) } });
  return el("div", { className: "banks__actions" }, [verify, reject]);
}

function row(bank, action) {
  const label = (key) => ({ "data-label": t(`events.banks.${key}`) });
  return el("tr", { attrs: { "data-id": bank.id } }, [
    el("th", { text: bank.name, attrs: { scope: "row", ...label("name") } }),
    el("td", { className: "banks__code", text: bank.credit_code, attrs: label("creditCode") }),
    el("td", { text: regionLabel(bank.region), attrs: label("region") }),
    el("td", { attrs: label("registeredAt") }, [time(bank.registered_at)]),
    action ? el("td", { attrs: label("actions") }, [action]) : null,
  ]);
}

/** A section with a table of banks (`verified` true or false) and its own "load more". */
function bankSection(verified, message, refresh) {
  const key = verified ? "verifiedTitle" : "waitingTitle";
  const titleId = `banks-${verified ? "verified" : "waiting"}`;
  const body = el("tbody");
  const columns = verified ? COLUMNS : [...COLUMNS, "actions"];
  const table = el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table banks__table", attrs: { "aria-labelledby": titleId } }, [
      el("thead", {}, [el("tr", {}, columns.map((c) => el("th", { text: t(`events.banks.${c}`), attrs: { scope: "col" } })))]),
      body,
    ]),
  ]);
  const empty = el("p", { className: "banks__empty", text: t(verified ? "events.banks.noneVerified" : "events.banks.noneWaiting") });
  const more = el("button", { className: "button", text: t("common.loadMore"), attrs: { type: "button" } });
  const moreWrap = el("div", { className: "banks__more" }, [more]);
  let limit = PAGE;
  more.addEventListener("click", () => {
    limit = Math.min(limit + PAGE, 200);
    refresh();
  });
  const node = el("section", { className: `panel banks banks--${verified ? "verified" : "waiting"}`, attrs: { "aria-labelledby": titleId } }, [
    el("h3", { className: "events-panel__title", text: t(`events.banks.${key}`), attrs: { id: titleId } }),
    empty,
    table,
    moreWrap,
  ]);
  node.load = async (params) => {
    const page = await api.get("/organizations", { ...params, kind: "bank", verified: String(verified), limit });
    const items = page.items ?? [];
    return () => {
      body.replaceChildren(...items.map((bank) => row(bank, verified ? null : decisionButtons(bank, message, refresh))));
      empty.hidden = items.length > 0;
      table.hidden = items.length === 0;
      moreWrap.hidden = !page.next_cursor || limit >= 200;
    };
  };
  return node;
}

export async function render(view) {
  const message = notice();
  let closed = false;
  let waiting = null;
  let verified = null;
  const refresh = reloader(async (params) => {
    const shows = await Promise.all([waiting.load(params), verified.load(params)]);
    if (!closed) for (const show of shows) show();
  }, (error) => message.say(error, { error: true }));
  waiting = bankSection(false, message, refresh);
  verified = bankSection(true, message, refresh);
  view.append(
    heading("events.banks.title"),
    el("p", { className: "events-intro", text: t("events.banks.intro") }),
    message,
    waiting,
    verified,
  );
  await refresh();
  const unsubscribe = stream.subscribe((event) => {
    if (event.type === "Organization.Registered" || event.type === "Organization.Verified") {
      refresh.after(event.position);
    }
  });
  return () => {
    closed = true;
    refresh.cancel();
    unsubscribe();
  };
}
