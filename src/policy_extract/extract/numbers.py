"""Numbers with their units: the quantity mentions targets and statistics are made of.

One linear scan finds every ``number [余/多] [magnitude] [余/多] [unit]`` (Arabic or Chinese
numerals, ranges 3-5家 and 5%-7%), plus 百分之十, fractions (1/10, 四分之一), doublings (翻番)
and ranks (前十位, 第11位, 首位). Tables of units and magnitudes: ``patterns/units.yaml``;
the number grammar: ``patterns/quantities.yaml``. All repeats are bounded or possessive, so
100,000 digits in a row cost one pass.
"""
from __future__ import annotations

import bisect
import itertools
import operator
from decimal import Decimal
from typing import NamedTuple

import regex

from ..anchors import anchor_of, anchored_matches, positions
from ..numerals import parse_arabic, parse_cn_number
from ..regex_facts import faster
from ..patterns import PatternSet


_HAN = regex.compile(r"\p{Han}")
_ONE = Decimal(1)
_ARABIC_DIGITS = frozenset("0123456789")
"""the first characters of an Arabic number (any other first character: a Chinese one)"""
_NO_INFO: dict = {}
_START = operator.attrgetter("start")


class QuantityMention(NamedTuple):
    """A number with its unit where it is written (immutable: a named tuple, made in less than
    half the time of a frozen dataclass; a text holds hundreds)."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    unit: str | None
    """as written after the number, magnitude included: 亿元, 万人, %, 位"""
    magnitude: Decimal
    base_unit: str | None
    more_than: bool
    """written with 余 / 多 (20余万人): a lower bound"""
    kind_hint: str | None
    form: str
    """arabic | chinese | percent_words | fraction | doubling | rank"""

    @property
    def base_value(self) -> Decimal:
        return self.value * self.magnitude


_SEP = "-—–~～至到"
"""the characters between the two numbers of a range (3-5家, 5%~7%)"""


def _char_class(chars) -> str:
    """A regex class of ``chars`` (each escaped)."""
    return "[" + "".join(sorted({regex.escape(c) for c in chars})) + "]"


def _optional(body: str, first=None) -> str:
    """``(?:body)?`` for the standard library's engine, matching the same: a branch with an empty
    alternative costs less than a repeat, and a look at ``first`` (the characters ``body`` can
    start with, where given) fails at once where ``body`` cannot match."""
    look = f"(?={_char_class(first)})" if first is not None else ""
    return f"(?:{look}{body}|)"


def _overlaps(max_ends: list[int], starts: list[int], s: int, e: int) -> bool:
    """Does [s, e) overlap a span, given the spans' sorted starts and the running maximum of
    their ends? (bisect: O(log n), nested spans included)"""
    i = bisect.bisect_left(starts, e)
    return i > 0 and max_ends[i - 1] > s


class NumberFinder:
    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        unit_entries = patterns.entries("units")
        self.unit_info = {str(e["unit"]): e for e in unit_entries}
        mags = [w.split("=") for w in patterns.words("units", "magnitudes")]
        self.magnitudes = {k: Decimal(v) for k, v in mags}
        more = patterns.alternation(patterns.words("units", "more_than"))
        units = patterns.alternation(self.unit_info)
        mag = patterns.alternation(self.magnitudes)
        # the first character, then the rest of an Arabic or a Chinese number (that character
        # tells which): a pattern that opens with a character class is scanned for it at once
        number = "{number_first}(?:(?<={arabic_first}){arabic_rest}|(?<={cn_first}){cn_rest})"
        number2 = "(?:{arabic_number}|{cn_number})"
        # what may follow a number, each part optional: most numbers have none of it (years,
        # list numbers) and all of it is tried after each, so each part is written for a quick
        # failure (_optional: a branch, and for the long ones a look at their first character)
        self.main = faster(patterns.compile(
            rf"(?P<num>{number})"
            + _optional(rf"[ ]?{_optional('(?P<u1>%)')}[ ]?(?P<sep>{_char_class(_SEP)})[ ]?(?P<num2>{number2})",
                        " %" + _SEP)
            + _optional(rf"(?P<more1>{more})") + _optional("(?P<ge>个(?=[亿万]))") + _optional(rf"(?P<mag>{mag})")
            + _optional(rf"(?P<more2>{more})") + _optional(rf"(?P<unit>{units})", (u[0] for u in self.unit_info if u))
        ))
        # the main pattern's groups by number (a lookup by name costs more than the rest of a read)
        index = self.main.groupindex
        self._main_groups = tuple(index[g] for g in ("num", "num2", "u1", "more1", "ge", "mag", "more2", "unit"))
        self._unit_mag = (index["unit"], index["mag"])
        # groups mag, more2 and unit come last: a match whose last group is before them has neither
        # a magnitude nor a unit (m.lastindex is one attribute read, m.group a call)
        assert index["mag"] < index["more2"] < index["unit"] == max(index.values())
        self._mag_or_later = index["mag"]
        self._ge = index["ge"]
        self.rules = {r.id: (patterns.compile_rule(r), r) for r in patterns.rules("quantities")}
        # a rule whose every match starts near one of some words (data: anchor) is tried only there
        self.anchors = {rule.id: a for rx, rule in self.rules.values()
                        if (a := anchor_of(rule, rx, "quantities")) is not None}
        words = lambda key: patterns.words("quantities", key)  # noqa: E731
        # (word lists, run on ``re`` like the main pattern: each is tried once per number)
        self.not_after = faster(regex.compile("(?:" + patterns.alternation(words("not_quantity_after")) + ")"))
        self.not_before = set(words("not_quantity_before"))
        self.modifier_after = faster(regex.compile("(?:" + patterns.alternation(words("modifier_after")) + ")"))
        self.small_count_lead = faster(regex.compile(
            "(?:" + patterns.alternation(words("small_count_verbs")) + ")(?:了|过)?$"))
        self.slogan_after = faster(regex.compile("(?:" + patterns.alternation(words("slogan_after")) + ")"))
        self.first_rank_lead = faster(regex.compile(
            "(?:" + patterns.alternation(words("first_rank_verbs")) + r")[^，,。；;]{0,12}$"))
        self.qualifier_after = faster(regex.compile(
            "(?:" + patterns.alternation(w.split("=")[0] for w in words("after_qualifiers")) + ")"))

    # ------------------------------------------------------------------------------
    def find(self, text: str, start: int = 0, end: int | None = None) -> list[QuantityMention]:
        end = len(text) if end is None else end
        found: list[QuantityMention] = []
        for kind in ("rank", "doubling", "percent_words", "fraction", "bare_magnitude"):
            rx, rule = self.rules[kind]
            read = getattr(self, f"_{kind}")
            anchor = self.anchors.get(kind)
            matches = rx.finditer(text, start, end) if anchor is None else \
                anchored_matches(rx, text, anchor, positions(text, anchor.words, start, end), start, end)
            for m in matches:
                q = read(m, rule)
                if q is not None:
                    found.append(q)
        taken = sorted((q.start, q.end) for q in found)
        taken_starts = [s for s, _ in taken]
        max_ends = list(itertools.accumulate((e for _, e in taken), max))
        unit_mag, ge, later = self._unit_mag, self._ge, self._mag_or_later
        # a bare number is not a quantity (_main), nor a count before a scale: the scan keeps only
        # the matches with a group from mag on (one pass, before any reading)
        for m in [m for m in self.main.finditer(text, start, end) if m.lastindex >= later]:
            unit, mag = m.group(*unit_mag)
            if unit is None and mag is None:
                continue
            if taken_starts and _overlaps(max_ends, taken_starts, m.start(), m.end()):
                if mag and m.group(ge):  # 3个万亿级产业集群: the count, besides the scale
                    q = self._count_before_scale(text, m)
                    if q is not None:
                        found.append(q)
                continue
            q = self._main(text, m)
            if q is not None:
                found.append(q)
        found.sort(key=_START)
        return found

    def _main(self, text: str, m: regex.Match) -> QuantityMention | None:
        s, e = m.span()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        if before and (before == "第" or (before.isascii() and before.isalnum()) or before in "./"):
            return None
        num, num2, u1, more1, ge, mag_word, more2, unit = m.group(*self._main_groups)
        if not unit and not mag_word:
            return None  # a bare number is not a quantity (codes, list numbers, years)
        if unit and after and after.isascii() and after.isalpha():
            return None
        if not unit and self.not_after.match(text, e):
            return None
        if before == "每" or (unit != "%" and self.modifier_after.match(text, e)):
            return None  # 每千人口 / 10亿元以上的骨干企业: part of another measure's name
        if before in self.not_before and (unit is None or unit.endswith("元")) \
                and _HAN.match(after) and not self.qualifier_after.match(text, e):
            return None  # 过十亿企业: a size class, not an amount
        is_cn = num[0] not in _ARABIC_DIGITS
        if is_cn and (before in "“‘「”’」" or self.slogan_after.match(text, e)):
            return None  # “五位一体”, “四个全面”: slogans, not counts
        value = parse_cn_number(num) if is_cn else parse_arabic(num)
        if value is None:
            return None
        if is_cn and not mag_word and (value <= 1 or (unit or "").endswith("元") and value < 10):
            return None  # 一个 / 零部件 / 三元材料: words, not quantities
        info = self.unit_info.get(unit or "", _NO_INFO)
        kind_hint = info.get("kind")
        if value == 1 and not mag_word and not num2 and kind_hint == "count" and _HAN.match(after):
            return None  # 1个服务中心: an article before a noun, not a count
        if is_cn and not mag_word and value <= 10 and kind_hint == "count" \
                and not self.small_count_lead.search(text, max(0, s - 6), s):
            return None  # 八项规定, 三类机构, 五片区: set phrases, not counts
        value_max = None
        if num2:
            value_max = parse_arabic(num2) if num2[0].isdigit() else parse_cn_number(num2)
            if value_max is None or value_max < value:
                return None
        if u1 and unit != "%":
            return None
        magnitude = self.magnitudes.get(mag_word, _ONE) if mag_word else _ONE
        written = (("个" if ge else "") + (mag_word or "") + (unit or "")) or None
        base = info.get("base", unit) if unit else None
        if after == "级" and mag_word:  # 千亿级产业集群: a scale of at least 1000亿元
            kind_hint, more = "scale", True
            if not unit:
                written, base = written + "元", "元"
        else:
            more = bool(more1 or more2)
        # (by position, in the fields' order: a named tuple is made faster so than by keywords)
        return QuantityMention(s, e, value, value_max, written, magnitude, base, more, kind_hint,
                               "chinese" if is_cn else "arabic")

    def _count_before_scale(self, text: str, m: regex.Match) -> QuantityMention | None:
        num = m.group("num")
        is_cn = num[0] not in _ARABIC_DIGITS
        value = parse_cn_number(num) if is_cn else parse_arabic(num)
        if value is None:
            return None
        end = m.start("ge") + 1
        return QuantityMention(m.start(), end, value, None, "个", Decimal(1), "个", False, "count",
                               "chinese" if is_cn else "arabic")

    def _rank(self, m: regex.Match, rule) -> QuantityMention | None:
        if m.group("first"):
            if not self.first_rank_lead.search(m.string[max(0, m.start() - 14):m.start()]):
                return None  # 放在首位, 首家上市公司: not a ranking
            value = Decimal(1)
        else:
            n = m.group("n") or m.group("n2")
            value = parse_arabic(n) if n[0].isdigit() else parse_cn_number(n)
            if value is None:
                return None
        return QuantityMention(m.start(), m.end(), value, None, "位", Decimal(1), "位", False, "rank", "rank")

    def _doubling(self, m: regex.Match, rule) -> QuantityMention | None:
        word = m.group("word")
        value = Decimal(str(rule.data.get(word, 2)))
        return QuantityMention(m.start("word"), m.end("word"), value, None, "倍", Decimal(1), "倍",
                               False, "multiple", "doubling")

    def _percent_words(self, m: regex.Match, rule) -> QuantityMention | None:
        value = parse_cn_number(m.group("cn"))
        if value is None:
            return None
        return QuantityMention(m.start(), m.end(), value, None, "%", Decimal(1), "%", False, "share",
                               "percent_words")

    def _bare_magnitude(self, m: regex.Match, rule) -> QuantityMention | None:
        mag = m.group("mag") or m.group("mag_area")
        unit = m.group("unit") or m.group("area")
        magnitude = self.magnitudes.get(mag)
        if magnitude is None:
            return None
        written = mag + (unit or "")
        scale = m.end() < len(m.string) and m.string[m.end()] in "级规" or m.group("mag") is not None
        return QuantityMention(m.start(), m.end(), Decimal(1), None, written, magnitude, unit,
                               scale, "scale" if m.string.startswith("级", m.end()) else None, "bare")

    def _fraction(self, m: regex.Match, rule) -> QuantityMention | None:
        if m.group("num"):
            num, den = parse_arabic(m.group("num")), parse_arabic(m.group("den"))
        else:
            num, den = parse_cn_number(m.group("cn_num")), parse_cn_number(m.group("cn_den"))
        if not num or not den or num >= den:
            return None
        return QuantityMention(m.start(), m.end(), num / den, None, None, Decimal(1), None, False,
                               "share", "fraction")
