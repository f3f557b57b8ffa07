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

/**
 * The exact amount, to the fen: "¥14,650.00", "¥6.50", "USD 1,200.00". Every price, bid,
 * offer and contract amount is shown this way.
 */
export function formatMoneyExact(text, currency = "CNY") {
  const parts = split(text);
  if (!parts) return String(text ?? "");
  const cents = toCents(parts);
  const fraction = (cents % 100n).toString().padStart(2, "0");
  return `${currencySymbol(currency)}${groupThousands((cents / 100n).toString())}.${fraction}`;
}

/**
 * An aggregate figure (statistics only, never a price): in Chinese in units of 万 from 10,000
 * on ("1250000" -> "¥125万"), else in full yuan ("¥1,250,000"); below 10,000 in full.
 */
export function formatMoneyAggregate(text, currency, language) {
  const parts = split(text);
  if (!parts) return String(text ?? "");
  if (language === "zh-CN") return formatMoney(text, currency, "万");
  const yuan = (toCents(parts) + 50n) / 100n;
  return currencySymbol(currency) + groupThousands(yuan.toString());
}

/**
 * An amount in units of 万 (ten thousand) with up to two decimals ("14500" -> "¥1.45万",
 * "1250000" -> "¥125万"), in full below 10,000. Only for aggregates, through
 * formatMoneyAggregate.
 */
function formatMoney(text, currency = "CNY", tenThousand = "万") {
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

const CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖";
const CAPITAL_UNITS = ["", "拾", "佰", "仟"];
const CAPITAL_GROUPS = ["", "万", "亿", "万亿"];

/** One group of four digits ("0500" -> "零伍佰"), leading zeros as one 零. */
function capitalGroup(group) {
  let text = "";
  let zero = false;
  for (let i = 0; i < 4; i += 1) {
    const digit = Number(group[i]);
    if (digit === 0) {
      zero = text !== "" || zero;
      continue;
    }
    if (zero || (text === "" && i > 0)) text += "零";
    zero = false;
    text += CAPITAL_DIGITS[digit] + CAPITAL_UNITS[3 - i];
  }
  return text;
}

/**
 * An amount in Chinese capitals (大写金额), as written on contracts and cheques:
 * "14650" -> "壹万肆仟陆佰伍拾元整", "100500.05" -> "壹拾万零伍佰元零伍分". Null when the
 * text is no amount or too large (≥ 10^16 yuan).
 */
export function chineseCapitals(text) {
  const parts = split(text);
  if (!parts) return null;
  const cents = toCents(parts);
  const yuan = (cents / 100n).toString();
  if (yuan.length > 16) return null;
  const padded = yuan.padStart(Math.ceil(yuan.length / 4) * 4, "0");
  const groups = padded.match(/.{4}/g);
  let integer = "";
  let pendingZero = false;
  groups.forEach((group, index) => {
    const rank = groups.length - 1 - index;
    if (group === "0000") {
      pendingZero = integer !== "";
      return;
    }
    let words = capitalGroup(group);
    if (integer === "") words = words.replace(/^零/, "");
    else if (pendingZero && !words.startsWith("零")) words = `零${words}`;
    pendingZero = group.endsWith("0");
    integer += words + CAPITAL_GROUPS[rank];
  });
  const jiao = Number((cents / 10n) % 10n);
  const fen = Number(cents % 10n);
  if (!integer && !jiao && !fen) return "零元整";
  const head = integer ? `${integer}元` : "";
  if (!jiao && !fen) return `${head}整`;
  const jiaoText = jiao ? `${CAPITAL_DIGITS[jiao]}角` : integer ? "零" : "";
  const fenText = fen ? `${CAPITAL_DIGITS[fen]}分` : "";
  return head + jiaoText + fenText;
}

/** unit price × quantity to the fen, half up, as the contract will say it ("14650.00"). */
export function timesToCents(price, quantity) {
  const [x, y] = [split(price), split(quantity)];
  if (!x || !y) return null;
  const scale = x.fraction.length + y.fraction.length;
  const product = BigInt(x.whole + x.fraction) * BigInt(y.whole + y.fraction);
  let cents;
  if (scale <= 2) cents = product * 10n ** BigInt(2 - scale);
  else {
    const divisor = 10n ** BigInt(scale - 2);
    cents = (product * 2n + divisor) / (2n * divisor);
  }
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}
