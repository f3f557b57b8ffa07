// #/operator/dispatch: the operator's dispatch board (派单): overdue requests first (a provider
// missed its deadline: re-dispatch), then those waiting for a provider (new or returned). Each
// card folds out a dispatch form with a provider picker filtered by category and region.

import { el, heading, notice } from "../dom.js";
import { t } from "../i18n.js";
import { dispatchForm } from "./requests-actions.js";
import { followRequests, requestCard, requestList } from "./requests-shared.js";

function dispatchable(reload) {
  return (request) => {
    // An overdue request already resolved, closed or withdrawn is past dispatching.
    if (!["submitted", "dispatched", "accepted", "reopened"].includes(request.status)) return null;
    const message = notice();
    const box = el("div");
    const details = el("details", { className: "request-dispatch-fold" }, [
      el("summary", { text: t(request.provider ? "requests.dispatch.again" : "requests.dispatch.title") }),
      message,
      box,
    ]);
    details.addEventListener("toggle", async () => {
      if (!details.open || box.hasChildNodes()) return;
      try {
        box.replaceChildren(...(await dispatchForm(request, async () => reload())));
      } catch (error) {
        message.say(error, { error: true });
      }
    });
    return requestCard(request, details);
  };
}

export async function render(view) {
  view.append(heading("requests.board.title"), el("p", { className: "financing-lead", text: t("requests.board.lead") }));
  const message = notice();
  const reload = async () => {
    message.say(t("requests.dispatch.done"));
    await Promise.all(lists.map((list) => list.load()));
  };
  const lists = [
    requestList({ id: "board-overdue", titleKey: "requests.board.overdue", params: () => ({ overdue: "true" }), card: dispatchable(reload), noneKey: "requests.board.noneOverdue" }),
    requestList({ id: "board-waiting", titleKey: "requests.board.waiting", params: () => ({ status: "submitted" }), card: dispatchable(reload), noneKey: "requests.board.noneWaiting" }),
  ];
  view.append(message, ...lists.map((list) => list.section));
  lists.forEach((list) => list.load());
  return followRequests(lists);
}
