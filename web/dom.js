// Building the page from data. Safety rule: API and user text only reaches the page through
// textContent, setAttribute or DOM nodes; never parsed as HTML.

import { formatDateTime, formatMoneyAggregate, formatMoneyExact } from "./format.js";
import { fieldErrorText, phraseOf } from "./field-errors.js";
import { language, t } from "./i18n.js";
import { normaliseDecimal, normaliseInteger } from "./numbers.js";

const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href"]);
// In-app hashes, same-site paths and web addresses only: never javascript:, data: or the like.
const SAFE_URL = /^(?:#|\/(?!\/)|https?:\/\/|mailto:|tel:)/i;

/** An attribute value that is safe to set; throws on handlers and script URLs (a bug, not data). */
function safeAttribute(name, value) {
  const lower = String(name).toLowerCase();
  if (lower.startsWith("on")) throw new TypeError(`event handler attribute refused: ${name}`);
  const text = String(value);
  if (URL_ATTRIBUTES.has(lower) && !SAFE_URL.test(text.trim())) {
    throw new TypeError(`unsafe URL refused for ${name}`);
  }
  return text;
}

/** `el("p", {className, text, attrs, on: {click}}, [children])`. */
export function el(tag, { className, text, attrs, on } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, safeAttribute(name, value));
  }
  for (const [name, handler] of Object.entries(on ?? {})) node.addEventListener(name, handler);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** A page heading that the router focuses after navigation. */
export function heading(key, params) {
  return el("h2", { className: "page-title", text: t(key, params), attrs: { tabindex: "-1" } });
}

/** A `<div class="fact"><dt>label</dt><dd>value</dd></div>` for a `<dl>`. */
export function fact(labelKey, value) {
  const dd = value instanceof Node ? el("dd", {}, [value]) : el("dd", { text: value ?? "—" });
  return el("div", { className: "fact" }, [el("dt", { text: t(labelKey) }), dd]);
}

export function button(labelKey, onClick, { primary = false, danger = false, attrs } = {}) {
  const kind = primary ? " button--primary" : danger ? " button--danger" : "";
  return el("button", {
    className: `button${kind}`,
    text: t(labelKey),
    attrs: { type: "button", ...attrs },
    on: { click: onClick },
  });
}

export function link(href, text, attrs = {}) {
  return el("a", { text, attrs: { href, ...attrs } });
}

/** An exact amount (¥14,650.00): every price, bid, offer and contract amount. */
export function money(amount, currency = "CNY") {
  if (amount === null || amount === undefined || amount === "") return el("span", { text: "—" });
  return el("span", { className: "money", text: formatMoneyExact(amount, currency) });
}

/** An aggregate figure (statistics): ¥125万 in Chinese, the exact amount as the tooltip. */
export function moneyAggregate(amount, currency = "CNY") {
  if (amount === null || amount === undefined || amount === "") return el("span", { text: "—" });
  return el("span", {
    className: "money",
    text: formatMoneyAggregate(amount, currency, language()),
    attrs: { title: formatMoneyExact(amount, currency) },
  });
}

/** A <time> in the viewer's local time zone. */
export function time(iso) {
  if (!iso) return el("span", { text: "—" });
  return el("time", { text: formatDateTime(iso, language()), attrs: { datetime: String(iso) } });
}

/** A status badge: `status.<kind>.<value>` from the catalogue. */
export function badge(kind, value) {
  return el("span", {
    className: `badge badge--${String(value).replace(/[^a-z_-]/gi, "")}`,
    text: t(`status.${kind}.${value}`),
  });
}

/** A live region for results of actions; `say(text)` / `say(error)`. */
export function notice() {
  const node = el("p", { className: "notice", attrs: { role: "status", "aria-live": "polite" } });
  node.hidden = true;
  node.say = (message, { error = false } = {}) => {
    node.hidden = !message;
    node.classList.toggle("notice--error", error);
    node.setAttribute("role", error ? "alert" : "status");
    node.replaceChildren();
    if (!message) return;
    node.append(el("span", { text: message instanceof Error ? message.message : message }));
    for (const item of message?.fieldErrors ?? []) {
      const text = fieldErrorText(item, node.form);
      node.append(el("span", { className: "notice__field", text: ` ${text}` }));
    }
  };
  return node;
}

// --- Forms --------------------------------------------------------------------------------

let fieldCounter = 0;

/**
 * A labelled control: `field("password", "login.password", {type: "password"})`.
 * `options: [[value, labelKey], …]` makes a <select>; `type: "textarea"` a <textarea>.
 */
export function field(name, labelKey, { type = "text", options, hintKey, value, attrs = {} } = {}) {
  const id = `f-${name}-${++fieldCounter}`;
  let control;
  if (options) {
    control = el("select", { attrs: { id, name, ...attrs } }, options.map(([optionValue, key]) =>
      el("option", { text: t(key), attrs: { value: optionValue } }),
    ));
  } else if (type === "textarea") {
    control = el("textarea", { attrs: { id, name, rows: "4", ...attrs } });
  } else {
    control = el("input", { attrs: { id, name, type, ...attrs } });
  }
  if (value !== undefined && value !== null) control.value = String(value);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", hintKey ? `${hintId} ${errorId}` : errorId);
  const checkbox = type === "checkbox";
  return el("div", { className: checkbox ? "field field--check" : "field", attrs: { "data-field": name } }, [
    checkbox ? control : null,
    el("label", { text: t(labelKey), attrs: { for: id } }),
    checkbox ? null : control,
    hintKey ? el("small", { className: "field__hint", text: t(hintKey), attrs: { id: hintId } }) : null,
    el("small", { className: "field__error", attrs: { id: errorId } }),
  ]);
}

/**
 * The form's values by name; empty strings left out; checkboxes as booleans. Numbers typed
 * the everyday way ("15,500", "4.15%", "300万", full-width digits) in decimal or numeric
 * inputs are normalised to the plain decimal string the API takes.
 */
export function values(form) {
  const result = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled) continue;
    const typed = String(control.value).trim();
    const mode = control.getAttribute("inputmode");
    if (control.type === "checkbox") result[control.name] = control.checked;
    else if (typed === "") continue;
    else if (mode === "decimal") result[control.name] = normaliseDecimal(typed);
    else if (mode === "numeric") result[control.name] = normaliseInteger(typed);
    else result[control.name] = typed;
  }
  return result;
}

/** Show a 422's field errors next to their controls (and clear old ones). */
export function showFieldErrors(form, error) {
  for (const node of form.querySelectorAll(".field__error")) node.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  let first = null;
  for (const item of error?.fieldErrors ?? []) {
    const name = String(item.field).split(".")[0];
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!wrapper) continue;
    wrapper.querySelector(".field__error").textContent = phraseOf(item.message);
    const control = wrapper.querySelector("input, select, textarea");
    control?.setAttribute("aria-invalid", "true");
    first ??= control;
  }
  first?.focus();
}

/**
 * Wire a form: on submit, `action(values)` runs with the submit button disabled; errors go to
 * `notice` (and field errors beside their fields). Returns the form.
 */
export function onSubmit(form, notice, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = form.querySelector("[type=submit]");
    submit?.setAttribute("disabled", "");
    notice.form ??= form;
    notice.say("");
    showFieldErrors(form, null);
    try {
      await action(values(form));
    } catch (error) {
      if (error?.name !== "ApiError") console.error(error);
      notice.say(error, { error: true });
      showFieldErrors(form, error);
    } finally {
      submit?.removeAttribute("disabled");
    }
  });
  return form;
}

/** Run an action from a button: disabled while it runs, result or error in `notice`. */
export async function act(buttonNode, notice, action, successKey) {
  buttonNode?.setAttribute("disabled", "");
  notice.say("");
  try {
    const result = await action();
    if (successKey) notice.say(t(successKey));
    return result;
  } catch (error) {
    if (error?.name !== "ApiError") console.error(error);
    notice.say(error, { error: true });
    return undefined;
  } finally {
    buttonNode?.removeAttribute("disabled");
  }
}

/**
 * A debounced version of `fn` (for refetching after bursts of stream events); its `cancel()`
 * drops a pending call (a page's cleanup calls it, so nothing runs after the page is left).
 */
export function debounce(fn, ms = 150) {
  let timer = null;
  const debounced = (...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => {
    window.clearTimeout(timer);
    timer = null;
  };
  return debounced;
}
