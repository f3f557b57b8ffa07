// Numbers as people type them in China: "15,500", "4.15%", "300万", "１２３" (full-width),
// "￥2,000 元". Normalised to the plain decimal string the API takes ("15500", "4.15",
// "3000000", "123"); anything else is sent as typed, for the server to explain.

const SCALES = { 万: 4, 亿: 8 };

/** Shift the decimal point of a plain decimal string `places` to the right. */
function shift(digits, places) {
  const [whole, fraction = ""] = digits.split(".");
  const moved = fraction.padEnd(places, "0");
  const integer = `${whole}${moved.slice(0, places)}`.replace(/^0+(?=\d)/, "");
  const rest = moved.slice(places).replace(/0+$/, "");
  return rest ? `${integer}.${rest}` : integer;
}

/** The typed number as a decimal string, or the text itself (trimmed) when it is none. */
export function normaliseDecimal(typed) {
  const text = String(typed ?? "").normalize("NFKC").trim();
  let plain = text
    .replace(/[\s,_']/g, "")
    .replace(/^[¥￥]|^CNY|^RMB/i, "")
    .replace(/元$/, "")
    .replace(/%$/, "");
  let places = 0;
  const scale = plain.slice(-1);
  if (Object.hasOwn(SCALES, scale)) {
    places = SCALES[scale];
    plain = plain.slice(0, -1);
  }
  if (plain.startsWith(".")) plain = `0${plain}`;
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return text;
  return places ? shift(plain, places) : plain;
}

/** A typed whole number ("１５", "1,000") as digits, or the text itself when it is none. */
export function normaliseInteger(typed) {
  const text = String(typed ?? "").normalize("NFKC").trim();
  const plain = text.replace(/[\s,]/g, "");
  return /^\d+$/.test(plain) ? plain : text;
}
