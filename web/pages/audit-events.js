// The table of audit events shared by the log browser and a stream's history: one <tbody> per
// event holding its row, its data (hidden until asked for) and its verification result.

import { button, el } from "../dom.js";
import { language, t } from "../i18n.js";
import { eventData, eventTypeName } from "./audit-data.js";
import { short, verifyEvent } from "./audit-verify.js";

const COLUMNS = 7;
let counter = 0;

/** Local date and time to the second: the events of one deal are often seconds apart. */
export function preciseDateTime(iso) {
  const date = new Date(iso ?? "");
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeStyle: "medium" }).format(date);
}

export function preciseTime(iso) {
  return el("time", { text: preciseDateTime(iso), attrs: { datetime: iso ? String(iso) : null } });
}

/** "aggregates.posting:Posting.BidPlaced" -> "Posting.BidPlaced". */
export function eventName(topic) {
  return String(topic ?? "").split(":").pop();
}

function cell(labelKey, content, className) {
  const children = content instanceof Node ? [content] : [];
  const text = content instanceof Node ? undefined : content ?? "—";
  return el("td", { className, text, attrs: { "data-label": t(labelKey) } }, children);
}

function streamLink(id) {
  return el("a", {
    className: "digest",
    text: short(id),
    attrs: { href: `#/audit/streams/${encodeURIComponent(id)}`, title: id, "aria-label": t("audit.event.streamLink", { id }) },
  });
}

function hash(hex) {
  if (!hex) return el("span", { text: t("audit.event.noLeaf") });
  return el("code", { className: "digest", text: short(hex), attrs: { title: hex } });
}


function step(result, index) {
  const state = result.ok ? "ok" : "failed";
  return el("li", { className: `audit-step audit-step--${state}` }, [
    el("span", { className: "audit-step__mark", text: result.ok ? "✓" : "✗", attrs: { "aria-hidden": "true" } }),
    el("span", { className: "audit-step__title", text: t("audit.step.title", { n: index + 1, name: t(`audit.step.${result.step}`) }) }),
    el("span", { className: "visually-hidden", text: t(`audit.step.${state}`) }),
    el("span", { className: "audit-step__detail", text: t(result.key, result.params) }),
  ]);
}

function summary({ ok, steps, checkpoint }) {
  if (ok) {
    return t("audit.verify.verified", { size: checkpoint.tree_size, root: short(checkpoint.root_hash) });
  }
  const first = steps.findIndex((s) => !s.ok);
  return t("audit.verify.failed", { n: first + 1, name: t(`audit.step.${steps[first].step}`) });
}

function showResult(output, outcome) {
  output.classList.toggle("audit-result--ok", outcome.ok);
  output.classList.toggle("audit-result--failed", !outcome.ok);
  output.replaceChildren(
    el("p", { className: "audit-result__summary", text: summary(outcome) }),
    el("ol", { className: "audit-steps" }, outcome.steps.map(step)),
  );
}

async function verify(trigger, output, item, checkpoints) {
  trigger.setAttribute("disabled", "");
  output.closest("tr").hidden = false;
  output.className = "audit-result";
  output.replaceChildren(el("p", { text: t("audit.verify.running") }));
  try {
    showResult(output, await verifyEvent(item, checkpoints));
  } catch (error) {
    console.error("verification failed to run", error);
    output.classList.add("audit-result--failed");
    output.replaceChildren(el("p", { text: t("audit.verify.error", { reason: error.message }) }));
  } finally {
    trigger.removeAttribute("disabled");
  }
}

function eventBody(item, { checkpoints, showStream }) {
  const id = `audit-event-${++counter}`;
  const dataRow = el("tr", { className: "audit-event__data", attrs: { id: `${id}-data` } }, [
    el("td", { attrs: { colspan: String(COLUMNS) } }, [eventData(item.data, t("audit.event.undecodable"))]),
  ]);
  dataRow.hidden = true;
  const output = el("div", { className: "audit-result", attrs: { role: "status", "aria-live": "polite" } });
  const resultRow = el("tr", { className: "audit-event__result" }, [el("td", { attrs: { colspan: String(COLUMNS) } }, [output])]);
  resultRow.hidden = true;
  const details = button("audit.event.details", () => {
    dataRow.hidden = !dataRow.hidden;
    details.setAttribute("aria-expanded", String(!dataRow.hidden));
  }, { attrs: { "aria-expanded": "false", "aria-controls": dataRow.id, "aria-label": t("audit.event.detailsLabel", { position: item.position }) } });
  const check = button("audit.event.verify", () => verify(check, output, item, checkpoints), {
    primary: true,
    attrs: { "aria-label": t("audit.event.verifyLabel", { position: item.position }) },
  });
  const main = el("tr", { className: "audit-event__row" }, [
    cell("audit.event.position", String(item.position)),
    cell("audit.event.leafIndex", item.leaf_index === null ? null : String(item.leaf_index)),
    showStream
      ? cell("audit.event.stream", streamLink(item.stream_id))
      : cell("audit.event.version", String(item.stream_version)),
    cell("audit.event.type", el("span", { className: "audit-type" }, [
      el("span", { text: eventTypeName(eventName(item.type)) }),
      el("code", { className: "audit-type__class", text: eventName(item.type), attrs: { title: item.type } }),
    ])),
    cell("audit.event.recordedAt", preciseTime(item.recorded_at)),
    cell("audit.event.leafHash", hash(item.leaf_hash)),
    cell("audit.event.actions", el("div", { className: "audit-actions" }, [details, check]), "audit-event__actions"),
  ]);
  return el("tbody", { className: "audit-event", attrs: { "data-position": String(item.position) } }, [main, dataRow, resultRow]);
}

/**
 * The events as a table. `checkpoints` = `{current(), refresh()}` for the verify buttons;
 * `showStream` shows the aggregate (log browser) instead of its version (one stream's history).
 */
export function eventTable(items, { checkpoints, showStream = true, captionKey }) {
  const columns = [
    "audit.event.position",
    "audit.event.leafIndex",
    showStream ? "audit.event.stream" : "audit.event.version",
    "audit.event.type",
    "audit.event.recordedAt",
    "audit.event.leafHash",
    "audit.event.actions",
  ];
  const head = el("thead", {}, [el("tr", {}, columns.map((key) => el("th", { text: t(key), attrs: { scope: "col" } })))]);
  const table = el("table", { className: "data-table audit-table" }, [
    captionKey ? el("caption", { className: "visually-hidden", text: t(captionKey) }) : null,
    head,
    ...items.map((item) => eventBody(item, { checkpoints, showStream })),
  ]);
  return el("div", { className: "table-wrap" }, [table]);
}
