"""An amount of money in Chinese capitals (大写金额), as written on contracts and cheques.

The convention is the People's Bank of China's rules for filling in payment instruments
(《支付结算办法》, 正确填写票据和结算凭证的基本规定), the same as the web pages' `chineseCapitals`
(web/format.js), with one choice fixed where the rules allow two:

- The capitals 零壹贰叁肆伍陆柒捌玖 and the units 拾佰仟万亿元角分; a ten is always
  written with its one: 10 is 壹拾元整, 100000 is 壹拾万元整 (never 拾万元整).
- Zeros between two non-zero digits of the yuan are read as one 零, however many there are
  and across the 万 and 亿 places too (10005: 壹万零伍元整; 6007.14: 陆仟零柒元壹角肆分;
  107000.53: 壹拾万零柒仟元伍角叁分); trailing zeros are not read (100000: 壹拾万元整).
- A zero 元 place before a non-zero 角 is not read (1680.32: 壹仟陆佰捌拾元叁角贰分; the
  rules allow either); a zero 角 before a non-zero 分 always is (16409.02:
  壹万陆仟肆佰零玖元零贰分).
- 整 follows an amount that ends at 元; none follows 角 (1409.50: 壹仟肆佰零玖元伍角, as in the
  rules' own example) or 分.
- Zero is 零元整. Above 9999万 the parts go on with 亿, read whole (10^12: 壹万亿元整;
  1,2345,0000,0000: 壹万贰仟叁佰肆拾伍亿元整; 10^16: 壹亿亿元整).
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_WAN = 10**4
_YI = 10**8


def amount_in_capitals(amount: Decimal) -> str:
    """The amount (≥ 0, at most 2 decimal places) in Chinese capitals, ending 元整, 角 or 分."""
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount of money: {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"an amount of money has at most 2 decimal places: {amount}")
    yuan, rest = divmod(int(cents), 100)
    jiao, fen = divmod(rest, 10)
    words = _integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"  # 元 then 零 then 分
    return words + (DIGITS[fen] + "分" if fen else "")


def _integer(n: int) -> str:
    """A whole number > 0 in capitals, split at 亿 and then at 万 (each part read on its own,
    with a 零 where zeros stand between the two parts' non-zero digits)."""
    for unit, size in (("亿", _YI), ("万", _WAN)):
        if n >= size:
            high, low = divmod(n, size)
            words = _integer(high) + unit
            if low == 0:
                return words
            gap = low < size // 10 or high % 10 == 0
            return words + ("零" if gap else "") + _integer(low)
    return _group(n)


def _group(n: int) -> str:
    """1–9999: each non-zero digit with its place, one 零 for a run of zeros between them."""
    words, pending_zero = "", False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        words += DIGITS[digit] + _PLACES[place]
    return words
