"""Stage 2, structure: boilerplate, headings, 专栏, tables, figures and metadata.

Rules: ``patterns/structure.yaml``, ``patterns/metadata.yaml``, ``patterns/boilerplate.yaml``.
Produces ``doc.outline`` (a ``records.Outline`` with spans into the caller's string),
``doc.section_marks`` (for ``Doc.section_at``) and ``doc.meta``.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import regex

from .document import Doc, SectionMark
from .lists import split_items
from .numerals import parse_cn_int
from .records import Column, ColumnList, Figure, Heading, Outline, Table
from .tables import parse_flattened_table


@dataclass
class Line:
    start: int
    end: int
    text: str


_NUMERIC_CELL = regex.compile(r"[\d.,%\[\]\-—()（）/ ]+|--|预期性|约束性")
_DIGITS = regex.compile(r"[0-9]+")
_CN_DIGITS = regex.compile(r"[一二三四五六七八九十百零〇两]+")


def lines_of(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw and not raw.isspace():  # = raw.strip(), without building the stripped copy
            out.append(Line(pos, end, raw))
        pos = end + 1
    return out


# ---------------------------------------------------------------- line-anchored rules
# Most structure rules match whole lines (multiline ``^...$``). Scanning a text for ``^``
# tries every position; one pattern ``\n(?=R1|R2|...)`` is tried only at line breaks, so the
# rules of one concern are run together at the line starts where one of them matches.
_FLAG_LETTERS = ((regex.IGNORECASE, "i"), (regex.MULTILINE, "m"), (regex.DOTALL, "s"))
_BACKREF = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?[0-9&R]")
_JOINABLE_FLAGS = regex.compile("").flags | regex.IGNORECASE | regex.MULTILINE | regex.DOTALL
_JOINED: dict[tuple, tuple[object, regex.Pattern | None]] = {}


def _joinable(rule, rx: regex.Pattern) -> bool:
    """True when the rule can be one branch of a joined pattern with its flags scoped to it."""
    return not rx.flags & ~_JOINABLE_FLAGS and not _BACKREF.search(rule.pattern)


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
            flags = "".join(letter for flag, letter in _FLAG_LETTERS if rx.flags & flag)
            parts.append(f"(?{flags}:{rule.pattern})" if flags else f"(?:{rule.pattern})")
        joined = pats.compile(lead + "(?:" + "|".join(parts) + ")" + tail) if parts else None
        if len(_JOINED) > 64:
            _JOINED.clear()
        got = _JOINED[key] = (pats, joined)
    return got[1]


def _line_finder(pats, rules: list) -> regex.Pattern | None:
    """``\n(?=...)`` matching the line breaks after which one of ``rules`` matches; None when
    a rule is not line-anchored (then its matches cannot be found this way)."""
    return _joined(pats, rules, r"\n(?=", ")", _line_anchored)


def _line_matches(pats, rules: list, text: str):
    """``(rule index, match)`` of every rule's ``finditer(text)``, ordered by position (rules in
    order at one position); the same matches as each rule's own ``finditer``."""
    rxs = [pats.compile_rule(r) for r in rules]
    finder = _line_finder(pats, rules)
    if finder is None:
        found = [(m.start(), i, m) for i, rx in enumerate(rxs) for m in rx.finditer(text)]
        found.sort(key=lambda x: (x[0], x[1]))
        yield from ((i, m) for _, i, m in found)
        return
    last_end = [0] * len(rxs)
    for pos in itertools.chain((0,), (c.start() + 1 for c in finder.finditer(text))):
        for i, rx in enumerate(rxs):
            if pos < last_end[i]:
                continue  # finditer does not return overlapping matches
            m = rx.match(text, pos)
            if m is not None:
                last_end[i] = m.end()
                yield i, m


# ---------------------------------------------------------------- boilerplate
def mark_boilerplate(doc: Doc) -> None:
    pats = doc.patterns
    text = doc.text
    ranges: list[tuple[int, int]] = []
    tail_at = len(text)
    rules = pats.rules("boilerplate")
    for i, m in _line_matches(pats, rules, text):
        rule = rules[i]
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if rule.data.get("scope") == "tail":
            # only where the article has had a body: not a heading at the top of the page
            if line_start > len(text) // 3:
                tail_at = min(tail_at, line_start)
        else:
            ranges.append((line_start, line_end))
    if tail_at < len(text):
        ranges.append((tail_at, len(text)))
    ranges.extend(_headline_lists(doc))
    _blank_all(doc, ranges)


def _headline_lists(doc: Doc) -> list[tuple[int, int]]:
    """Runs of short, sentence-less lines that are not headings: lists of links/headlines."""
    cfg = next((e for e in doc.patterns.entries("boilerplate") if e.get("name") == "headline_list"), None)
    if not cfg:
        return []
    min_lines, max_len = int(cfg["min_lines"]), int(cfg["max_line_length"])
    heading = _heading_rules(doc)
    heading_rules = [r for r in doc.patterns.rules("structure") if r.data.get("kind") in _HEADING_KINDS]
    any_heading = _joined(doc.patterns, heading_rules)
    table_rx = doc.patterns.compile_rule(next(r for r in doc.patterns.rules("structure") if r.id == "table"))
    page_title = _html_title(doc.source)
    out, run = [], []
    in_table = False  # the cells of a flattened table are short lines too: never boilerplate
    for line in lines_of(doc.text):
        t = line.text.strip()
        if table_rx.match(t):
            in_table = True
        elif len(t) > 60:
            in_table = False
        if in_table:
            run = []
            continue
        is_short = len(t) <= max_len and "。" not in t and not t.endswith((":", "："))
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


def _html_title(source: str) -> str | None:
    m = regex.search(r"<title>\s*([^<]{2,200}?)\s*(?:[-_|–—]\s*[^<]{0,40})?</title>", source[:20000],
                     regex.IGNORECASE)
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


def _blank_all(doc: Doc, ranges: list[tuple[int, int]]) -> None:
    if not ranges:
        return
    text = doc.text
    pieces, pos = [], 0
    for s, e in _merged(ranges):  # every character but a line break becomes a space
        pieces.append(text[pos:s])
        pieces.append("\n".join(" " * len(part) for part in text[s:e].split("\n")))
        pos = e
    pieces.append(text[pos:])
    doc.text = "".join(pieces)
    doc.boilerplate.extend(sorted(ranges))


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
_TITLE_END = regex.compile(r"[。；;]")


def _heading_rules(doc: Doc) -> list[tuple[regex.Pattern, dict]]:
    pats = doc.patterns
    return [
        (pats.compile_rule(r), r.data)
        for r in pats.rules("structure")
        if r.data.get("kind") in ("chapter", "section", "part", "item", "subitem")
    ]


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
    out: list[tuple[int, int, Heading]] = []
    taken: set[int] = set()
    rules = [r for r in doc.patterns.rules("structure") if r.data.get("kind") in _HEADING_KINDS]
    # every rule's matches, by position (rules in order at one position): the first rule
    # that gives a title at a position takes it
    for i, m in _line_matches(doc.patterns, rules, doc.text):
        rule = rules[i]
        kind = rule.data.get("kind")
        if m.start() in taken:
            continue
        title = _clean_title(m.group("title"), rule.data.get("max_title"))
        if title is None:
            continue
        label = m.group("label").strip()
        level = int(rule.data["level"])
        if rule.id == "markdown":
            level = len(label)
        number = _number_of(label)
        taken.add(m.start())
        out.append((m.start(), m.end(), Heading(
            kind=kind, label=label, number=number, title=title, level=level,
            span=doc.span(m.start(), m.end()))))
    out.sort(key=lambda x: x[0])
    doc.section_marks = [SectionMark(s, h.level, _heading_text(h)) for s, _, h in out]
    doc.__dict__.pop("_mark_starts", None)
    return [h for _, _, h in out]


def _heading_text(h: Heading) -> str:
    return h.title if h.label.startswith("#") else f"{h.label}{h.title}" if h.label.endswith(("、", ".", "．", ")", "）")) else f"{h.label} {h.title}"


def _number_of(label: str) -> int | None:
    digits = _DIGITS.search(label)
    if digits:
        return int(digits.group())
    cn = _CN_DIGITS.search(label)
    return parse_cn_int(cn.group()) if cn else None


# ---------------------------------------------------------------- 专栏, tables, figures
def structural_kind(doc: Doc, line: str) -> str | None:
    rules, any_rule = _structural_rules(doc.patterns)
    if any_rule is not None and any_rule.match(line) is None:
        return None  # no rule matches (one call): most lines
    for rx, kind in rules:
        if rx.match(line):
            return kind
    return None


_KIND_RULES: dict[int, tuple[object, list]] = {}


def _structural_rules(pats) -> tuple[list, regex.Pattern | None]:
    """(compiled rule, kind) of the structure rules that mark a line, and all of them joined in
    one pattern (None if they cannot be), built once per PatternSet."""
    got = _KIND_RULES.get(id(pats))
    if got is None or got[0] is not pats:
        chosen = [r for r in pats.rules("structure")
                  if r.data.get("kind") not in ("column_list", "table_note", "figure", "table_header")]
        rules = [(pats.compile_rule(r), r.data.get("kind")) for r in chosen]
        if len(_KIND_RULES) > 16:
            _KIND_RULES.clear()
        got = _KIND_RULES[id(pats)] = (pats, (rules, _joined(pats, chosen)))
    return got[1]


def find_columns(doc: Doc, lines: list[Line]) -> list[Column]:
    pats = doc.patterns
    col_rx = pats.compile_rule(next(r for r in pats.rules("structure") if r.id == "column"))
    list_rx = pats.compile_rule(next(r for r in pats.rules("structure") if r.id == "column_list"))
    figure_rx = pats.compile_rule(next(r for r in pats.rules("structure") if r.id == "figure"))
    out = []
    for i, line in enumerate(lines):
        m = col_rx.match(line.text)
        if not m:
            continue
        lists: list[ColumnList] = []
        end = line.end
        for nxt in lines[i + 1:]:
            lm = list_rx.match(nxt.text)
            if not lm or structural_kind(doc, nxt.text) or figure_rx.match(nxt.text.strip()):
                break
            base = nxt.start + lm.start("items")
            items = [t for t, _, _ in split_items(lm.group("items"), base)]
            lists.append(ColumnList(category=lm.group("category").strip(), items=items,
                                    span=doc.span(nxt.start, nxt.end)))
            end = nxt.end
        title = m.group("title").strip()
        out.append(Column(label=f"专栏{m.group('number')}", number=_number_of(m.group("number")),
                          title=title, zone=zone_of(doc, title), span=doc.span(line.start, end),
                          lists=lists))
    return out


def zone_of(doc: Doc, title: str) -> str | None:
    """高新区中心区重点项目和重大平台 -> 中心区 (rules in patterns/columns.yaml)."""
    for rule in doc.patterns.rules("columns"):
        if rule.data.get("produces") != "zone":
            continue
        m = doc.patterns.compile_rule(rule).search(title)
        if m:
            return m.group("zone")
    return None


def find_tables(doc: Doc, lines: list[Line]) -> list[Table]:
    """Tables: a 表N caption followed by one cell per line, or (no caption: an HTML or DOCX table)
    a header cell such as 指标名称 with a year column a few cells later."""
    pats = doc.patterns
    rule = {r.id: r for r in pats.rules("structure")}
    table_rx = pats.compile_rule(rule["table"])
    note_rx = pats.compile_rule(rule["table_note"])
    header = rule.get("table_header_start")
    header_rx = pats.compile_rule(header) if header else None
    year_rx = regex.compile(header.data["year"]) if header else None
    within = int(header.data.get("year_within", 6)) if header else 0
    out = []
    used_until = -1
    for i, line in enumerate(lines):
        if i <= used_until:
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
    for j in range(first, len(lines)):
        nxt = lines[j]
        t = nxt.text.strip()
        if note_rx.match(t):
            notes.append(t)
            last = j
            continue
        if notes or len(t) > 60 or (j > first and structural_kind(doc, t)):
            break
        lead = len(nxt.text) - len(nxt.text.lstrip())
        cells.append((t, nxt.start + lead, nxt.start + lead + len(t)))
        last = j
    return cells, notes, last


def find_figures(doc: Doc, lines: list[Line] | None = None) -> list[Figure]:
    rule = next(r for r in doc.patterns.rules("structure") if r.id == "figure")
    rx = doc.patterns.compile_rule(rule)
    out = []
    for line in lines_of(doc.text) if lines is None else lines:
        if len(line.text) > 120:
            continue
        for m in rx.finditer(line.text):
            out.append(Figure(label=m.group("label").replace(" ", ""), caption=m.group("title").strip(),
                              span=doc.span(line.start + m.start(), line.start + m.end())))
    return out


# ---------------------------------------------------------------- metadata
def find_metadata(doc: Doc, lines: list[Line] | None = None) -> None:
    """``doc.meta`` from the top of the text; ``lines``: ``lines_of(doc.text)`` if known."""
    pats = doc.patterns
    meta = doc.meta
    head = doc.normalized[:20000]  # metadata sits at the top (and the signature near it)
    for rule in pats.rules("metadata"):
        field = rule.data["field"]
        if field in meta or field == "plan_period":
            continue  # a match would change nothing (the plan period is read from the title)
        for _, m in _line_matches(pats, [rule], head if field != "signed_date" else doc.normalized[:60000]):
            if field == "doc_number" and "doc_number" not in meta:
                meta["doc_number"] = regex.sub(r"\s+", "", m.group("value"))
            elif field in ("issued_date", "published_date", "signed_date") and field not in meta:
                d = _date(m)
                if d:
                    meta[field] = d
            elif field == "title" and "title" not in meta:
                if "issuer" in m.groupdict() and m.group("issuer"):
                    meta["issuer"] = m.group("issuer").strip()
                    meta["title"] = m.group(0).strip()
                elif "title" in m.groupdict():
                    meta["title"] = m.group(0).strip()  # with its bracketed period, if any
            elif field == "plan_period":
                continue  # read from the title below, not from plans the text cites
            if field != "signed_date":
                break
    if "title" not in meta:
        t = _html_title(doc.source)
        if t:
            meta["title"] = t
        else:
            top = lines_of(doc.text)[:8] if lines is None else lines[:8]
            first = next((ln.text.strip() for ln in top if 6 <= len(ln.text.strip()) <= 80), None)
            if first:
                meta["title"] = first
    period_rule = next((r for r in pats.rules("metadata") if r.data.get("field") == "plan_period"), None)
    if period_rule is not None and meta.get("title"):
        m = pats.compile_rule(period_rule).search(meta["title"])
        if m and int(m.group("start")) <= int(m.group("end")):
            meta["plan_period"] = (int(m.group("start")), int(m.group("end")), None)
    if "plan_period" not in meta and meta.get("title"):
        # longest names first: 第十五个五年 must not be read as 十五 (2001-2005)
        names = [(str(p.get(k)), p) for p in pats.entries("periods") for k in ("long", "name") if p.get(k)]
        for name, p in sorted(names, key=lambda x: -len(x[0])):
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
    mark_boilerplate(doc)
    lines = lines_of(doc.text)  # the text does not change after this
    find_metadata(doc, lines)
    headings = find_headings(doc)
    doc.outline = Outline(
        headings=headings,
        columns=find_columns(doc, lines),
        tables=find_tables(doc, lines),
        figures=find_figures(doc, lines),
        boilerplate=[doc.span(s, e) for s, e in doc.boilerplate],
    )


