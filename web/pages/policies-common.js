// Shared by the policy pages: a policy's facts (issuer, document number, topics, targeting,
// validity) and its card in a list.

import { badge, el, fact, time } from "../dom.js";
import { industryName, regionName } from "../divisions.js";
import { t } from "../i18n.js";

export const TOPICS = ["fiscal_tax", "finance", "social_security", "employment", "innovation", "digitalization", "market", "other"];

export function policyPath(id, rest = "") {
  return `/policies/${encodeURIComponent(id)}${rest}`;
}

export function topicsText(policy) {
  return (policy.topics ?? []).map((topic) => t(`policies.topic.${topic}`)).join(" · ");
}

export function regionsText(policy) {
  const regions = policy.regions ?? [];
  return regions.length ? regions.map((code) => regionName(code) ?? code).join(" · ") : t("policies.everywhere");
}

export function industriesText(policy) {
  const industries = policy.industries ?? [];
  return industries.length
    ? industries.map((code) => industryName(code) ?? code).join(" · ")
    : t("policies.allIndustries");
}

export function validityText(policy) {
  const from = policy.effective_from;
  const until = policy.effective_until;
  if (from && until) return t("policies.validity.range", { from, until });
  if (from) return t("policies.validity.from", { from });
  if (until) return t("policies.validity.until", { until });
  return t("policies.validity.always");
}

/** The facts of a policy, as `.fact` items for a <dl>. */
export function policyFacts(policy, { full = false } = {}) {
  const facts = [
    fact("policies.fact.issuer", policy.issuer),
    policy.document_number ? fact("policies.fact.documentNumber", policy.document_number) : null,
    fact("policies.fact.topics", topicsText(policy)),
    fact("policies.fact.regions", regionsText(policy)),
    fact("policies.fact.industries", industriesText(policy)),
    fact("policies.fact.validity", validityText(policy)),
  ];
  if (full) {
    facts.push(fact("policies.fact.publishedAt", time(policy.published_at)));
    if (policy.url) {
      const link = el("a", { text: policy.url, attrs: { href: policy.url, rel: "noopener noreferrer", target: "_blank" } });
      facts.push(fact("policies.fact.url", link));
    }
  }
  return facts.filter(Boolean);
}

/** A policy in a list: its title (a link), status when withdrawn, an unread mark, its facts. */
export function policyCard(policy) {
  const titleId = `policy-${policy.id}`;
  const marks = [];
  if (policy.status === "withdrawn") marks.push(badge("policy", "withdrawn"));
  if (policy.read === false) marks.push(el("span", { className: "badge badge--unread", text: t("policies.forMe.unread") }));
  return el("li", {}, [
    el("article", { className: "policy-card", attrs: { "aria-labelledby": titleId, "data-id": policy.id } }, [
      el("header", { className: "policy-card__header" }, [
        el("h3", { className: "policy-card__title", attrs: { id: titleId } }, [
          el("a", { text: policy.title, attrs: { href: `#${policyPath(policy.id)}` } }),
        ]),
        ...marks,
      ]),
      el("dl", { className: "policy-card__facts" }, policyFacts(policy)),
    ]),
  ]);
}

/** "Policies for you" on an enterprise's home: the newest few in force that target it, unread
 * ones marked; filled once the read answers (a failure leaves the panel out). */
export function forMePanel(api) {
  const items = el("ul", { className: "policies policies--for-me" });
  const empty = el("p", { className: "policies__empty", text: t("policies.forMe.none") });
  empty.hidden = true;
  const panel = el("section", { className: "panel policies-for-me", attrs: { "aria-labelledby": "for-me-title" } }, [
    el("h3", { text: t("policies.forMe.title"), attrs: { id: "for-me-title" } }),
    el("p", { className: "field__hint", text: t("policies.forMe.lead") }),
    items,
    empty,
    el("p", {}, [el("a", { text: t("policies.forMe.all"), attrs: { href: "#/policies" } })]),
  ]);
  api
    .get("/policies/for-me", { limit: 5 })
    .then((page) => {
      items.replaceChildren(...(page.items ?? []).map(policyCard));
      empty.hidden = items.hasChildNodes();
    })
    .catch(() => panel.remove());
  return panel;
}
