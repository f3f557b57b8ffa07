// The operator's form to schedule an activity: an exhibition, matchmaking event, lecture or
// training (lectures and trainings count seats instead of booths).

import * as api from "../api.js";
import { el, field, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { KINDS, localToIso } from "./events-common.js";

function bodyFrom(values) {
  const capacity = Number(values.capacity);
  return {
    name: values.name ?? "",
    venue: values.venue ?? "",
    online: values.online === true,
    starts_at: localToIso(values.starts_at),
    ends_at: localToIso(values.ends_at),
    // A non-integer goes as typed, so that the server's 422 names the field.
    capacity: Number.isInteger(capacity) && values.capacity ? capacity : values.capacity,
    signup_deadline: localToIso(values.signup_deadline),
    kind: values.kind || "exhibition",
    description: values.description ?? "",
  };
}

/**
 * The form in a disclosure panel (closed at first: the list is what most visits are for);
 * `created(exhibition)` runs after the server accepted it.
 */
export function scheduleForm(created) {
  const message = notice();
  const titleId = "schedule-title";
  const kind = field("kind", "events.form.kind", { options: KINDS.map((k) => [k, `events.kind.${k}`]) });
  const capacity = field("capacity", "events.form.capacity", {
    type: "number",
    hintKey: "events.form.capacityHint",
    attrs: { required: "", min: "1", step: "1", inputmode: "numeric" },
  });
  // Lectures and trainings count seats: the capacity's label and hint say so.
  kind.querySelector("select").addEventListener("change", (event) => {
    const seated = ["lecture", "training"].includes(event.target.value);
    capacity.querySelector("label").textContent = t(seated ? "events.form.seats" : "events.form.capacity");
    capacity.querySelector(".field__hint").textContent = t(seated ? "events.form.seatsHint" : "events.form.capacityHint");
  });
  const form = el("form", { className: "form schedule-form", attrs: { novalidate: "", "aria-labelledby": titleId } }, [
    kind,
    field("name", "events.form.name", { attrs: { required: "", maxlength: "120" } }),
    field("venue", "events.form.venue", { hintKey: "events.form.venueHint", attrs: { required: "", maxlength: "200" } }),
    field("online", "events.form.online", { type: "checkbox" }),
    el("div", { className: "schedule-form__times" }, [
      field("starts_at", "events.form.startsAt", { type: "datetime-local", attrs: { required: "" } }),
      field("ends_at", "events.form.endsAt", { type: "datetime-local", attrs: { required: "" } }),
      field("signup_deadline", "events.form.deadline", {
        type: "datetime-local",
        hintKey: "events.form.deadlineHint",
        attrs: { required: "" },
      }),
    ]),
    capacity,
    field("description", "events.form.description", { type: "textarea", attrs: { maxlength: "5000" } }),
    el("p", {
      className: "field__hint",
      text: t("events.form.timeZone", { zone: Intl.DateTimeFormat().resolvedOptions().timeZone }),
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("events.form.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    const exhibition = await api.post("/exhibitions", bodyFrom(values));
    form.reset();
    kind.querySelector("select").dispatchEvent(new Event("change"));
    message.say(t("events.form.done", { name: exhibition.name }));
    await created(exhibition);
  });
  return el("details", { className: "panel schedule" }, [
    el("summary", { className: "schedule__summary" }, [
      el("span", { className: "events-panel__title", text: t("events.form.title"), attrs: { id: titleId } }),
    ]),
    message,
    form,
  ]);
}
