// Log in with the credit code and password; then back to where the visitor was going.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";

/** Only in-app hashes are followed after login (never an outside address). */
function nextHash(query) {
  const next = query.get("next") ?? "";
  return next.startsWith("#/") && !next.startsWith("#/login") ? next : "#/";
}

export function render(view, { query, navigate }) {
  const message = notice();
  const form = el("form", { className: "form form--narrow", attrs: { id: "login-form", novalidate: "" } }, [
    field("credit_code", "login.creditCode", {
      hintKey: "login.creditCodeHint",
      attrs: { required: "", maxlength: "18", autocomplete: "username", autocapitalize: "characters" },
    }),
    field("password", "login.password", {
      type: "password",
      attrs: { required: "", autocomplete: "current-password" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("login.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async ({ credit_code = "", password = "" }) => {
    const created = await api.post("/sessions", { credit_code: credit_code.toUpperCase(), password });
    session.start(created);
    navigate(nextHash(query));
  });
  view.append(
    heading("login.title"),
    message,
    form,
    el("p", {}, [
      el("span", { text: t("login.noAccount") }),
      " ",
      el("a", { text: t("login.registerLink"), attrs: { href: "#/register" } }),
    ]),
  );
}
