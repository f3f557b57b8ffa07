// The public postings page: search, list (newest first), load more, periodic refresh.
//
// Safety rule: API and user text only ever reaches the page through textContent, attributes
// set with setAttribute, or DOM nodes; never parsed as HTML.

import {
  formatDateTime,
  formatMoney,
  formatMoneyExact,
  formatQuantity,
  formatTime,
} from "./format.js";
import { language, savedLanguage, setLanguage, t, tCount, translatePage } from "./i18n.js";

const API_BASE = "/api/v1";
const PAGE_SIZE = 20;
const MAX_LIMIT = 200; // the API's maximum `limit`
const REFRESH_MS = 15_000;
const FILTERS = ["q", "side", "region", "category"];

const ui = {
  form: document.getElementById("search-form"),
  language: document.getElementById("language"),
  results: document.getElementById("results"),
  status: document.getElementById("status"),
  error: document.getElementById("error"),
  list: document.getElementById("postings"),
  empty: document.getElementById("empty"),
  more: document.getElementById("load-more"),
};

const state = {
  filters: {},
  items: [],
  nextCursor: null,
  loaded: false,
  updatedAt: null,
  error: null,
  request: null, // the AbortController of the request in flight
};

// --- API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, { status = 0, fieldErrors = [] } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

/** An RFC 9457 problem+json response as an ApiError (its `detail` is already localized). */
async function problemFrom(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status.
  }
  const message =
    problem?.detail || problem?.title || t("error.unknown", { status: response.status });
  const fieldErrors = Array.isArray(problem?.errors) ? problem.errors : [];
  return new ApiError(String(message), { status: response.status, fieldErrors });
}

async function getJson(path, params, signal) {
  const url = new URL(API_BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/json", "Accept-Language": language() },
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(t("error.network"));
  }
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

// --- Loading --------------------------------------------------------------------------------

/**
 * Fetch postings for the current filters.
 * mode "replace": first page (a new search); "append": the next page (load more);
 * "refresh": re-read as many as are shown, so a refresh does not shrink the list.
 */
async function load(mode = "replace") {
  state.request?.abort();
  const request = new AbortController();
  state.request = request;

  const params = { ...state.filters, limit: PAGE_SIZE };
  if (mode === "append") params.cursor = state.nextCursor;
  if (mode === "refresh") {
    params.limit = Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, state.items.length));
  }

  setBusy(true);
  try {
    const page = await getJson("/postings", params, request.signal);
    const items = Array.isArray(page.items) ? page.items : [];
    if (mode === "append") {
      const seen = new Set(state.items.map((p) => p.id));
      state.items = state.items.concat(items.filter((p) => !seen.has(p.id)));
    } else {
      state.items = items;
    }
    state.nextCursor = page.next_cursor ?? null;
    state.loaded = true;
    state.updatedAt = new Date();
    state.error = null;
  } catch (error) {
    if (error.name === "AbortError") return;
    if (!(error instanceof ApiError)) console.error(error);
    state.error = error instanceof ApiError ? error : new ApiError(t("error.network"));
    if (mode === "replace") {
      // The shown list belongs to the previous filters: do not present it as this search's.
      state.items = [];
      state.nextCursor = null;
      state.loaded = false;
    }
  } finally {
    if (state.request === request) {
      state.request = null;
      setBusy(false);
      render();
    }
  }
}

function search() {
  state.filters = readFilters();
  writeFiltersToUrl(state.filters);
  return load("replace");
}

/** Periodic refresh: skipped while the page is hidden or another request is running. */
function refresh() {
  if (document.hidden || state.request) return;
  load("refresh");
}

/**
 * Call `onChange` whenever postings may have changed; returns a function that stops it.
 *
 * LIVE HOOK: today this polls every 15 s. The live stream (WS /api/v1/stream?after=P, see
 * API.md) will replace the body of this function: open the socket, call `onChange` (or patch
 * `state.items` from the event's `data` and `render()`) on posting events, reconnect with the
 * last position seen, and return a function that closes the socket.
 */
export function subscribeToChanges(onChange) {
  const timer = window.setInterval(onChange, REFRESH_MS);
  const onVisible = () => {
    const stale = !state.updatedAt || Date.now() - state.updatedAt.getTime() >= REFRESH_MS;
    if (!document.hidden && stale) onChange();
  };
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    window.clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}

// --- Filters --------------------------------------------------------------------------------

function readFilters() {
  const data = new FormData(ui.form);
  const filters = {};
  for (const name of FILTERS) {
    let value = String(data.get(name) ?? "").trim();
    if (name === "category") value = value.toUpperCase();
    if (value) filters[name] = value;
  }
  return filters;
}

function readFiltersFromUrl() {
  const query = new URLSearchParams(window.location.search);
  for (const name of FILTERS) {
    const value = query.get(name);
    const control = ui.form.elements.namedItem(name);
    if (value && control) control.value = value;
  }
}

/** Keep the filters in the address, so a search can be bookmarked or shared. */
function writeFiltersToUrl(filters) {
  const url = new URL(window.location.href);
  url.search = new URLSearchParams(filters).toString();
  window.history.replaceState(null, "", url);
}

// --- Rendering ------------------------------------------------------------------------------

function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function priceText(posting) {
  const { price_min: min, price_max: max, currency, unit } = posting;
  if (!min && !max) return { text: t("price.negotiable"), exact: "" };
  const wan = t("price.tenThousand");
  const short = (v) => formatMoney(v, currency, wan);
  const exact = (v) => formatMoneyExact(v, currency);
  let text;
  let full;
  if (min && max && formatMoneyExact(min) !== formatMoneyExact(max)) {
    text = t("price.range", { min: short(min), max: short(max) });
    full = t("price.range", { min: exact(min), max: exact(max) });
  } else if (min) {
    const single = !max;
    text = single ? t("price.from", { min: short(min) }) : short(min);
    full = single ? t("price.from", { min: exact(min) }) : exact(min);
  } else {
    text = t("price.upTo", { max: short(max) });
    full = t("price.upTo", { max: exact(max) });
  }
  return {
    text: unit ? t("price.perUnit", { price: text, unit }) : text,
    exact: t("price.exact", { amount: unit ? t("price.perUnit", { price: full, unit }) : full }),
  };
}

function fact(labelKey, value) {
  const dd = value instanceof Node ? el("dd", {}, [value]) : el("dd", { text: value });
  return el("div", { className: "fact" }, [el("dt", { text: t(labelKey) }), dd]);
}

function renderPosting(posting) {
  const side = posting.side === "demand" ? "demand" : "supply";
  const titleId = `posting-${posting.id}-title`;
  const price = priceText(posting);
  const priceAttrs = price.exact ? { title: price.exact } : {};
  const priceNode = el("span", { text: price.text, attrs: priceAttrs });
  const published = el("time", {
    text: formatDateTime(posting.published_at, language()),
    attrs: { datetime: String(posting.published_at ?? "") },
  });
  const bids = Number(posting.bid_count) || 0;

  return el("li", { className: "posting" }, [
    el("article", {
      className: `posting__card posting__card--${side}`,
      attrs: { "aria-labelledby": titleId },
    }, [
      el("header", { className: "posting__header" }, [
        el("span", { className: `badge badge--${side}`, text: t(`side.${side}`) }),
        el("h3", { className: "posting__title", text: posting.title, attrs: { id: titleId } }),
      ]),
      el("dl", { className: "posting__facts" }, [
        fact("posting.category", posting.category),
        fact("posting.region", posting.region),
        fact(
          "posting.quantity",
          t("posting.quantityValue", {
            quantity: formatQuantity(posting.quantity),
            unit: posting.unit ?? "",
          }),
        ),
        fact("posting.price", priceNode),
        fact("posting.owner", posting.owner?.name || t("posting.ownerUnknown")),
        fact("posting.bids", tCount("posting.bidCount", bids)),
        fact("posting.published", published),
      ]),
    ]),
  ]);
}

function renderError() {
  const error = state.error;
  ui.error.replaceChildren();
  ui.error.hidden = !error;
  if (!error) return;
  ui.error.append(el("span", { text: error.message }));
  if (error.fieldErrors.length) {
    const list = el("ul", { className: "error__fields" });
    for (const item of error.fieldErrors) {
      const text = t("error.field", { field: item.field, message: item.message });
      list.append(el("li", { text }));
    }
    ui.error.append(list);
  }
}

function renderStatus() {
  if (state.request && !state.loaded) {
    ui.status.textContent = t("results.loading");
    return;
  }
  if (!state.loaded) {
    ui.status.textContent = "";
    return;
  }
  const parts = [tCount("results.count", state.items.length)];
  if (state.updatedAt) {
    parts.push(t("results.updated", { time: formatTime(state.updatedAt, language()) }));
  }
  ui.status.textContent = parts.join(" · ");
}

function render() {
  const hadFocus = document.activeElement === ui.more;
  ui.list.replaceChildren(...state.items.map(renderPosting));
  ui.empty.hidden = !(state.loaded && state.items.length === 0);
  ui.more.hidden = !state.nextCursor;
  if (hadFocus && ui.more.hidden) ui.results.focus();
  renderError();
  renderStatus();
}

function setBusy(busy) {
  ui.list.setAttribute("aria-busy", String(busy));
  // aria-disabled, not disabled: a disabled button would drop keyboard focus.
  ui.more.setAttribute("aria-disabled", String(busy));
  renderStatus();
}

// --- Start ----------------------------------------------------------------------------------

async function switchLanguage(chosen) {
  ui.language.value = await setLanguage(chosen);
  translatePage();
  render();
  if (state.error) load("refresh"); // re-ask, so the server's message comes in the new language
}

async function start() {
  ui.language.value = await setLanguage(savedLanguage(), { persist: false });
  translatePage();
  readFiltersFromUrl();

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  // The reset event fires before the fields are cleared: search once they are.
  ui.form.addEventListener("reset", () => window.setTimeout(search, 0));
  ui.more.addEventListener("click", () => {
    if (state.nextCursor && !state.request) load("append");
  });
  ui.language.addEventListener("change", () => switchLanguage(ui.language.value));

  await search();
  subscribeToChanges(refresh);
}

start().catch((error) => console.error("the page could not start", error));
