// The listings' search form and its filters, which live in the hash query (#/?q=…&side=…) so
// that a search can be bookmarked and shared.

import { el, field } from "../dom.js";
import { t } from "../i18n.js";
import { regionPicker } from "../pickers.js";
import { CATEGORY_CODES, categoryLabel } from "./public-labels.js";

export const FILTERS = ["q", "side", "category", "region", "price_max"];
const MORE = ["category", "region", "price_max"];

const SIDES = [
  ["", "public.search.sideAll"],
  ["supply", "public.search.sideSupply"],
  ["demand", "public.search.sideDemand"],
];

/** The filters of a hash query, cleaned the way the API wants them. */
export function filtersFrom(query) {
  const filters = {};
  for (const name of FILTERS) {
    let value = String(query.get(name) ?? "").trim();
    if (name === "category") value = value.toUpperCase();
    if (value) filters[name] = value;
  }
  return filters;
}

/** Put the filters in the address without a new render (replaceState fires no hashchange). */
export function rememberFilters(filters) {
  const search = new URLSearchParams(filters).toString();
  window.history.replaceState(window.history.state, "", search ? `#/?${search}` : "#/");
}

function categorySelect(value) {
  const wrapper = field("category", "public.search.category", {
    options: [["", "public.search.categoryAll"]],
  });
  const select = wrapper.querySelector("select");
  // Option texts carry the code with the name, so they do not come from field()'s keys.
  for (const code of CATEGORY_CODES) {
    select.append(el("option", { text: categoryLabel(code), attrs: { value: code } }));
  }
  select.value = CATEGORY_CODES.includes(value) ? value : "";
  return wrapper;
}

/** Filters the browser can already tell are wrong, as an ApiError-like `{message, fieldErrors}`. */
function refusal(form) {
  const invalid = [...form.elements].filter((control) => control.willValidate && !control.validity.valid);
  if (!invalid.length) return null;
  return {
    name: "ApiError",
    message: t("public.search.invalid"),
    fieldErrors: invalid.map((control) => ({
      field: control.name,
      message: t(`public.search.invalid.${control.name}`),
    })),
  };
}

/**
 * The search form, filled from `filters`: `onSearch(filters)` on submit and on reset,
 * `onRefused(error)` instead when a filter is malformed (the server would refuse it).
 */
export function searchForm(filters, onSearch, onRefused) {
  const q = field("q", "public.search.q", {
    type: "search",
    value: filters.q,
    attrs: { maxlength: "200", autocomplete: "off", placeholder: t("public.search.qPlaceholder") },
  });
  q.classList.add("field--wide");
  // On a phone the less used filters fold away behind a toggle (open when one is in use).
  const more = el("div", { className: "search__more", attrs: { id: "search-more" } }, [
    categorySelect(filters.category),
    regionPicker("region", "public.search.region", {
      value: filters.region,
      prefix: true,
      fallback: {
        inputmode: "numeric",
        maxlength: "6",
        pattern: "[0-9]{2}([0-9]{2}){0,2}",
        autocomplete: "off",
        placeholder: t("public.search.regionPlaceholder"),
      },
    }),
    field("price_max", "public.search.priceMax", {
      type: "number",
      value: filters.price_max,
      hintKey: "public.search.priceMaxHint",
      attrs: { min: "0", step: "0.01", inputmode: "decimal" },
    }),
  ]);
  const moreToggle = el("button", {
    className: "button search__more-toggle",
    attrs: { type: "button", "aria-controls": "search-more" },
  });
  const showMore = (open) => {
    more.classList.toggle("search__more--folded", !open);
    moreToggle.setAttribute("aria-expanded", String(open));
    moreToggle.textContent = t(open ? "public.search.fewer" : "public.search.more");
  };
  showMore(MORE.some((name) => filters[name]));
  moreToggle.addEventListener("click", () => showMore(more.classList.contains("search__more--folded")));
  const form = el("form", {
    className: "search__form",
    attrs: { role: "search", "aria-label": t("public.search.heading"), novalidate: "" },
  }, [
    q,
    field("side", "public.search.side", { options: SIDES, value: filters.side ?? "" }),
    moreToggle,
    more,
    el("div", { className: "search__actions" }, [
      el("button", { className: "button button--primary", text: t("public.search.submit"), attrs: { type: "submit" } }),
      el("button", { className: "button", text: t("public.search.reset"), attrs: { type: "reset" } }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const refused = refusal(form);
    if (refused) showMore(true);
    if (refused) onRefused(refused);
    else onSearch(filtersFrom(new URLSearchParams(new FormData(form))));
  });
  // The reset event fires before the controls are cleared: search once they are.
  form.addEventListener("reset", () => window.setTimeout(() => {
    more.querySelector(".picker")?.setValue("");
    onSearch({});
  }, 0));
  return form;
}

const CJK = /^[\u4e00-\u9fff]+$/;

/** Shorter searches worth trying for `q`: each word of several, a long Chinese word's ends. */
function shorterWords(q) {
  const words = String(q ?? "").split(/\s+/).filter(Boolean);
  if (words.length > 1) return words;
  const [word = ""] = words;
  if (CJK.test(word) && word.length > 3) return [word.slice(0, 2), word.slice(-2)];
  return [];
}

/** What to try when a search finds nothing: links to broader searches, and publishing. */
export function emptyAdvice(filters) {
  const link = (key, params, query) =>
    el("li", {}, [el("a", { text: t(key, params), attrs: { href: `#/?${new URLSearchParams(query)}` } })]);
  const items = shorterWords(filters.q).map((word) =>
    link("public.advice.word", { word }, { ...filters, q: word }));
  const narrowed = FILTERS.filter((name) => name !== "q" && filters[name]);
  if (narrowed.length && filters.q) items.push(link("public.advice.onlyWords", { q: filters.q }, { q: filters.q }));
  if (narrowed.length || filters.q) {
    items.push(el("li", {}, [el("a", { text: t("public.advice.all"), attrs: { href: "#/" } })]));
  }
  items.push(el("li", {}, [el("a", { text: t("public.advice.publish"), attrs: { href: "#/postings/new?side=demand" } })]));
  return el("div", { className: "results__advice" }, [
    el("p", { text: t("public.results.empty") }),
    el("p", { text: t("public.advice.title") }),
    el("ul", {}, items),
  ]);
}
