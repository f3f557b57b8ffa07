// Message catalogues and translation helpers.
//
// Every user-facing string lives in web/messages/<language>/<area>.json (one file per area of
// the site, merged into one catalogue); markup names its strings with data-i18n (text),
// data-i18n-placeholder, data-i18n-title and data-i18n-aria-label attributes.
// To add a language: add its catalogues (same keys) and list it in LANGUAGES.

export const LANGUAGES = ["zh-CN", "en"];
export const DEFAULT_LANGUAGE = "zh-CN";
export const AREAS = ["common", "public", "trade", "financing", "events", "audit", "services", "accounts", "policies", "workbench"];

const STORAGE_KEY = "market.language";
const catalogues = new Map();
let current = DEFAULT_LANGUAGE;
let messages = {};

/** The language chosen earlier (localStorage), else the default. */
export function savedLanguage() {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    // Storage may be disabled (private mode, strict settings): fall back to the default.
  }
  return DEFAULT_LANGUAGE;
}

function remember(language) {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, still used for this page view.
  }
}

async function loadArea(language, area) {
  const url = new URL(`./messages/${language}/${area}.json`, import.meta.url);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`cannot load ${area} messages for ${language}`);
  return response.json();
}

async function loadCatalogue(language) {
  if (!catalogues.has(language)) {
    const parts = await Promise.all(AREAS.map((area) => loadArea(language, area)));
    catalogues.set(language, Object.assign({}, ...parts));
  }
  return catalogues.get(language);
}

/** Load and switch to `language`; remembers the choice unless `persist` is false. */
export async function setLanguage(language, { persist = true } = {}) {
  const chosen = LANGUAGES.includes(language) ? language : DEFAULT_LANGUAGE;
  messages = await loadCatalogue(chosen);
  current = chosen;
  document.documentElement.lang = chosen;
  if (persist) remember(chosen);
  return chosen;
}

export function language() {
  return current;
}

/** The message `key` with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const template = messages[key];
  if (template === undefined) {
    console.warn(`missing message "${key}" for ${current}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Plural-aware message: uses `key.one` / `key.other` by the language's plural rules. */
export function tCount(key, count, params = {}) {
  const category = new Intl.PluralRules(current).select(count) === "one" ? "one" : "other";
  return t(`${key}.${category}`, { count, ...params });
}

const ATTRIBUTES = [
  ["i18nPlaceholder", "placeholder"],
  ["i18nTitle", "title"],
  ["i18nAriaLabel", "aria-label"],
];

/** Fill every data-i18n* element under `root` with the current language's strings. */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const [dataKey, attribute] of ATTRIBUTES) {
    const selector = `[data-${dataKey.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const element of root.querySelectorAll(selector)) {
      element.setAttribute(attribute, t(element.dataset[dataKey]));
    }
  }
}
