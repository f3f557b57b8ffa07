// The public listings (#/): search, newest first, load more, and live updates from the stream
// (new postings appear, bid counts and closed postings change without a reload).

import * as api from "../api.js";
import { debounce, el, heading, showFieldErrors } from "../dom.js";
import { formatTime } from "../format.js";
import { language, t, tCount } from "../i18n.js";
import * as session from "../session.js";
import * as stream from "../stream.js";
import { forMePanel } from "./policies-common.js";
import { postingCard } from "./public-cards.js";
import { emptyAdvice, filtersFrom, rememberFilters, searchForm } from "./public-search.js";
import { savedSearchesPanel } from "./saved-searches.js";

const PAGE_SIZE = 20;
const MAX_LIMIT = 200; // the API's largest `limit`
const LIVE_CHECK_MS = 500;

function layout() {
  return {
    live: el("span", { className: "live-badge", text: t("common.live"), attrs: { hidden: "" } }),
    status: el("p", { className: "results__status", attrs: { role: "status", "aria-live": "polite" } }),
    updated: el("p", { className: "results__status results__updated" }),
    error: el("p", { className: "notice notice--error", attrs: { role: "alert", hidden: "" } }),
    list: el("ol", { className: "postings", attrs: { "aria-busy": "false", "aria-labelledby": "results-heading" } }),
    empty: el("div", { className: "results__empty", attrs: { hidden: "" } }),
    more: el("button", { className: "button", text: t("public.results.loadMore"), attrs: { type: "button", hidden: "" } }),
  };
}

export function render(view, { query }) {
  const ui = layout();
  // `seen`: the last stream position heard of; `published`: postings published since the list
  // was last read (a refresh reads that many more, so the end of the list stays).
  const state = { filters: filtersFrom(query), items: [], cursor: null, loaded: false, seen: 0, published: 0 };
  let request = null;
  let left = false;

  /**
   * "replace": the first page of a new search; "append": the next page (load more);
   * "refresh": re-read as many as are shown, so a live update does not shrink the list.
   */
  async function load(mode = "replace") {
    request?.abort();
    const current = new AbortController();
    request = current;
    const params = { ...state.filters, limit: PAGE_SIZE };
    if (params.q) params.sort = "relevance"; // the closest matches first, for a person searching
    if (mode === "append") params.cursor = state.cursor;
    if (mode === "refresh") {
      // As many as are shown plus those published since: the list grows, never loses its end.
      const wanted = state.items.length + state.published;
      params.limit = Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, wanted));
    }
    const counted = state.published;
    if (state.seen > 0) params.min_position = Math.max(state.seen, api.lastWritePosition());
    ui.list.setAttribute("aria-busy", "true");
    try {
      const page = await api.get("/postings", params, { signal: current.signal });
      const items = Array.isArray(page.items) ? page.items : [];
      if (mode === "append") {
        const known = new Set(state.items.map((p) => p.id));
        state.items = state.items.concat(items.filter((p) => !known.has(p.id)));
      } else {
        state.items = items;
      }
      if (mode !== "append") state.published -= counted;
      state.cursor = page.next_cursor ?? null;
      state.loaded = true;
      state.error = null;
      state.updatedAt = new Date();
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error.name !== "ApiError") console.error(error);
      state.error = error;
      // The list shown belongs to other filters: do not present it as this search's result.
      if (mode === "replace") Object.assign(state, { items: [], cursor: null, loaded: false });
    } finally {
      if (request === current) {
        request = null;
        ui.list.setAttribute("aria-busy", "false");
        if (!left) show();
        // Only a new search can bring a refused filter: point at it there, not on live refreshes.
        if (!left && mode === "replace") showFieldErrors(form, state.error);
      }
    }
  }

  function show() {
    const focused = document.activeElement?.closest?.("[data-posting-id]")?.dataset.postingId;
    const moreHadFocus = document.activeElement === ui.more;
    ui.live.hidden = !stream.isLive();
    ui.list.replaceChildren(...state.items.map(postingCard));
    ui.empty.hidden = !(state.loaded && state.items.length === 0);
    ui.empty.replaceChildren(ui.empty.hidden ? "" : emptyAdvice(state.filters));
    ui.more.hidden = !state.cursor;
    ui.error.hidden = !state.error;
    ui.error.textContent = state.error?.message ?? "";
    ui.status.textContent = state.loaded ? tCount("public.results.count", state.items.length) : "";
    ui.updated.textContent = state.updatedAt
      ? t("public.results.updated", { time: formatTime(state.updatedAt, language()) })
      : "";
    // A live refresh rebuilds the cards: keep the keyboard where it was.
    if (focused) ui.list.querySelector(`[data-posting-id="${CSS.escape(focused)}"] a`)?.focus();
    else if (moreHadFocus && ui.more.hidden) ui.list.querySelector("a")?.focus();
  }

  function search(filters) {
    state.filters = filters;
    rememberFilters(filters);
    return load("replace");
  }

  const refresh = debounce(() => {
    if (!left) load("refresh");
  }, 250);
  const unsubscribe = stream.subscribe((message) => {
    if (!String(message.type).startsWith("Posting.")) return;
    state.seen = Math.max(state.seen, Number(message.position) || 0);
    if (message.type === "Posting.Published") state.published += 1;
    refresh();
  });
  const liveTimer = window.setInterval(() => {
    ui.live.hidden = !stream.isLive();
  }, LIVE_CHECK_MS);

  ui.more.addEventListener("click", () => {
    if (state.cursor && !request) load("append");
  });

  const form = searchForm(state.filters, search, (error) => {
    ui.error.hidden = false;
    ui.error.textContent = error.message;
    showFieldErrors(form, error);
  });
  view.append(
    el("div", { className: "page-head" }, [heading("public.listings.title"), ui.live]),
    ...(session.is("enterprise") ? [forMePanel(api)] : []),
    form,
    ...(session.is("enterprise") ? [savedSearchesPanel(() => state.filters)] : []),
    el("section", { className: "results", attrs: { "aria-labelledby": "results-heading" } }, [
      el("div", { className: "results__header" }, [
        el("h3", { text: t("public.results.heading"), attrs: { id: "results-heading" } }),
        ui.status,
        ui.updated,
      ]),
      ui.error,
      ui.list,
      ui.empty,
      el("div", { className: "results__more" }, [ui.more]),
    ]),
  );

  const ready = load("replace");
  const cleanup = () => {
    left = true;
    request?.abort();
    unsubscribe();
    window.clearInterval(liveTimer);
  };
  return ready.then(() => cleanup);
}
