// Log in with the credit code (an organization's first admin) or a member's login name, and
// the password; then back to where the visitor was going.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";

// A Unified Social Credit Code (GB 32100-2015): 18 characters, no I, O, S, V or Z.
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The sign-in body: a credit code as `credit_code`, anything else as a member's `login`. */
export function credentials(account, password) {
  const text = String(account ?? "").trim();
  const code = text.toUpperCase();
  return CREDIT_CODE.test(code) ? { credit_code: code, password } : { login: text, password };
}

/** Only in-app hashes are followed after login (never an outside address). */
function nextHash(query) {
  const next = query.get("next") ?? "";
  return next.startsWith("#/") && !next.startsWith("#/login") ? next : "#/";
}

export function render(view, { query, navigate }) {
  const message = notice();
  const form = el("form", { className: "form form--narrow", attrs: { id: "login-form", novalidate: "" } }, [
    field("account", "login.account", {
      hintKey: "login.accountHint",
      attrs: { required: "", maxlength: "64", autocomplete: "username", autocapitalize: "none", spellcheck: "false" },
    }),
    field("password", "login.password", {
      type: "password",
      attrs: { required: "", autocomplete: "current-password" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("login.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async ({ account = "", password = "" }) => {
    const created = await api.post("/sessions", credentials(account, password));
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
