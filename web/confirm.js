// The confirmation step of every binding action (accepting a bid or an offer, signing,
// disbursing, verifying or rejecting an organization, cancelling a confirmed seat): a modal
// <dialog> that restates what is being committed (party, exact amount, digest) and, for signing
// and disbursing, asks for the password again (the API checks it: 403 reauth_failed).

import { el, field, notice } from "./dom.js";
import { t } from "./i18n.js";

function factList(facts) {
  return el("dl", { className: "confirm__facts" }, facts.filter(Boolean).map(([labelKey, value, className]) =>
    el("div", { className: `fact${className ? ` ${className}` : ""}` }, [
      el("dt", { text: t(labelKey) }),
      value instanceof Node ? el("dd", {}, [value]) : el("dd", { text: value ?? "—" }),
    ]),
  ));
}

/**
 * Ask before a binding action. `facts`: [[labelKey, text or node, className?], …];
 * `password`: ask for it again and pass it to `run({password})`. `run` is awaited inside the
 * dialog: its errors show there (a mistyped password can be typed again) and success closes
 * it. `reasonKey` adds a required reason (a textarea so labelled), passed as `run({reason})`. Resolves to `{value}` (what `run` returned), or undefined when the person cancels.
 */
export function confirmBinding({ titleKey, leadKey, facts = [], password = false, reasonKey, confirmKey, danger = false, run }) {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Date.now()}`;
    const message = notice();
    const submit = el("button", {
      className: `button ${danger ? "button--danger" : "button--primary"}`,
      text: t(confirmKey),
      attrs: { type: "submit" },
    });
    const cancel = el("button", { className: "button", text: t("common.cancel"), attrs: { type: "button" } });
    const form = el("form", { className: "form confirm__form", attrs: { novalidate: "" } }, [
      el("h3", { className: "confirm__title", text: t(titleKey), attrs: { id: titleId } }),
      leadKey ? el("p", { className: "confirm__lead", text: t(leadKey) }) : null,
      factList(facts),
      reasonKey ? field("reason", reasonKey, { type: "textarea", attrs: { required: "", maxlength: "500" } }) : null,
      password
        ? field("password", "confirm.password", {
            type: "password",
            hintKey: "confirm.passwordHint",
            attrs: { required: "", autocomplete: "current-password" },
          })
        : null,
      message,
      el("div", { className: "form__actions" }, [submit, cancel]),
    ]);
    const dialog = el("dialog", { className: "confirm", attrs: { "aria-labelledby": titleId } }, [form]);
    let result;
    const close = () => dialog.close();
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    cancel.addEventListener("click", close);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const typed = form.elements.password?.value ?? "";
      const reason = form.elements.reason?.value.trim() ?? "";
      const missing = password && !typed ? "password" : reasonKey && !reason ? "reason" : null;
      if (missing) {
        message.say(t(missing === "password" ? "confirm.passwordMissing" : "confirm.reasonMissing"), { error: true });
        form.elements[missing].focus();
        return;
      }
      submit.setAttribute("disabled", "");
      message.say("");
      try {
        const given = { ...(password ? { password: typed } : {}), ...(reasonKey ? { reason } : {}) };
        result = { value: await run(given) };
        close();
      } catch (error) {
        if (error?.name !== "ApiError") console.error(error);
        message.say(error?.code === "reauth_failed" ? t("confirm.wrongPassword") : error, { error: true });
        if (password) form.elements.password.select();
      } finally {
        submit.removeAttribute("disabled");
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    (form.elements.reason ?? form.elements.password ?? submit).focus();
  });
}

/**
 * A button's binding action with its confirmation: the button stays disabled while the dialog
 * is open; `successKey` goes to the page's `message` once done.
 */
export async function confirmed(buttonNode, message, spec, successKey) {
  buttonNode?.setAttribute("disabled", "");
  message?.say("");
  try {
    const done = await confirmBinding(spec);
    if (done !== undefined && successKey) message?.say(t(successKey));
    return done;
  } finally {
    buttonNode?.removeAttribute("disabled");
  }
}
