// #/account: the signed-in organization's own page. Its profile (admins edit the name, region,
// industry and contact; a new name sends a bank back to an operator's verification), the
// signed-in person's password (its other sessions end), and its members (account-members.js).

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { industryPicker, regionPicker } from "../pickers.js";
import * as session from "../session.js";
import { documentsSection } from "./account-documents.js";
import { membersSection, section } from "./account-members.js";
import { categoryChecks, chosenCategories } from "./services-shared.js";

function submitButton(key) {
  return el("div", { className: "form__actions" }, [
    el("button", { className: "button button--primary", text: t(key), attrs: { type: "submit" } }),
  ]);
}

function profileBody(values, kind) {
  const body = { name: values.name ?? "", region: values.region ?? "" };
  if (kind === "provider") body.service_categories = chosenCategories(values);
  if (values.industry) body.industry = values.industry.toUpperCase();
  const contact = { name: values.contact_name, phone: values.contact_phone, email: values.contact_email };
  if (Object.values(contact).some(Boolean)) body.contact = contact;
  return body;
}

function contactFields(contact, disabled) {
  const attrs = (more) => ({ ...more, disabled });
  return el("fieldset", { className: "form__group" }, [
    el("legend", { text: t("account.contact") }),
    field("contact_name", "register.contactName", { value: contact.name, attrs: attrs({ maxlength: "50", autocomplete: "name" }) }),
    field("contact_phone", "register.contactPhone", { type: "tel", value: contact.phone, attrs: attrs({ autocomplete: "tel" }) }),
    field("contact_email", "register.contactEmail", { type: "email", value: contact.email, attrs: attrs({ autocomplete: "email" }) }),
  ]);
}

function profileForm(profile, admin) {
  const message = notice();
  const disabled = !admin;
  const form = el("form", { className: "form", attrs: { id: "profile-form", novalidate: "" } }, [
    field("name", "account.name", {
      value: profile.name,
      hintKey: profile.kind === "bank" ? "account.nameHint" : undefined,
      attrs: { required: "", maxlength: "100", autocomplete: "organization", disabled },
    }),
    regionPicker("region", "account.region", {
      value: profile.region,
      disabled,
      fallback: { required: "", inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}", disabled },
    }),
    profile.kind === "enterprise" || profile.industry
      ? industryPicker("industry", "account.industry", { value: profile.industry ?? "", disabled, fallback: { maxlength: "3", disabled } })
      : null,
    profile.kind === "provider" ? categoryChecks(profile.service_categories ?? [], { disabled }) : null,
    contactFields(profile.contact ?? {}, disabled),
    admin ? submitButton("account.save") : el("p", { className: "field__hint", text: t("account.adminsOnly") }),
    message,
  ]);
  onSubmit(form, message, async (values) => {
    const saved = await api.patch("/organizations/me", profileBody(values, profile.kind));
    session.update({ name: saved.name, verified: saved.verified });
    message.say(t(saved.verified ? "account.saved" : "account.savedUnverified"));
  });
  return form;
}

function passwordForm() {
  const message = notice();
  const form = el("form", { className: "form form--narrow", attrs: { id: "password-form", novalidate: "" } }, [
    field("old_password", "account.oldPassword", { type: "password", attrs: { required: "", autocomplete: "current-password" } }),
    field("new_password", "account.newPassword", {
      type: "password",
      hintKey: "register.passwordHint",
      attrs: { required: "", minlength: "10", autocomplete: "new-password" },
    }),
    submitButton("account.changePassword"),
    message,
  ]);
  onSubmit(form, message, async ({ old_password = "", new_password = "" }) => {
    await api.post("/sessions/password", { old_password, new_password });
    form.reset();
    message.say(t("account.passwordChanged"));
  });
  return form;
}

export async function render(view) {
  const message = notice();
  const admin = session.get()?.member?.role !== "member"; // sessions from before members: the first admin
  view.append(heading("account.title"), message);
  let profile;
  try {
    profile = await api.get("/organizations/me");
  } catch (error) {
    message.say(error, { error: true });
    return;
  }
  view.append(
    section("account-profile", "account.profile", [profileForm(profile, admin)]),
    documentsSection(profile),
    section("account-password", "account.password", [passwordForm()]),
    await membersSection(admin),
  );
}
