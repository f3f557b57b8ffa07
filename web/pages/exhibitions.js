// The activity calendar: exhibitions, matchmaking events, lectures and trainings, filtered by
// kind, for everyone; signing up (with the attendees at lectures and trainings) for
// enterprises; the scheduling form for operators. Re-read live on exhibition stream events.

import * as api from "../api.js";
import { badge, el, heading, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import {
  KINDS,
  exhibitionFacts,
  exhibitionPath,
  isActive,
  ownSignup,
  promotionWatch,
  reloader,
  signupBox,
} from "./events-common.js";
import { scheduleForm } from "./events-form.js";

const PAGE = 20;

/** The enterprise's own signups of the listed exhibitions that still take them, by id. */
async function ownSignups(exhibitions, params) {
  if (!session.is("enterprise")) return new Map();
  const active = exhibitions.filter(isActive);
  const found = await Promise.all(
    active.map((exhibition) => ownSignup(exhibition.id, params).catch(() => null)),
  );
  return new Map(active.map((exhibition, i) => [exhibition.id, found[i]]));
}

function card(exhibition, signup, message, refresh) {
  const titleId = `exhibition-${exhibition.id}`;
  const status = badge("exhibition", exhibition.status);
  return el("li", {}, [
    el("article", { className: "exhibition-card", attrs: { "aria-labelledby": titleId, "data-id": exhibition.id } }, [
      el("header", { className: "exhibition-card__header" }, [
        el("h3", { className: "exhibition-card__title", attrs: { id: titleId } }, [
          el("a", { text: exhibition.name, attrs: { href: `#${exhibitionPath(exhibition.id)}` } }),
        ]),
        el("span", { className: "exhibition-card__kind", text: t(`events.kind.${exhibition.kind ?? "exhibition"}`) }),
        status,
      ]),
      el("dl", { className: "exhibition-card__facts" }, exhibitionFacts(exhibition)),
      signupBox(exhibition, signup, message, refresh),
    ]),
  ]);
}

export async function render(view) {
  const message = notice();
  const list = el("ul", { className: "exhibitions", attrs: { "aria-busy": "true" } });
  const empty = el("p", { className: "exhibitions__empty", text: t("events.list.empty") });
  empty.hidden = true;
  const more = el("button", { className: "button", text: t("common.loadMore"), attrs: { type: "button" } });
  const moreWrap = el("div", { className: "exhibitions__more" }, [more]);
  let limit = PAGE;
  let closed = false;
  const watch = promotionWatch(message);
  const kind = el("select", { attrs: { id: "exhibitions-kind" } }, [
    el("option", { text: t("events.kind.all"), attrs: { value: "" } }),
    ...KINDS.map((k) => el("option", { text: t(`events.kind.${k}`), attrs: { value: k } })),
  ]);
  const filter = el("div", { className: "field exhibitions__filter" }, [
    el("label", { text: t("events.list.kind"), attrs: { for: "exhibitions-kind" } }),
    kind,
  ]);

  const refresh = reloader(async (params) => {
    const chosen = kind.value ? { kind: kind.value } : {};
    const page = await api.get("/exhibitions", { ...params, ...chosen, limit });
    const items = page.items ?? [];
    const signups = await ownSignups(items, params);
    if (closed) return;
    for (const item of items) watch(item, signups.get(item.id) ?? null);
    list.replaceChildren(...items.map((item) => card(item, signups.get(item.id) ?? null, message, refresh)));
    list.setAttribute("aria-busy", "false");
    empty.hidden = items.length > 0;
    moreWrap.hidden = !page.next_cursor || limit >= 200;
  }, (error) => message.say(error, { error: true }));
  kind.addEventListener("change", () => {
    limit = PAGE;
    refresh();
  });
  more.addEventListener("click", () => {
    limit = Math.min(limit + PAGE, 200);
    refresh();
  });

  const listTitle = el("h3", { className: "visually-hidden", text: t("events.list.all"), attrs: { id: "exhibitions-all" } });
  view.append(
    heading("events.list.title"),
    el("p", { className: "events-intro", text: t("events.list.intro") }),
    message,
    ...(session.is("operator") ? [scheduleForm(refresh)] : []),
    el("section", { attrs: { "aria-labelledby": "exhibitions-all" } }, [listTitle, filter, list, empty, moreWrap]),
  );
  await refresh();
  const unsubscribe = stream.subscribe((event) => {
    if (String(event.type ?? "").startsWith("Exhibition.")) refresh.after(event.position);
  });
  return () => {
    closed = true;
    refresh.cancel();
    unsubscribe();
  };
}
