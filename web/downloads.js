// "下载 CSV / Excel" beside an exportable list (docs/api.md, "Exports"): the whole list, with
// the filters the page shows; "下载 PDF" for a document (a contract, the programme report). All
// through api.download (the token goes in a header, so a plain link cannot carry it).

import * as api from "./api.js";
import { button, el } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Two buttons that download `path` as CSV and as Excel with `params()` (the page's current
 * filters); a failure is said in `message` (a notice from dom.js). `what` (optional) names
 * the list in the buttons' accessible names, where a page has several; `formats` (optional)
 * picks among "csv", "xlsx" and "pdf" (the programme report: Excel and PDF). `format` null in
 * `formats` is a document with one form only, downloaded as PDF without a `format` query.
 */
export function downloadLinks(path, params, message, what = "", formats = ["csv", "xlsx"]) {
  const buttons = [];
  const fetchAs = (format) => async () => {
    buttons.forEach((node) => (node.disabled = true));
    try {
      await api.download(path, params(), format);
      message.say("");
    } catch (error) {
      message.say(error, { error: true });
    } finally {
      buttons.forEach((node) => (node.disabled = false));
    }
  };
  const named = (key) => (what ? { "aria-label": `${t(key)}: ${what}` } : {});
  if (formats.includes("csv")) {
    buttons.push(button("common.downloadCsv", fetchAs("csv"), { attrs: named("common.downloadCsv") }));
  }
  if (formats.includes("xlsx")) {
    buttons.push(button("common.downloadExcel", fetchAs("xlsx"), { attrs: named("common.downloadExcel") }));
  }
  if (formats.includes("pdf") || formats.includes(null)) {
    const format = formats.includes("pdf") ? "pdf" : null;
    buttons.push(button("common.downloadPdf", fetchAs(format), { attrs: named("common.downloadPdf") }));
  }
  return el("p", { className: "downloads" }, buttons);
}
