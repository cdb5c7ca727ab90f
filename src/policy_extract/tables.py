"""Tables: flattened (one cell per line, as pasted from a PDF) and grid tables -> header + rows."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .document import Doc
from .records import TableCell, TableRow

_VALUE_CELL = regex.compile(r"^(?:[\[［]?-?[0-9][0-9.,]*%?[\]］]?|--|—|-|预期性|约束性|[0-9.]+(?:亿|万)?[\p{Han}]{0,3})$")


@dataclass
class ParsedTable:
    header: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


def parse_flattened_table(doc: Doc, cells: list[tuple[str, int, int]]) -> ParsedTable:
    """Group cells into rows: a row starts at a label cell followed by value cells."""
    out = ParsedTable()
    i = 0
    while i < len(cells) and not (_is_label(cells[i][0]) and i + 1 < len(cells) and _is_value(cells[i + 1][0])):
        out.header.append(cells[i][0])
        i += 1
    row: list[tuple[str, int, int]] = []
    for cell in cells[i:]:
        if _is_label(cell[0]) and row and _is_value(row[-1][0]):
            out.rows.append(_row(doc, row))
            row = []
        row.append(cell)
    if row:
        out.rows.append(_row(doc, row))
    return out


def _is_value(text: str) -> bool:
    return bool(_VALUE_CELL.match(text))


def _is_label(text: str) -> bool:
    return not _is_value(text)


def _row(doc: Doc, cells: list[tuple[str, int, int]]) -> TableRow:
    return TableRow(cells=[TableCell(text=t, span=doc.span(s, e)) for t, s, e in cells])
