#!/usr/bin/env python3
"""Our time normalisation side by side with JioNLP's ``parse_time`` on the gold deadlines.

Each gold deadline text is parsed on its own by both, with the gold document date as the base.
Agreement is counted two ways:

* exact: the ISO start and end equal the gold's (null where the gold is null);
* years: as ``score.py`` matches deadlines, the years of start and end agree wherever the gold
  gives one.

JioNLP is not a dependency. Install it to run this (it is large):

    .venv/bin/pip install jionlp
    .venv/bin/python benchmarks/time_vs_jionlp.py [CORPUS_DIR]

JioNLP always resolves against a base time and has no "unknown document date"; for undated
documents it is given a fixed base (2000-01-01) so the run never depends on the machine clock,
and its answers to relative expressions there cannot agree with an unresolved gold.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
from pathlib import Path

from policy_extract.extract.time import parse_time

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "dev"
UNDATED_BASE = dt.datetime(2000, 1, 1)

Range = tuple[str | None, str | None]


def ours(text: str, doc_date: dt.date | None) -> Range | str:
    e = parse_time(text, doc_date)
    if e is None:
        return "no parse"
    return (e.start_date.isoformat() if e.start_date else None,
            e.end_date.isoformat() if e.end_date else None)


def _day(value: str) -> str | None:
    return None if value in ("inf", "-inf") else str(value)[:10]


def theirs(jio, text: str, doc_date: dt.date | None) -> Range | str:
    base = dt.datetime.combine(doc_date, dt.time()) if doc_date else UNDATED_BASE
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            got = jio.parse_time(text, time_base=base.timestamp())
    except Exception as exc:  # noqa: BLE001 - JioNLP raises ValueError and others on what it cannot parse
        return f"error: {type(exc).__name__}"
    t = got.get("time")
    if got.get("type") in ("time_span", "time_point") and isinstance(t, list) and len(t) == 2:
        return _day(t[0]), _day(t[1])
    return f"{got.get('type')}: {json.dumps(t, ensure_ascii=False)[:40]}"


def _year(v: str | None) -> int | None:
    return int(v[:4]) if v else None


def exact(pred: Range | str, gold: Range) -> bool:
    return isinstance(pred, tuple) and pred == gold


def years(pred: Range | str, gold: Range) -> bool:
    if not isinstance(pred, tuple):
        return False
    return all(g is None or _year(p) == _year(g) for p, g in zip(pred, gold))


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it greets on import
            import jionlp as jio  # noqa: PLC0415 - optional, imported only here
    except ImportError:
        print("JioNLP is not installed; install it to run this comparison:\n"
              "    .venv/bin/pip install jionlp", file=sys.stderr)
        return 2
    rows = []
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc_date = dt.date.fromisoformat(gold["doc_date"]) if gold.get("doc_date") else None
        for d in gold.get("deadlines") or []:
            g = (d.get("start"), d.get("end"))
            rows.append((gold_path.stem[:12], doc_date, d["text"], g,
                         ours(d["text"], doc_date), theirs(jio, d["text"], doc_date)))

    def show(r: Range | str) -> str:
        return f"{r[0] or '—'}..{r[1] or '—'}" if isinstance(r, tuple) else r

    print(f"{'doc':12s} {'doc_date':10s} {'expression':16s} {'gold':24s} {'policy_extract':24s} jionlp")
    for doc, date, text, g, a, b in rows:
        marks = ("=" if exact(a, g) else " ") + ("=" if exact(b, g) else " ")
        print(f"{doc:12s} {str(date or '—'):10s} {text:16s} {show(g):24s} "
              f"{show(a):24s}{marks[0]} {show(b)}{marks[1]}")
    n = len(rows)
    print()
    print(f"{'system':16s} {'exact':>12s} {'years':>12s} {'no answer':>10s}   ({n} gold deadlines)")
    for name, col in (("policy_extract", 4), ("jionlp", 5)):
        ex = sum(exact(r[col], r[3]) for r in rows)
        yr = sum(years(r[col], r[3]) for r in rows)
        none = sum(not isinstance(r[col], tuple) for r in rows)
        print(f"{name:16s} {ex:5d} ({ex / n:4.0%}) {yr:5d} ({yr / n:4.0%}) {none:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
