// One exhibition: its facts for everyone, an enterprise's own signup (sign up, cancel), and for
// operators the check-in desk and cancelling the exhibition. Re-read live on its stream events.

import * as api from "../api.js";
import { badge, el, fact, field, heading, notice, onSubmit } from "../dom.js";
import { downloadLinks } from "../downloads.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import {
  exhibitionFacts,
  exhibitionPath,
  isActive,
  ownSignup,
  promotionWatch,
  reloader,
  signupBox,
} from "./events-common.js";
import { checkInDesk, loadSignups } from "./events-desk.js";

function cancelForm(exhibition, message, refresh) {
  const titleId = "cancel-title";
  const form = el("form", { className: "form", attrs: { novalidate: "", "aria-labelledby": titleId } }, [
    field("reason", "events.cancel.reason", {
      type: "textarea",
      hintKey: "events.cancel.reasonHint",
      attrs: { required: "", maxlength: "2000" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--danger", text: t("events.cancel.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async ({ reason = "" }) => {
    await api.post(exhibitionPath(exhibition.id, "/cancel"), { reason });
    message.say(t("events.cancel.done"));
    await refresh();
  });
  // Closed by default: cancelling the whole exhibition is rare, and sits under the busy desk.
  return el("section", { className: "panel exhibition-cancel", attrs: { "aria-labelledby": titleId } }, [
    el("h3", { className: "events-panel__title", text: t("events.cancel.title"), attrs: { id: titleId } }),
    el("details", { className: "exhibition-cancel__details" }, [
      el("summary", { text: t("events.cancel.open") }),
      form,
    ]),
  ]);
}

function factsOf(exhibition) {
  const extra = [fact("events.fact.checkedIn", String(exhibition.checked_in_count))];
  if (exhibition.description) extra.push(fact("events.fact.description", exhibition.description));
  if (exhibition.status === "scheduled" && !exhibition.signups_open) {
    extra.push(fact("events.fact.signups", t("events.signup.closed")));
  }
  return el("dl", { className: "exhibition-facts" }, [...exhibitionFacts(exhibition), ...extra]);
}

export async function render(view, { params }) {
  const id = params.id;
  const message = notice();
  const first = await api.get(exhibitionPath(id));
  const status = el("p", { className: "exhibition-status" });
  const facts = el("section", { className: "panel", attrs: { "aria-label": t("events.detail.facts") } });
  const mine = el("section", { className: "panel exhibition-mine", attrs: { "aria-labelledby": "mine-title" } });
  const operator = session.is("operator");
  const staffArea = el("div", { className: "exhibition-staff" });
  let closed = false;
  let desk = null;
  let cancelling = null;
  const watch = promotionWatch(message);

  const refresh = reloader(async (query) => {
    const exhibition = await api.get(exhibitionPath(id), query);
    const signup = session.is("enterprise") ? await ownSignup(id, query) : null;
    const signups = operator ? await loadSignups(id, query) : [];
    if (closed) return;
    watch(exhibition, signup);
    status.replaceChildren(badge("exhibition", exhibition.status));
    facts.replaceChildren(factsOf(exhibition));
    const box = signupBox(exhibition, signup, message, refresh);
    mine.hidden = !box.hasChildNodes();
    mine.replaceChildren(el("h3", { className: "events-panel__title", text: t("events.detail.mine"), attrs: { id: "mine-title" } }), box);
    if (!operator) return;
    desk ??= checkInDesk(message, refresh);
    desk.show(exhibition, signups);
    // Desk and cancel form stay in place across re-reads: the search text, a reason being
    // typed and the keyboard focus are not lost when a stream event arrives.
    if (!desk.isConnected) staffArea.prepend(desk);
    if (isActive(exhibition)) {
      cancelling ??= cancelForm(exhibition, message, refresh);
      if (!cancelling.isConnected) staffArea.append(cancelling);
    } else {
      cancelling?.remove();
    }
  }, (error) => message.say(error, { error: true }));

  view.append(
    el("p", { className: "events-back" }, [el("a", { text: t("events.detail.back"), attrs: { href: "#/exhibitions" } })]),
    heading("events.detail.title", { name: first.name }),
    status,
    message,
    facts,
    mine,
    staffArea,
  );
  // The signups as a file, for staff (an enterprise's own signup is shown above).
  if (session.is("operator", "auditor")) view.append(downloadLinks(`/exhibitions/${id}/signups`, () => ({}), message, t("events.detail.signups")));
  await refresh();
  const unsubscribe = stream.subscribe((event) => {
    if (event.stream_id === id) refresh.after(event.position);
  });
  return () => {
    closed = true;
    refresh.cancel();
    unsubscribe();
  };
}
