"""Chinese and Arabic numerals: the one reader every parser of numbers in questions and passages uses.

``read_number`` reads a whole string as one exact number (a ``Fraction``) or returns None:

    >>> read_number("一百零五"), read_number("八十五点五"), read_number("３.５")
    (Fraction(105, 1), Fraction(171, 2), Fraction(7, 2))

Arabic digits (full-width too, an optional sign, a decimal point) and Chinese numerals with the
units 十 / 百 / 千 / 万 and a decimal part after 点 are read; anything else -- a unit such as
"九十五分", a range such as "一两", a malformed numeral such as "八五十" -- is None. A run of
bare digits ("九五", "二零二四") is read digit by digit only when ``digit_string=True``; "半" is
one half only when ``half=True``. Callers convert the Fraction to what they need.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

CN_DIGITS: dict[str, int] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                             "七": 7, "八": 8, "九": 9}
CN_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# the characters of a Chinese numeral, for patterns that find them in text
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS)
# the financial (anti-fraud) forms of the numerals, as some users type scores ("捌拾柒点伍分"),
# with the everyday character each stands for
FINANCIAL_NUMERALS: dict[str, str] = {"壹": "一", "贰": "二", "叁": "三", "肆": "四", "伍": "五", "陆": "六",
                                      "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百"}

_ARABIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}


def _section(text: str, digit_string: bool) -> int | None:
    """A numeral below 10 000 ("三千零五", "十五", "两百"; "九五" only as a digit string)."""
    if not text:
        return None
    if not any(ch in _SMALL_UNITS for ch in text):
        if any(ch not in CN_DIGITS for ch in text) or (len(text) > 1 and not digit_string):
            return None
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit, last_unit = 0, None, 10000
    for i, ch in enumerate(text):
        if ch in CN_DIGITS:
            if digit is not None and CN_DIGITS[ch] != 0:
                return None  # two digits in a row inside a unit number: "八五十"
            digit = CN_DIGITS[ch] if CN_DIGITS[ch] else None
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit or (i and text[i - 1] in "零〇"):
                return None  # "十百", "零十"
            total += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def _integer(text: str, digit_string: bool) -> int | None:
    if "万" not in text:
        return _section(text, digit_string)
    high, _, low = text.partition("万")
    high_value = _section(high, False) if high else 1
    low = low[1:] if low[:1] in ("零", "〇") and len(low) > 1 else low  # "一万零五"
    low_value = _section(low, False) if low else 0
    if high_value is None or low_value is None or not high_value:
        return None
    return high_value * 10000 + low_value


def read_number(text: str, *, digit_string: bool = False, half: bool = False) -> Fraction | None:
    """``text`` as an exact number, or None when it is not exactly one numeral (see the module)."""
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if _ARABIC.fullmatch(text):
        return Fraction(text)
    if half and text == "半":
        return Fraction(1, 2)
    whole, point, frac = text.partition("点")
    value = _integer(whole, digit_string)
    if value is None:
        return None
    if point:
        if not frac or any(ch not in CN_DIGITS or ch == "两" for ch in frac):
            return None
        return value + Fraction(int("".join(str(CN_DIGITS[ch]) for ch in frac)), 10 ** len(frac))
    return Fraction(value)


def arabic_text(text: str, *, digit_string: bool = True) -> str | None:
    """A numeral written with Arabic digits, a decimal part as written ("九十四点五零" -> "94.50"),
    or None when ``read_number`` would not read it."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if read_number(text, digit_string=digit_string) is None:
        return None
    if _ARABIC.fullmatch(text):
        return text
    whole, point, frac = text.partition("点")
    return str(_integer(whole, digit_string)) + ("." + "".join(str(CN_DIGITS[ch]) for ch in frac) if point else "")
