// A list read page by page through the API's cursors, with a "load more" button. Several pages
// list this way (contracts, own postings, financing needs, bank products); the subtle parts
// live here once: which answer may still be shown, and when the button may be pressed.

import { button, el } from "./dom.js";
import { t } from "./i18n.js";

/**
 * `fetchPage({cursor, ...options})` reads one page (`cursor` undefined = the first);
 * `renderItems(items, {append})` shows it, after the rows already shown or instead of them;
 * `onShown(count)` hears how many are shown in all; `message` is the notice for errors;
 * `status` (optional) says "loading" while a read is on its way and nothing after a failure.
 * Returns `{more, load({append, ...options}), cancel()}`: `more` is the button to place;
 * `cancel()` is for leaving the page: what is on its way is dropped and no read starts again
 * (a form's submit or a timer may still call `load` after the page is gone).
 */
export function pagedList({ fetchPage, renderItems, onShown = () => {}, message, status = null }) {
  let cursor = null;
  let shown = 0;
  // Every read takes a new number; an answer whose number is no longer the latest belongs to
  // other filters or an older live update, or the page was left: it is dropped, never shown.
  let generation = 0;
  let closed = false;
  const more = button("common.loadMore", () => load({ append: true }));
  more.hidden = true;

  async function load({ append = false, ...options } = {}) {
    if (closed) return;
    const current = ++generation;
    // One read at a time from the button: a second click would ask for the same page twice.
    more.disabled = true;
    if (status) status.textContent = t("common.loading");
    try {
      const page = await fetchPage({ ...options, cursor: append ? cursor : undefined });
      if (current !== generation) return;
      const items = page?.items ?? [];
      renderItems(items, { append });
      shown = (append ? shown : 0) + items.length;
      cursor = page?.next_cursor ?? null;
      more.hidden = !cursor;
      onShown(shown);
      message.say("");
    } catch (error) {
      if (current !== generation) return;
      // What is shown stays (a failed live update should not empty the list); the error is said.
      if (status) status.textContent = "";
      message.say(error, { error: true });
    } finally {
      // Re-enabled after a failure too, so "load more" can simply be tried again.
      if (current === generation) more.disabled = false;
    }
  }

  function cancel() {
    closed = true;
    generation += 1;
  }

  return { more, load, cancel };
}

/** A titled section of results: heading and status line, notice, the list, "load more". */
export function resultsSection(id, titleKey, { status, message, list, more }) {
  return el("section", { className: "results", attrs: { "aria-labelledby": id } }, [
    el("div", { className: "results__header" }, [el("h3", { text: t(titleKey), attrs: { id } }), status]),
    message,
    list,
    el("div", { className: "results__more" }, [more]),
  ]);
}
