"""Chinese and Arabic numerals to exact ``Decimal`` values (tables in ``patterns/numerals.yaml``).

Exact arithmetic: ``16.4`` with 亿 is ``1640000000``, never ``1639999999.9999998``.
"""
from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation

from .patterns import load_patterns


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], dict[str, int], dict[str, int], str]:
    digits, small, section, point = {}, {}, {}, ""
    for e in load_patterns().entries("numerals"):
        role, ch, value = e["role"], str(e["char"]), int(e["value"])
        if role == "digit":
            digits[ch] = value
        elif role == "small_unit":
            small[ch] = value
        elif role == "section_unit":
            section[ch] = value
        elif role == "decimal_point":
            point += ch
    return digits, small, section, point


def parse_cn_number(text: str) -> Decimal | None:
    """二〇三五 -> 2035, 一千二百 -> 1200, 七千亿 -> 7e11, 三点五 -> 3.5; None if not a numeral."""
    digits, small, section_units, point = _tables()
    text = text.strip()
    if not text:
        return None
    frac = ""
    for p in point:
        if p in text:
            text, frac = text.split(p, 1)
            break
    if frac and not all(c in digits for c in frac):
        return None
    if text and all(c in digits for c in text) and len(text) > 1:
        value = Decimal("".join(str(digits[c]) for c in text))  # read digit by digit (years)
    else:
        value = _positional(text, digits, small, section_units)
        if value is None:
            return None
    if frac:
        value += Decimal("0." + "".join(str(digits[c]) for c in frac))
    return value


def _positional(text: str, digits, small, section_units) -> Decimal | None:
    if not text:
        return None
    total = Decimal(0)
    section = Decimal(0)
    number: int | None = None
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in small:
            section += (number if number else 1) * small[ch]
            number = None
        elif ch in section_units:
            unit = section_units[ch]
            current = section + (number or 0)
            if unit > 10000:  # 亿 multiplies everything before it (一万亿 = 1e12)
                total = (total + current) * unit
            else:
                if current == 0 and total == 0:
                    current = Decimal(1)  # a bare 万 is ten thousand
                total += current * unit
            section, number = Decimal(0), None
        else:
            return None
    return total + section + (number or 0)


def parse_cn_int(text: str) -> int | None:
    value = parse_cn_number(text)
    return int(value) if value is not None and value == value.to_integral_value() else None


def parse_arabic(text: str) -> Decimal | None:
    """1,291.5 -> 1291.5 (thousands separators dropped); None when not a number."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def to_float(value: Decimal) -> float:
    """Exact decimals become the nearest float; integral values stay integral."""
    return float(value)
