// The operator's check-in desk: every signup of an exhibition, found by name, checked in (at
// lectures and trainings with the persons who came) or removed. The server decides (a
// waitlisted or checked-in signup is refused with a reason).

import * as api from "../api.js";
import { confirmed } from "../confirm.js";
import { act, button, el, time } from "../dom.js";
import { t } from "../i18n.js";
import { exhibitionPath, isActive, isSeated, personsInput, seatCancellation, signupState } from "./events-common.js";

const names = new Map(); // organization id → name, for signups the view had no name for yet

async function withNames(signups) {
  const missing = [...new Set(signups.filter((s) => !s.organization?.name).map((s) => s.organization.id))];
  await Promise.all(
    missing
      .filter((id) => !names.has(id))
      .map(async (id) => {
        const organization = await api.get(`/organizations/${encodeURIComponent(id)}`).catch(() => null);
        if (organization?.name) names.set(id, organization.name);
      }),
  );
  return signups.map((signup) => ({
    ...signup,
    name: signup.organization?.name || names.get(signup.organization.id) || signup.organization.id,
  }));
}

/** All signups of the exhibition (every page), each with `name`. */
export async function loadSignups(exhibitionId, params) {
  return withNames(await api.getAll(exhibitionPath(exhibitionId, "/signups"), params));
}

function cell(label, children) {
  return el("td", { attrs: { "data-label": label } }, children);
}

function actions(exhibition, signup, message, refresh) {
  if (!isActive(exhibition) || signup.status === "cancelled" || signup.checked_in_at) return [];
  const organizationId = signup.organization.id;
  const nodes = [];
  if (signup.status === "confirmed") {
    const seated = isSeated(exhibition);
    const attended = seated
      ? personsInput(`attended-${organizationId}`, null, {
          value: signup.attendees ?? 1,
          min: 0,
          max: signup.attendees ?? 1,
          label: t("events.desk.attendedFor", { name: signup.name }),
        })
      : null;
    if (attended) {
      attended.firstChild.className = "visually-hidden";
      nodes.push(attended);
    }
    const checkIn = button("events.desk.checkIn", async () => {
      const body = { organization_id: organizationId };
      if (attended) {
        const value = Number(attended.input.value);
        body.attended = Number.isInteger(value) && attended.input.value !== "" ? value : attended.input.value;
      }
      const done = await act(checkIn, message, () => api.post(exhibitionPath(exhibition.id, "/check-ins"), body));
      if (done) {
        message.say(t("events.desk.checkedIn", { name: signup.name }));
        await refresh();
      }
    }, {
      primary: true,
      attrs: { "aria-label": t("events.desk.checkInFor", { name: signup.name }), "data-focus": `in:${organizationId}` },
    });
    nodes.push(checkIn);
  }
  const remove = button("events.desk.remove", async () => {
    const path = exhibitionPath(exhibition.id, `/signups/${encodeURIComponent(organizationId)}`);
    const done = signup.status === "confirmed"
      ? (await confirmed(remove, message, seatCancellation(exhibition, signup.name, () => api.del(path))))?.value
      : await act(remove, message, () => api.del(path));
    if (done) {
      message.say(
        done.promoted
          ? t("events.desk.removedPromoted", { name: signup.name, promoted: done.promoted.name ?? "" })
          : t("events.desk.removed", { name: signup.name }),
      );
      await refresh();
    }
  }, {
    danger: true,
    attrs: { "aria-label": t("events.desk.removeFor", { name: signup.name }), "data-focus": `out:${organizationId}` },
  });
  nodes.push(remove);
  return nodes;
}

function persons(signup) {
  const attended = signup.attended ?? null;
  const text = attended === null
    ? String(signup.attendees ?? 1)
    : t("events.desk.attendedOf", { attended, attendees: signup.attendees ?? 1 });
  return el("span", { text });
}

function row(exhibition, signup, message, refresh) {
  return el("tr", { attrs: { "data-name": signup.name.toLowerCase(), "data-status": signup.status } }, [
    el("th", { text: signup.name, attrs: { scope: "row", "data-label": t("events.desk.organization") } }),
    cell(t("events.desk.status"), [signupState(signup)]),
    cell(t("events.desk.persons"), [persons(signup)]),
    cell(t("events.desk.signedUpAt"), [time(signup.signed_up_at)]),
    cell(t("events.desk.checkedInAt"), [signup.checked_in_at ? time(signup.checked_in_at) : el("span", { text: "—" })]),
    cell(t("events.desk.actions"), [el("div", { className: "desk__actions" }, actions(exhibition, signup, message, refresh))]),
  ]);
}

function summary(exhibition, signups) {
  const count = (test) => signups.filter(test).length;
  const text = t("events.desk.summary", {
    confirmed: count((s) => s.status === "confirmed"),
    waitlisted: count((s) => s.status === "waitlisted"),
    checkedIn: count((s) => Boolean(s.checked_in_at)),
  });
  if (!isSeated(exhibition)) return text;
  const attended = signups.reduce((sum, s) => sum + (s.attended ?? 0), 0);
  const seats = { taken: exhibition.seats_taken ?? 0, capacity: exhibition.capacity, attended };
  return t("events.desk.summarySeats", { summary: text, ...seats });
}

/** The desk section; `show(exhibition, signups)` fills it, keeping what was typed in the search. */
export function checkInDesk(message, refresh) {
  const titleId = "desk-title";
  const search = el("input", {
    attrs: { id: "desk-search", type: "search", autocomplete: "off", "aria-describedby": "desk-count" },
  });
  const count = el("p", { className: "desk__count", attrs: { id: "desk-count", role: "status" } });
  const body = el("tbody");
  const empty = el("p", { className: "desk__empty", text: t("events.desk.empty") });
  const table = el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table desk__table" }, [
      el("caption", { className: "visually-hidden", text: t("events.desk.caption") }),
      el("thead", {}, [
        el("tr", {}, ["organization", "status", "persons", "signedUpAt", "checkedInAt", "actions"].map((key) =>
          el("th", { text: t(`events.desk.${key}`), attrs: { scope: "col" } }),
        )),
      ]),
      body,
    ]),
  ]);
  const totals = el("p", { className: "desk__summary" });
  let total = 0;

  const filter = () => {
    const query = search.value.trim().toLowerCase();
    let shown = 0;
    for (const tr of body.rows) {
      tr.hidden = Boolean(query) && !tr.dataset.name.includes(query);
      if (!tr.hidden) shown += 1;
    }
    count.textContent = query ? t("events.desk.matches", { shown, total }) : "";
    empty.hidden = total > 0;
  };
  search.addEventListener("input", filter);

  const node = el("section", { className: "panel desk", attrs: { "aria-labelledby": titleId } }, [
    el("h3", { className: "events-panel__title", text: t("events.desk.title"), attrs: { id: titleId } }),
    totals,
    el("div", { className: "field desk__search" }, [
      el("label", { text: t("events.desk.search"), attrs: { for: "desk-search" } }),
      search,
    ]),
    count,
    empty,
    table,
  ]);
  node.show = (exhibition, signups) => {
    // A re-read replaces the rows: keep the keyboard user where they were (or, when their
    // button is gone because the action succeeded, back at the search for the next one).
    const focused = body.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
    total = signups.length;
    totals.textContent = summary(exhibition, signups);
    body.replaceChildren(...signups.map((signup) => row(exhibition, signup, message, refresh)));
    filter();
    if (focused) {
      const again = [...body.querySelectorAll("[data-focus]")].find((b) => b.dataset.focus === focused);
      (again ?? search).focus();
    }
  };
  return node;
}
