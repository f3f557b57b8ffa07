// #/provider/requests: a provider's desk of the requests dispatched to it: to sign for (签收) or
// return, in progress, reopened by the enterprise's follow-up, and awaiting the enterprise's
// feedback. Each opens its page (accept, return, notes, resolve). Follows the stream.

import { el, heading } from "../dom.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { followRequests, requestList } from "./requests-shared.js";

const GROUPS = [
  ["dispatched", "requests.desk.dispatched"],
  ["accepted", "requests.desk.accepted"],
  ["reopened", "requests.desk.reopened"],
  ["resolved", "requests.desk.resolved"],
];

export async function render(view) {
  view.append(heading("requests.desk.title"));
  if (!session.organization()?.verified) {
    view.append(el("div", { className: "notice financing-verify", attrs: { role: "status" } }, [
      el("strong", { text: t("services.verify.title") }),
      el("p", { text: t("services.verify.body") }),
    ]));
  }
  const lists = GROUPS.map(([status, titleKey]) => requestList({ id: `desk-${status}`, titleKey, params: () => ({ status }) }));
  view.append(
    el("p", { className: "services-links" }, [el("a", { className: "button", text: t("nav.providerProducts"), attrs: { href: "#/provider/products" } })]),
    ...lists.map((list) => list.section),
  );
  lists.forEach((list) => list.load());
  return followRequests(lists);
}
