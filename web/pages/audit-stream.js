// #/audit/streams/:id — one aggregate's full history, and its state as it was at a chosen
// version (?version=N) or time (?at=ISO), rebuilt by the server from the stored events.

import * as api from "../api.js";
import { el, fact, field, heading, link, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { checkpointSource } from "./audit-checkpoint.js";
import { eventTypeName } from "./audit-data.js";
import { eventName, eventTable, preciseDateTime, preciseTime } from "./audit-events.js";
import { stateList } from "./audit-state.js";

function aggregateName(items) {
  const topic = items[0]?.data?.originator_topic ?? items[0]?.type ?? "";
  return eventName(topic).split(".")[0];
}

function versionOptions(items) {
  return items.map((item) => [
    String(item.stream_version),
    t("audit.stream.versionOption", {
      version: item.stream_version,
      type: eventTypeName(eventName(item.type)),
      time: preciseDateTime(item.recorded_at),
    }),
  ]);
}

/** A select of versions; `field()` translates option labels, these are built already. */
function versionField(items, selected) {
  const wrapper = field("version", "audit.stream.version", { options: [] });
  const select = wrapper.querySelector("select");
  select.append(...versionOptions(items).map(([value, text]) => el("option", { text, attrs: { value } })));
  select.value = String(selected ?? items.at(-1).stream_version);
  return wrapper;
}

function localInput(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

export async function render(view, { params, query }) {
  const id = params.id;
  const path = `/audit/streams/${encodeURIComponent(id)}`;
  const history = await api.get(path);
  const items = history.items;
  const last = items.at(-1).stream_version;
  const asked = { version: query.get("version"), at: query.get("at") };

  const say = notice();
  const output = el("div", { className: "audit-state-output", attrs: { "aria-live": "polite" } });

  // The two forms may both be waiting for an answer: only the latest request is shown.
  let asking = 0;

  async function showState(request) {
    const current = ++asking;
    const answer = await api.get(path, request);
    if (current !== asking) return;
    const state = answer.state ?? {};
    const titleKey = request.at ? "audit.stream.stateAt" : "audit.stream.stateVersion";
    output.replaceChildren(
      el("h4", { text: t(titleKey, { version: state.version ?? "—", time: preciseDateTime(request.at) }) }),
      stateList(state),
    );
    const hash = `#/audit/streams/${encodeURIComponent(id)}?${new URLSearchParams(request)}`;
    window.history.replaceState(null, "", hash);
  }

  const byVersion = el("form", { className: "audit-state-form", attrs: { novalidate: "" } }, [
    versionField(items, asked.version),
    el("button", { className: "button button--primary", text: t("audit.stream.showVersion"), attrs: { type: "submit" } }),
  ]);
  onSubmit(byVersion, say, ({ version }) => showState({ version }));
  const byTime = el("form", { className: "audit-state-form", attrs: { novalidate: "" } }, [
    field("at", "audit.stream.at", { type: "datetime-local", value: localInput(asked.at), hintKey: "audit.stream.atHint", attrs: { step: "1" } }),
    el("button", { className: "button", text: t("audit.stream.showAt"), attrs: { type: "submit" } }),
  ]);
  onSubmit(byTime, say, async ({ at }) => {
    const moment = new Date(at ?? "");
    if (Number.isNaN(moment.getTime())) {
      say.say(t("audit.stream.atInvalid"), { error: true });
      return;
    }
    // Answered here rather than by the server's 404, which the console would log as an error.
    const born = new Date(items[0].data?.timestamp ?? "");
    if (moment < born) {
      say.say(t("audit.stream.notYet", { time: preciseDateTime(born.toISOString()) }), { error: true });
      return;
    }
    await showState({ at: moment.toISOString() });
  });

  view.append(
    heading("audit.stream.title"),
    el("p", {}, [link("#/audit", t("audit.stream.back"))]),
    el("dl", { className: "audit-facts panel" }, [
      fact("audit.stream.id", el("code", { className: "digest", text: history.stream_id })),
      fact("audit.stream.aggregate", aggregateName(items)),
      fact("audit.stream.events", String(items.length)),
      fact("audit.stream.latest", String(last)),
      fact("audit.stream.since", preciseTime(items[0].recorded_at)),
    ]),
    el("section", { className: "panel audit-state-panel", attrs: { "aria-labelledby": "audit-state-title" } }, [
      el("h3", { text: t("audit.stream.stateTitle"), attrs: { id: "audit-state-title" } }),
      el("div", { className: "audit-state-forms" }, [byVersion, byTime]),
      say,
      output,
    ]),
    el("section", { attrs: { "aria-labelledby": "audit-history-title" } }, [
      el("h3", { text: t("audit.stream.history"), attrs: { id: "audit-history-title" } }),
      eventTable(items, { checkpoints: checkpointSource(), showStream: false, captionKey: "audit.stream.caption" }),
    ]),
  );

  try {
    await showState(asked.at ? { at: asked.at } : { version: asked.version ?? String(last) });
  } catch (error) {
    say.say(error, { error: true });
  }
}
