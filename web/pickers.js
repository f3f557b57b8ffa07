// Pickers instead of codes: a region as province → city → county (GB/T 2260) and an industry
// as section → division (GB/T 4754), from the division lists (divisions.js). The form still
// sends the code (a hidden input, or the division <select> itself). Without the lists a picker
// is the code input it replaces.

import { industrySections, nameOf, provinces, region, regionName } from "./divisions.js";
import { el, field } from "./dom.js";
import { t } from "./i18n.js";

let counter = 0;

function select(labelKey, id, blankKey) {
  const node = el("select", { attrs: { id } }, [el("option", { text: t(blankKey), attrs: { value: "" } })]);
  const wrapper = el("div", { className: "picker__part" }, [el("label", { text: t(labelKey), attrs: { for: id } }), node]);
  return { node, wrapper };
}

function fill(target, divisions, label = nameOf) {
  target.node.length = 1;
  for (const division of divisions ?? []) {
    target.node.append(el("option", { text: label(division), attrs: { value: division.code } }));
  }
  target.wrapper.hidden = !divisions?.length;
}

function pickerField(name, labelKey, hintKey, parts, extra = []) {
  const id = `p-${name}-${++counter}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  for (const part of parts) part.node.setAttribute("aria-describedby", hintKey ? `${hintId} ${errorId}` : errorId);
  return el("div", { className: "field picker", attrs: { "data-field": name } }, [
    el("fieldset", { className: "picker__set" }, [
      el("legend", { text: t(labelKey) }),
      el("div", { className: "picker__parts" }, parts.map((part) => part.wrapper)),
      ...extra,
    ]),
    hintKey ? el("small", { className: "field__hint", text: t(hintKey), attrs: { id: hintId } }) : null,
    el("small", { className: "field__error", attrs: { id: errorId } }),
  ]);
}

/**
 * A region picker sending `name` = the code chosen: the county's, else the city's (or, with
 * `prefix`, a filter's prefix: "33" for a province, "3301" for a city). `fallback` are the
 * attributes of the code input used when the list is missing.
 */
export function regionPicker(name, labelKey, { value = "", hintKey, prefix = false, disabled = false, fallback = {} } = {}) {
  const all = provinces();
  if (!all) return field(name, labelKey, { value, hintKey, attrs: fallback });
  const base = `p-${name}-${++counter}`;
  const province = select("picker.province", `${base}-province`, prefix ? "picker.anyProvince" : "picker.choose");
  const city = select("picker.city", `${base}-city`, prefix ? "picker.anyCity" : "picker.choose");
  const county = select("picker.county", `${base}-county`, prefix ? "picker.anyCounty" : "picker.choose");
  const hidden = el("input", { attrs: { type: "hidden", name } });
  const chosen = () => region(county.node.value) ?? region(city.node.value) ?? region(province.node.value);
  const update = () => {
    const division = chosen();
    const code = division?.code ?? "";
    hidden.value = prefix ? code.replace(/(?:00)+$/, "") : code;
  };
  const showCities = () => {
    fill(city, region(province.node.value)?.children);
    if (city.node.length === 2) city.node.selectedIndex = 1; // a municipality's only city
    showCounties();
  };
  const showCounties = () => {
    fill(county, region(city.node.value)?.children);
    update();
  };
  fill(province, all);
  province.node.addEventListener("change", showCities);
  city.node.addEventListener("change", showCounties);
  county.node.addEventListener("change", update);
  const setValue = (code) => {
    const start = String(code ?? "");
    province.node.value = region(start.slice(0, 2))?.code ?? "";
    showCities();
    if (start.length >= 4 && region(start.slice(0, 4))) city.node.value = region(start.slice(0, 4)).code;
    showCounties();
    if (start.length === 6 && region(start)) county.node.value = start;
    update();
  };
  setValue(value);
  for (const control of [province.node, city.node, county.node, hidden]) control.disabled = disabled;
  const node = pickerField(name, labelKey, hintKey, [province, city, county], [hidden]);
  node.setValue = setValue;
  return node;
}

/** An industry picker: section, then the division (the <select> named `name`, sending "C39"). */
export function industryPicker(name, labelKey, { value = "", hintKey, required = false, disabled = false, fallback = {} } = {}) {
  const all = industrySections();
  if (!all) return field(name, labelKey, { value, hintKey, attrs: fallback });
  const base = `p-${name}-${++counter}`;
  const section = select("picker.section", `${base}-section`, "picker.choose");
  const division = select("picker.division", `${base}-division`, "picker.choose");
  division.node.setAttribute("name", name);
  if (required) division.node.setAttribute("required", "");
  const label = (item) => `${item.code} ${nameOf(item)}`;
  const showDivisions = () => fill(division, all.find((item) => item.code === section.node.value)?.children, label);
  fill(section, all, label);
  section.node.addEventListener("change", showDivisions);
  const start = String(value ?? "").toUpperCase();
  section.node.value = all.some((item) => item.code === start.slice(0, 1)) ? start.slice(0, 1) : "";
  showDivisions();
  division.node.value = start;
  section.node.disabled = division.node.disabled = disabled;
  return pickerField(name, labelKey, hintKey, [section, division]);
}

/**
 * Several regions (codes or prefixes: "33" a province, "3301" a city): a region picker, an
 * "add" button and the chosen regions as removable chips. The form sends `name` as the codes
 * joined by commas. Without the lists it is the code field it replaces.
 */
export function regionsPicker(name, labelKey, { value = [], hintKey, fallback = {} } = {}) {
  if (!provinces()) return field(name, labelKey, { value: value.join(", "), hintKey, attrs: fallback });
  const choice = regionPicker(`${name}-choice`, "picker.addRegion", { prefix: true });
  const chosenInput = choice.querySelector("input[type=hidden]");
  chosenInput.removeAttribute("name");
  choice.querySelector(".field__error").remove(); // errors on `name` show below the chips
  const hidden = el("input", { attrs: { type: "hidden", name } });
  const chips = el("ul", { className: "picker__chips", attrs: { "aria-live": "polite" } });
  let codes = [];
  const show = () => {
    hidden.value = codes.join(",");
    chips.replaceChildren(
      ...codes.map((code) => {
        const label = regionName(code) ?? code;
        const remove = el("button", {
          className: "picker__chip-remove",
          text: "×",
          attrs: { type: "button", "aria-label": t("picker.removeRegion", { name: label }) },
          on: { click: () => setValue(codes.filter((kept) => kept !== code)) },
        });
        return el("li", { className: "picker__chip", attrs: { "data-code": code } }, [el("span", { text: label }), remove]);
      }),
    );
    if (!codes.length) chips.append(el("li", { className: "picker__none", text: t("picker.noRegions") }));
  };
  const setValue = (list) => {
    codes = [...new Set((list ?? []).map(String).filter(Boolean))];
    show();
  };
  const add = el("button", {
    className: "button",
    text: t("picker.add"),
    attrs: { type: "button" },
    on: {
      click: () => {
        const code = chosenInput.value;
        if (code && !codes.includes(code)) setValue([...codes, code]);
        choice.setValue("");
      },
    },
  });
  const errorId = `p-${name}-${++counter}-error`;
  const node = el("div", { className: "field picker picker--many", attrs: { "data-field": name } }, [
    el("fieldset", { className: "picker__set" }, [
      el("legend", { text: t(labelKey) }),
      chips,
      choice,
      el("div", { className: "picker__add" }, [add]),
      hidden,
    ]),
    hintKey ? el("small", { className: "field__hint", text: t(hintKey) }) : null,
    el("small", { className: "field__error", attrs: { id: errorId } }),
  ]);
  add.setAttribute("aria-describedby", errorId);
  setValue(value);
  node.setValue = setValue;
  return node;
}
