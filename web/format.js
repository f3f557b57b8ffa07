// Number and date formatting. Money and quantities arrive as decimal strings ("14500.00") and are
// formatted from their digits (BigInt), never through floats.

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function split(text) {
  const match = DECIMAL.exec(String(text ?? "").trim());
  if (!match) return null;
  return { whole: match[1].replace(/^0+(?=\d)/, ""), fraction: match[2] ?? "" };
}

/** "1234567" -> "1,234,567". */
export function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A quantity: thousands separators, no trailing zeros ("20000.50" -> "20,000.5"). */
export function formatQuantity(text) {
  const parts = split(text);
  if (!parts) return String(text ?? "");
  const fraction = parts.fraction.replace(/0+$/, "");
  return groupThousands(parts.whole) + (fraction ? `.${fraction}` : "");
}

function toCents({ whole, fraction }) {
  const padded = fraction.padEnd(3, "0");
  const roundUp = Number(padded[2]) >= 5 ? 1n : 0n;
  return BigInt(whole) * 100n + BigInt(padded.slice(0, 2)) + roundUp;
}

function currencySymbol(currency) {
  return !currency || currency === "CNY" ? "¥" : `${currency} `;
}

function plainAmount(cents) {
  const whole = groupThousands((cents / 100n).toString());
  const fraction = cents % 100n;
  return fraction === 0n ? whole : `${whole}.${fraction.toString().padStart(2, "0")}`;
}

/** The exact amount: "¥14,500", "¥6.50", "USD 1,200". */
export function formatMoneyExact(text, currency = "CNY") {
  const parts = split(text);
  if (!parts) return String(text ?? "");
  return currencySymbol(currency) + plainAmount(toCents(parts));
}

/**
 * An amount the Chinese way: below 10,000 in full ("¥6,800", "¥6.50"); from 10,000 on in
 * units of 万 (ten thousand) with up to two decimals ("14500" -> "¥1.45万",
 * "1250000" -> "¥125万"). `tenThousand` is the unit's label from the message catalogue.
 */
export function formatMoney(text, currency = "CNY", tenThousand = "万") {
  const parts = split(text);
  if (!parts) return String(text ?? "");
  const cents = toCents(parts);
  if (cents < 1_000_000n) return currencySymbol(currency) + plainAmount(cents);
  const hundredths = (cents + 5_000n) / 10_000n; // 0.01万 = 100 yuan = 10,000 cents
  const whole = groupThousands((hundredths / 100n).toString());
  const fraction = (hundredths % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${currencySymbol(currency)}${whole}${fraction ? `.${fraction}` : ""}${tenThousand}`;
}

/** An ISO 8601 time in the viewer's local time zone, in the page's language. */
export function formatDateTime(iso, language) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? "");
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(
    date,
  );
}

/** A clock time (for "updated at"), local time zone. */
export function formatTime(date, language) {
  return new Intl.DateTimeFormat(language, { timeStyle: "medium" }).format(date);
}
