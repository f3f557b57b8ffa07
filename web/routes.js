// Every page of the site: its hash path, its module in pages/, who may open it, and whether it
// appears in the navigation (and for whom). `roles: null` = anyone, signed in or not.

export const ROUTES = [
  { path: "/", page: "listings", roles: null, nav: "nav.listings" },
  { path: "/exhibitions", page: "exhibitions", roles: null, nav: "nav.exhibitions" },
  { path: "/exhibitions/:id", page: "exhibition", roles: null },
  { path: "/stats", page: "stats", roles: null, nav: "nav.stats" },
  { path: "/bank-products", page: "bank-products", roles: null, nav: "nav.bankProducts" },
  { path: "/policies", page: "policies", roles: null, nav: "nav.policies" },
  { path: "/policies/new", page: "policy-form", roles: ["operator"] },
  { path: "/policies/:id/edit", page: "policy-form", roles: ["operator"] },
  { path: "/policies/:id", page: "policy", roles: null },
  { path: "/services", page: "services", roles: null, nav: "nav.services" },
  { path: "/services/ask", page: "service-ask", roles: ["enterprise"] },
  { path: "/services/:id", page: "service-product", roles: null },
  { path: "/requests", page: "requests", roles: ["enterprise", "operator", "auditor"], nav: "nav.requests" },
  { path: "/requests/:id", page: "service-request", roles: ["enterprise", "provider", "operator", "auditor"] },
  { path: "/login", page: "login", roles: null },
  { path: "/register", page: "register", roles: null },
  { path: "/inbox", page: "inbox", roles: ["enterprise", "bank", "provider", "operator", "auditor"], nav: "nav.inbox" },
  { path: "/webhooks", page: "webhooks", roles: ["enterprise", "bank", "provider", "operator", "auditor"] },
  { path: "/account", page: "account", roles: ["enterprise", "bank", "provider", "operator", "auditor"], nav: "nav.account" },

  { path: "/postings/new", page: "posting-form", roles: ["enterprise"], nav: "nav.publish" },
  { path: "/postings/:id/edit", page: "posting-form", roles: ["enterprise"] },
  { path: "/postings/:id", page: "posting", roles: null },
  { path: "/my/postings", page: "my-postings", roles: ["enterprise"], nav: "nav.myPostings" },

  { path: "/financing", page: "financing-needs", roles: ["enterprise", "bank", "operator", "auditor"], nav: "nav.financing" },
  { path: "/financing/new", page: "need-form", roles: ["enterprise"] },
  { path: "/financing/:id", page: "financing-need", roles: ["enterprise", "bank", "operator", "auditor"] },

  { path: "/contracts", page: "contracts", roles: ["enterprise", "bank", "operator", "auditor"], nav: "nav.contracts" },
  { path: "/contracts/:id", page: "contract", roles: ["enterprise", "bank", "operator", "auditor"] },

  { path: "/provider/products", page: "provider-products", roles: ["provider"], nav: "nav.providerProducts" },
  { path: "/provider/requests", page: "provider-requests", roles: ["provider"], nav: "nav.providerRequests" },
  { path: "/operator/dispatch", page: "dispatch-board", roles: ["operator"], nav: "nav.dispatch" },
  { path: "/operator/providers", page: "provider-assessment", roles: ["operator", "auditor"], nav: "nav.assessment" },
  { path: "/reports/programme", page: "programme-report", roles: ["operator", "auditor"], nav: "nav.report" },

  { path: "/operator/banks", page: "banks", roles: ["operator"], nav: "nav.banks" },
  { path: "/operator/organizations", page: "organizations", roles: ["operator", "auditor"], nav: "nav.organizations" },

  { path: "/audit", page: "audit", roles: ["operator", "auditor"], nav: "nav.audit" },
  { path: "/audit/streams/:id", page: "audit-stream", roles: ["operator", "auditor"] },
];

function compile(path) {
  const names = [];
  const pattern = path.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  return { regex: new RegExp(`^${pattern}$`), names };
}

const COMPILED = ROUTES.map((route) => ({ ...route, ...compile(route.path) }));

/** The route for a hash like "#/postings/abc?x=1": `{route, params, query}` or null. */
export function match(hash) {
  const [path, search = ""] = (hash.replace(/^#/, "") || "/").split("?");
  for (const route of COMPILED) {
    const found = route.regex.exec(path);
    if (!found) continue;
    const params = {};
    try {
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
    } catch {
      return null; // a malformed escape ("%zz") names no page
    }
    return { route, params, query: new URLSearchParams(search) };
  }
  return null;
}
