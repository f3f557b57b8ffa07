// Saved searches (订阅) on the listings page, for enterprises: save the current filters, and
// see and delete the saved ones. A new posting that matches one lands in the inbox.

import * as api from "../api.js";
import { act, button, el, notice } from "../dom.js";
import { t } from "../i18n.js";
import { FILTERS } from "./public-search.js";

function describe(search) {
  const parts = FILTERS.filter((name) => search[name]).map((name) => {
    const value = name === "side" ? t(`side.${search.side}`) : search[name];
    return `${t(`public.search.${name === "price_max" ? "priceMax" : name}`)}: ${value}`;
  });
  return parts.join(" · ");
}

function searchLink(search) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (search[name]) params.set(name, search[name]);
  return `#/?${params}`;
}

/** The panel; `currentFilters()` gives the filters of the search shown. */
export function savedSearchesPanel(currentFilters) {
  const said = notice();
  const items = el("ul", { className: "saved-searches" });
  const empty = el("p", { className: "field__hint", text: t("public.saved.none") });

  async function refresh() {
    const page = await api.get("/subscriptions");
    const searches = page.items ?? [];
    items.replaceChildren(
      ...searches.map((search) => {
        const remove = button("public.saved.delete", () =>
          act(remove, said, () => api.del(`/subscriptions/${search.id}`).then(refresh), "public.saved.deleted"),
        );
        remove.setAttribute("aria-label", `${t("public.saved.delete")}: ${describe(search)}`);
        return el("li", { className: "saved-searches__item", attrs: { "data-subscription-id": search.id } }, [
          el("a", { text: describe(search), attrs: { href: searchLink(search) } }),
          remove,
        ]);
      }),
    );
    empty.hidden = searches.length > 0;
  }

  const save = button(
    "public.saved.save",
    () => {
      const filters = currentFilters();
      const body = Object.fromEntries(FILTERS.filter((n) => filters[n]).map((n) => [n, filters[n]]));
      return act(save, said, () => api.post("/subscriptions", body).then(refresh), "public.saved.saved");
    },
    { primary: true },
  );
  const panel = el("section", { className: "panel saved-searches-panel", attrs: { "aria-labelledby": "saved-title" } }, [
    el("h3", { text: t("public.saved.title"), attrs: { id: "saved-title" } }),
    el("p", { className: "field__hint", text: t("public.saved.lead") }),
    save,
    said,
    items,
    empty,
  ]);
  refresh().catch(() => panel.remove());
  return panel;
}
