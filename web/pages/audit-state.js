// An aggregate's state (JSON from /audit/streams/{id}?version=N) as nested key/value lists.
// Keys and values are shown as stored: an auditor compares them with the events, not labels.

import { el } from "../dom.js";
import { t } from "../i18n.js";
import { preciseTime } from "./audit-events.js";

const MAX_DEPTH = 6;

// The aggregates' datetimes as jsonable.py writes them (isoformat with an offset).
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function scalar(value) {
  if (value === null || value === undefined) {
    return el("span", { className: "audit-state__null", text: "—", attrs: { title: "null" } });
  }
  if (typeof value === "string" && MOMENT.test(value)) {
    // Local time to read, the stored value on hover and for assistive technology.
    const node = preciseTime(value);
    node.setAttribute("title", value);
    return node;
  }
  return el("span", { className: `audit-state__${typeof value}`, text: String(value) });
}

function valueNode(value, depth) {
  if (value === null || typeof value !== "object") return scalar(value);
  if (depth >= MAX_DEPTH) return el("pre", { className: "audit-json", text: JSON.stringify(value, null, 2) });
  if (Array.isArray(value)) {
    if (!value.length) return el("span", { className: "audit-state__empty", text: t("audit.state.emptyList") });
    return el("ol", { className: "audit-state__list" }, value.map((entry) => el("li", {}, [valueNode(entry, depth + 1)])));
  }
  const entries = Object.entries(value);
  if (!entries.length) return el("span", { className: "audit-state__empty", text: t("audit.state.emptyObject") });
  return list(entries, depth + 1);
}

function list(entries, depth) {
  return el("dl", { className: "audit-state" }, entries.map(([key, value]) =>
    el("div", { className: "audit-state__entry", attrs: { "data-key": key } }, [
      // A stored field name, not a label: browsers' page translation must leave it alone too.
      el("dt", { text: key, attrs: { translate: "no" } }),
      el("dd", {}, [valueNode(value, depth)]),
    ]),
  ));
}

/** The state's keys in their stored order, nested objects and lists indented below. */
export function stateList(state) {
  const node = list(Object.entries(state ?? {}), 0);
  node.classList.add("audit-state--top");
  node.id = "audit-state";
  return node;
}
