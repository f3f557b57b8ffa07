// The division lists behind the pickers and the names of codes: GB/T 2260 regions (province →
// city → county) and GB/T 4754 industries (section → division), read once from the static
// files web/data/regions.json and industries.json (written by `python -m cli.web_data` from a
// maintained data package). Without them (a server that does not have them yet) the pages keep
// what they had: province names from the catalogue and code inputs.

import { language } from "./i18n.js";

const regions = new Map(); // code ("440305") → {code, name, name_en?, children?}
let sections = null; // [{code: "C", name, name_en, children: [{code: "C39", name, name_en}]}]
let topLevel = null;
let loading = null;

async function readList(name) {
  const response = await fetch(new URL(`./data/${name}`, import.meta.url), { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  return response.json();
}

function index(divisions) {
  for (const division of divisions ?? []) {
    regions.set(division.code, division);
    index(division.children);
  }
}

/** Load both lists (once; a page may call it freely). Never rejects. */
export function loadDivisions() {
  loading ??= Promise.all([
    readList("regions.json").then((data) => {
      topLevel = data.provinces ?? null;
      index(topLevel);
    }),
    readList("industries.json").then((data) => {
      sections = data.sections ?? null;
    }),
  ]).catch((error) => console.warn("division lists unavailable", error));
  return loading;
}

/** The provinces with their cities and counties, or null without the list. */
export function provinces() {
  return topLevel;
}

/** The GB/T 4754 sections with their divisions, or null without the list. */
export function industrySections() {
  return sections;
}

/** A division by code ("440305"), or by prefix ("44" -> 440000, "4403" -> 440300). */
export function region(code) {
  const text = String(code ?? "");
  return /^\d{2}(?:\d{2}){0,2}$/.test(text) ? regions.get(text.padEnd(6, "0")) ?? null : null;
}

/** The division's name in the page's language (the code when the list has no English name). */
export const nameOf = (division) =>
  language() === "en" ? division.name_en ?? division.code : division.name;
// "省直辖县级行政区划" and the like: a group, not a place, left out of a place's name.
const isGroup = (division) => /9000$/.test(division.code);

/**
 * A region's name from its code or prefix: "440305" -> "广东省 深圳市 南山区", in English
 * "Nanshan District, Shenzhen, Guangdong"; "3301" -> "浙江省 杭州市" (a municipality's city
 * level, named like the province, said once); null when unknown. English names of cities and
 * counties are Hanyu Pinyin (written by `python -m cli.web_data`).
 */
export function regionName(code) {
  const text = String(code ?? "");
  const province = region(text.slice(0, 2));
  if (!province || !/^\d+$/.test(text)) return null;
  const parts = [province];
  const city = text.length >= 4 ? region(text.slice(0, 4)) : null;
  if (city && city !== province && city.name !== province.name && !isGroup(city)) parts.push(city);
  const county = text.length === 6 && !text.endsWith("00") ? region(text) : null;
  if (county) parts.push(county);
  if (text.length === 6 && !text.endsWith("00") && !county) return null;
  if (language() === "en") return parts.reverse().map(nameOf).join(", ");
  return parts.map(nameOf).join(" ");
}

/** An industry division's or section's name from the list ("C39", "C"), or null. */
export function industryName(code) {
  const text = String(code ?? "").toUpperCase();
  for (const section of sections ?? []) {
    if (section.code === text) return nameOf(section);
    const division = section.children?.find((child) => child.code === text);
    if (division) return nameOf(division);
  }
  return null;
}
