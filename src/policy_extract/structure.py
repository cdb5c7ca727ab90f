"""Stage 2, structure: boilerplate, headings, 专栏, tables, figures and metadata.

Rules: ``patterns/structure.yaml``, ``patterns/metadata.yaml``, ``patterns/boilerplate.yaml``.
Produces ``doc.outline`` (a ``records.Outline`` with spans into the caller's string),
``doc.section_marks`` (for ``Doc.section_at``) and ``doc.meta``.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import regex

from .document import Doc, SectionMark
from .lists import split_items
from .memo import BoundedMemo
from .numerals import parse_cn_int
from .records import Column, Figure, Heading, Outline, Table, validate_all
from .regex_facts import DEFAULT_FLAGS, JOINABLE_FLAGS, faster, rule_first_chars, scoped, standard_engine
from .tables import parse_flattened_table


@dataclass(slots=True)
class Line:
    start: int
    end: int
    text: str


_NUMERIC_CELL = regex.compile(r"[\d.,%\[\]\-—()（）/ ]+|--|预期性|约束性")
_DIGITS = regex.compile(r"[0-9]+")
_CN_DIGITS = regex.compile(r"[一二三四五六七八九十百零〇两]+")


def lines_of(text: str) -> list[Line]:
    out: list[Line] = []
    append = out.append
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw and not raw.isspace():  # = raw.strip(), without building the stripped copy
            append(Line(pos, end, raw))
        pos = end + 1
    return out


def _unblanked(text: str, lines: list[Line], blanked: list[tuple[int, int]]) -> list[Line]:
    """``lines_of(text)`` after ``blanked`` (sorted, disjoint ranges) were blanked in the text
    ``lines`` were read from: a line inside a range became spaces (dropped), a line outside
    is unchanged. Boilerplate ranges run from a line start to a line end; should one cut a
    line, the lines are read again."""
    if not blanked:
        return lines
    out: list[Line] = []
    k, n = 0, len(blanked)
    for ln in lines:
        while k < n and blanked[k][1] <= ln.start:
            k += 1
        if k < n and blanked[k][0] < ln.end:
            if blanked[k][0] <= ln.start and ln.end <= blanked[k][1]:
                continue
            return lines_of(text)
        out.append(ln)
    return out


# ---------------------------------------------------------------- line-anchored rules
# Most structure rules match whole lines (multiline ``^...$``). Scanning a text for ``^``
# tries every position; one pattern ``\n(?=R1|R2|...)`` is tried only at line breaks, so the
# rules of one concern are run together at the line starts where one of them matches.
_BACKREF = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?[0-9&R]")
_JOINED: BoundedMemo[tuple, tuple] = BoundedMemo(64)


def _joinable(rule, rx: regex.Pattern) -> bool:
    """True when the rule can be one branch of a joined pattern with its flags scoped to it."""
    return not rx.flags & ~JOINABLE_FLAGS and not _BACKREF.search(rule.pattern)


def _line_anchored(rule, rx: regex.Pattern) -> bool:
    """True when every match of the rule starts at a line start: multiline, and every
    top-level branch of its pattern begins with ``^`` (fragments expand inside a group)."""
    p = rule.pattern
    if not rx.flags & regex.MULTILINE or not p.startswith("^") or not _joinable(rule, rx):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth <= 0:
            return False  # a branch that may not begin with ^ (or a class read wrongly): no
        i += 1
    return True


def _joined(pats, rules: list, lead: str = "", tail: str = "", check=_joinable) -> regex.Pattern | None:
    """``lead(?:R1|R2|...)`` of ``rules`` (each with its own flags), compiled once per
    PatternSet; None when a rule fails ``check``. ``joined.match(t)`` is
    ``any(rule.match(t))``: one call instead of one per rule."""
    key = (id(pats), lead, tail, check.__name__, tuple(map(id, rules)))
    got = _JOINED.get(key)
    if got is None or got[0] is not pats:
        parts: list[str] | None = []
        for rule in rules:
            rx = pats.compile_rule(rule)
            if not check(rule, rx):
                parts = None
                break
            parts.append(scoped(rule.pattern, rx.flags))
        joined = pats.compile(lead + "(?:" + "|".join(parts) + ")" + tail) if parts else None
        got = _JOINED.keep(key, (pats, joined))
    return got[1]


def _gate(pats, rules) -> frozenset[str] | None:
    """The characters a match of any of ``rules`` can begin with (None: not known). A text
    whose first character is not one of them matches none of the rules (``rx.match``)."""
    chars: set[str] = set()
    for rule in rules:
        first = rule_first_chars(pats, rule)
        if first is None:
            return None
        chars |= first
    return frozenset(chars)


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _line_finder(pats, rules: list) -> regex.Pattern | re.Pattern | None:
    """A pattern matching the line breaks after which one of ``rules`` may match (its
    ``.start() + 1`` is the line start): ``\n(?=[ \t]*[C])`` with C the characters their
    matches begin with after blanks, when known; else ``\n(?=R1|R2|...)``. None when a rule is
    not line-anchored (then its matches cannot be found this way)."""
    key = (id(pats), "line_finder", tuple(map(id, rules)))
    got = _JOINED.get(key)
    if got is None or got[0] is not pats:
        chars: set[str] | None = set()
        for rule in rules:
            rx = pats.compile_rule(rule)
            if not _line_anchored(rule, rx):
                chars = None
                break
            first = rule_first_chars(pats, rule, past_blanks=True)
            if first is None:
                chars = None
                break
            chars |= first
        if chars:
            # the standard library's engine finds a line break and tests one class quicker
            finder = re.compile(r"\n(?=[ \t]*" + _char_class(chars) + ")")
        else:
            finder = _joined(pats, rules, r"\n(?=", ")", _line_anchored)
            if finder is not None and not finder.flags & ~DEFAULT_FLAGS:
                finder = standard_engine(finder.pattern) or finder
        got = _JOINED.keep(key, (pats, finder))
    return got[1]


def _compiled_rules(pats, rules: list) -> tuple[list[regex.Pattern], list, dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Each rule compiled, to search a text and (``faster``) to match at a line start; and which
    rules (indices, in order) a match beginning with a given character can be of
    (``rule_first_chars``), with the rules for any other character (those whose first
    characters are not known). Read once per PatternSet."""
    key = (id(pats), "compiled", tuple(map(id, rules)))
    got = _JOINED.get(key)
    if got is None or got[0] is not pats:
        firsts = [rule_first_chars(pats, r) for r in rules]
        anywhere = tuple(i for i, f in enumerate(firsts) if f is None)
        chars = set().union(*(f for f in firsts if f is not None))
        by_char = {c: tuple(i for i, f in enumerate(firsts) if f is None or c in f) for c in chars}
        compiled = [pats.compile_rule(r) for r in rules]
        got = _JOINED.keep(key, (pats, (compiled, [faster(rx) for rx in compiled], by_char, anywhere)))
    return got[1]


def _line_matches(pats, rules: list, text: str):
    """``(rule index, match)`` of every rule's ``finditer(text)``, ordered by position (rules in
    order at one position); the same matches as each rule's own ``finditer``."""
    rxs, at_line_start, by_char, anywhere = _compiled_rules(pats, rules)
    finder = _line_finder(pats, rules)
    if finder is None:
        found = [(m.start(), i, m) for i, rx in enumerate(rxs) for m in rx.finditer(text)]
        found.sort(key=lambda x: (x[0], x[1]))
        yield from ((i, m) for _, i, m in found)
        return
    last_end = [0] * len(rxs)
    n = len(text)
    for pos in itertools.chain((0,), (c.start() + 1 for c in finder.finditer(text))):
        # only the rules a match beginning with this character can be of
        for i in by_char.get(text[pos], anywhere) if pos < n else anywhere:
            if pos < last_end[i]:
                continue  # finditer does not return overlapping matches
            m = at_line_start[i].match(text, pos)
            if m is not None:
                last_end[i] = m.end()
                yield i, m


# ---------------------------------------------------------------- rules, read once
class _Plan:
    """The compiled rules structure uses, read from one PatternSet once (each part on first
    use, so that a missing rule fails where it is needed, as before)."""

    def __init__(self, pats) -> None:
        self.pats = pats

    def _structure_rule(self, rule_id: str):
        return next(r for r in self.pats.rules("structure") if r.id == rule_id)

    @cached_property
    def boilerplate(self) -> tuple[list, list[bool]]:
        rules = self.pats.rules("boilerplate")
        return rules, [r.data.get("scope") == "tail" for r in rules]

    @cached_property
    def heading_rules(self) -> list:
        return [r for r in self.pats.rules("structure") if r.data.get("kind") in _HEADING_KINDS]

    @cached_property
    def heading(self) -> list[tuple[regex.Pattern, dict]]:
        return [(self.pats.compile_rule(r), r.data) for r in self.heading_rules]

    @cached_property
    def any_heading(self) -> regex.Pattern | None:
        joined = _joined(self.pats, self.heading_rules)
        return faster(joined) if joined is not None else None

    @cached_property
    def headline(self) -> tuple[regex.Pattern, regex.Pattern | None, regex.Pattern | None]:
        """(table rule, table rule | numeric cell | any heading joined (None if they cannot be),
        and the numeric cell | any heading part alone) for ``_headline_lists``."""
        table_rule = self._structure_rule("table")
        table_rx = self.pats.compile_rule(table_rule)
        joined = short = None
        if self.any_heading is not None and _joinable(table_rule, table_rx):
            table_part = scoped(table_rule.pattern, table_rx.flags)
            # _NUMERIC_CELL.fullmatch(t) is _NUMERIC_CELL followed by the end of t
            short_part = "(?P<pe_short>(?:" + _NUMERIC_CELL.pattern + r")\Z|" + self.any_heading.pattern + ")"
            joined = self.pats.compile("(?P<pe_table>" + table_part + ")|" + short_part)
            short = self.pats.compile(short_part)
        return table_rx, joined, short

    @cached_property
    def headline_table_first(self) -> frozenset[str] | None:
        """The characters a table caption begins with (``_headline_lists`` reads a line with
        the joined pattern only when it may be one, or when the line is short)."""
        return rule_first_chars(self.pats, self._structure_rule("table")) if self.headline[2] is not None else None

    @cached_property
    def structural(self) -> tuple[list, regex.Pattern | None]:
        return _structural_rules(self.pats)

    @cached_property
    def column(self) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
        return tuple(faster(self.pats.compile_rule(self._structure_rule(i))) for i in ("column", "column_list", "figure"))

    @cached_property
    def column_first(self) -> frozenset[str] | None:
        return rule_first_chars(self.pats, self._structure_rule("column"))

    @cached_property
    def zones(self) -> list[regex.Pattern]:
        return [self.pats.compile_rule(r) for r in self.pats.rules("columns") if r.data.get("produces") == "zone"]

    @cached_property
    def table(self):
        rule = {r.id: r for r in self.pats.rules("structure")}
        table_rx = faster(self.pats.compile_rule(rule["table"]))
        note_rx = faster(self.pats.compile_rule(rule["table_note"]))
        header = rule.get("table_header_start")
        header_rx = faster(self.pats.compile_rule(header)) if header else None
        year_rx = faster(regex.compile(header.data["year"])) if header else None
        within = int(header.data.get("year_within", 6)) if header else 0
        # one call tells the lines that can start no table (most) from the others; most need
        # not even that: no match of either rule begins with their first character
        either = _joined(self.pats, [rule["table"], header]) if header else None
        either = faster(either) if either is not None else None
        either_first = _gate(self.pats, [rule["table"], header]) if header else None
        return table_rx, note_rx, header_rx, year_rx, within, either, either_first

    @cached_property
    def note_first(self) -> frozenset[str] | None:
        return rule_first_chars(self.pats, self._structure_rule("table_note"))

    @cached_property
    def figure(self) -> regex.Pattern:
        return self.pats.compile_rule(self._structure_rule("figure"))

    @cached_property
    def figure_finder(self) -> re.Pattern | None:
        """The characters a figure caption begins with, as a class to scan the text for."""
        first = rule_first_chars(self.pats, self._structure_rule("figure"))
        return re.compile(_char_class(first)) if first is not None else None

    @cached_property
    def metadata(self) -> list[tuple[object, str, regex.Pattern, regex.Pattern | None]]:
        """(rule, field, compiled rule, its line finder or None) of every metadata rule."""
        out = []
        for rule in self.pats.rules("metadata"):
            field = rule.data["field"]
            out.append((rule, field, self.pats.compile_rule(rule), _line_finder(self.pats, [rule])))
        return out

    @cached_property
    def period(self):
        pats = self.pats
        period_rule = next((r for r in pats.rules("metadata") if r.data.get("field") == "plan_period"), None)
        period_rx = pats.compile_rule(period_rule) if period_rule is not None else None
        # longest names first: 第十五个五年 must not be read as 十五 (2001-2005)
        names = [(str(p.get(k)), p) for p in pats.entries("periods") for k in ("long", "name") if p.get(k)]
        return period_rx, sorted(names, key=lambda x: -len(x[0]))


_PLANS: BoundedMemo[int, _Plan] = BoundedMemo(16)


def _plan(pats) -> _Plan:
    got = _PLANS.get(id(pats))
    if got is None or got.pats is not pats:
        got = _PLANS.keep(id(pats), _Plan(pats))
    return got


def _first_match(text: str, rx: regex.Pattern, finder: regex.Pattern | None) -> regex.Match | None:
    """The first match of ``rx`` in ``text`` (= ``rx.search(text)``); ``finder``: the rule's
    line finder (``_line_finder``), which reaches a line-anchored rule's match sooner."""
    if finder is None:
        return rx.search(text)
    m = rx.match(text, 0)
    if m is not None:
        return m
    for c in finder.finditer(text):
        m = rx.match(text, c.start() + 1)
        if m is not None:
            return m
    return None


def _all_matches(text: str, rx: regex.Pattern, finder: regex.Pattern | None):
    """Every match of ``rx`` in ``text``, lazily (= ``rx.finditer(text)``)."""
    if finder is None:
        yield from rx.finditer(text)
        return
    last_end = 0
    for pos in itertools.chain((0,), (c.start() + 1 for c in finder.finditer(text))):
        if pos < last_end:
            continue
        m = rx.match(text, pos)
        if m is not None:
            last_end = m.end()
            yield m


# ---------------------------------------------------------------- boilerplate
def mark_boilerplate(doc: Doc, lines: list[Line] | None = None,
                     page_title: str | None | bool = False) -> list[tuple[int, int]]:
    """Blank boilerplate in ``doc.text``; returns the blanked ranges (sorted, disjoint).
    ``lines``: ``lines_of(doc.text)`` and ``page_title``: ``_html_title(doc.source)``, if known."""
    pats = doc.patterns
    text = doc.text
    ranges: list[tuple[int, int]] = []
    tail_at = len(text)
    rules, is_tail = _plan(pats).boilerplate
    for i, m in _line_matches(pats, rules, text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if is_tail[i]:
            # only where the article has had a body: not a heading at the top of the page
            if line_start > len(text) // 3:
                tail_at = min(tail_at, line_start)
        else:
            line_end = text.find("\n", m.end())
            ranges.append((line_start, len(text) if line_end < 0 else line_end))
    if tail_at < len(text):
        ranges.append((tail_at, len(text)))
    ranges.extend(_headline_lists(doc, lines, page_title))
    return _blank_all(doc, ranges)


def _headline_lists(doc: Doc, lines: list[Line] | None = None,
                    page_title: str | None | bool = False) -> list[tuple[int, int]]:
    """Runs of short, sentence-less lines that are not headings: lists of links/headlines."""
    cfg = next((e for e in doc.patterns.entries("boilerplate") if e.get("name") == "headline_list"), None)
    if not cfg:
        return []
    min_lines, max_len = int(cfg["min_lines"]), int(cfg["max_line_length"])
    plan = _plan(doc.patterns)
    heading = plan.heading
    any_heading = plan.any_heading
    table_rx, joined, short_rx = plan.headline
    table_first = plan.headline_table_first
    if page_title is False:
        page_title = _html_title(doc.source)
    out, run = [], []
    in_table = False  # the cells of a flattened table are short lines too: never boilerplate
    for line in lines_of(doc.text) if lines is None else lines:
        t = line.text.strip()
        n = len(t)
        if joined is not None:
            # one call: the table rule, else (for a short line) a numeric cell or a heading;
            # none at all for a line no table caption begins like, unless it is short
            if table_first is None or t[0] in table_first:
                m = joined.match(t)
                if m is not None and m.group("pe_table") is not None:
                    in_table = True
                    run = []
                    continue
                missed: bool | None = m is None
            else:
                missed = None  # not a table caption; the rest is read when it matters
            if n > 60:
                in_table = False
            if in_table:
                run = []
                continue
            if n <= max_len and "。" not in t and not t.endswith((":", "：")) and (
                    missed if missed is not None else short_rx.match(t) is None):
                run.append(line)
                continue
        else:
            if table_rx.match(t):
                in_table = True
            elif n > 60:
                in_table = False
            if in_table:
                run = []
                continue
            is_short = n <= max_len and "。" not in t and not t.endswith((":", "："))
            if is_short and not _NUMERIC_CELL.fullmatch(t) and not (
                    any_heading.match(t) if any_heading is not None else any(rx.match(t) for rx, _ in heading)):
                run.append(line)
                continue
        if len(run) >= min_lines:
            out.extend(_without_headline(run, page_title))
        run = []
    if len(run) >= min_lines:
        out.extend(_without_headline(run, page_title))
    return out


_TITLE_TAG = regex.compile(r"<title>\s*([^<]{2,200}?)\s*(?:[-_|–—]\s*[^<]{0,40})?</title>", regex.IGNORECASE)


def _html_title(source: str) -> str | None:
    m = _TITLE_TAG.search(source[:20000])
    return m.group(1).strip() if m else None


def _without_headline(run: list[Line], title: str | None) -> list[tuple[int, int]]:
    """A run of link lines, less the page's own headline (its last repeat of the <title>)."""
    keep = None
    if title:
        for i in range(len(run) - 1, -1, -1):
            if run[i].text.strip() == title:
                keep = i
                break
    if keep is None:
        return [(run[0].start, run[-1].end)]
    out = []
    if keep > 0:
        out.append((run[0].start, run[keep - 1].end))
    if keep + 1 < len(run):
        out.append((run[keep + 1].start, run[-1].end))
    return out


def _blank_all(doc: Doc, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if not ranges:
        return []
    text = doc.text
    pieces, pos = [], 0
    merged = _merged(ranges)
    for s, e in merged:  # every character but a line break becomes a space
        pieces.append(text[pos:s])
        pieces.append("\n".join(" " * len(part) for part in text[s:e].split("\n")))
        pos = e
    pieces.append(text[pos:])
    doc.text = "".join(pieces)
    doc.boilerplate.extend(sorted(ranges))
    return merged


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``ranges`` as sorted, disjoint ranges (empty ones dropped)."""
    out: list[list[int]] = []
    for s, e in sorted(ranges):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


# ---------------------------------------------------------------- headings
_HEADING_KINDS = ("chapter", "section", "part", "item", "subitem")
_SPAN_KEYS = ("start", "end")
_TITLE_END = regex.compile(r"[。；;]")


def _clean_title(title: str, max_len: int | None) -> str | None:
    title = title.strip()
    cut = _TITLE_END.search(title)
    if cut:
        title = title[:cut.start()]
        if max_len is None:
            max_len = 40
    title = title.strip(" \t:：")
    if not title or (max_len is not None and len(title) > max_len):
        return None
    return title


def find_headings(doc: Doc) -> list[Heading]:
    found: list[dict] = []  # the fields of each heading, validated together
    starts: list[int] = []
    taken: set[int] = set()
    rules = _plan(doc.patterns).heading_rules
    to_original = doc.offsets.to_original
    # every rule's matches, by position (rules in order at one position): the first rule
    # that gives a title at a position takes it
    for i, m in _line_matches(doc.patterns, rules, doc.text):
        start = m.start()
        if start in taken:
            continue
        rule = rules[i]
        data = rule.data
        title = _clean_title(m.group("title"), data.get("max_title"))
        if title is None:
            continue
        label = m.group("label").strip()
        level = int(data["level"])
        if rule.id == "markdown":
            level = len(label)
        taken.add(start)
        s, e = to_original(start, m.end())
        found.append(dict(kind=data.get("kind"), label=label, number=_number_of(label), title=title,
                          level=level, span={"start": s, "end": e}))
        starts.append(start)
    headings = validate_all(Heading, found)
    out = sorted(zip(starts, headings), key=lambda x: x[0])
    doc.section_marks = [SectionMark(s, h.level, _heading_text(h)) for s, h in out]
    doc.__dict__.pop("_sections", None)
    return [h for _, h in out]


def _heading_text(h: Heading) -> str:
    return h.title if h.label.startswith("#") else f"{h.label}{h.title}" if h.label.endswith(("、", ".", "．", ")", "）")) else f"{h.label} {h.title}"


@lru_cache(maxsize=4096)
def _number_of(label: str) -> int | None:
    digits = _DIGITS.search(label)
    if digits:
        return int(digits.group())
    cn = _CN_DIGITS.search(label)
    return parse_cn_int(cn.group()) if cn else None


# ---------------------------------------------------------------- 专栏, tables, figures
def structural_kind(doc: Doc, line: str) -> str | None:
    rules, any_rule, first = _structural_rules(doc.patterns, gated=True)
    if first is not None and line[:1] not in first:
        return None  # no rule's match begins with this character: most lines
    if any_rule is not None and any_rule.match(line) is None:
        return None  # no rule matches (one call)
    for rx, kind in rules:
        if rx.match(line):
            return kind
    return None


_KIND_RULES: BoundedMemo[int, tuple] = BoundedMemo(16)


def _structural_rules(pats, gated: bool = False):
    """(compiled rule, kind) of the structure rules that mark a line, and all of them joined in
    one pattern (None if they cannot be), built once per PatternSet; ``gated``: and the
    characters their matches begin with (``_gate``)."""
    got = _KIND_RULES.get(id(pats))
    if got is None or got[0] is not pats:
        chosen = [r for r in pats.rules("structure")
                  if r.data.get("kind") not in ("column_list", "table_note", "figure", "table_header")]
        rules = [(faster(pats.compile_rule(r)), r.data.get("kind")) for r in chosen]
        any_rule = _joined(pats, chosen)
        got = _KIND_RULES.keep(id(pats), (pats, (rules, faster(any_rule) if any_rule is not None else None,
                                                 _gate(pats, chosen))))
    return got[1] if gated else got[1][:2]


@dataclass(slots=True)
class ColumnBox:
    """A 专栏 box: its header line and the list lines under it, in normalised offsets. Read
    once (``column_boxes``) for the outline and for the projects extractor."""

    label: str
    number: int | None
    title: str
    zone: str | None
    start: int
    end: int
    lists: list[tuple[str, list[tuple[str, int, int]], int, int]] = field(default_factory=list)
    """(category, its items as (text, start, end), line start, line end) of each list line"""


def column_boxes(doc: Doc, lines: list[Line] | None = None) -> list[ColumnBox]:
    """The 专栏 boxes of ``doc.text``; ``lines``: ``lines_of(doc.text)``, if known."""
    plan = _plan(doc.patterns)
    col_rx, list_rx, figure_rx = plan.column
    first = plan.column_first
    if lines is None:
        lines = lines_of(doc.text)
    out = []
    for i, line in enumerate(lines):
        if first is not None and line.text[:1] not in first:
            continue  # no 专栏 line begins so (a line has a character)
        m = col_rx.match(line.text)
        if not m:
            continue
        title = m.group("title").strip()
        box = ColumnBox(label=f"专栏{m.group('number')}", number=_number_of(m.group("number")), title=title,
                        zone=zone_of(doc, title), start=line.start, end=line.end)
        for nxt in itertools.islice(lines, i + 1, None):
            lm = list_rx.match(nxt.text)
            if not lm or structural_kind(doc, nxt.text) or figure_rx.match(nxt.text.strip()):
                break
            base = nxt.start + lm.start("items")
            box.lists.append((lm.group("category").strip(), split_items(lm.group("items"), base),
                              nxt.start, nxt.end))
            box.end = nxt.end
        out.append(box)
    return out


def find_columns(doc: Doc, lines: list[Line]) -> list[Column]:
    """The 专栏 boxes as outline records (the boxes are kept on ``doc.column_boxes``)."""
    boxes = doc.column_boxes = column_boxes(doc, lines)
    span = doc.offsets.to_original  # = doc.span, validated with the columns (one call)
    fields = [dict(label=box.label, number=box.number, title=box.title, zone=box.zone,
                   span=dict(zip(_SPAN_KEYS, span(box.start, box.end))),
                   lists=[dict(category=category, items=[t for t, _, _ in items], span=dict(zip(_SPAN_KEYS, span(s, e))))
                          for category, items, s, e in box.lists])
              for box in boxes]
    return validate_all(Column, fields)


def zone_of(doc: Doc, title: str) -> str | None:
    """高新区中心区重点项目和重大平台 -> 中心区 (rules in patterns/columns.yaml)."""
    for rx in _plan(doc.patterns).zones:
        m = rx.search(title)
        if m:
            return m.group("zone")
    return None


def find_tables(doc: Doc, lines: list[Line]) -> list[Table]:
    """Tables: a 表N caption followed by one cell per line, or (no caption: an HTML or DOCX table)
    a header cell such as 指标名称 with a year column a few cells later."""
    table_rx, note_rx, header_rx, year_rx, within, either, either_first = _plan(doc.patterns).table
    out = []
    used_until = -1
    for i, line in enumerate(lines):
        if i <= used_until or (either_first is not None and line.text[:1] not in either_first) or (
                either is not None and either.match(line.text) is None):
            continue
        m = table_rx.match(line.text)
        if m:
            first, label, number, title = i + 1, f"表{m.group('number')}", _number_of(m.group("number")), \
                m.group("title").strip()
        elif header_rx is not None and header_rx.match(line.text) and any(
                year_rx.match(nxt.text) for nxt in lines[i + 1:i + 1 + within]):
            prev = lines[i - 1].text.strip() if i > 0 else ""
            first, label, number = i, None, None
            title = prev if 0 < len(prev) <= 40 and not structural_kind(doc, prev) else ""
        else:
            continue
        cells, notes, last = _table_cells(doc, lines, first, note_rx)
        if not cells:
            continue
        used_until = last
        end = lines[last].end
        parsed = parse_flattened_table(doc, cells)
        doc.table_ranges.append((line.start, end))
        doc.table_cells[label or f"table@{line.start}"] = cells
        out.append(Table(label=label, number=number, title=title, span=doc.span(line.start, end),
                         layout="flattened", header=parsed.header, rows=parsed.rows, notes=notes))
    return out


def _table_cells(doc: Doc, lines: list[Line], first: int, note_rx) -> tuple[list[tuple[str, int, int]], list[str], int]:
    """Cells from line ``first`` on, until notes end or a long or structural line; and the last line."""
    cells: list[tuple[str, int, int]] = []
    notes: list[str] = []
    last = first - 1
    note_first = _plan(doc.patterns).note_first
    for j in range(first, len(lines)):
        nxt = lines[j]
        t = nxt.text.strip()
        if (note_first is None or t[:1] in note_first) and note_rx.match(t):
            notes.append(t)
            last = j
            continue
        if notes or len(t) > 60 or (j > first and structural_kind(doc, t)):
            break
        lead = len(nxt.text) - len(nxt.text.lstrip())
        cells.append((t, nxt.start + lead, nxt.start + lead + len(t)))
        last = j
    return cells, notes, last


def _lines_at(lines: list[Line], positions) -> list[Line]:
    """The lines (in order, once each) holding one of ``positions`` (ascending text offsets
    of the text ``lines`` were read from)."""
    out: list[Line] = []
    starts = [ln.start for ln in lines]
    last = -1
    for pos in positions:
        k = bisect_right(starts, pos) - 1
        if k > last and pos < lines[k].end:
            out.append(lines[k])
            last = k
    return out


def find_figures(doc: Doc, lines: list[Line] | None = None) -> list[Figure]:
    plan = _plan(doc.patterns)
    rx, finder = plan.figure, plan.figure_finder
    out = []
    if lines is None:
        lines = lines_of(doc.text)
    if finder is not None:  # only the lines where a match can begin: one scan of the text
        lines = _lines_at(lines, (m.start() for m in finder.finditer(doc.text)))
    for line in lines:
        if len(line.text) > 120:
            continue
        for m in rx.finditer(line.text):
            out.append(Figure(label=m.group("label").replace(" ", ""), caption=m.group("title").strip(),
                              span=doc.span(line.start + m.start(), line.start + m.end())))
    return out


# ---------------------------------------------------------------- metadata
_SPACES = regex.compile(r"\s+")


def find_metadata(doc: Doc, lines: list[Line] | None = None, page_title: str | None | bool = False) -> None:
    """``doc.meta`` from the top of the text; ``lines``: ``lines_of(doc.text)`` and
    ``page_title``: ``_html_title(doc.source)``, if known."""
    plan = _plan(doc.patterns)
    meta = doc.meta
    head = doc.normalized[:20000]  # metadata sits at the top (and the signature near it)
    for rule, key, rx, finder in plan.metadata:
        if key in meta or key == "plan_period":
            continue  # a match would change nothing (the plan period is read from the title)
        if key == "signed_date":
            # the first match that is a valid date (later ones would change nothing)
            for m in _all_matches(doc.normalized[:60000], rx, finder):
                d = _date(m)
                if d:
                    meta[key] = d
                    break
            continue
        m = _first_match(head, rx, finder)  # only the first match is read
        if m is None:
            continue
        if key == "doc_number":
            meta["doc_number"] = _SPACES.sub("", m.group("value"))
        elif key in ("issued_date", "published_date"):
            d = _date(m)
            if d:
                meta[key] = d
        elif key == "title":
            if "issuer" in m.groupdict() and m.group("issuer"):
                meta["issuer"] = m.group("issuer").strip()
                meta["title"] = m.group(0).strip()
            elif "title" in m.groupdict():
                meta["title"] = m.group(0).strip()  # with its bracketed period, if any
    if "title" not in meta:
        t = _html_title(doc.source) if page_title is False else page_title
        if t:
            meta["title"] = t
        else:
            top = lines_of(doc.text)[:8] if lines is None else lines[:8]
            first = next((ln.text.strip() for ln in top if 6 <= len(ln.text.strip()) <= 80), None)
            if first:
                meta["title"] = first
    period_rx, names = plan.period
    if period_rx is not None and meta.get("title"):
        m = period_rx.search(meta["title"])
        if m and int(m.group("start")) <= int(m.group("end")):
            meta["plan_period"] = (int(m.group("start")), int(m.group("end")), None)
    if "plan_period" not in meta and meta.get("title"):
        for name, p in names:
            if name in meta["title"]:
                meta["plan_period"] = (int(p["start"]), int(p["end"]), p["name"])
                break


def _date(m: regex.Match) -> dt.date | None:
    try:
        return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


# ---------------------------------------------------------------- the stage
def structure(doc: Doc) -> None:
    page_title = _html_title(doc.source)
    lines = lines_of(doc.text)
    blanked = mark_boilerplate(doc, lines, page_title)
    lines = _unblanked(doc.text, lines, blanked)  # the text does not change after this
    find_metadata(doc, lines, page_title)
    headings = find_headings(doc)
    doc.outline = Outline(
        headings=headings,
        columns=find_columns(doc, lines),
        tables=find_tables(doc, lines),
        figures=find_figures(doc, lines),
        boilerplate=[doc.span(s, e) for s, e in doc.boilerplate],
    )
