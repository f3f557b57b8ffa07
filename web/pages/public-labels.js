// Readable names for the codes the API speaks: regions (GB/T 2260), industry divisions
// (GB/T 4754) and months. The names live in the public message catalogue; an unknown code is
// shown as it is.

import { regionName } from "../divisions.js";
import { language, t } from "../i18n.js";

// The GB/T 4754 divisions the server accepts (aggregates/categories.py), for the filter.
export const CATEGORY_CODES = [
  "A01", "A02", "A03", "A04", "A05", "B06", "B07", "B08", "B09", "B10", "B11", "B12",
  "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21", "C22", "C23", "C24",
  "C25", "C26", "C27", "C28", "C29", "C30", "C31", "C32", "C33", "C34", "C35", "C36",
  "C37", "C38", "C39", "C40", "C41", "C42", "C43", "D44", "D45", "D46", "E47", "E48",
  "E49", "E50", "F51", "F52", "G53", "G54", "G55", "G56", "G57", "G58", "G59", "G60",
  "H61", "H62", "I63", "I64", "I65", "J66", "J67", "J68", "J69", "K70", "L71", "L72",
  "M73", "M74", "M75", "N76", "N77", "N78", "N79", "O80", "O81", "O82", "P83", "Q84",
  "Q85", "R86", "R87", "R88", "R89", "R90", "S91", "S92", "S93", "S94", "S95", "S96",
  "T97",
];

// t() echoes an unknown key with a console warning: ask it only for codes the catalogue lists.
const KNOWN_PROVINCES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
  "65", "71", "81", "82",
]);
const KNOWN_CATEGORIES = new Set(CATEGORY_CODES);

/** The province's name for a region code ("330106" -> "浙江省"), or null. */
export function provinceName(code) {
  const text = String(code ?? "");
  const province = text.slice(0, 2);
  return /^\d{2}/.test(text) && KNOWN_PROVINCES.has(province) ? t(`public.province.${province}`) : null;
}

/**
 * A region by name: "广东省 深圳市 南山区" from the GB/T 2260 list (divisions.js); without the
 * list "440305 · 广东省"; the bare code when nothing is known of it.
 */
export function regionLabel(code) {
  if (!code) return "—";
  const full = regionName(code);
  if (full) return full;
  const name = provinceName(code);
  return name ? t("public.codeName", { code, name }) : String(code);
}

/** The division's name ("C39" -> "计算机、通信和其他电子设备制造业"), or null. */
export function categoryName(code) {
  const text = String(code ?? "").toUpperCase();
  return KNOWN_CATEGORIES.has(text) ? t(`public.category.${text}`) : null;
}

/** "C39 · 计算机、通信和其他电子设备制造业" (or the bare code). */
export function categoryLabel(code) {
  if (!code) return "—";
  const name = categoryName(code);
  return name ? t("public.codeName", { code, name }) : String(code);
}

/** "2026-05" -> "2026年5月" / "May 2026" (the key is already a China Standard Time month). */
export function monthLabel(key) {
  const found = /^(\d{4})-(\d{2})$/.exec(String(key ?? ""));
  if (!found) return String(key ?? "—");
  const date = new Date(Date.UTC(Number(found[1]), Number(found[2]) - 1, 15));
  return new Intl.DateTimeFormat(language(), { year: "numeric", month: "long", timeZone: "UTC" })
    .format(date);
}
