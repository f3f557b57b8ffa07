// Shared by the exhibition pages: facts about an exhibition, the viewer's own signup and the
// enterprise's sign-up / cancel actions, and datetime-local values as ISO times.

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, badge, button, debounce, el, fact, time } from "../dom.js";
import { t, tCount } from "../i18n.js";
import * as session from "../session.js";

const ACTIVE = new Set(["scheduled", "ongoing"]);
export const KINDS = ["exhibition", "matchmaking", "lecture", "training"];
const SEATED = new Set(["lecture", "training"]);
export const MAX_ATTENDEES = 50;

/** Lectures and trainings count seats (a signup takes its attendees'); the others booths. */
export function isSeated(exhibition) {
  return SEATED.has(exhibition.kind);
}

export function exhibitionPath(id, rest = "") {
  return `/exhibitions/${encodeURIComponent(id)}${rest}`;
}

/** Whether the exhibition still takes signups, cancellations and check-ins. */
export function isActive(exhibition) {
  return ACTIVE.has(exhibition.status);
}

/** A datetime-local value ("2026-11-23T09:00") as ISO 8601 with this browser's UTC offset. */
export function localToIso(value) {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value; // the server names the bad field
  const minutes = -date.getTimezoneOffset();
  const pad = (n) => String(Math.floor(n)).padStart(2, "0");
  const offset = `${minutes >= 0 ? "+" : "-"}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`;
  return `${value.length === 16 ? `${value}:00` : value}${offset}`;
}

export function venueText(exhibition) {
  return exhibition.online ? t("events.venue.online", { venue: exhibition.venue }) : exhibition.venue;
}

/** The facts every visitor sees, as `.fact` items for a <dl>. */
export function exhibitionFacts(exhibition) {
  const seated = isSeated(exhibition);
  return [
    fact("events.fact.kind", t(`events.kind.${exhibition.kind ?? "exhibition"}`)),
    fact("events.fact.venue", venueText(exhibition)),
    fact("events.fact.startsAt", time(exhibition.starts_at)),
    fact("events.fact.endsAt", time(exhibition.ends_at)),
    seated
      ? fact("events.fact.seats", t("events.fact.seatsTaken", { taken: exhibition.seats_taken ?? 0, capacity: exhibition.capacity }))
      : fact("events.fact.capacity", tCount("events.fact.booths", exhibition.capacity)),
    fact("events.fact.confirmed", String(exhibition.confirmed_count)),
    fact("events.fact.waitlist", String(exhibition.waitlist_count)),
    fact("events.fact.deadline", time(exhibition.signup_deadline)),
    exhibition.cancel_reason ? fact("events.fact.cancelReason", exhibition.cancel_reason) : null,
  ].filter(Boolean);
}

/**
 * Remembers the viewer's signup statuses between re-reads and tells when a waitlisted one was
 * promoted meanwhile (another enterprise cancelled): `watch(exhibition, signup)`.
 */
export function promotionWatch(message) {
  const seen = new Map();
  return (exhibition, signup) => {
    const before = seen.get(exhibition.id);
    seen.set(exhibition.id, signup?.status ?? null);
    if (before === "waitlisted" && signup?.status === "confirmed") {
      message.say(t("events.signup.promoted", { name: exhibition.name }));
    }
  };
}

/** The signed-in enterprise's signup (not a cancelled one) for the exhibition, or null. */
export async function ownSignup(exhibitionId, params = {}) {
  const page = await api.get(exhibitionPath(exhibitionId, "/signups"), params);
  return (page.items ?? []).find((signup) => signup.status !== "cancelled") ?? null;
}

/** A signup's state: its badge (checked in counts as a state of its own) and waitlist place. */
export function signupState(signup, exhibition = null) {
  const status = signup.checked_in_at ? "checked_in" : signup.status;
  const persons =
    exhibition && isSeated(exhibition)
      ? el("span", { className: "signup-state__persons", text: tCount("events.signup.persons", signup.attendees ?? 1) })
      : null;
  const place =
    signup.status === "waitlisted" && signup.waitlist_position
      ? el("span", {
          className: "signup-state__place",
          text: t("events.signup.place", { position: signup.waitlist_position }),
        })
      : null;
  return el("span", { className: "signup-state" }, [badge("signup", status), persons, place]);
}

function signupMessage(result, seated) {
  if (result.status === "waitlisted") {
    const key = seated ? "events.signup.doneWaitlistedSeats" : "events.signup.doneWaitlisted";
    return t(key, { position: result.waitlist_position ?? "?" });
  }
  return seated ? t("events.signup.doneSeats", { count: result.attendees }) : t("events.signup.doneConfirmed");
}

/** The number of attendees as typed: an integer, or the text itself so the server names it. */
function attendeesOf(input) {
  const value = Number(input.value);
  return Number.isInteger(value) && input.value !== "" ? value : input.value;
}

/** A number field for persons (attendees at signup, attended at check-in), labelled. */
export function personsInput(id, labelKey, { value = 1, min = 1, max = MAX_ATTENDEES, label } = {}) {
  const input = el("input", {
    className: "persons__input",
    attrs: { id, type: "number", min: String(min), max: String(max), step: "1", inputmode: "numeric" },
  });
  input.value = String(value);
  const wrap = el("span", { className: "persons" }, [
    el("label", { text: label ?? t(labelKey), attrs: { for: id } }),
    input,
  ]);
  wrap.input = input;
  return wrap;
}

function signUpButton(exhibition, message, reload) {
  const seated = isSeated(exhibition);
  const persons = seated
    ? personsInput(`attendees-${exhibition.id}`, "events.signup.attendees", {
        max: Math.min(MAX_ATTENDEES, Number(exhibition.capacity) || MAX_ATTENDEES),
      })
    : null;
  const node = button("events.signup.submit", async () => {
    const body = seated ? { attendees: attendeesOf(persons.input) } : undefined;
    const result = await act(node, message, () => api.post(exhibitionPath(exhibition.id, "/signups"), body));
    if (!result) return;
    message.say(signupMessage(result, seated));
    await reload();
  }, { primary: true, attrs: { "aria-label": t("events.signup.submitFor", { name: exhibition.name }) } });
  return seated ? el("span", { className: "signup-box__form" }, [persons, node]) : node;
}

/** The confirmation of giving up a confirmed seat (a full event's seat goes to the waitlist). */
export function seatCancellation(exhibition, name, run) {
  const taken = isSeated(exhibition) ? exhibition.seats_taken : exhibition.confirmed_count;
  const full = Number(taken) >= Number(exhibition.capacity);
  return {
    titleKey: "events.seat.cancelTitle",
    leadKey: !full ? "events.seat.cancelLead" : isSeated(exhibition) ? "events.seat.cancelLeadSeats" : "events.seat.cancelLeadFull",
    confirmKey: "events.seat.cancelConfirm",
    danger: true,
    facts: [
      ["events.desk.organization", name],
      ["events.seat.exhibition", exhibition.name],
      [isSeated(exhibition) ? "events.fact.seats" : "events.fact.confirmed", `${taken} / ${exhibition.capacity}`],
    ],
    run,
  };
}

function cancelButton(exhibition, signup, message, reload) {
  const me = session.organization();
  const node = button("events.signup.cancel", async () => {
    const path = exhibitionPath(exhibition.id, `/signups/${encodeURIComponent(me.id)}`);
    const result = signup.status === "confirmed"
      ? await confirmed(node, message, seatCancellation(exhibition, me.name, () => api.del(path)), "events.signup.cancelled")
      : await act(node, message, () => api.del(path), "events.signup.cancelled");
    if (result) await reload();
  }, { danger: true });
  return node;
}

function loginLink(exhibition) {
  const next = encodeURIComponent(`#${exhibitionPath(exhibition.id)}`);
  return el("a", { text: t("events.signup.loginFirst"), attrs: { href: `#/login?next=${next}` } });
}

/**
 * What a visitor may do about signing up: an enterprise sees its signup (with cancel) or the
 * sign-up button, an anonymous visitor a login link; staff and banks see nothing here.
 */
export function signupBox(exhibition, signup, message, reload) {
  const box = el("div", { className: "signup-box" });
  if (!session.get()) {
    if (exhibition.signups_open) box.append(loginLink(exhibition));
    return box;
  }
  if (!session.is("enterprise")) return box;
  if (signup) {
    box.append(el("span", { className: "signup-box__label", text: t("events.signup.mine") }), signupState(signup, exhibition));
    if (isActive(exhibition) && !signup.checked_in_at) box.append(cancelButton(exhibition, signup, message, reload));
  } else if (exhibition.signups_open) {
    box.append(signUpButton(exhibition, message, reload));
  } else if (isActive(exhibition)) {
    box.append(el("span", { className: "signup-box__closed", text: t("events.signup.closed") }));
  }
  return box;
}

/**
 * `load(params)` wrapped for stream-driven re-reads: calls never overlap (one more run follows
 * if asked meanwhile), bursts are coalesced, and reads wait for the newest event position seen.
 * `refresh()` re-reads now; `refresh.after(position)` re-reads shortly after a stream event.
 * A failed read goes to `failed(error)` (the page's notice): the page stays as it was.
 */
export function reloader(load, failed) {
  let running = null;
  let again = false;
  let position = 0;
  const params = () => {
    const wanted = Math.max(position, api.lastWritePosition());
    return wanted > 0 ? { min_position: wanted } : {};
  };
  const refresh = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await load(params());
        } catch (error) {
          if (error?.name !== "ApiError") console.error(error);
          failed(error);
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  const soon = debounce(refresh, 200);
  refresh.after = (eventPosition) => {
    const value = Number(eventPosition);
    if (Number.isSafeInteger(value) && value > position) position = value;
    soon();
  };
  /** Drop a re-read still waiting for its debounce (the page is being left). */
  refresh.cancel = () => soon.cancel();
  return refresh;
}
