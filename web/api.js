// The public HTTP API (docs/api.md), and nothing else: JSON in, JSON or RFC 9457 problems out.
//
// Reads carry `min_position` = the position of this tab's latest write, so a page shown after a
// command already contains its effect (read-your-writes on the eventually consistent views).

import { language, t } from "./i18n.js";
import * as session from "./session.js";

const BASE = "/api/v1";
let lastWrite = 0;

export class ApiError extends Error {
  constructor(message, { status = 0, code = "", fieldErrors = [] } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
}

/** The position of this tab's latest write (0 before any). */
export function lastWritePosition() {
  return lastWrite;
}

function noteWrite(position) {
  const value = Number(position);
  if (Number.isSafeInteger(value) && value > lastWrite) lastWrite = value;
}

async function problemFrom(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not JSON (a proxy's error page): fall back to the status line.
  }
  const message =
    problem?.detail || problem?.title || t("error.unknown", { status: response.status });
  return new ApiError(String(message), {
    status: response.status,
    code: String(problem?.code ?? ""),
    fieldErrors: Array.isArray(problem?.errors) ? problem.errors : [],
  });
}

function urlFor(path, params) {
  // Ids from the address bar go into paths: a "." or ".." segment would reach another endpoint.
  if (String(path).split("/").some((segment) => segment === "." || segment === "..")) {
    throw new ApiError(t("error.badAddress"), { status: 400 });
  }
  const url = new URL(BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  return url;
}

/**
 * One request. `params` become the query string; `body` is sent as JSON; `ifMatch` sets
 * If-Match. Resolves to the parsed JSON (null for 204); rejects with an ApiError.
 */
export async function request(method, path, { params, body, ifMatch, signal } = {}) {
  const query = { ...params };
  if (method === "GET" && lastWrite > 0 && query.min_position === undefined) {
    query.min_position = lastWrite;
  }
  const headers = { Accept: "application/json", "Accept-Language": language() };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch !== undefined && ifMatch !== null) headers["If-Match"] = String(ifMatch);
  const url = urlFor(path, query);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(t("error.network"));
  }
  if (response.status === 401 && token) session.expire();
  if (!response.ok) throw await problemFrom(response);
  if (response.status === 204) return null;
  const data = await response.json();
  if (method !== "GET" && data && typeof data === "object") noteWrite(data.position);
  return data;
}

export const get = (path, params, options = {}) => request("GET", path, { ...options, params });
export const post = (path, body = {}, options = {}) => request("POST", path, { ...options, body });
export const patch = (path, body, options = {}) => request("PATCH", path, { ...options, body });
export const del = (path, options = {}) => request("DELETE", path, options);

/** Every item of a paged list (follows next_cursor), up to `max` items. */
export async function getAll(path, params = {}, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...params, limit: 200, cursor });
    items.push(...(page.items ?? []));
    cursor = page.next_cursor ?? null;
  } while (cursor && items.length < max);
  return items;
}

/**
 * Downloads a list as a file (`format` "csv", "xlsx" or "pdf": every page, with the given
 * filters), or a document that has one form only (`format` null: no `format` is sent).
 * The API takes the session token in a header only, so the file is fetched and handed to the
 * browser as a Blob; its name is the one the server gives in Content-Disposition.
 */
export async function download(path, params, format) {
  const headers = { "Accept-Language": language() };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const query = format ? { ...params, format } : { ...params };
  if (lastWrite > 0 && query.min_position === undefined) query.min_position = lastWrite;
  let response;
  try {
    response = await fetch(urlFor(path, query), { headers });
  } catch {
    throw new ApiError(t("error.network"));
  }
  if (response.status === 401 && token) session.expire();
  if (!response.ok) throw await problemFrom(response);
  const blob = await response.blob();
  const given = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = given ? given[1] : `export.${format ?? "pdf"}`;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
