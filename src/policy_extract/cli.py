"""policy-extract: Chinese policy documents in, validated records out.

Commands (each has --help):
  extract FILE...          records of one or more files (json, jsonl, csv, html, summary)
  batch DIR_OR_GLOB -o OUT.jsonl
                           many files, one JSON line each; resumable; local pool or Dask
  serve                    the HTTP service (POST /extract, POST /extract/file, GET /health)
  eval CORPUS_DIR          precision, recall and F1 per record type against gold annotations
  schema                   the JSON Schema of PolicyDocument
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import IO, Any

from .errors import PolicyExtractError

FORMATS = ("json", "jsonl", "csv", "html", "summary")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from None


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return n


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="policy-extract", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser("extract", help="extract records from files",
                        description="Extract records from files (.txt in any Chinese encoding, .html, .docx, "
                                    ".pdf). json: the document (a list of {path, document} for several files); "
                                    "jsonl: one line per file; csv: every record in one table; html: the "
                                    "highlighted view (several files need -o DIR); summary: a readable digest.")
    ex.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ex.add_argument("--doc-date", type=_date, help="the document's date, YYYY-MM-DD (resolves 今年, 力争3年 ...)")
    ex.add_argument("--format", choices=FORMATS, default="json", help="output format (default json)")
    ex.add_argument("-o", "--output", type=Path, help="write here instead of standard output "
                                                      "(a folder for html of several files)")

    ba = sub.add_parser("batch", help="extract many files into one JSONL file (resumable)",
                        description="Extract every file of a folder (recursively) or a glob into OUT.jsonl, "
                                    "one line per file: {path, document} or {path, error}. Lines are flushed "
                                    "and fsynced one by one; --resume continues an interrupted run.")
    ba.add_argument("inputs", nargs="+", metavar="DIR_OR_GLOB", help="a folder, a glob ('a/**/*.pdf') or files")
    ba.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.jsonl")
    ba.add_argument("--workers", type=_positive, help="processes (default: all CPUs; 1 = no pool); for "
                                                      "--engine dask without --scheduler, local workers")
    ba.add_argument("--resume", action="store_true", help="skip files already in OUT.jsonl and append")
    ba.add_argument("--overwrite", action="store_true", help="start OUT.jsonl again if it exists")
    ba.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local process pool (default) or a Dask distributed cluster")
    ba.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
                                                        "(default: start a local cluster)")
    ba.add_argument("--parquet", type=Path, metavar="DIR", help="also write the output as Parquet tables here")
    ba.add_argument("--doc-date", type=_date, help="one date for every document, YYYY-MM-DD")
    ba.add_argument("--no-progress", action="store_true", help="no progress bar")
    ba.add_argument("--no-fsync", action="store_true", help="faster, but a power cut may lose recent lines")

    sv = sub.add_parser("serve", help="run the HTTP service",
                        description="Serve POST /extract, POST /extract/file, GET /health and the OpenAPI "
                                    "schema at /openapi.json (interactive docs at /docs).")
    sv.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sv.add_argument("--max-body-mb", type=float, default=10.0, help="larger requests get 413 (default 10)")
    sv.add_argument("--timeout", type=float, default=60.0, help="seconds per request before 504 (default 60)")
    sv.add_argument("--workers", type=_positive, default=4, help="threads that extract (default 4)")

    ev = sub.add_parser("eval", help="score the library on a gold-annotated corpus",
                        description="Precision, recall and F1 per record type on CORPUS_DIR, which holds "
                                    "texts/<doc_id>.txt and gold/<doc_id>.json in the gold format.")
    ev.add_argument("corpus", type=Path, metavar="CORPUS_DIR")
    ev.add_argument("--json", type=Path, metavar="OUT.json", help="also write the totals as JSON")
    ev.add_argument("--doc", metavar="DOC_ID", help="score only this document")
    ev.add_argument("--show-misses", choices=("targets", "statistics", "projects", "parks", "enterprises",
                                              "deadlines"), help="list missed and spurious items of a field")

    sub.add_parser("schema", help="print the JSON Schema of PolicyDocument",
                   description="Print the JSON Schema of PolicyDocument.")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"extract": _extract, "batch": _batch, "serve": _serve, "eval": _eval, "schema": _schema}
    try:
        return handler[args.command](args)
    except PolicyExtractError as exc:
        print(f"policy-extract: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policy-extract: interrupted", file=sys.stderr)
        return 130


class _Output:
    """Standard output, or a file opened only once there is something to write."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        self._fh = open(self.path, "w", encoding="utf-8", newline="")
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()


# ---------------------------------------------------------------- extract
def _extract(args: argparse.Namespace) -> int:
    from . import extract
    from .loaders import load

    results: list[tuple[str, Any, Any]] = []
    status = 0
    for path in args.files:
        try:
            loaded = load(path)
        except PolicyExtractError as exc:
            print(f"policy-extract: {exc}", file=sys.stderr)
            status = 1
            continue
        results.append((str(path), extract(loaded.text, doc_date=args.doc_date), loaded))
    if args.format == "html":
        return _write_html(results, args.output) or status
    with _Output(args.output) as out:
        if args.format == "json":
            if len(args.files) == 1 and results:
                out.write(results[0][1].model_dump_json(indent=2) + "\n")
            elif len(args.files) > 1:
                items = [{"path": p, "document": d.model_dump(mode="json")} for p, d, _ in results]
                out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        elif args.format == "jsonl":
            from .writers import result_line

            for p, d, loaded in results:
                out.write(result_line(p, d, format=loaded.format, encoding=loaded.encoding,
                                      pages=list(loaded.page_starts) or None) + "\n")
        elif args.format == "csv":
            from .writers import write_csv

            several = len(args.files) > 1
            write_csv([(p if several else None, d, loaded) for p, d, loaded in results], out)
        else:
            for p, d, _ in results:
                out.write(_summary(Path(p), d) + "\n")
    return status


def _write_html(results: list[tuple[str, Any, Any]], output: Path | None) -> int:
    from .view import render_html

    if len(results) <= 1 and not (output is not None and output.is_dir()):
        if results:
            p, d, loaded = results[0]
            with _Output(output) as out:
                out.write(render_html(d, loaded.text, title=Path(p).name, pages=loaded))
        return 0
    if output is None:
        print("policy-extract: --format html with several files needs -o FOLDER", file=sys.stderr)
        return 2
    output.mkdir(parents=True, exist_ok=True)
    for p, d, loaded in results:
        target = output / f"{Path(p).stem}.html"
        target.write_text(render_html(d, loaded.text, title=Path(p).name, pages=loaded), encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    return 0


def _summary(path: Path, doc: Any) -> str:
    lines = [f"# {path}  ({doc.text_length} characters)",
             f"title: {doc.meta.title}  issuer: {doc.meta.issuer}  文号: {doc.meta.doc_number}  "
             f"date: {doc.meta.doc_date}"]
    o = doc.outline
    lines.append(f"outline: {len(o.of_kind('chapter'))} chapters, {len(o.of_kind('section'))} sections, "
                 f"{len(o.columns)} 专栏, {len(o.tables)} tables")
    for t in doc.targets:
        lines.append(f"target     {t.indicator} = {t.value:g}{t.unit or ''} ({t.qualifier}, {t.kind}) "
                     f"year={t.year}  «{t.quote}»")
    for s in doc.statistics:
        lines.append(f"statistic  {s.indicator} = {s.value:g}{s.unit or ''} year={s.year}  «{s.quote}»")
    for d in doc.deadlines:
        lines.append(f"deadline   {d.text} -> {d.start}..{d.end}")
    for e in doc.entities:
        lines.append(f"entity     {e.label}: {e.text} {e.aliases or ''}")
    for p in doc.projects:
        lines.append(f"project    {p.name} [{p.column or ''} {p.category or ''}]")
    for w in doc.warnings:
        lines.append(f"warning    {w.code}: {w.message}")
    return "\n".join(lines)


# ---------------------------------------------------------------- batch, serve, eval, schema
def _batch(args: argparse.Namespace) -> int:
    from .batch import run_batch

    summary = run_batch(args.inputs if len(args.inputs) > 1 else args.inputs[0], args.output,
                        workers=args.workers, resume=args.resume, overwrite=args.overwrite, engine=args.engine,
                        scheduler=args.scheduler, doc_date=args.doc_date, progress=False if args.no_progress else None,
                        fsync=not args.no_fsync, parquet_dir=args.parquet)
    print(summary.text(), file=sys.stderr)
    if args.parquet:
        print(f"parquet tables in {args.parquet}", file=sys.stderr)
    if summary.inputs == 0:
        print("policy-extract: no input files matched", file=sys.stderr)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .service import serve

    serve(args.host, args.port, max_body_bytes=int(args.max_body_mb * 1024 * 1024), request_timeout=args.timeout,
          workers=args.workers)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    report = evaluate(args.corpus, doc=args.doc)
    print(report.text(misses=args.show_misses))
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(d.error for d in report.documents) else 0


def _schema(args: argparse.Namespace) -> int:
    from .records import json_schema_text

    print(json_schema_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
