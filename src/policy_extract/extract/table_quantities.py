"""Targets and statistics from indicator tables: each value cell of each row becomes a record.

``tables.indicator_rows`` reads a table's rows against its header (which column is a
baseline, a target, a growth rate, a share; which year each stands for; units in the
indicator's brackets; [ ] for five-year cumulative values; 预期性/约束性). Here each value
becomes a Target (target columns) or a Statistic (reported columns), quoting the whole row.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import TypeAdapter

from ..document import Doc
from ..numerals import to_float
from ..records import Statistic, Target
from ..tables import IndicatorRow, TableValue, indicator_rows

TARGETS = TypeAdapter(list[Target])
STATISTICS = TypeAdapter(list[Statistic])
"""validate a batch of records in one call (prose and tables)"""

_GROWTH_HINTS = ("增速", "增长率", "增幅", "增长")


def _kind(row: IndicatorRow, value: TableValue, unit: str | None, kind_of_unit: list[tuple[str, str]],
          seen: dict[str, str] | None = None) -> str:
    """``kind_of_unit``: the (unit, kind) pairs whose kind is count or multiple, in table order;
    ``seen``: the kinds of the units looked up already (filled here)."""
    if value.role == "growth":
        return "growth_rate"
    if unit in ("%", "‰") and any(h in row.indicator for h in _GROWTH_HINTS):
        return "growth_rate"
    if value.role == "share" or unit in ("%", "‰"):
        return "share"
    if unit:
        got = seen.get(unit) if seen is not None else None
        if got is None:
            got = next((kind for written, kind in kind_of_unit if unit.endswith(written)), "level")
            if seen is not None:
                seen[unit] = got
        return got
    return "level"


def _indicator(row: IndicatorRow, value: TableValue) -> str:
    name = row.indicator
    if value.role == "share" and value.measure:
        measure = value.measure.rstrip("%（(）) ")
        if measure and measure not in name:
            return f"{name}{measure}"
    return name


class TableUnits:
    """What table values need to know of units, worked out once (per pipeline, not per text):
    the counters, the magnitudes longest first, and the kind and base of each unit met."""

    def __init__(self, kind_of_unit: dict[str, str], magnitudes: dict[str, Decimal]) -> None:
        self.magnitudes = magnitudes
        self.counters = [(w, k) for w, k in kind_of_unit.items() if k in ("count", "multiple")]
        """the (unit, kind) pairs whose kind is count or multiple, in table order"""
        self.by_length = sorted(magnitudes, key=len, reverse=True)
        self.kinds: dict[str, str] = {}
        self.bases: dict[str | None, tuple[str | None, Decimal]] = {}


def table_records(doc: Doc, units: TableUnits, extractor: str) -> tuple[list[Target], list[Statistic]]:
    targets: list[Target] = []
    statistics: list[Statistic] = []
    outline = doc.outline
    if outline is None:
        return targets, statistics
    # in order, for validate_in_batches: (fields, is_target, warning if invalid) of each value,
    # (None, True, warning) of each target written without a number
    found: list[tuple] = []
    magnitudes, counters, by_length = units.magnitudes, units.counters, units.by_length
    unit_kinds, bases = units.kinds, units.bases  # the kind and the base of each unit, looked up once
    for table in outline.tables:
        for row in indicator_rows(doc, table):
            located = None
            for value in row.values:
                if value.value is None:
                    if value.is_target and value.text and value.text.strip("-— ") and value.text.strip() != "--":
                        found.append((None, True, ("target_without_value",
                                                   f"{table.label or table.title}: {row.indicator} has a target "
                                                   f"written as {value.text!r}, with no number to record",
                                                   value.start, value.end, extractor)))
                    continue
                unit = value.unit or (None if value.role == "growth" else row.unit)
                if value.role == "growth" or (value.role == "share" and not value.unit):
                    unit = "%"
                got = bases.get(unit)
                if got is None:
                    got = bases[unit] = _base(unit, magnitudes, by_length)
                base_unit, magnitude = got
                if located is None:  # the whole row is quoted: located once for its values
                    located = doc.located(row.start, row.end)
                fields = dict(
                    located,
                    section=list(located["section"]),
                    extractor=extractor,
                    indicator=_indicator(row, value),
                    value=to_float(value.value),
                    value_max=to_float(value.value_max) if value.value_max is not None else None,
                    unit=unit,
                    base_value=to_float(value.value * magnitude),
                    base_unit=base_unit,
                    year=value.year if value.year and 1900 <= value.year <= 2100 else None,
                    kind=_kind(row, value, unit, counters, unit_kinds),
                    qualifier=value.qualifier if value.qualifier in ("eq", "ge", "le", "approx", "range") else "eq",
                    attribute=row.attribute if row.attribute in ("预期性", "约束性") else None,
                    cumulative=value.cumulative,
                )
                if value.is_target and row.baseline_value is not None and value.role != "share":
                    fields["baseline_value"] = to_float(row.baseline_value)
                    fields["baseline_year"] = row.baseline_year
                found.append((fields, value.is_target, ("invalid_table_value", f"{table.label} {row.label}",
                                                        row.start, row.end, extractor)))
    return validate_in_batches(doc, found)


def validate_in_batches(doc: Doc, items: list[tuple]) -> tuple[list[Target], list[Statistic]]:
    """Targets and statistics from ``items``, each ``(fields, is_target, warning)`` in text
    order, validated in two batches (one call each). Where a batch fails, one by one in order:
    an invalid item gives its warning ``(code, what, start, end, extractor)`` with the error
    (``what`` None: the quoted text, written out only then). ``fields`` None: no record, only
    the warning (a complete ``doc.warn`` tuple)."""
    try:
        targets = TARGETS.validate_python([f for f, is_target, _ in items if f is not None and is_target])
        statistics = STATISTICS.validate_python([f for f, is_target, _ in items if f is not None and not is_target])
    except ValueError:
        targets, statistics = [], []
        for fields, is_target, warning in items:
            if fields is None:
                doc.warn(*warning)
                continue
            try:
                (targets if is_target else statistics).append(
                    Target.model_validate(fields) if is_target else Statistic.model_validate(fields))
            except ValueError as exc:
                code, what, start, end, extractor = warning
                if what is None:
                    what = repr(doc.text[start:end])
                doc.warn(code, f"{what}: {exc}", start, end, extractor)
    else:
        for fields, _, warning in items:
            if fields is None:
                doc.warn(*warning)
    return targets, statistics


def _base(unit: str | None, magnitudes: dict[str, Decimal],
          by_length: list[str]) -> tuple[str | None, Decimal]:
    """``by_length``: the magnitude words, longest first."""
    if not unit:
        return None, Decimal(1)
    for word in by_length:
        if unit.startswith(word) and len(unit) > len(word):
            return unit[len(word):], magnitudes[word]
    return unit, Decimal(1)
