"""Records as tables: one row per record, one table per record type.

``record_rows(doc)`` gives plain rows (lists of dicts, no dependency) that the CSV writer uses;
``to_frames(doc)`` gives pandas DataFrames (``pip install 'policy_extract[frames]'``).
Columns come from the record models, so a new field shows up here by itself:

- ``span`` becomes ``span_start`` / ``span_end`` (half-open offsets into the text given to
  ``extract()``); ``page`` is added when a page map (a PDF's :class:`~policy_extract.loaders.LoadedText`)
  is given;
- ``section`` (the heading path) is joined with `` > ``; other lists of strings with ``; ``;
- an entity's ``mentions`` become ``mention_count`` and ``mention_spans`` (``start-end;...``).
"""
from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel

from .errors import BackendUnavailable
from .records import Deadline, Entity, PolicyDocument, Project, Span, Statistic, Target

RECORD_TYPES: dict[str, type[BaseModel]] = {
    "targets": Target, "statistics": Statistic, "deadlines": Deadline, "entities": Entity, "projects": Project,
}
SECTION_SEP = " > "
LIST_SEP = "; "

ColumnType = str  # "string" | "float" | "int" | "bool" | "date"


def _column_type(annotation: Any) -> ColumnType:
    """The table type of a model field: optional and literal types collapse to their base."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_type(args[0]) if len(args) == 1 else "string"
    if origin is typing.Literal:
        return "string"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if annotation is dt.date:
        return "date"
    return "string"


def columns(record_type: str, *, with_path: bool = False, with_page: bool = False) -> dict[str, ColumnType]:
    """Column name → type, in order, for one record type."""
    model = RECORD_TYPES[record_type]
    out: dict[str, ColumnType] = {}
    if with_path:
        out["path"] = "string"
    out["record_id"] = "int"
    for name, info in model.model_fields.items():
        if name == "span":
            out["span_start"] = "int"
            out["span_end"] = "int"
            if with_page:
                out["page"] = "int"
        elif name == "mentions":
            out["mention_count"] = "int"
            out["mention_spans"] = "string"
        else:
            out[name] = "string" if typing.get_origin(info.annotation) is list else _column_type(info.annotation)
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return LIST_SEP.join(str(v) for v in value)
    return value


def _row(record: BaseModel, index: int, pages: Any = None, path: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {} if path is None else {"path": path}
    row["record_id"] = index
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name == "span":
            row["span_start"], row["span_end"] = value.start, value.end
            if pages is not None:
                row["page"] = pages.page_of(value)
        elif name == "section":
            row["section"] = SECTION_SEP.join(value)
        elif name == "mentions":
            row["mention_count"] = len(value)
            row["mention_spans"] = LIST_SEP.join(f"{m.span.start}-{m.span.end}" for m in value)
        else:
            row[name] = _cell(value)
    return row


def record_rows(doc: PolicyDocument, *, pages: Any = None, path: str | None = None) -> dict[str, list[dict]]:
    """Plain rows per record type. ``pages``: anything with ``page_of(span)`` (a LoadedText)."""
    with_page = pages is not None and bool(getattr(pages, "page_starts", ()))
    return {kind: [_row(r, i, pages if with_page else None, path) for i, r in enumerate(getattr(doc, kind))]
            for kind in RECORD_TYPES}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise BackendUnavailable("tables need pandas: pip install 'policy_extract[frames]'") from exc
    return pandas


_PANDAS_DTYPES = {"int": "Int64", "float": "Float64", "bool": "boolean", "string": "string", "date": "object"}


def frame(rows: list[dict], cols: dict[str, ColumnType]) -> Any:
    """A DataFrame with exactly these columns and nullable dtypes (also when there are no rows)."""
    pd = _pandas()
    df = pd.DataFrame(rows, columns=list(cols))
    return df.astype({c: _PANDAS_DTYPES[t] for c, t in cols.items()})


def to_frames(doc: PolicyDocument, *, pages: Any = None, path: str | None = None) -> dict[str, Any]:
    """``{"targets": DataFrame, "statistics": ..., "deadlines": ..., "entities": ..., "projects": ...}``."""
    with_page = pages is not None and bool(getattr(pages, "page_starts", ()))
    rows = record_rows(doc, pages=pages, path=path)
    return {kind: frame(rows[kind], columns(kind, with_path=path is not None, with_page=with_page))
            for kind in RECORD_TYPES}


def records_frame(doc: PolicyDocument, **kwargs: Any) -> Any:
    """All records in one long DataFrame with a ``record_type`` column (union of the columns)."""
    pd = _pandas()
    parts = []
    for kind, df in to_frames(doc, **kwargs).items():
        df = df.copy()
        df.insert(0, "record_type", kind)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- many documents (batch output)
DOCUMENT_COLUMNS: dict[str, ColumnType] = {
    "path": "string", "error": "string", "title": "string", "issuer": "string", "doc_number": "string",
    "doc_date": "date", "text_length": "int", "pages": "int", "targets": "int", "statistics": "int",
    "deadlines": "int", "entities": "int", "projects": "int", "warnings": "int",
}


def document_row(path: str, document: dict | None, error: dict | None = None, pages: int | None = None) -> dict:
    """One summary row of a document (from its JSON form, as written in a batch JSONL)."""
    if document is None:
        reason = (error or {}).get("reason") or (error or {}).get("message") or str(error)
        return {"path": path, "error": reason}
    meta = document.get("meta") or {}
    doc_date = meta.get("doc_date")
    row = {"path": path, "error": None, "title": meta.get("title"), "issuer": meta.get("issuer"),
           "doc_number": meta.get("doc_number"),
           "doc_date": dt.date.fromisoformat(doc_date) if doc_date else None,
           "text_length": document.get("text_length"), "pages": pages}
    for kind in (*RECORD_TYPES, "warnings"):
        row[kind] = len(document.get(kind) or [])
    return row


def frames_from_lines(lines: Iterable[dict]) -> dict[str, Any]:
    """DataFrames over a whole batch: ``documents`` plus one per record type, each with ``path``."""
    rows: dict[str, list[dict]] = {"documents": [], **{k: [] for k in RECORD_TYPES}}
    for item in lines:
        for kind, kind_rows in batch_line_rows(item).items():
            rows[kind].extend(kind_rows)
    out = {"documents": frame(rows["documents"], DOCUMENT_COLUMNS)}
    for kind in RECORD_TYPES:
        out[kind] = frame(rows[kind], columns(kind, with_path=True, with_page=True))
    return out


class _PageMap:
    def __init__(self, starts: list[int]) -> None:
        self.page_starts = tuple(starts)

    def page_of(self, span: Span) -> int | None:
        import bisect

        return max(1, bisect.bisect_right(self.page_starts, span.start)) if self.page_starts else None


def batch_line_rows(item: dict) -> dict[str, list[dict]]:
    """Rows of one batch JSONL line: its document summary row and its records (with path, page)."""
    path = item.get("path", "")
    document = item.get("document")
    starts = item.get("pages") or []
    out: dict[str, list[dict]] = {"documents": [document_row(path, document, item.get("error"),
                                                             len(starts) or None)]}
    if document is not None:
        doc = PolicyDocument.model_validate(document)
        pages = _PageMap(starts)
        for kind, kind_rows in record_rows(doc, pages=pages, path=path).items():
            cols = columns(kind, with_path=True, with_page=True)
            out[kind] = [{c: r.get(c) for c in cols} for r in kind_rows]
    return out
