"""Command line: ``policy-extract extract FILE...`` and ``policy-extract schema``."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import extract_file
from .errors import PolicyExtractError
from .records import json_schema_text


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from None


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="policy-extract", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract records from files and print them as JSON")
    ex.add_argument("files", nargs="+", type=Path)
    ex.add_argument("--doc-date", type=_date, help="the document's date (resolves 今年, 力争3年 ...)")
    ex.add_argument("--format", choices=["json", "jsonl", "summary"], default="json")
    ex.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    sub.add_parser("schema", help="print the JSON Schema of PolicyDocument")
    return ap


def _summary(path: Path, doc) -> str:
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = open(args.output, "w", encoding="utf-8") if getattr(args, "output", None) else sys.stdout
    try:
        if args.command == "schema":
            print(json_schema_text(), file=out)
            return 0
        status = 0
        for path in args.files:
            try:
                doc = extract_file(path, doc_date=args.doc_date)
            except PolicyExtractError as exc:
                print(f"policy-extract: {exc}", file=sys.stderr)
                status = 1
                continue
            if args.format == "summary":
                print(_summary(path, doc), file=out)
            elif args.format == "jsonl":
                print(json.dumps({"path": str(path), "document": doc.model_dump(mode="json")},
                                 ensure_ascii=False), file=out)
            else:
                print(doc.model_dump_json(indent=2), file=out)
        return status
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    sys.exit(main())
