// RFC 6962 / RFC 9162 Merkle tree hashing, so an auditor's browser can check an inclusion proof
// itself instead of trusting the server's "ok". Pure functions over Uint8Array, no DOM; hashing
// is Web Crypto's SHA-256, hence async (it needs a secure context: https or localhost).

export const HASH_SIZE = 32;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** "0aff" -> Uint8Array [10, 255]; throws TypeError on anything else. */
export function hexToBytes(hex) {
  if (typeof hex !== "string" || !HEX.test(hex)) throw new TypeError("not a hex string");
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Lowercase hex of the bytes. */
export function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Standard base64 (with padding) -> bytes; throws TypeError when not base64. */
export function base64ToBytes(text) {
  let binary;
  try {
    binary = atob(String(text));
  } catch {
    throw new TypeError("not base64");
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function bytesToBase64(bytes) {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""));
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function concat(...parts) {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

export function equalBytes(a, b) {
  return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length
    && a.every((byte, i) => byte === b[i]);
}

export function isHash(value) {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data) {
  return sha256(concat(Uint8Array.of(0), data));
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of a list of leaf hashes (RFC 6962 §2.1); the empty tree hashes to SHA-256(""). */
export async function treeRoot(leafHashes) {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  if (leafHashes.length === 1) return leafHashes[0];
  const k = split(leafHashes.length);
  const [left, right] = await Promise.all([
    treeRoot(leafHashes.slice(0, k)),
    treeRoot(leafHashes.slice(k)),
  ]);
  return nodeHash(left, right);
}

const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

/**
 * The root that `path` (an audit path, leaf-side sibling first) leads to from leaf hash `leaf`
 * at `leafIndex` in a tree of `treeSize` leaves (RFC 9162 §2.1.3.2), or null when the path
 * cannot belong to such a tree (wrong length, a hash that is not 32 bytes, index ≥ size).
 * Arithmetic instead of bit operators: those truncate to 32 bits, tree sizes may not.
 */
export async function rootFromInclusionProof(leafIndex, treeSize, leaf, path) {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return null;
  if (leafIndex < 0 || leafIndex >= treeSize) return null;
  if (!isHash(leaf) || !Array.isArray(path) || !path.every(isHash)) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let result = leaf;
  for (const sibling of path) {
    if (sn === 0) return null;
    if (odd(fn) || fn === sn) {
      result = await nodeHash(sibling, result);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      result = await nodeHash(result, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? result : null;
}
