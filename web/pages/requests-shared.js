// Pieces shared by the service request pages (诉求): options, the request card with its
// deadlines, the timeline, and a list read page by page that follows the stream.

import * as api from "../api.js";
import { badge, debounce, el, fact, notice, time } from "../dom.js";
import { t } from "../i18n.js";
import { pagedList, resultsSection } from "../paging.js";
import * as stream from "../stream.js";
import { regionLabel } from "./public-labels.js";
import { sameItems } from "./services-shared.js";

export const URGENCIES = ["urgent", "timely", "general", "complex"];
export const REQUEST_STATUSES = ["submitted", "dispatched", "accepted", "resolved", "reopened", "closed", "withdrawn"];

export function urgencyOptions(anyKey) {
  const options = URGENCIES.map((urgency) => [urgency, `urgency.${urgency}`]);
  return anyKey ? [["", anyKey], ...options] : options;
}

export function statusOptions(anyKey) {
  return [["", anyKey], ...REQUEST_STATUSES.map((status) => [status, `status.request.${status}`])];
}

export function requestPath(id, suffix = "") {
  return `/service-requests/${encodeURIComponent(id)}${suffix}`;
}

export function isOverdue(request) {
  return Boolean(request?.overdue?.accept || request?.overdue?.resolve);
}

export function isRequestEvent(message) {
  return String(message?.type ?? "").startsWith("ServiceRequest.");
}

/** The deadline in force: accept by (dispatched), resolve by (accepted, reopened). */
function deadline(request) {
  if (request.status === "dispatched" && request.accept_by) {
    return fact("requests.acceptBy", time(request.accept_by));
  }
  if (["accepted", "reopened"].includes(request.status) && request.resolve_by) {
    return fact("requests.resolveBy", time(request.resolve_by));
  }
  return null;
}

export function requestFacts(request) {
  return [
    fact("services.field.category", t(`serviceCategory.${request.category}`)),
    fact("requests.field.urgency", t(`urgency.${request.urgency}`)),
    fact("requests.field.region", regionLabel(request.region)),
    fact("requests.enterprise", request.enterprise?.name ?? "—"),
    fact("requests.provider", request.provider?.name ?? t("requests.noProvider")),
    fact("requests.submittedAt", time(request.submitted_at)),
    deadline(request),
    request.satisfaction ? fact("requests.satisfaction", t("requests.stars", { count: request.satisfaction })) : null,
  ].filter(Boolean);
}

export function statusLine(request) {
  return el("p", { className: "request-status" }, [
    badge("request", request.status),
    isOverdue(request) ? el("span", { className: "badge badge--overdue", text: t("requests.overdue") }) : null,
  ]);
}

/** A request as a card linking to its page; `extra` goes under its facts. */
export function requestCard(request, extra = null) {
  const href = `#/requests/${encodeURIComponent(request.id)}`;
  const overdue = isOverdue(request) ? " financing-need--overdue" : "";
  return el("li", {}, [
    el("article", { className: `financing-need service-request${overdue}`, attrs: { "data-request-id": request.id } }, [
      el("header", { className: "financing-need__header" }, [
        el("h4", { className: "financing-need__title" }, [el("a", { text: request.title, attrs: { href } })]),
        statusLine(request),
      ]),
      el("dl", { className: "financing-product__facts" }, requestFacts(request)),
      extra,
    ]),
  ]);
}

function stepBy(step) {
  if (!step.by) return t("requests.platform");
  return step.by.name ?? t(`kind.${step.by.kind}`);
}

function stepDetail(step) {
  const details = step.details ?? {};
  if (step.type === "feedback") {
    const key = details.reopened ? "requests.step.feedbackReopened" : "requests.step.feedbackClosed";
    return t(key, { count: details.satisfaction });
  }
  if (step.type === "overdue") return t(`requests.step.overdue.${details.deadline === "resolve" ? "resolve" : "accept"}`);
  return null;
}

/** The request's history, oldest first: who did what when, with their words. */
export function timeline(steps) {
  return el("ol", { className: "request-timeline" }, steps.map((step) =>
    el("li", { className: `request-timeline__step request-timeline__step--${String(step.type).replace(/[^a-z_]/g, "")}` }, [
      el("p", { className: "request-timeline__head" }, [
        el("strong", { text: t(`requests.step.${step.type}`) }),
        el("span", { text: ` · ${stepBy(step)} · ` }),
        time(step.at),
      ]),
      stepDetail(step) ? el("p", { text: stepDetail(step) }) : null,
      step.text ? el("p", { className: "request-timeline__text", text: step.text }) : null,
    ]),
  ));
}

/**
 * A list of requests (`params()` the filters) with its heading, status line and "load more",
 * re-read when a request event arrives. `card(request)` renders one item.
 */
export function requestList({ id, titleKey, params, card = requestCard, noneKey = "requests.none" }) {
  const message = notice();
  const status = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "financing-needs service-requests" });
  const shown = sameItems();
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/service-requests", { ...params(), limit: 50, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      // Unchanged after a live re-read: an open dispatch form stays as it is.
      if (shown(items, append)) return;
      if (!append) list.replaceChildren();
      list.append(...items.map((request) => card(request)).filter(Boolean));
    },
    onShown: (count) => {
      status.textContent = count ? t("requests.count", { count }) : t(noneKey);
    },
    message,
    status,
  });
  return { section: resultsSection(id, titleKey, { status, message, list, more: paging.more }), ...paging };
}

/** Re-read `lists` on request events; returns the cleanup. */
export function followRequests(lists) {
  const reload = debounce((position) => lists.forEach((list) => list.load({ minPosition: position })), 300);
  const unsubscribe = stream.subscribe((event) => {
    if (isRequestEvent(event)) reload(event.position);
  });
  return () => {
    reload.cancel();
    unsubscribe();
    lists.forEach((list) => list.cancel());
  };
}
