// #/policies: the policy library for everyone, searched by words (Chinese or English), topic,
// region and industry, in force by default; operators publish new policies from here.

import * as api from "../api.js";
import { el, field, heading, notice } from "../dom.js";
import { t, tCount } from "../i18n.js";
import { pagedList } from "../paging.js";
import { industryPicker, regionPicker } from "../pickers.js";
import * as session from "../session.js";
import { TOPICS, policyCard } from "./policies-common.js";

function filters(query) {
  return el("form", { className: "search__form policy-filters", attrs: { role: "search", "aria-label": t("policies.filter.label") } }, [
    field("q", "policies.filter.q", { type: "search", value: query.get("q") ?? "", attrs: { maxlength: "200" } }),
    field("topic", "policies.filter.topic", {
      options: [["", "policies.filter.anyTopic"], ...TOPICS.map((topic) => [topic, `policies.topic.${topic}`])],
      value: query.get("topic") ?? "",
    }),
    regionPicker("region", "policies.filter.region", {
      value: query.get("region") ?? "",
      prefix: true,
      fallback: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{2,6}" },
    }),
    industryPicker("industry", "policies.filter.industry", { value: query.get("industry") ?? "", fallback: { maxlength: "3" } }),
    field("all", "policies.filter.all", { type: "checkbox" }),
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("policies.filter.submit"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("policies.filter.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
}

function filterValues(form) {
  const value = (name) => form.elements.namedItem(name)?.value?.trim() ?? "";
  const params = { q: value("q"), topic: value("topic"), region: value("region"), industry: value("industry") };
  const chosen = Object.fromEntries(Object.entries(params).filter(([, v]) => v));
  if (form.elements.namedItem("all").checked) chosen.active = false;
  return chosen;
}

export async function render(view, { query }) {
  const message = notice();
  const form = filters(query);
  const status = el("p", { className: "results__status", attrs: { "aria-live": "polite" } });
  const list = el("ul", { className: "policies" });
  const paging = pagedList({
    fetchPage: ({ cursor, minPosition }) =>
      api.get("/policies", { ...filterValues(form), limit: 20, cursor, min_position: minPosition }),
    renderItems(items, { append }) {
      if (!append) list.replaceChildren();
      list.append(...items.map(policyCard));
    },
    onShown: (count) => {
      status.textContent = count ? tCount("policies.count", count) : t("policies.none");
    },
    message,
    status,
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    paging.load();
  });
  form.addEventListener("reset", () => window.setTimeout(() => {
    for (const picker of form.querySelectorAll(".picker")) picker.setValue?.("");
    paging.load();
  }, 0));
  const publish = session.is("operator")
    ? [el("p", {}, [el("a", { className: "button button--primary", text: t("policies.new"), attrs: { href: "#/policies/new" } })])]
    : [];
  view.append(
    heading("policies.title"),
    el("p", { className: "policies-lead", text: t("policies.lead") }),
    ...publish,
    form,
    el("section", { className: "results", attrs: { "aria-labelledby": "policies-results" } }, [
      el("div", { className: "results__header" }, [el("h3", { text: t("policies.results"), attrs: { id: "policies-results" } }), status]),
      message,
      list,
      el("div", { className: "results__more" }, [paging.more]),
    ]),
  );
  await paging.load();
  return () => paging.cancel();
}
