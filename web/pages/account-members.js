// The members panel of #/account: everyone sees who the organization's people are; admins
// add members (who sign in by login), change their role and disable them, each disabling
// behind a confirmation (web/confirm.js). At least one admin remains (the API answers 409).

import * as api from "../api.js";
import { el, field, notice, onSubmit } from "../dom.js";
import { confirmed } from "../confirm.js";
import { t } from "../i18n.js";

/** A titled panel of the page. */
export function section(id, titleKey, children) {
  return el("section", { className: "panel account__section", attrs: { "aria-labelledby": id } }, [
    el("h3", { className: "trade-section-title", text: t(titleKey), attrs: { id } }),
    ...children,
  ]);
}

const PATH = "/organizations/me/members";
const ROLES = [["member", "members.role.member"], ["admin", "members.role.admin"]];

function roleControl(member, admin, message, reload) {
  if (!admin || member.disabled) return el("span", { text: t(`members.role.${member.role}`) });
  const select = field(`role-${member.id}`, "members.role", { options: ROLES, value: member.role });
  const control = select.querySelector("select");
  control.setAttribute("aria-label", t("members.roleOf", { name: member.name }));
  select.querySelector("label").classList.add("visually-hidden");
  control.addEventListener("change", async () => {
    message.say("");
    try {
      await api.patch(`${PATH}/${encodeURIComponent(member.id)}`, { role: control.value });
      message.say(t("members.roleChanged", { name: member.name }));
    } catch (error) {
      message.say(error, { error: true });
    }
    await reload();
  });
  return select;
}

function disableButton(member, message, reload) {
  const node = el("button", {
    className: "button button--danger",
    text: t("members.disable"),
    attrs: { type: "button", "aria-label": t("members.disableFor", { name: member.name }) },
  });
  node.addEventListener("click", async () => {
    const done = await confirmed(node, message, {
      titleKey: "members.disableTitle",
      leadKey: "members.disableLead",
      confirmKey: "members.disableConfirm",
      danger: true,
      facts: [["members.name", member.name], ["members.login", member.login ?? t("members.firstAdmin")]],
      run: () => api.post(`${PATH}/${encodeURIComponent(member.id)}/disable`),
    });
    if (!done) return;
    message.say(t("members.disabled", { name: member.name }));
    await reload();
  });
  return node;
}

function row(member, admin, message, reload) {
  const cell = (key, children) => el("td", { attrs: { "data-label": t(`members.${key}`) } }, children);
  const status = t(member.disabled ? "members.state.disabled" : "members.state.active");
  return el("tr", { attrs: { "data-id": member.id } }, [
    el("th", { text: member.name, attrs: { scope: "row", "data-label": t("members.name") } }),
    cell("login", [member.login ?? t("members.firstAdmin")]),
    cell("role", [roleControl(member, admin, message, reload)]),
    cell("status", [status]),
    cell("actions", admin && !member.disabled ? [disableButton(member, message, reload)] : []),
  ]);
}

function addForm(message, reload) {
  const form = el("form", { className: "form", attrs: { id: "member-form", novalidate: "" } }, [
    field("name", "members.name", { attrs: { required: "", maxlength: "50", autocomplete: "off" } }),
    field("login", "members.login", { hintKey: "members.loginHint", attrs: { required: "", minlength: "4", maxlength: "64", autocomplete: "off" } }),
    field("password", "members.password", { type: "password", hintKey: "register.passwordHint", attrs: { required: "", minlength: "10", autocomplete: "new-password" } }),
    field("role", "members.role", { options: ROLES }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("members.add"), attrs: { type: "submit" } }),
    ]),
  ]);
  onSubmit(form, message, async (values) => {
    const added = await api.post(PATH, values);
    form.reset();
    message.say(t("members.added", { name: added.name, login: added.login }));
    await reload();
  });
  return form;
}

/** The members panel: the list, and for admins the add form and the actions. */
export async function membersSection(admin) {
  const message = notice();
  const body = el("tbody");
  const columns = ["name", "login", "role", "status", "actions"];
  const table = el("div", { className: "table-wrap" }, [
    el("table", { className: "data-table members__table" }, [
      el("caption", { className: "visually-hidden", text: t("members.title") }),
      el("thead", {}, [el("tr", {}, columns.map((key) => el("th", { text: t(`members.${key}`), attrs: { scope: "col" } })))]),
      body,
    ]),
  ]);
  async function reload() {
    try {
      const page = await api.get(PATH);
      body.replaceChildren(...page.items.map((member) => row(member, admin, message, reload)));
    } catch (error) {
      message.say(error, { error: true });
    }
  }
  await reload();
  const adding = admin ? [el("h4", { className: "trade-subtitle", text: t("members.addTitle") }), addForm(message, reload)] : [];
  return section("account-members", "members.title", [message, table, ...adding]);
}
