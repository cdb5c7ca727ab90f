"""Writers: JSON, JSON Lines, CSV and Parquet.

- JSON: ``doc.model_dump_json()``, the PolicyDocument as is.
- JSONL: one line per input, ``{"path", "document"}`` or ``{"path", "error"}`` (the batch format).
- CSV: one long table of every record, a ``record_type`` column first (see :mod:`.frames` for
  the columns); needs nothing beyond the standard library.
- Parquet: one file per table (``documents``, ``targets``, ``statistics``, ``deadlines``,
  ``entities``, ``projects``) written in row groups, so a batch of any size stays in bounded memory
  (``pip install 'policy_extract[frames]'``).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import IO, Any, Iterable

from .errors import BackendUnavailable
from .frames import DOCUMENT_COLUMNS, RECORD_TYPES, ColumnType, batch_line_rows, columns, record_rows
from .records import PolicyDocument


# ---------------------------------------------------------------- JSON and JSONL
def to_json(doc: PolicyDocument, *, indent: int | None = 2) -> str:
    return doc.model_dump_json(indent=indent)


def result_line(path: str, document: PolicyDocument | dict | None = None, *, error: dict | None = None,
                **extra: Any) -> str:
    """One JSONL line (no newline): ``{"path", "document"|"error", ...extra}``."""
    item: dict[str, Any] = {"path": path}
    if document is not None:
        item["document"] = document.model_dump(mode="json") if isinstance(document, PolicyDocument) else document
    else:
        item["error"] = error or {"type": "Error", "reason": "unknown"}
    item.update({k: v for k, v in extra.items() if v is not None})
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(items: Iterable[tuple[str, PolicyDocument]], out: IO[str]) -> int:
    n = 0
    for path, doc in items:
        out.write(result_line(path, doc) + "\n")
        n += 1
    return n


def read_jsonl(path: str | Path) -> Iterable[dict]:
    """The parseable lines of a JSONL file (a torn last line is skipped)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


# ---------------------------------------------------------------- CSV
def csv_columns(*, with_path: bool, with_page: bool) -> list[str]:
    cols = ["record_type"]
    for kind in RECORD_TYPES:
        for c in columns(kind, with_path=with_path, with_page=with_page):
            if c not in cols:
                cols.append(c)
    return cols


def write_csv(docs: Iterable[tuple[str | None, PolicyDocument, Any]] | PolicyDocument, out: IO[str]) -> int:
    """Every record of ``docs`` (a document, or ``(path, document, pages)`` triples) as one CSV."""
    if isinstance(docs, PolicyDocument):
        docs = [(None, docs, None)]
    docs = list(docs)
    with_path = any(path is not None for path, _, _ in docs)
    with_page = any(pages is not None and getattr(pages, "page_starts", ()) for _, _, pages in docs)
    cols = csv_columns(with_path=with_path, with_page=with_page)
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for path, doc, pages in docs:
        for kind, rows in record_rows(doc, pages=pages, path=path if with_path else None).items():
            for row in rows:
                writer.writerow({"record_type": kind, **{k: _csv_cell(v) for k, v in row.items()}})
                n += 1
    return n


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_csv(doc: PolicyDocument) -> str:
    buf = io.StringIO()
    write_csv(doc, buf)
    return buf.getvalue()


# ---------------------------------------------------------------- Parquet
def _arrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise BackendUnavailable("Parquet needs pyarrow: pip install 'policy_extract[frames]'") from exc
    return pa, pq


def _schema(cols: dict[str, ColumnType]) -> Any:
    pa, _ = _arrow()
    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32()}
    return pa.schema([(name, types[t]) for name, t in cols.items()])


class ParquetSink:
    """Parquet files in ``folder``, one per table, appended row group by row group.

    >>> with ParquetSink("out/") as sink:          # doctest: +SKIP
    ...     for line in read_jsonl("batch.jsonl"):
    ...         sink.add_line(line)
    """

    def __init__(self, folder: str | Path, *, row_group_rows: int = 50_000) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.row_group_rows = row_group_rows
        self.tables: dict[str, dict[str, ColumnType]] = {"documents": DOCUMENT_COLUMNS}
        for kind in RECORD_TYPES:
            self.tables[kind] = columns(kind, with_path=True, with_page=True)
        self._rows: dict[str, list[dict]] = {k: [] for k in self.tables}
        self._writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {k: 0 for k in self.tables}

    def add_line(self, item: dict) -> None:
        """Add one batch JSONL line (``{"path", "document"|"error", "pages"?}``)."""
        for kind, rows in batch_line_rows(item).items():
            self._rows[kind].extend(rows)
            self.counts[kind] += len(rows)
            if len(self._rows[kind]) >= self.row_group_rows:
                self._flush(kind)

    def _flush(self, kind: str) -> None:
        pa, pq = _arrow()
        schema = _schema(self.tables[kind])
        rows = self._rows[kind]
        table = pa.Table.from_pylist([{c: r.get(c) for c in self.tables[kind]} for r in rows], schema=schema)
        if kind not in self._writers:
            self._writers[kind] = pq.ParquetWriter(self.folder / f"{kind}.parquet", schema)
        self._writers[kind].write_table(table)
        rows.clear()

    def close(self) -> dict[str, Path]:
        for kind in self.tables:
            if self._rows[kind] or kind not in self._writers:
                self._flush(kind)
            self._writers.pop(kind).close()
        return {kind: self.folder / f"{kind}.parquet" for kind in self.tables}

    def __enter__(self) -> "ParquetSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_parquet_from_jsonl(jsonl: str | Path, folder: str | Path) -> dict[str, Path]:
    """Tables of a batch output (``documents.parquet``, ``targets.parquet`` ...) in ``folder``."""
    sink = ParquetSink(folder)
    for item in read_jsonl(jsonl):
        sink.add_line(item)
    return sink.close()


def write_parquet(doc: PolicyDocument, folder: str | Path, *, path: str = "", pages: Any = None) -> dict[str, Path]:
    """One document's tables as Parquet files in ``folder``."""
    sink = ParquetSink(folder)
    line = json.loads(result_line(path, doc, pages=list(getattr(pages, "page_starts", ()) or []) or None))
    sink.add_line(line)
    return sink.close()
