"""Indicator tables: flattened cells (one per line, as pasted from a PDF) -> columns, rows, values.

Rules: ``patterns/tables.yaml`` (header words, value / none / 属性 cells, title kinds) and
``patterns/units.yaml`` (what a unit is). Two steps:

``parse_flattened_table(doc, cells)`` (called by structure) finds the header, rebuilds its
columns (cells split over lines are merged, a two-level header 总量/比重 under each period is
expanded) and groups the data cells into rows: category rows, 序号, parent rows and their
sub-rows, units, values, 属性. It keeps that layout on the doc (normalised offsets).

``indicator_rows(doc, table)`` reads each row against the columns: indicator and unit, the
reported figures and the targets (by the column's words, its year, the table's title and the
document's plan period or date), growth rates, 属性, [ ] cumulative values, extra measures.
Everything is one pass over the cells; every regex is bounded.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

import regex

from .document import Doc
from .errors import PatternError
from .memo import BoundedMemo
from .numerals import parse_arabic
from .records import Table, TableRow, validate_all
from .regex_facts import faster, rule_first_chars

Cell = tuple[str, int, int]
"""(text, start, end) in normalised offsets"""

_META_KEY = "_table_layouts"
_SPAN_KEYS = ("start", "end")
_VALUE_ROLES = ("period", "baseline", "target", "growth", "share", "level", "other")
_YEAR = regex.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_BRACKET_UNIT = regex.compile(r"[(（]([^()（）]{1,8})[)）]\s*$|([%％‰])$")
_MEASURE = regex.compile(r"([\p{Han}]{1,12}+)[(（]?[%％‰]?[)）]?$")


# ---------------------------------------------------------------- public records
@dataclass(frozen=True)
class Column:
    """One column of a table: its header text and what its cells hold."""

    name: str
    role: str
    """label, seq, category, unit, attribute, remark, period, baseline, target, growth, share, level, other"""
    year: int | None = None
    unit: str | None = None
    """a unit the header states: 年均增长(%) -> %"""
    measure: str | None = None
    """in a two-level header, the lower cell (总量, 比重%)"""


@dataclass(frozen=True)
class TableValue:
    """One value cell read against its column."""

    column: str
    role: str
    """baseline (a reported figure), target, growth, share or other"""
    year: int | None
    is_target: bool
    text: str
    value: Decimal | None
    value_max: Decimal | None
    unit: str | None
    qualifier: str
    """eq, ge, le, approx or range"""
    cumulative: bool
    start: int
    end: int
    measure: str | None = None
    """the lower header cell of a two-level column (比重%)"""


@dataclass(frozen=True)
class IndicatorRow:
    """A table row an extractor can turn into targets and statistics (normalised offsets)."""

    indicator: str
    label: str
    """the label as written, unit bracket included"""
    unit: str | None
    category: str | None
    parent: str | None
    seq: int | None
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int | None
    target_text: str | None
    """the raw target cell: 2500, [125], 完成市下达指标"""
    growth_rate: Decimal | None
    """in %"""
    attribute: str | None
    cumulative: bool
    extra: tuple[tuple[str, int | None, Decimal], ...]
    """further measures of a period: (比重, 2015, 9.8)"""
    values: tuple[TableValue, ...]
    start: int
    end: int
    label_start: int
    label_end: int
    table: str | None = None

    @property
    def targets(self) -> tuple[TableValue, ...]:
        return tuple(v for v in self.values if v.is_target)

    @property
    def reported(self) -> tuple[TableValue, ...]:
        return tuple(v for v in self.values if not v.is_target)


@dataclass
class RawRow:
    """A data row as grouped from the cells, before its values are read."""

    label: Cell | None = None
    seq: Cell | None = None
    unit: Cell | None = None
    values: list[Cell] = field(default_factory=list)
    attribute: Cell | None = None
    category: str | None = None
    parent: str | None = None
    cells: list[Cell] = field(default_factory=list)


@dataclass
class TableLayout:
    columns: list[Column]
    header_cells: list[Cell]
    rows: list[RawRow]


@dataclass
class ParsedTable:
    header: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    layout: TableLayout | None = None


# ---------------------------------------------------------------- vocabulary (patterns/tables.yaml)
class _Vocab:
    def __init__(self, doc: Doc) -> None:
        pats = doc.patterns
        rules = {r.id: r for r in pats.rules("tables")}
        # every rule is tried cell by cell: on the standard library's engine where it provably
        # matches the same (a call there costs about half as much)
        self.rx = {rid: faster(pats.compile_rule(r)) for rid, r in rules.items()}

        # the characters a match of a cell rule begins with (None: not known): a cell that
        # begins otherwise is not tried against the rule
        first = {rid: rule_first_chars(pats, r) for rid, r in rules.items()}
        self.none_rx, self.none_first = self.rx["none_cell"], first["none_cell"]
        self.value_rx, self.value_first = self.rx["value_cell"], first["value_cell"]
        self.seq_rx, self.seq_first = self.rx["seq_cell"], first["seq_cell"]
        self.roles = [(self.rx[rid], r.data["role"]) for rid, r in rules.items() if "role" in r.data]
        self._roles: dict[str, str | None] = {}  # header cell text -> role
        self.qualifiers: dict[str, str] = rules["value_cell"].data.get("qualifiers", {})
        # the groups of a value_cell match _value reads, by number (one call for all; a lookup
        # by name costs more than the match)
        index = self.rx["value_cell"].groupindex
        self.value_groups = tuple(index[g] for g in ("sign", "num", "num2", "pre", "post", "open", "close",
                                                     "unit"))
        self.title_kinds = [(self.rx[rid], r.data["kind"]) for rid, r in rules.items() if "kind" in r.data]
        self.attributes = {w: w for w in pats.words("tables", "attribute_values")}
        self.attributes.update(_pairs(pats.words("tables", "attribute_aliases")))
        try:
            units = [str(e["unit"]) for e in pats.entries("units") if e.get("unit")]
            mags = [w.split("=")[0] for w in pats.words("units", "magnitudes")]
        except PatternError:  # units.yaml absent: magnitudes and the table's own units only
            units, mags = [], []
        units += pats.words("tables", "extra_units") + ["%", "‰"]
        mags = mags or pats.words("tables", "fallback_magnitudes")
        u, m = pats.alternation(units), pats.alternation(mags)
        self.unit_rx = faster(pats.compile(rf"(?:(?:{m})?(?:{u})(?:/(?:{m})?(?:{u}))?|(?:{m}))"))
        self.periods = [(str(p["name"]), int(p["start"]), int(p["end"]))
                        for p in pats.entries("periods") if p.get("name")]
        self.periods.sort(key=lambda p: -len(p[0]))
        names = pats.alternation(p[0] for p in self.periods)
        # a period name only where it reads as one: in quotes, or before 时期 / 期末 / 规划 ...
        self.period_rx = faster(pats.compile(
            rf"[“\"「](?P<q>{names})[”\"」]|(?P<n>{names})(?=时期|期间|期末|末|规划|目标|计划)"))

    def role(self, text: str) -> str | None:
        got = self._roles.get(text, "")
        if got != "":
            return got
        got = next((role for rx, role in self.roles if rx.search(text)), None)
        if len(self._roles) < 4096:  # header words repeat from table to table (bounded)
            self._roles[text] = got
        return got

    def is_unit(self, text: str) -> bool:
        return bool(text) and self.unit_rx.fullmatch(text) is not None

    def attribute(self, text: str) -> str | None:
        return self.attributes.get(text.replace(" ", ""))

    def year(self, text: str) -> int | None:
        years = _YEAR.findall(text)
        if years:
            return int(years[-1])
        span = self.period(text)
        return span[1] if span else None

    def period(self, text: str) -> tuple[int, int] | None:
        """The plan period named in ``text`` (十四五 -> 2021, 2025)."""
        m = self.period_rx.search(text) if self.periods else None
        if m:
            name = m.group("q") or m.group("n")
            return next((s, e) for n, s, e in self.periods if n == name)
        return None

    def kind(self, text: str, m: regex.Match | None = None) -> str:
        """value | none | attr | text (``m``: the value_cell match of ``text``, if made already)"""
        if self.attribute(text):
            return "attr"
        head = text[:1]
        if (self.none_first is None or head in self.none_first) and self.none_rx.match(text):
            return "none"
        if m is None and (self.value_first is None or head in self.value_first):
            m = self.value_rx.match(text)
        if m and (not (unit := m.group(self.value_groups[-1])) or self.is_unit(unit)):
            return "value"
        return "text"

    def seq(self, text: str) -> int | None:
        if self.seq_first is not None and text[:1] not in self.seq_first:
            return None
        m = self.seq_rx.match(text)
        return int(m.group("n")) if m else None

    def is_header_piece(self, text: str) -> bool:
        return self.role(text) is not None or bool(self.rx["header_suffix"].match(text))


_VOCABS: BoundedMemo[int, tuple[object, _Vocab]] = BoundedMemo(16)


def _vocab(doc: Doc) -> _Vocab:
    """The ``_Vocab`` of ``doc.patterns``, built once per PatternSet (it reads nothing else)."""
    got = _VOCABS.get(id(doc.patterns))
    if got is None or got[0] is not doc.patterns:
        got = _VOCABS.keep(id(doc.patterns), (doc.patterns, _Vocab(doc)))
    return got[1]


def _pairs(words: Iterable[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if "=" in w)


# ---------------------------------------------------------------- header
def _columns(v: _Vocab, pieces: list[Cell]) -> list[Column]:
    merged: list[str] = []
    for text, _, _ in pieces:
        if merged and _continues(v, merged, text):
            merged[-1] += text
        else:
            merged.append(text)
    cols = [_column(v, t) for t in merged]
    return _expand_two_level(cols)


def _continues(v: _Vocab, merged: list[str], piece: str) -> bool:
    """Does ``piece`` finish the header cell before it (2020年 / 完成, 指标 / 属性, 年均增长 / (%))?"""
    prev = merged[-1]
    prev_role, role = v.role(prev), v.role(piece)
    if v.rx["header_suffix"].match(piece):
        return True
    if prev_role == "period":
        if role in ("baseline", "target") and v.year(piece) is None:
            return True
        if role == "period" and v.year(prev) is None and v.year(piece) is not None:
            return True  # “十三五”期末 / (2020年)
    if prev_role == "label" and role == "attribute" and v.role(prev + piece) == "attribute":
        return any(v.role(t) == "label" for t in merged[:-1])  # keep the table's own label column
    return False


def _column(v: _Vocab, text: str) -> Column:
    role = v.role(text) or "other"
    unit = None
    bracket = _BRACKET_UNIT.search(text)
    if bracket:
        u = (bracket.group(1) or bracket.group(2)).replace("％", "%")
        unit = u if v.is_unit(u) else None
    if unit is None and role == "growth":
        unit = "%"
    year = v.year(text) if role not in ("label", "seq", "category", "unit", "attribute", "remark") else None
    return Column(name=text, role=role, year=year, unit=unit)


def _expand_two_level(cols: list[Column]) -> list[Column]:
    """[指标, 2015年, 2020年, 总量, 比重%, 总量, 比重%] -> [指标, 2015年总量, 2015年比重%, ...]."""
    periods = [i for i, c in enumerate(cols) if c.role in ("period", "baseline", "target")]
    measures = [i for i, c in enumerate(cols) if c.role in ("level", "share", "growth")]
    if not periods or not any(cols[i].role in ("level", "share") for i in measures):
        return cols
    measures = [i for i in measures if i > periods[-1]]
    if not measures or len(measures) % len(periods):
        return cols
    k = len(measures) // len(periods)
    out: list[Column] = []
    for i, c in enumerate(cols):
        if i in measures:
            continue
        if i not in periods:
            out.append(c)
            continue
        n = periods.index(i)
        for j in measures[n * k:(n + 1) * k]:
            m = cols[j]
            role = c.role if m.role == "level" else m.role
            out.append(Column(name=c.name + m.name, role=role, year=c.year, unit=m.unit or c.unit,
                              measure=m.name if m.role != "level" else None))
    return out


def _split_header(v: _Vocab, cells: list[Cell], kinds: list[str]) -> int:
    """Index of the first data cell: the header is everything before the first data row."""
    n = len(cells)
    first = None
    for i in range(1, n):
        if kinds[i] in ("value", "none") and kinds[i - 1] == "text":
            if kinds[i] == "value" and v.seq(cells[i][0]) is not None and i + 1 < n and kinds[i + 1] == "text":
                continue  # a 序号 before its label
            first = i
            break
    if first is None:  # no values at all: the leading header-like cells
        i = 0
        while i < n and i < 40 and v.is_header_piece(cells[i][0]):
            i += 1
        return i
    start = first - 1  # the label
    head_roles = {v.role(t) for t, _, _ in cells[:start]}
    if "unit" in head_roles and start > 0 and v.is_unit(cells[start][0]) and kinds[start - 1] == "text":
        start -= 1  # the unit column after the label
    if start > 0 and v.seq(cells[start - 1][0]) is not None and "seq" in {v.role(t) for t, _, _ in cells[:start - 1]}:
        start -= 1  # 序号
    if start > 0 and kinds[start - 1] == "text" and not v.is_header_piece(cells[start - 1][0]):
        start -= 1  # a category row above the first row
    return start


# ---------------------------------------------------------------- rows
def _group_rows(v: _Vocab, cols: list[Column], cells: list[Cell], kinds: list[str]) -> list[RawRow]:
    roles = [c.role for c in cols]
    value_idx = [i for i, r in enumerate(roles) if r in _VALUE_ROLES]
    n_values = len(value_idx) or 10**9
    label_at = roles.index("label") if "label" in roles else -1
    # 序号 before the label (the usual order); without a label column, 序号 must come first
    seq_first = "seq" in roles and roles.index("seq") < (label_at if label_at >= 0 else 1)
    has_seq, has_unit = "seq" in roles, "unit" in roles
    attr_last = "attribute" in roles and (not value_idx or roles.index("attribute") > value_idx[-1])
    text_value = v.rx["text_value"]
    rows: list[RawRow] = []
    state: dict[str, Any] = {"category": None, "parent": None, "last_seq": 0, "fresh_category": False}
    cur: RawRow | None = None
    n = len(cells)

    def complete(r: RawRow) -> bool:
        return len(r.values) >= n_values or (attr_last and r.attribute is not None)

    def seq_starts_row(i: int, r: RawRow | None) -> bool:
        num = v.seq(cells[i][0])
        if num is None or not has_seq or not seq_first or i + 1 >= n or kinds[i + 1] != "text":
            return False
        return r is None or r.label is None or complete(r) or num in (state["last_seq"] + 1, 1)

    def close(r: RawRow | None) -> None:
        if r is None or r.label is None:
            return
        if not r.values and r.attribute is None:  # a label without values
            # the parent of the sub-rows below when it is numbered, carries a unit, or comes
            # right under a category row; otherwise a category row
            if r.seq is not None or _split_label(v, r.label[0])[1] or state["fresh_category"]:
                state["parent"] = r.label[0]
                state["fresh_category"] = False
            else:
                state["category"], state["parent"] = r.label[0], None
                state["fresh_category"] = True
            return
        state["fresh_category"] = False
        rows.append(r)

    for i, c in enumerate(cells):
        kind = kinds[i]
        if kind == "attr":
            if cur is not None and cur.label is not None and cur.attribute is None:
                cur.attribute = c
                cur.cells.append(c)
            continue
        if kind in ("value", "none"):
            if kind == "value" and seq_starts_row(i, cur):
                close(cur)
                state["parent"], state["last_seq"] = None, v.seq(c[0])
                cur = RawRow(seq=c, category=state["category"], cells=[c])
                continue
            if cur is None or cur.label is None:
                continue  # a stray value with no label: nothing to attach it to
            if has_seq and not seq_first and cur.seq is None and not cur.values and v.seq(c[0]) is not None:
                cur.seq = c
                cur.cells.append(c)
                continue
            if not complete(cur):
                cur.values.append(c)
                cur.cells.append(c)
            continue
        # a text cell: a label, a unit, a value in words, or a category
        if cur is not None and cur.label is None:
            cur.label = c
            cur.cells.append(c)
            continue
        if cur is not None and not complete(cur):
            if has_unit and cur.unit is None and not cur.values and v.is_unit(c[0]):
                cur.unit = c
                cur.cells.append(c)
                continue
            nxt = kinds[i + 1] if i + 1 < n else None
            follows = nxt in (None, "attr", "none") or (nxt == "value" and not seq_starts_row(i + 1, None))
            if text_value.search(c[0]) and (cur.values or follows):
                cur.values.append(c)
                cur.cells.append(c)
                continue
        close(cur)
        cur = RawRow(label=c, category=state["category"], parent=state["parent"], cells=[c])
    close(cur)
    return rows


# ---------------------------------------------------------------- the structure hook
def parse_flattened_table(doc: Doc, cells: list[Cell]) -> ParsedTable:
    """Header columns and grouped rows of a flattened table; the layout is kept on ``doc``."""
    if not cells:
        return ParsedTable()
    v = _vocab(doc)
    kinds = [v.kind(t) for t, _, _ in cells]
    h = _split_header(v, cells, kinds)
    cols = _columns(v, cells[:h])
    rows = _group_rows(v, cols, cells[h:], kinds[h:])
    layout = TableLayout(columns=cols, header_cells=cells[:h], rows=rows)
    doc.meta.setdefault(_META_KEY, {})[doc.span(cells[0][1], cells[0][2]).start] = layout
    to_original = doc.offsets.to_original  # = doc.span, validated with the rows (one call)
    fields = [{"cells": [{"text": t, "span": dict(zip(_SPAN_KEYS, to_original(s, e)))} for t, s, e in r.cells],
               "category": r.category, "parent": r.parent} for r in rows]
    table_rows = validate_all(TableRow, fields)
    return ParsedTable(header=[c.name for c in cols], rows=table_rows, columns=cols, layout=layout)


# ---------------------------------------------------------------- reading rows
def indicator_rows(doc: Doc, table: Table) -> list[IndicatorRow]:
    """The rows of a table found by structure, read as indicators with their values."""
    layouts: dict[int, TableLayout] = doc.meta.get(_META_KEY, {})
    for key, layout in layouts.items():
        if table.span.start <= key < table.span.end:
            return read_rows(doc, layout, title=table.title, label=table.label)
    return []


def indicator_rows_from_cells(doc: Doc, cells: list[Cell], title: str = "",
                              label: str | None = None) -> list[IndicatorRow]:
    """Parse and read a flattened table in one go (cells in normalised offsets)."""
    parsed = parse_flattened_table(doc, cells)
    return read_rows(doc, parsed.layout, title=title, label=label) if parsed.layout else []


def read_rows(doc: Doc, layout: TableLayout, title: str = "", label: str | None = None) -> list[IndicatorRow]:
    v = _vocab(doc)
    cols = [c for c in layout.columns if c.role in _VALUE_ROLES]
    targets = _target_columns(doc, v, cols, title)
    plan = _plan_years(doc, v, title)
    target_years = [c.year for c, t in zip(cols, targets) if t and c.year]
    past_years = [c.year for c, t in zip(cols, targets) if not t and c.year]
    any_target = any(targets)
    end_year = max(target_years) if target_years else (max(past_years) if past_years else None)
    if end_year is None and plan:
        end_year = plan[1] if any_target else plan[0] - 1
    title_unit = _title_unit(v, title + "".join(t for t, _, _ in layout.header_cells))
    out = []
    for r in layout.rows:
        if r.label is None:
            continue
        name, unit = _split_label(v, r.label[0])
        if unit is None and r.unit is not None:
            unit = r.unit[0]
        unit = unit or (_split_label(v, r.parent)[1] if r.parent else None) or title_unit
        values = []
        for col, is_t, cell in zip(cols, targets, r.values):
            is_t = any_target if col.role in ("growth", "share", "other") and col.year is None else is_t
            year = col.year
            if year is None:  # 基期值 / 目标值: the years of the plan period, if known
                year = (plan[0] - 1 if plan else None) if col.role == "baseline" else end_year
            values.append(_value(v, cell, col, is_t, year, unit))
        if unit is None:  # 28.7亿美元: the unit written in a level cell
            unit = next((x.unit for x in values if x.role in ("baseline", "target") and x.unit), None)
        out.append(_indicator_row(r, name, unit, values, v, label))
    return out


def _target_columns(doc: Doc, v: _Vocab, cols: list[Column], title: str) -> list[bool]:
    kind = next((k for rx, k in v.title_kinds if rx.search(title)), None)
    plan = _plan_years(doc, v, title)
    plan_start = plan[0] if plan else None
    doc_year = doc.doc_date.year if doc.doc_date else None
    period_years = sorted({c.year for c in cols if c.role == "period" and c.year})
    target_years = [c.year for c in cols if c.role == "target" and c.year]
    out = []
    for c in cols:
        if c.role in ("target", "baseline"):
            out.append(c.role == "target")
        elif c.year is None:
            out.append(False)  # growth / share / other without a year: settled per table below
        elif target_years and c.year < min(target_years):
            out.append(False)  # 2023年 before a 2025年目标 column: the baseline
        elif kind == "statistics":
            out.append(False)
        else:
            # after the plan's first year (or the document's year) is a goal, before it a figure;
            # the first year itself is a goal only when no later column follows
            ref = plan_start if plan_start is not None else doc_year
            if ref is not None and c.year != ref:
                out.append(c.year > ref)
            elif len(period_years) > 1:
                out.append(c.year > period_years[0])
            else:
                out.append(kind == "targets" or ref is not None)
    return out


def _plan_years(doc: Doc, v: _Vocab, title: str) -> tuple[int, int] | None:
    """The period a table's targets belong to: from its title (“十四五”), else the document's."""
    span = v.period(title)
    if span:
        return span
    years = [int(y) for y in _YEAR.findall(title)]
    if len(years) >= 2 and years[0] < years[-1]:
        return years[0], years[-1]  # 2023—2025年
    plan = doc.meta.get("plan_period")
    return (int(plan[0]), int(plan[1])) if plan else None


def _title_unit(v: _Vocab, text: str) -> str | None:
    m = v.rx["title_unit"].search(text)
    return m.group("unit") if m and v.is_unit(m.group("unit")) else None


def _split_label(v: _Vocab, text: str) -> tuple[str, str | None]:
    m = v.rx["label_unit"].match(text)
    if m and v.is_unit(m.group("unit").replace("％", "%")):
        return m.group("name").strip(), m.group("unit").replace("％", "%")
    return text.strip(), None


def _value(v: _Vocab, cell: Cell, col: Column, is_target: bool, year: int | None,
           row_unit: str | None) -> TableValue:
    text, s, e = cell
    role = col.role
    if role == "period" or role == "level":
        role = "target" if is_target else "baseline"
    value = value_max = None
    qualifier, cumulative, unit = "eq", False, None
    m = v.rx["value_cell"].match(text)
    if m and v.kind(text, m) == "value":
        sign, num, num2, pre, post, open_, close, unit = m.group(*v.value_groups)
        value = parse_arabic("-" + num if sign else num)
        if num2:
            value_max, qualifier = parse_arabic(num2), "range"
        word = pre or post
        if word and qualifier == "eq":
            qualifier = v.qualifiers.get(word, "eq")
        cumulative = bool(open_ and close)
    if value_max is not None and value is not None and value_max < value:
        value_max, qualifier = None, "eq"
    unit = unit or col.unit or (row_unit if role in ("baseline", "target", "other") else None)
    return TableValue(column=col.name, role=role, year=year, is_target=is_target, text=text, value=value,
                      value_max=value_max, unit=unit, qualifier=qualifier, cumulative=cumulative,
                      start=s, end=e, measure=col.measure)


def _indicator_row(r: RawRow, name: str, unit: str | None, values: list[TableValue], v: _Vocab,
                   table: str | None) -> IndicatorRow:
    base = [x for x in values if x.role == "baseline" and not x.is_target]
    goal = [x for x in values if x.role == "target"]
    growth = [x for x in values if x.role == "growth" and x.value is not None]
    extra = tuple((_measure_name(x.measure or x.column), x.year, x.value) for x in values
                  if x.role == "share" and x.value is not None)
    b = next((x for x in reversed(base) if x.value is not None), None)
    t = goal[-1] if goal else None
    cells = r.cells
    return IndicatorRow(
        indicator=name, label=r.label[0] if r.label else name, unit=unit, category=r.category,
        parent=r.parent, seq=v.seq(r.seq[0]) if r.seq else None,
        baseline_value=b.value if b else None, baseline_year=b.year if b else None,
        target_value=t.value if t else None, target_year=t.year if t else None,
        target_text=t.text if t else None,
        growth_rate=growth[0].value if growth else None,
        attribute=v.attribute(r.attribute[0]) if r.attribute else None,
        cumulative=bool(t and t.cumulative) or (t is None and any(x.cumulative for x in values)),
        extra=extra, values=tuple(values),
        start=min(c[1] for c in cells), end=max(c[2] for c in cells),
        label_start=r.label[1] if r.label else cells[0][1], label_end=r.label[2] if r.label else cells[0][2],
        table=table,
    )


@functools.lru_cache(maxsize=256)
def _measure_name(column: str) -> str:
    """A measure's name without its unit: 比重% -> 比重, 年均增长(%) -> 年均增长."""
    m = _MEASURE.search(column)
    return m.group(1) if m else column


__all__ = ["Column", "IndicatorRow", "ParsedTable", "TableValue", "TableLayout", "RawRow",
           "parse_flattened_table", "indicator_rows", "indicator_rows_from_cells", "read_rows"]
