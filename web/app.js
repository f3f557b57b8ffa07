// The single-page shell: language, session, navigation and the router.
//
// Pages live in pages/<name>.js and export `render(view, context)`, which fills `view` (the
// <main> element) and may return a function that the router calls when the page is left
// (to close subscriptions and timers). `context` = {params, query, navigate}.

import * as api from "./api.js";
import { button, el } from "./dom.js";
import { loadDivisions } from "./divisions.js";
import { inboxBadge, startInboxBadge } from "./inbox-badge.js";
import { language, savedLanguage, setLanguage, t, translatePage } from "./i18n.js";
import { match, ROUTES } from "./routes.js";
import * as session from "./session.js";

const ui = {
  view: document.getElementById("view"),
  nav: document.getElementById("nav-links"),
  account: document.getElementById("account"),
  language: document.getElementById("language"),
};

let leave = null;
let generation = 0;

export function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function allowed(route) {
  return route.roles === null || session.is(...route.roles);
}

function renderNav() {
  const here = (window.location.hash || "#/").split("?")[0];
  const links = ROUTES.filter((route) => route.nav && allowed(route)).map((route) => {
    const href = `#${route.path}`;
    const attrs = { href };
    if (here === href) attrs["aria-current"] = "page";
    const link = el("a", { text: t(route.nav), attrs });
    if (route.page === "inbox") link.append(" ", inboxBadge());
    return el("li", {}, [link]);
  });
  ui.nav.replaceChildren(...links);
}

function renderAccount() {
  const organization = session.organization();
  if (!organization) {
    ui.account.replaceChildren(
      el("a", { className: "button", text: t("nav.login"), attrs: { href: "#/login" } }),
      el("a", { className: "button button--primary", text: t("nav.register"), attrs: { href: "#/register" } }),
    );
    return;
  }
  ui.account.replaceChildren(
    el("span", { className: "account__who" }, [
      el("span", { className: "account__name", text: organization.name }),
      el("span", { className: "account__kind", text: t(`kind.${organization.kind}`) }),
    ]),
    button("nav.logout", logOut, { attrs: { id: "logout" } }),
  );
}

async function logOut() {
  try {
    await api.del("/sessions/current");
  } catch {
    // Already invalid on the server: forgetting it here is all that is left to do.
  }
  session.expire();
  navigate("#/");
}

async function route() {
  const current = ++generation;
  try {
    leave?.();
  } catch (error) {
    console.error("page cleanup failed", error);
  }
  leave = null;
  renderNav();
  const found = match(window.location.hash);
  if (!found) {
    showMessage("page.notFound");
    return;
  }
  if (!allowed(found.route)) {
    if (!session.get()) {
      const next = encodeURIComponent(window.location.hash);
      navigate(`#/login?next=${next}`);
    } else {
      showMessage("page.forbidden");
    }
    return;
  }
  ui.view.setAttribute("aria-busy", "true");
  try {
    // Region and industry names and pickers need the division lists (loaded once).
    const [page] = await Promise.all([import(`./pages/${found.route.page}.js`), loadDivisions()]);
    if (current !== generation) return;
    ui.view.replaceChildren();
    const cleanup = await page.render(ui.view, { ...found, navigate });
    if (current !== generation) {
      if (typeof cleanup === "function") cleanup();
      return;
    }
    leave = typeof cleanup === "function" ? cleanup : null;
  } catch (error) {
    console.error("page failed", error);
    if (current === generation) showMessage("page.failed", error);
  } finally {
    if (current === generation) ui.view.setAttribute("aria-busy", "false");
  }
  if (current === generation) focusHeading();
}

function showMessage(key, error) {
  ui.view.setAttribute("aria-busy", "false");
  ui.view.replaceChildren(
    el("h2", { className: "page-title", text: t(key), attrs: { tabindex: "-1" } }),
    error?.message ? el("p", { className: "notice notice--error", text: error.message }) : null,
    el("p", {}, [el("a", { text: t("nav.listings"), attrs: { href: "#/" } })]),
  );
  focusHeading();
}

function focusHeading() {
  const title = ui.view.querySelector(".page-title");
  document.title = title ? `${title.textContent} · ${t("app.name")}` : t("app.name");
  // Move focus only after a navigation inside the app, not on the first load.
  if (title && document.activeElement !== document.body) title.focus({ preventScroll: true });
}

async function switchLanguage(chosen) {
  ui.language.value = await setLanguage(chosen);
  translatePage();
  renderAccount();
  route();
}

async function start() {
  ui.language.value = await setLanguage(savedLanguage(), { persist: false });
  translatePage();
  renderAccount();
  ui.language.addEventListener("change", () =>
    switchLanguage(ui.language.value).catch((error) => {
      // The other catalogue could not be loaded: stay in the language still on show.
      console.error("language switch failed", error);
      ui.language.value = language();
    }),
  );
  // "#view" would be taken for a route (hash routing): the skip link moves focus itself.
  document.querySelector(".skip-link")?.addEventListener("click", (event) => {
    event.preventDefault();
    ui.view.focus();
  });
  session.onChange(() => {
    renderAccount();
    renderNav();
  });
  startInboxBadge();
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "true";
}

start().catch((error) => console.error("the page could not start", error));
