// Checking in the browser that an event as served is in the signed Merkle tree (DESIGN.md, "Audit
// log"), so an auditor need not take the server's word for it:
//   1. rebuild the leaf record from the served fields and hash it (SHA-256(0x00 ‖ record));
//   2. fetch the inclusion proof for the signed checkpoint's tree size;
//   3. fold the audit path from OUR leaf hash and compare with the checkpoint's root;
//   4. verify the checkpoint's Ed25519 signature over the C2SP note text rebuilt from its fields.
// Every step reports {step, ok, key, params}; the page turns keys into words. No DOM here.

import * as api from "../api.js";
import { t } from "../i18n.js";
import {
  base64ToBytes, bytesToBase64, bytesToHex, concat, equalBytes, hexToBytes, isHash, leafHash,
  rootFromInclusionProof, sha256, utf8,
} from "../merkle.js";

const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ALG_ED25519 = 1;
const TRUSTED_KEY = "market.audit.trustedKey";

export const short = (hex) => String(hex ?? "").slice(0, 12);

/**
 * The leaf record: RFC 8785 canonical JSON of seven fields (records.py). For non-negative safe
 * integers and well-formed strings RFC 8785 is JSON.stringify with keys in UTF-16 order, which
 * is the order Array.prototype.sort gives. Throws TypeError naming the first unusable field.
 */
export function leafRecord(item) {
  for (const name of ["leaf_index", "position", "stream_version"]) {
    const value = item[name];
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name}: ${value}`);
  }
  for (const name of ["stream_id", "type"]) {
    const value = item[name];
    if (typeof value !== "string" || !value || !value.isWellFormed()) {
      throw new TypeError(`${name}: ${value}`);
    }
  }
  if (!RECORDED_AT.test(item.recorded_at ?? "")) throw new TypeError(`recorded_at: ${item.recorded_at}`);
  if (!SHA256_HEX.test(item.payload_sha256 ?? "")) throw new TypeError("payload_sha256");
  const keys = ["leaf_index", "position", "stream_id", "stream_version", "type", "recorded_at", "payload_sha256"];
  const ordered = {};
  for (const key of keys.sort()) ordered[key] = item[key];
  return utf8(JSON.stringify(ordered));
}

/** The signed note text of a checkpoint: origin, tree size, base64 root, one line each. */
export function checkpointBody({ origin, tree_size: size, root_hash: root }) {
  return `${origin}\n${size}\n${bytesToBase64(hexToBytes(root))}\n`;
}

/** A TypeError whose `reasonKey` names the catalogue's words for it. */
function keyError(reasonKey) {
  return Object.assign(new TypeError(reasonKey), { reasonKey });
}

/** `<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte key)>`, its key id checked; throws TypeError. */
export async function parseVerifierKey(text) {
  // base64 has "+" in its alphabet: only the first two "+" separate fields.
  const [, name, id, encoded] = /^([^+]+)\+([0-9a-fA-F]{8})\+(.+)$/.exec(String(text ?? "").trim()) ?? [];
  if (!encoded) throw keyError("audit.key.reason.format");
  let raw;
  try {
    raw = base64ToBytes(encoded);
  } catch {
    throw keyError("audit.key.reason.notBase64");
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw keyError("audit.key.reason.notEd25519");
  const publicKey = raw.slice(1);
  const keyId = (await sha256(concat(utf8(`${name}\n`), raw))).slice(0, 4);
  if (!equalBytes(keyId, hexToBytes(id))) throw keyError("audit.key.reason.keyId");
  return { name, keyId, publicKey, text: String(text).trim() };
}

/** The verifier key the auditor trusts (saved in this browser), or "" to use the served one. */
export function trustedKey() {
  try {
    return window.localStorage.getItem(TRUSTED_KEY) ?? "";
  } catch {
    return "";
  }
}

export function setTrustedKey(text) {
  try {
    if (text) window.localStorage.setItem(TRUSTED_KEY, text);
    else window.localStorage.removeItem(TRUSTED_KEY);
  } catch {
    // Storage disabled: the key is not kept, and verification falls back to the served one.
  }
}

const pass = (step, key, params = {}) => ({ step, ok: true, key, params });
const fail = (step, key, params = {}) => ({ step, ok: false, key, params });

/** Step 4 on its own (the checkpoint panel shows it too). */
export async function checkSignature(checkpoint, pinned = trustedKey()) {
  const step = "signature";
  let key;
  try {
    key = await parseVerifierKey(pinned || checkpoint.public_key);
  } catch (error) {
    return fail(step, "audit.verify.signature.badKey", {
      reason: error.reasonKey ? t(error.reasonKey) : error.message,
    });
  }
  let signed;
  let body;
  try {
    signed = base64ToBytes(checkpoint.signature);
    body = utf8(checkpointBody(checkpoint));
  } catch {
    return fail(step, "audit.verify.signature.malformed");
  }
  if (signed.length !== 68) return fail(step, "audit.verify.signature.malformed");
  if (!equalBytes(signed.slice(0, 4), key.keyId)) {
    return fail(step, "audit.verify.signature.otherKey", { name: key.name });
  }
  let valid;
  try {
    const imported = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
    valid = await crypto.subtle.verify({ name: "Ed25519" }, imported, signed.slice(4), body);
  } catch (error) {
    return fail(step, "audit.verify.signature.unsupported", { reason: error.message });
  }
  if (!valid) return fail(step, "audit.verify.signature.invalid", { name: key.name });
  return pass(step, pinned ? "audit.verify.signature.okPinned" : "audit.verify.signature.okServed", {
    name: key.name,
  });
}

/**
 * The stored bytes, when served, must hash to `payload_sha256` (which the leaf record covers):
 * this ties what the server shows to what was logged. Null when they do (or are not served).
 */
async function checkPayload(item) {
  if (typeof item.payload_b64 !== "string") return null;
  let bytes;
  try {
    bytes = base64ToBytes(item.payload_b64);
  } catch {
    return { key: "audit.verify.record.invalid", params: { reason: "payload_b64" } };
  }
  const hex = bytesToHex(await sha256(bytes));
  if (hex === item.payload_sha256) return null;
  return {
    key: "audit.verify.record.payloadMismatch",
    params: { computed: short(hex), stored: short(item.payload_sha256) },
  };
}

async function checkRecord(item) {
  const step = "record";
  if (!Number.isSafeInteger(item.leaf_index)) return [fail(step, "audit.verify.record.noLeaf"), null];
  const payload = await checkPayload(item);
  if (payload) return [fail(step, payload.key, payload.params), null];
  let computed;
  try {
    computed = await leafHash(leafRecord(item));
  } catch (error) {
    return [fail(step, "audit.verify.record.invalid", { reason: error.message }), null];
  }
  const hex = bytesToHex(computed);
  if (hex !== item.leaf_hash) {
    return [fail(step, "audit.verify.record.mismatch", { computed: short(hex), stored: short(item.leaf_hash) }), computed];
  }
  return [pass(step, "audit.verify.record.ok", { hash: short(hex) }), computed];
}

const covers = (head, item) => head && item.leaf_index < head.tree_size;
const pause = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });

/** A head covering the event: the one on show, else a newer one. The log signs a new head at
 * least every second while events arrive, so a just-written event is worth a short wait. */
async function coveringCheckpoint(item, head, checkpoints, tries = 5) {
  let current = head;
  for (let attempt = 0; !covers(current, item) && attempt < tries; attempt += 1) {
    if (attempt) await pause(1000);
    current = await checkpoints.refresh();
  }
  return current;
}

async function fetchProof(item, checkpoints) {
  const step = "proof";
  let checkpoint = checkpoints.current();
  try {
    checkpoint = await coveringCheckpoint(item, checkpoint, checkpoints);
    if (!checkpoint || item.leaf_index >= checkpoint.tree_size) {
      return [fail(step, "audit.verify.proof.notCovered", { size: checkpoint?.tree_size ?? 0 }), null, checkpoint];
    }
    const proof = await api.get("/audit/proofs/inclusion", {
      leaf_index: item.leaf_index,
      tree_size: checkpoint.tree_size,
    });
    const path = (proof.audit_path ?? []).map(hexToBytes);
    if (proof.leaf_index !== item.leaf_index || proof.tree_size !== checkpoint.tree_size || !path.every(isHash)) {
      return [fail(step, "audit.verify.proof.malformed"), null, checkpoint];
    }
    return [pass(step, "audit.verify.proof.ok", { count: path.length, size: checkpoint.tree_size }), path, checkpoint];
  } catch (error) {
    if (error?.name !== "ApiError" && !(error instanceof TypeError)) throw error;
    const key = error.name === "ApiError" ? "audit.verify.proof.failed" : "audit.verify.proof.malformed";
    return [fail(step, key, { reason: error.message }), null, checkpoint];
  }
}

async function checkRoot(item, leaf, path, checkpoint) {
  const step = "root";
  if (!leaf || !path) return fail(step, "audit.verify.skipped");
  const folded = await rootFromInclusionProof(item.leaf_index, checkpoint.tree_size, leaf, path);
  if (!folded) return fail(step, "audit.verify.root.invalidPath");
  const computed = bytesToHex(folded);
  if (computed !== String(checkpoint.root_hash).toLowerCase()) {
    return fail(step, "audit.verify.root.mismatch", { computed: short(computed), root: short(checkpoint.root_hash) });
  }
  return pass(step, "audit.verify.root.ok", { root: short(computed), size: checkpoint.tree_size });
}

/**
 * All four steps for one event item of /audit/events or /audit/streams. `checkpoints` is
 * `{current(), refresh()}`: the head on show, and a way to fetch a newer one when the event is
 * too recent for it. Resolves to `{ok, steps, checkpoint}`.
 */
export async function verifyEvent(item, checkpoints) {
  const [record, leaf] = await checkRecord(item);
  const hasLeaf = Number.isSafeInteger(item.leaf_index);
  const [proof, path, checkpoint] = hasLeaf
    ? await fetchProof(item, checkpoints)
    : [fail("proof", "audit.verify.skipped"), null, checkpoints.current()];
  const root = checkpoint ? await checkRoot(item, leaf, path, checkpoint) : fail("root", "audit.verify.skipped");
  const signature = checkpoint ? await checkSignature(checkpoint) : fail("signature", "audit.verify.skipped");
  const steps = [record, proof, root, signature];
  return { ok: steps.every((s) => s.ok), steps, checkpoint };
}
