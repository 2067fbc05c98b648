"""The one numeral reader (assistant/lang/numerals.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from assistant.lang.numerals import arabic_text, read_number


@pytest.mark.parametrize("text, value", [
    ("两", 2), ("零", 0), ("十", 10), ("十五", 15), ("二十", 20), ("两百", 200), ("一百零五", 105),
    ("一百一十", 110), ("三千零五", 3005), ("十万", 100000), ("两万三千", 23000), ("一万零五", 10005),
    ("八十五点五", Fraction(171, 2)), ("九十四点五零", Fraction(189, 2)), ("零点五", Fraction(1, 2)),
    ("3.5", Fraction(7, 2)), ("95", 95), ("-5", -5), (" 85 ", 85),
    ("３．５", Fraction(7, 2)), ("９５", 95),  # full-width digits
])
def test_reads_numerals_exactly(text, value):
    got = read_number(text)
    assert isinstance(got, Fraction)
    assert got == Fraction(value)


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "九十五分", "3.5分", "百分之八十", "八五十", "十百", "零十", "点五", "五点", "八十五点", "三点两",
    "一两", "九五", "3..5", "1e3", "nan", "半",
])
def test_anything_but_one_numeral_is_none(text):
    assert read_number(text) is None


def test_not_a_string_is_none():
    assert read_number(None) is None  # type: ignore[arg-type]
    assert read_number(95) is None  # type: ignore[arg-type]


def test_digit_strings_and_half_only_when_asked():
    assert read_number("九五", digit_string=True) == 95
    assert read_number("二零二四", digit_string=True) == 2024
    assert read_number("九五") is None
    assert read_number("半", half=True) == Fraction(1, 2)
    assert read_number("八五十", digit_string=True) is None


def test_arabic_text_keeps_the_decimals_as_written():
    assert arabic_text("九十四点五零") == "94.50"
    assert arabic_text("九五") == "95"
    assert arabic_text("一百") == "100"
    assert arabic_text("八五十") is None
    assert arabic_text("九五", digit_string=False) is None
