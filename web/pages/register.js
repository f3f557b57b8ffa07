// Register an enterprise, a bank or a service provider (with its service categories), then log
// straight in.

import * as api from "../api.js";
import { el, field, heading, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { industryPicker, regionPicker } from "../pickers.js";
import * as session from "../session.js";
import { categoryChecks, chosenCategories } from "./services-shared.js";

function contactFrom(values) {
  const contact = {
    name: values.contact_name,
    phone: values.contact_phone,
    email: values.contact_email,
  };
  return Object.values(contact).some(Boolean) ? contact : undefined;
}

function bodyFrom(values) {
  return {
    kind: values.kind,
    name: values.name ?? "",
    credit_code: (values.credit_code ?? "").toUpperCase(),
    region: values.region ?? "",
    industry: values.industry ? values.industry.toUpperCase() : undefined,
    contact: contactFrom(values),
    password: values.password ?? "",
    service_categories: values.kind === "provider" ? chosenCategories(values) : undefined,
  };
}

const HOME = { bank: "#/financing", provider: "#/provider/products" };

function contactFields() {
  return el("fieldset", { className: "form__group" }, [
    el("legend", { text: t("register.contactLegend") }),
    field("contact_name", "register.contactName", { attrs: { maxlength: "50", autocomplete: "name" } }),
    field("contact_phone", "register.contactPhone", { type: "tel", attrs: { autocomplete: "tel" } }),
    field("contact_email", "register.contactEmail", { type: "email", attrs: { autocomplete: "email" } }),
  ]);
}

export function render(view, { navigate }) {
  const message = notice();
  const categories = categoryChecks([], { hintKey: "register.categoriesHint" });
  categories.hidden = true;
  const form = el("form", { className: "form", attrs: { id: "register-form", novalidate: "" } }, [
    field("kind", "register.kind", {
      options: [
        ["enterprise", "register.kind.enterprise"],
        ["bank", "register.kind.bank"],
        ["provider", "register.kind.provider"],
      ],
    }),
    el("p", { className: "field__hint", text: t("register.bankNote") }),
    categories,
    field("name", "register.name", { attrs: { required: "", maxlength: "100", autocomplete: "organization" } }),
    field("credit_code", "register.creditCode", {
      hintKey: "register.creditCodeHint",
      attrs: { required: "", maxlength: "18", autocapitalize: "characters", autocomplete: "username" },
    }),
    regionPicker("region", "register.region", {
      hintKey: "register.regionHint",
      fallback: { required: "", inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}" },
    }),
    industryPicker("industry", "register.industry", { hintKey: "register.industryHint", fallback: { maxlength: "3" } }),
    contactFields(),
    field("password", "register.password", {
      type: "password",
      hintKey: "register.passwordHint",
      attrs: { required: "", minlength: "10", autocomplete: "new-password" },
    }),
    el("div", { className: "form__actions" }, [
      el("button", { className: "button button--primary", text: t("register.submit"), attrs: { type: "submit" } }),
    ]),
  ]);
  form.elements.namedItem("kind").addEventListener("change", (event) => {
    categories.hidden = event.target.value !== "provider";
  });
  onSubmit(form, message, async (values) => {
    const body = bodyFrom(values);
    await api.post("/organizations", body);
    const created = await api.post("/sessions", { credit_code: body.credit_code, password: body.password });
    session.start(created);
    navigate(HOME[body.kind] ?? "#/my/postings");
  });
  view.append(
    heading("register.title"),
    message,
    form,
    el("p", {}, [
      el("span", { text: t("register.haveAccount") }),
      " ",
      el("a", { text: t("nav.login"), attrs: { href: "#/login" } }),
    ]),
  );
}
