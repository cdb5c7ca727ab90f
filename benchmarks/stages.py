#!/usr/bin/env python3
"""Where extract()'s time goes: milliseconds per pipeline stage on one pass over the dev texts,
beside jieba.lcut on the same texts in the same run. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/stages.py [--rounds 3] [--texts DIR]

Each round runs in a new interpreter (so no cache, per pipeline or module-wide, has seen the
measured texts): it builds a Pipeline, warms it on the project's own corpora (other texts), and
times one pass over the measured texts; the round with the smallest total counts. The last
column is each stage's share of the time a 3x-jieba extract() may take in all (issue 7).
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpora" / "dev" / "texts"
OWN = ROOT / "corpora" / "texts"


def jieba_lcut_seconds(texts: list[str], warm_text: str, rounds: int) -> float:
    """The best of ``rounds`` passes of jieba.lcut over ``texts`` (dictionary loaded first)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.lcut(warm_text)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for t in texts:
            jieba.lcut(t)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--texts", type=Path, default=DEV if DEV.is_dir() else OWN)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    import policy_extract.pipeline as pipeline_module
    from policy_extract import Pipeline

    texts = [p.read_text(encoding="utf-8") for p in sorted(args.texts.glob("*.txt"))]
    warm = [p.read_text(encoding="utf-8") for p in sorted(OWN.glob("*.txt"))]
    spent: collections.Counter[str] = collections.Counter()

    def timed_method(name: str, label: str | None = None):
        original = getattr(pipeline_module.Pipeline, name)

        def wrapper(self, *a, **k):
            t0 = time.perf_counter()
            try:
                return original(self, *a, **k)
            finally:
                stage = label or (a[0] if a and isinstance(a[0], str) else name)
                spent[stage] += time.perf_counter() - t0
        setattr(pipeline_module.Pipeline, name, wrapper)

    timed_method("make_doc", "normalise")
    timed_method("_run")
    timed_method("_build", "records")

    if args.child:
        p = Pipeline()
        for t in warm:
            p(t)
        spent.clear()
        t0 = time.perf_counter()
        for t in texts:
            p(t)
        print(json.dumps([time.perf_counter() - t0, dict(spent)]))
        return

    best: tuple[float, dict[str, float]] | None = None
    for _ in range(args.rounds):
        out = subprocess.run([sys.executable, __file__, "--child", "--texts", str(args.texts)],
                             capture_output=True, text=True, check=True)
        total, stages = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or total < best[0]:
            best = (total, stages)

    jieba_s = jieba_lcut_seconds(texts, warm[0], args.rounds)

    n = sum(map(len, texts))
    total, stages = best
    budget = jieba_s / 3
    print(f"{len(texts)} texts, {n:,} characters from {args.texts}")
    print(f"extract() {total * 1e3:7.1f} ms  {n / total:>11,.0f} chars/s  {jieba_s / total:5.2f}x jieba.lcut")
    print(f"jieba.lcut {jieba_s * 1e3:6.1f} ms  {n / jieba_s:>11,.0f} chars/s;"
          f"  3x jieba leaves {budget * 1e3:.1f} ms for extract()")
    for stage, s in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:12s} {s * 1e3:7.1f} ms  {s / budget:6.0%} of the 3x budget")


if __name__ == "__main__":
    main()
