// #/requests/:id: one service request for its enterprise, its provider and staff: its facts,
// the actions the viewer may take now, and its timeline. Re-read live on its stream's events.

import * as api from "../api.js";
import { el, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { reloader } from "./events-common.js";
import { actionsFor } from "./requests-actions.js";
import { requestFacts, requestPath, statusLine, timeline } from "./requests-shared.js";

function auditLink(id) {
  if (!session.is("operator", "auditor")) return null;
  return el("p", {}, [el("a", { text: t("requests.history"), attrs: { href: `#/audit/streams/${encodeURIComponent(id)}` } })]);
}

export async function render(view, { params }) {
  const id = params.id;
  const first = await api.get(requestPath(id));
  const title = el("h2", { className: "page-title", text: first.title, attrs: { tabindex: "-1" } });
  const message = notice();
  const status = el("div");
  const facts = el("section", { className: "panel", attrs: { "aria-label": t("requests.facts") } });
  const actions = el("div", { className: "request-actions" });
  const history = el("section", { className: "panel", attrs: { "aria-labelledby": "timeline-title" } });
  let closed = false;
  let shownVersion = null;
  let unsubscribe = () => {};
  // After a provider returns it (退单), the request is no longer theirs to read: stop
  // re-reading, keep the confirmation, and offer the way back to the desk.
  const handedBack = () => {
    closed = true;
    refresh.cancel();
    unsubscribe();
    actions.replaceChildren(el("p", {}, [el("a", { text: t("requests.backToDesk"), attrs: { href: "#/provider/requests" } })]));
  };

  const show = async (request) => {
    title.textContent = request.title;
    status.replaceChildren(statusLine(request));
    facts.replaceChildren(
      el("dl", { className: "financing-product__facts" }, requestFacts(request)),
      el("p", { className: "service-product__description", text: request.description }),
    );
    history.replaceChildren(
      el("h3", { className: "events-panel__title", text: t("requests.timeline"), attrs: { id: "timeline-title" } }),
      timeline(request.timeline ?? []),
    );
    // The forms are rebuilt only when the request changed: a note being typed is kept.
    if (request.version === shownVersion) return;
    shownVersion = request.version;
    const parts = await actionsFor(request, message, () => refresh(), handedBack);
    if (!closed) actions.replaceChildren(...parts);
  };
  const refresh = reloader(async (query) => {
    const request = await api.get(requestPath(id), query);
    if (!closed) await show(request);
  }, (error) => message.say(error, { error: true }));
  await show(first);
  view.append(title, status, message, facts, actions, history, ...[auditLink(id)].filter(Boolean));
  unsubscribe = stream.subscribe((event) => {
    if (event.stream_id === id) refresh.after(event.position);
  });
  return () => {
    closed = true;
    refresh.cancel();
    unsubscribe();
  };
}
