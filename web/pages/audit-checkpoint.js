// The latest signed tree head, its signature checked in the browser, and the verifier key the
// auditor trusts. A head is only as good as the key it is checked with: the key the server
// serves proves nothing against the server itself, so an auditor can pin one obtained elsewhere.

import * as api from "../api.js";
import { act, button, el, fact, field, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { preciseTime } from "./audit-events.js";
import { checkSignature, parseVerifierKey, setTrustedKey, trustedKey } from "./audit-verify.js";

/** `{current(), refresh()}`: the head verification uses, and fetching the newest one. */
export function checkpointSource(onChange = () => {}) {
  let head = null;
  return {
    current: () => head,
    async refresh() {
      head = await api.get("/audit/checkpoint");
      onChange(head);
      return head;
    },
  };
}

function digest(text) {
  return el("code", { className: "digest", text });
}

function keyForm(say, recheck, source) {
  const form = el("form", { className: "audit-key", attrs: { novalidate: "" } }, [
    field("trusted_key", "audit.key.label", { hintKey: "audit.key.hint", value: trustedKey(), attrs: { spellcheck: "false", autocomplete: "off" } }),
  ]);
  const input = form.querySelector("input");
  const pinServed = button("audit.key.pinServed", () => {
    input.value = source.current()?.public_key ?? "";
    form.requestSubmit();
  });
  form.append(el("div", { className: "form__actions" }, [
    el("button", { className: "button", text: t("audit.key.save"), attrs: { type: "submit" } }),
    pinServed,
  ]));
  return onSubmit(form, say, async ({ trusted_key: text = "" }) => {
    const usable = !text || (await parseVerifierKey(text).then(() => true, () => false));
    if (!usable) {
      // onSubmit cleared the old field errors; this one is found here, not by the server.
      input.setAttribute("aria-invalid", "true");
      form.querySelector(".field__error").textContent = t("audit.key.invalid");
      say.say(t("audit.key.invalid"), { error: true });
      return;
    }
    setTrustedKey(text);
    say.say(t(text ? "audit.key.saved" : "audit.key.cleared"));
    await recheck();
  });
}

/** The checkpoint panel; `.source` is what the verify buttons use. */
export function checkpointPanel() {
  const facts = el("dl", { className: "audit-facts" });
  const signature = el("p", { className: "audit-signature", attrs: { role: "status" } });
  const say = notice();
  const source = checkpointSource(show);

  let checking = 0;
  async function recheck() {
    const head = source.current();
    if (!head) return;
    const mine = ++checking;
    signature.className = "audit-signature";
    signature.textContent = t("audit.checkpoint.checking");
    const result = await checkSignature(head);
    if (mine !== checking) return;
    signature.classList.add(result.ok ? "audit-signature--ok" : "audit-signature--failed");
    signature.textContent = t(result.key, result.params);
  }

  function show(head) {
    const wide = (node) => {
      node.classList.add("fact--wide");
      return node;
    };
    facts.replaceChildren(
      fact("audit.checkpoint.treeSize", String(head.tree_size)),
      fact("audit.checkpoint.signedAt", preciseTime(head.signed_at)),
      fact("audit.checkpoint.origin", head.origin),
      wide(fact("audit.checkpoint.root", digest(head.root_hash))),
      wide(fact("audit.checkpoint.key", digest(head.public_key))),
    );
    recheck();
  }

  const refresh = button("audit.checkpoint.refresh", () => act(refresh, say, () => source.refresh()));
  const node = el("section", { className: "panel audit-checkpoint", attrs: { "aria-labelledby": "audit-checkpoint-title" } }, [
    el("h3", { text: t("audit.checkpoint.title"), attrs: { id: "audit-checkpoint-title" } }),
    facts,
    signature,
    el("div", { className: "form__actions" }, [refresh]),
    say,
    el("details", { className: "audit-key-details" }, [
      el("summary", { text: t("audit.key.summary") }),
      keyForm(say, recheck, source),
    ]),
  ]);
  // A page without a head still lists events; the verify buttons fetch one again.
  const load = () => source.refresh().catch((error) => {
    if (error?.name !== "ApiError") throw error;
    say.say(error, { error: true });
    return null;
  });
  return { node, source, load };
}
