"""Deadlines: time expressions found in the text and normalised to ISO date ranges.

The grammar is data (``patterns/time.yaml``): its rules find the expressions and name their
pieces (``y1``, ``rel``, ``part``, ``edge``, ``before`` ...); this module gives the pieces their
meaning, decides from the words around an expression whether it bounds a goal or a plan (a
deadline) and resolves relative expressions (今年, 力争3年) against ``doc.doc_date`` - never
against the machine's clock.

Every expression found, deadline or not, is kept on ``doc.time_expressions`` for the target
linker (``2020年实现…`` is no deadline, but it gives a statistic its year).
"""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import operator
from dataclasses import dataclass
from typing import Any, Callable

import regex

from ..anchors import Anchor, anchor_of, anchored_matches, positions
from ..document import Doc
from ..errors import PatternError
from ..numerals import parse_cn_int
from ..patterns import PatternSet, load_patterns
from ..records import MAX_YEAR, MIN_YEAR, Deadline, validate_each
from ..regex_facts import faster
from . import register

_FILE = "time"
_AFTER_WINDOW = 16  # characters after an expression searched for `future_after` words
_BEFORE_WINDOW = 6  # characters before it searched for `future_before` words
_TITLE_WINDOW = 40  # how far a 《title》 may reach around a year
_CLAUSE_OPENERS = frozenset("，,；;：:、。！？!?\n(（“\"‘'「『")
_FIRST_THREE = operator.itemgetter(0, 1, 2)
_START = operator.attrgetter("start")


@dataclass(frozen=True)
class TimeExpression:
    """A time expression at normalised ``[start, end)`` of ``doc.text``."""

    start: int
    end: int
    text: str
    start_date: dt.date | None
    end_date: dt.date | None
    due_year: int | None
    """the year a goal bound by it is due (2025 for 到2025年 and “十四五”末; a past year itself)"""
    is_deadline: bool
    relative: bool


@dataclass
class _Match:
    start: int
    end: int
    kind: str
    groups: dict[str, str | None]
    data: dict[str, Any]
    order: int

    def has(self, *names: str) -> bool:
        groups = self.groups
        for n in names:  # (a loop: asked ~10 times per match, any() over a generator costs more)
            if groups.get(n):
                return True
        return False


@dataclass
class _Range:
    start: dt.date | None
    end: dt.date | None
    relative: bool = False
    resolved: bool = True
    mention_only: bool = False  # names a plan (“十四五”规划), bounds nothing
    looks_back: bool = False  # 去年, 上年 ...
    years: tuple[int, ...] = ()  # the years written in it


@dataclass
class _Found:
    expr: TimeExpression
    plain: bool  # a bare year (2025年) with no cue of its own
    years: tuple[int, ...]
    resolved: bool


def _pairs(words: list[str], convert: Callable[[str], Any], key: str) -> dict[str, Any]:
    out = {}
    for w in words:
        word, sep, value = str(w).partition("=")
        if not sep:
            raise PatternError(f"{_FILE}.yaml words {key}: {w!r} is not word=value")
        try:
            out[word] = convert(value)
        except ValueError as exc:
            raise PatternError(f"{_FILE}.yaml words {key}: {w!r}: {exc}") from None
    return out


def _bounds(value: str) -> tuple[int, int]:
    a, _, b = value.partition("-")
    return int(a), int(b or a)


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    return parse_cn_int(text)


def _year(text: str | None) -> int | None:
    y = _number(text)
    return y if y is not None and MIN_YEAR <= y <= MAX_YEAR else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class _Rule:
    """One compiled rule; with an anchor it is only tried in front of its words (anchors.py)."""

    rx: regex.Pattern
    data: dict[str, Any]
    kind: str
    anchor: Anchor | None = None


def _compile_rule(patterns: PatternSet, rule: Any) -> _Rule:
    rx = patterns.compile_rule(rule)
    anchor = anchor_of(rule, rx, _FILE)
    if rule.data.get("engine") == "standard":
        rx = faster(rx)  # the same matches on the standard library's engine, where it can say so
    data = {k: v for k, v in rule.data.items() if k not in ("anchor", "anchor_within", "engine")}
    return _Rule(rx, data, str(data.get("kind", "")), anchor)


def _check_first_chars(patterns: PatternSet) -> None:
    """``t_duration_first`` must hold the first character of every word of ``t_goal`` and
    ``t_via`` and every digit of ``t_count`` (the duration rule only starts there);
    ``t_calendar_first`` those of the words and digits a date or a month may start with;
    ``t_year_first`` those a year range may start with; and ``t_relative_first`` those a
    relative year or part of a year may start with."""
    frags = patterns.fragments
    for name, keys, chars in (("t_duration_first", ("t_goal", "t_via"), "0123456789一二两三四五六七八九十"),
                              ("t_calendar_first", ("t_goal", "t_to", "t_asof", "t_rel_year"),
                               "0123456789一二三四五六七八九十"),
                              ("t_year_first", ("t_goal", "t_to", "t_asof"), "12一二"),
                              ("t_relative_first", ("t_goal", "t_to", "t_asof", "t_rel_year", "t_year_part"),
                               "年")):
        if name not in frags:
            continue
        first = patterns.compile(frags[name])
        words = [w for k in keys for w in frags.get(k, "").split("|") if w]
        missing = [w for w in words + list(chars) if not first.match(w)]
        if missing:
            raise PatternError(f"time.yaml fragment {name} misses the first character of "
                               f"{missing}: add it, or expressions starting there are not found")


class TimeGrammar:
    """The compiled rules and word tables of ``time.yaml`` (built once per PatternSet)."""

    def __init__(self, patterns: PatternSet) -> None:
        self.rules = [_compile_rule(patterns, r) for r in patterns.rules(_FILE)]
        _check_first_chars(patterns)
        words = patterns.file(_FILE).words

        def listed(key: str) -> tuple[str, ...]:
            # longest first, so that 预计于 is tried before 预计
            return tuple(sorted(words.get(key, []), key=len, reverse=True))

        self.rel_years = _pairs(words.get("relative_years", []), int, "relative_years")
        self.named_years = _pairs(words.get("named_years", []), int, "named_years")
        self.year_parts = _pairs(words.get("year_parts", []), _bounds, "year_parts")
        self.month_parts = _pairs(words.get("month_parts", []), _bounds, "month_parts")
        self.plan_suffixes = _pairs(words.get("plan_suffixes", []), str, "plan_suffixes")
        self.edges = _pairs(words.get("edges", []), str, "edges")
        self.future_before = listed("future_before")
        self.future_after = listed("future_after")
        self.future_via = frozenset(words.get("future_via", []))
        self.goal_after = listed("goal_after")
        self.plan_title_ends = listed("plan_title_ends")
        self.goal_sentence_cues = listed("goal_sentence_cues")
        self.retrospective_after = listed("retrospective_after")
        self.past_before = listed("duration_past_before")
        self.stop_after = listed("duration_stop_after")
        self.duration_verbs = listed("duration_verbs")
        self.named_plan_after = listed("named_plan_after")
        self.periods: dict[str, tuple[int, int]] = {}
        for e in patterns.entries("periods"):
            span = (int(e["start"]), int(e["end"]))
            self.periods[str(e["name"])] = span
            if e.get("long"):
                self.periods[str(e["long"])] = span

    # ------------------------------------------------------------------ finding
    def matches(self, text: str) -> list[_Match]:
        """Every rule's matches; where they overlap the longest wins (then the earlier rule)."""
        found = []
        at_word: dict[str, list[int]] = {}  # anchor word -> its positions (rules share 年)
        for order, rule in enumerate(self.rules):
            if rule.anchor is None:
                ms = [m for m in rule.rx.finditer(text) if m.end() > m.start()]
            else:
                for w in rule.anchor.words:
                    if w not in at_word:
                        at_word[w] = positions(text, (w,))
                at = at_word[rule.anchor.words[0]] if len(rule.anchor.words) == 1 else \
                    sorted(set().union(*(at_word[w] for w in rule.anchor.words)))
                ms = anchored_matches(rule.rx, text, rule.anchor, at)
            found += [(m.start() - m.end(), m.start(), order, m) for m in ms]
        found.sort(key=_FIRST_THREE)  # longest, earliest, first rule
        starts: list[int] = []
        ends: list[int] = []
        chosen = []
        rules = self.rules
        for _, start, order, m in found:
            end = m.end()
            i = bisect.bisect_right(starts, start)
            if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
                continue
            starts.insert(i, start)
            ends.insert(i, end)
            rule = rules[order]
            chosen.append(_Match(start, end, rule.kind, m.groupdict(), rule.data, order))
        chosen.sort(key=_START)
        return chosen

    def analyse(self, doc: Doc) -> list[_Found]:
        text = doc.text
        doc_date = doc.doc_date
        reference = doc_date or _plan_start(doc)
        sentences = doc.sentences
        sentence_starts = [s for s, _ in sentences]
        plan_period = doc.meta.get("plan_period")
        out = []
        for m in self.matches(text):
            try:
                r = self.resolve(m, doc_date, plan_period)
            except (ValueError, OverflowError, KeyError):
                r = None
            if r is None:
                continue
            i = bisect.bisect_right(sentence_starts, m.start) - 1
            sentence = sentences[i] if i >= 0 and sentences[i][1] > m.start else (m.start, m.end)
            deadline = self.is_deadline(m, r, text, sentence, doc_date if r.relative else reference)
            expr = _expression(m, r, text, deadline)
            if not deadline and m.kind in ("duration", "vague", "cumulative"):
                continue  # 连续两年, 5年以上, 近期 (recently): no time of their own
            plain = (m.kind == "calendar" and m.has("y1") and not m.has(
                "goal", "to", "asof", "part", "m", "d", "edge", "before", "after", "within"))
            out.append(_Found(expr, plain, r.years, r.resolved))
        return out

    # ------------------------------------------------------------------ meaning
    def resolve(self, m: _Match, doc_date: dt.date | None, plan_period: Any) -> _Range | None:
        g = m.groups
        if m.kind == "range":
            y1, y2 = _year(g.get("y1")), _year(g.get("y2"))
            if y1 is None or y2 is None or not y1 < y2 <= y1 + 50:
                return None
            start = None if g.get("to") or g.get("asof") else dt.date(y1, 1, 1)
            return _Range(start, dt.date(y2, 12, 31), years=(y1, y2))
        if m.kind == "calendar":
            return self._calendar(g, doc_date)
        if m.kind == "plan":
            return self._plan(g)
        if m.kind == "cumulative":
            n = _number(g.get("n1"))
            if isinstance(plan_period, (tuple, list)) and len(plan_period) >= 2 and n:
                ps, pe = int(plan_period[0]), int(plan_period[1])
                if pe - ps + 1 == n and MIN_YEAR <= ps <= pe <= MAX_YEAR:
                    return _Range(dt.date(ps, 1, 1), dt.date(pe, 12, 31))
            return self._span(n, "年", int(m.data.get("max_years", 50)), doc_date)
        if m.kind == "duration":
            n1, n2 = _number(g.get("n1")), _number(g.get("n2"))
            if n1 is not None and n2 is not None and n2 <= n1:
                return None  # 3-5年 counts up; 5-3 is no span
            return self._span(n2 or n1, g.get("unit") or "年", int(m.data.get("max_years", 50)), doc_date)
        if m.kind == "vague":
            return _Range(doc_date, None, relative=True, resolved=doc_date is not None)
        return None

    def _calendar(self, g: dict[str, str | None], doc_date: dt.date | None) -> _Range | None:
        offset = 0
        if g.get("y1"):
            year = self.named_years.get(g["y1"]) or _year(g["y1"])
            if year is None:
                return None
            relative = False
        else:
            relative = True
            offset = self.rel_years.get(g.get("rel") or "", 0)
            if doc_date is None:
                return _Range(None, None, relative=True, resolved=False, looks_back=offset < 0)
            year = doc_date.year + offset
            if not MIN_YEAR <= year <= MAX_YEAR:
                return None
        edge = self.edges.get(g.get("edge") or "")
        inclusive_end = edge == "end"
        if g.get("m"):
            month = _number(g["m"])
            if month is None or not 1 <= month <= 12:
                return None
            if g.get("d"):
                day = _number(g["d"])
                start = end = dt.date(year, month, day or 0)
                inclusive_end = True
            elif g.get("m2"):
                last_month = _number(g["m2"])
                if last_month is None or not month < last_month <= 12:
                    return None
                start, end = dt.date(year, month, 1), _month_end(year, last_month)
            elif g.get("mpart"):
                a, b = self.month_parts[g["mpart"]]
                last = _month_end(year, month)
                start, end = dt.date(year, month, a), dt.date(year, month, min(b, last.day))
            else:
                start, end = dt.date(year, month, 1), _month_end(year, month)
        elif g.get("part"):
            a, b = self.year_parts[g["part"]]
            start, end = dt.date(year, a, 1), _month_end(year, b)
        else:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            if edge == "start":
                end = dt.date(year, 3, 31)
        period_start = start
        if edge == "end":
            start = None
        if g.get("before"):
            start = None
            if not inclusive_end:
                end = period_start - dt.timedelta(days=1)
        if g.get("after"):
            start, end = end + dt.timedelta(days=1), None
        if g.get("to") or g.get("asof"):
            start = None
        years = (year,) if not relative else ()
        return _Range(start, end, relative=relative, looks_back=offset < 0, years=years)

    def _plan(self, g: dict[str, str | None]) -> _Range | None:
        name = g.get("plan") or (f"第{g['plan_long']}个五年" if g.get("plan_long") else "")
        if name not in self.periods:
            return None
        ps, pe = self.periods[name]
        suffix = g.get("psuffix")
        which = self.plan_suffixes.get(suffix or "", "all")
        if which == "end":
            return _Range(None, dt.date(pe, 12, 31))
        start = None if g.get("to") or g.get("asof") else dt.date(ps, 1, 1)
        end = dt.date(ps, 12, 31) if which == "first" else dt.date(pe, 12, 31)
        return _Range(start, end, mention_only=not suffix)  # 展望“十四五” names the plan

    @staticmethod
    def _span(n: int | None, unit: str, max_years: int, doc_date: dt.date | None) -> _Range | None:
        if not n or n <= 0:
            return None
        months = n if unit != "年" else n * 12
        if months > max_years * 12:
            return None
        if doc_date is None:
            return _Range(None, None, relative=True, resolved=False)
        if unit == "年":
            end = dt.date(doc_date.year + n, 12, 31)
        else:
            total = doc_date.year * 12 + doc_date.month - 1 + n
            end = _month_end(total // 12, total % 12 + 1)
        if end.year > MAX_YEAR:
            return None
        return _Range(doc_date, end, relative=True)

    # ------------------------------------------------------------------ is it a deadline?
    def is_deadline(self, m: _Match, r: _Range, text: str, sentence: tuple[int, int],
                    reference: dt.date | None) -> bool:
        after = text[m.end:m.end + 4]
        if after.startswith(self.retrospective_after) or r.mention_only or r.looks_back:
            return False
        if reference is not None and r.end is not None and r.end < reference:
            return False  # over before the document was written: a statistic's time
        if m.kind == "duration":
            return self._duration_is_deadline(m, text, sentence)
        if m.kind == "vague":
            return bool(m.data.get("intrinsic")) or self._future_after(m, text, sentence)
        if m.kind in ("range", "plan", "cumulative"):
            return True
        if m.has("goal", "to", "before", "after", "edge", "within"):
            return True  # (截至 alone is not enough: 截至2020年底 dates a statistic as often)
        if m.has("d"):
            return False  # a day with no cue is the date of an event, not a deadline
        if m.has("rel") and not m.has("m", "part"):
            return True  # 今年, 年内, 明年, 本年度
        return self._context_says_future(m, r, text, sentence, reference)

    def _context_says_future(self, m: _Match, r: _Range, text: str, sentence: tuple[int, int],
                             reference: dt.date | None) -> bool:
        if text[max(sentence[0], m.start - _BEFORE_WINDOW):m.start].endswith(self.future_before):
            return True
        if self._future_after(m, text, sentence):
            return True
        if text[m.end:m.end + 12].lstrip(" \n的").startswith(self.goal_after):
            return True
        if reference is not None and ((r.start or r.end or reference) > reference):
            return True  # it lies ahead of the document (a later year; 截至2026年底 in 2024)
        return self._in_plan_title(m, text) or self._starts_goal_clause(m, text, sentence)

    def _future_after(self, m: _Match, text: str, sentence: tuple[int, int]) -> bool:
        window = text[m.end:min(sentence[1], m.end + _AFTER_WINDOW)]
        return any(w in window for w in self.future_after)

    def _in_plan_title(self, m: _Match, text: str) -> bool:
        left = text[max(0, m.start - _TITLE_WINDOW):m.start]
        right = text[m.end:m.end + _TITLE_WINDOW]
        opened = left.rfind("《")
        closed = right.find("》")
        if opened < 0 or closed < 0 or "》" in left[opened:] or "《" in right[:closed]:
            return False
        return any(w in right[:closed] for w in self.plan_title_ends)

    def _starts_goal_clause(self, m: _Match, text: str, sentence: tuple[int, int]) -> bool:
        head = text[sentence[0]:m.start]
        stripped = head.rstrip(" ")
        at_clause_start = not stripped or stripped[-1] in _CLAUSE_OPENERS
        return at_clause_start and any(c in head for c in self.goal_sentence_cues)

    def _duration_is_deadline(self, m: _Match, text: str, sentence: tuple[int, int]) -> bool:
        g = m.groups
        before = text[max(0, m.start - 4):m.start]
        after = text[m.end:m.end + 8].lstrip(" ")
        cued_in_front = bool(g.get("goal")) or (g.get("via") or "") in self.future_via
        if not cued_in_front and before.endswith(self.past_before):
            return False
        if not m.has("approx", "within", "time") and after.startswith(self.stop_after):
            return False
        if self._names_a_plan(after):
            return False
        if cued_in_front or m.has("within"):
            return True
        if after.startswith(self.duration_verbs):
            return True
        if text[max(sentence[0], m.start - _BEFORE_WINDOW):m.start].endswith(self.future_before):
            return True
        return self._starts_goal_clause(m, text, sentence)

    def _names_a_plan(self, after: str) -> bool:
        """“三年跨越计划”: a few characters, a plan word, then the closing quote of a name."""
        for w in self.named_plan_after:
            i = after.find(w, 0, 8)
            if i >= 0 and after[i + len(w):i + len(w) + 1] in ("”", "’", "」", "』", "》", '"'):
                return True
        return False


def _expression(m: _Match, r: _Range, text: str, deadline: bool) -> TimeExpression:
    due = r.end.year if r.end else (r.start.year if r.start and m.kind != "vague" else None)
    return TimeExpression(m.start, m.end, text[m.start:m.end], r.start, r.end, due, deadline, r.relative)


def _plan_start(doc: Doc) -> dt.date | None:
    """Without a document date, a plan's first year still tells what is past (2020年 in 十四五)."""
    period = doc.meta.get("plan_period")
    try:
        year = int(period[0]) if period else None
    except (TypeError, ValueError, IndexError):
        return None
    return dt.date(year, 1, 1) if year and MIN_YEAR <= year <= MAX_YEAR else None


_GRAMMARS: dict[int, tuple[PatternSet, TimeGrammar]] = {}


def _grammar(patterns: PatternSet) -> TimeGrammar:
    hit = _GRAMMARS.get(id(patterns))
    if hit is None or hit[0] is not patterns:
        hit = (patterns, TimeGrammar(patterns))
        _GRAMMARS[id(patterns)] = hit
    return hit[1]


def find_time_expressions(doc: Doc) -> list[TimeExpression]:
    """Every time expression of ``doc.text`` (deadline or not), in text order."""
    return [f.expr for f in _grammar(doc.patterns).analyse(doc)]


def parse_time(text: str, doc_date: dt.date | None = None, *, plan_period: tuple[int, int] | None = None,
               patterns: PatternSet | None = None) -> TimeExpression | None:
    """Normalise one time expression on its own: the longest one in ``text``, or None.

    No deadline test is made (``is_deadline`` is False): this is the normaliser alone, e.g. to
    compare with other parsers. ``plan_period`` (2021, 2025) gives 五年累计 its years.
    """
    grammar = _grammar(patterns if patterns is not None else load_patterns())
    found = grammar.matches(text)
    if not found:
        return None
    best = max(found, key=lambda m: (m.end - m.start, -m.start))
    try:
        r = grammar.resolve(best, doc_date, plan_period)
    except (ValueError, OverflowError, KeyError):
        return None
    return _expression(best, r, text, False) if r is not None else None


@register("deadlines")
class DeadlineExtractor:
    """Deadlines: the distinct time expressions that bound goals or plans."""

    name = "deadlines"
    produces = ("deadlines",)

    def __init__(self, patterns: PatternSet) -> None:
        self.grammar = _grammar(patterns)

    def __call__(self, doc: Doc) -> None:
        found = self.grammar.analyse(doc)
        doc.time_expressions = [f.expr for f in found]  # read by the target linker
        deadlines = [f for f in found if f.expr.is_deadline]
        # a bare 2025年 repeats the deadline 到2025年 already states: it is not another one
        stated = {y for f in deadlines if not f.plain and not f.expr.relative for y in f.years}
        out = doc.records.setdefault("deadlines", [])
        kept, fields = [], []
        for f in deadlines:
            e = f.expr
            if f.plain and f.years and f.years[0] in stated:
                continue
            kept.append(f)
            fields.append(dict(text=doc.surface(e.start, e.end, e.text), start=e.start_date, end=e.end_date,
                               relative=e.relative, resolved=f.resolved, extractor=self.name,
                               **doc.located(e.start, e.end)))
        records = validate_each(Deadline, fields)  # an invalid deadline is left out
        out.extend(r for r in records if r is not None)
        kept = [f for f, r in zip(kept, records) if r is not None]
        unresolved = [f.expr.text for f in kept if not f.resolved]
        if unresolved:
            shown = "、".join(dict.fromkeys(unresolved))
            doc.warn("unresolved_relative_time",
                     f"{len(unresolved)} relative time expression(s) ({shown[:60]}) kept without dates: "
                     "the document date is unknown; pass doc_date= to extract()", stage=self.name)
