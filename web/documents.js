// Documents (attachments): uploading with a progress bar, and the documents of what a page
// shows, with download buttons and thumbnails of images.
//
// Files are fetched with the session token in a header (never in a URL) and saved from a Blob
// under the name the server gives (RFC 6266 filename*). Thumbnails are data: URLs, which the
// Content-Security-Policy allows for images.

import { language, t } from "./i18n.js";
import * as session from "./session.js";
import { el } from "./dom.js";

const BASE = "/api/v1/documents";
export const MAX_DOCUMENTS = 10;
const ACCEPT = [
  ".pdf", ".png", ".jpg", ".jpeg", ".webp", ".xlsx", ".docx",
  "application/pdf", "image/png", "image/jpeg", "image/webp",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
].join(",");
const IMAGES = new Set(["image/png", "image/jpeg", "image/webp"]);
const THUMBNAIL_BYTES = 5 * 1024 * 1024; // larger images are listed without a thumbnail

function headers() {
  const result = { "Accept-Language": language() };
  const token = session.token();
  if (token) result.Authorization = `Bearer ${token}`;
  return result;
}

/** `12.3 KB`, `4.5 MB`. */
export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Upload one file; `onProgress(fraction)` while it goes. Resolves to the document's record. */
export function upload(file, kind, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", BASE);
    for (const [name, value] of Object.entries(headers())) request.setRequestHeader(name, value);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: the status line says enough
      }
      if (request.status === 201) resolve(body);
      else reject(new Error(body?.detail || t("documents.failed", { status: request.status })));
    });
    request.addEventListener("error", () => reject(new Error(t("error.network"))));
    const form = new FormData();
    form.append("file", file, file.name);
    if (kind) form.append("kind", kind);
    request.send(form);
  });
}

async function fetchBlob(id) {
  const response = await fetch(`${BASE}/${encodeURIComponent(id)}`, { headers: headers() });
  if (!response.ok) throw new Error(t("documents.unavailable"));
  return response.blob();
}

async function save(document_) {
  const blob = await fetchBlob(document_.id);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = document_.filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

function thumbnail(document_) {
  const image = el("img", { className: "document__thumb", attrs: { alt: "", width: "48", height: "48" } });
  fetchBlob(document_.id)
    .then((blob) => new Promise((resolve) => {
      const reader = new FileReader();
      reader.addEventListener("load", () => resolve(reader.result));
      reader.readAsDataURL(blob);
    }))
    .then((url) => {
      if (typeof url === "string" && url.startsWith("data:image/")) image.src = url;
    })
    .catch(() => image.remove());
  return image;
}

const TYPE_LABELS = {
  "application/pdf": "PDF",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
};

/** A short name of the file's type, shown where an image has its thumbnail. */
function typeLabel(mediaType) {
  return TYPE_LABELS[mediaType] ?? String(mediaType ?? "").split("/").pop().toUpperCase();
}

/** One document: its thumbnail (images), name, size and a download button. */
function item(document_, extra = []) {
  const download = el("button", {
    className: "button button--small",
    text: t("documents.download"),
    attrs: { type: "button", "aria-label": t("documents.downloadNamed", { name: document_.filename }) },
    on: { click: () => save(document_).catch((error) => window.alert(error.message)) },
  });
  const showThumb = IMAGES.has(document_.media_type) && document_.size <= THUMBNAIL_BYTES;
  return el("li", { className: "document", attrs: { "data-document": document_.id } }, [
    showThumb ? thumbnail(document_) : el("span", { className: "document__icon", text: typeLabel(document_.media_type), attrs: { "aria-hidden": "true" } }),
    el("span", { className: "document__name", text: document_.filename }),
    el("span", { className: "document__meta", text: `${t(`documents.kind.${document_.kind ?? "other"}`)} · ${sizeText(document_.size)}` }),
    download,
    ...extra,
  ]);
}

/** The documents of what a page shows (nothing when there are none); `titled: false` when
 * the panel around it already says "documents". */
export function documentList(documents, { titled = true } = {}) {
  if (!documents?.length) return "";
  return el("section", { className: "documents", attrs: { "aria-label": t("documents.title") } }, [
    titled ? el("h4", { className: "trade-subtitle", text: t("documents.title") }) : null,
    el("ul", { className: "documents__list" }, documents.map((d) => item(d))),
  ]);
}

/**
 * A form part to upload documents and keep them until the form is sent: `picker.ids()` are
 * the documents chosen; `await picker.settled()` waits for the uploads under way.
 */
export function documentPicker({ kind, existing = [], max = MAX_DOCUMENTS, labelKey = "documents.attach" } = {}) {
  const chosen = [...existing];
  const pending = new Set();
  let uploading = 0;
  const list = el("ul", { className: "documents__list" });
  const status = el("p", { className: "field__hint", attrs: { role: "status", "aria-live": "polite" } });
  const input = el("input", { attrs: { type: "file", multiple: "", accept: ACCEPT, name: "document-file" } });
  const id = `documents-${Math.random().toString(36).slice(2)}`;
  input.id = id;

  function paint() {
    list.replaceChildren(...chosen.map((d) => item(d, [
      el("button", {
        className: "button button--small",
        text: t("documents.remove"),
        attrs: { type: "button", "aria-label": t("documents.removeNamed", { name: d.filename }) },
        on: { click: () => { chosen.splice(chosen.indexOf(d), 1); paint(); } },
      }),
    ])));
    input.disabled = chosen.length + uploading >= max;
  }

  async function send(file) {
    const progress = el("progress", { attrs: { max: "1", value: "0", "aria-label": file.name } });
    const row = el("li", { className: "document document--uploading" }, [
      el("span", { className: "document__name", text: file.name }), progress,
    ]);
    list.append(row);
    uploading += 1;
    try {
      const record = await upload(file, kind, (fraction) => { progress.value = fraction; });
      chosen.push(record);
      status.textContent = t("documents.uploaded", { name: record.filename });
    } catch (error) {
      status.textContent = `${file.name}: ${error.message}`;
    } finally {
      uploading -= 1;
      row.remove();
      paint();
    }
  }

  input.addEventListener("change", () => {
    const files = [...input.files].slice(0, Math.max(0, max - chosen.length - uploading));
    input.value = "";
    for (const file of files) {
      const sending = send(file);
      pending.add(sending);
      sending.finally(() => pending.delete(sending));
    }
  });
  paint();
  const node = el("div", { className: "field documents-picker", attrs: { "data-field": "documents" } }, [
    el("label", { text: t(labelKey), attrs: { for: id } }),
    input,
    el("small", { className: "field__hint", text: t("documents.hint", { max }) }),
    list,
    status,
  ]);
  node.ids = () => chosen.map((d) => d.id);
  /** Resolves once every upload under way has finished (a form sent meanwhile waits). */
  node.settled = async () => {
    while (pending.size) await Promise.allSettled([...pending]);
  };
  node.chosen = () => [...chosen];
  return node;
}
