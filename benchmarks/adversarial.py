"""How much slower per KB is adversarial input than real text?

    .venv/bin/python benchmarks/adversarial.py [--size 100000] [--rules]

Runs every adversarial input of ``tests/fuzz/inputs.py`` (100k digits, 50k 、, nested brackets,
第一章 lines, a 专栏 list of 20k items, runs of the patterns' character classes ...) through the
full pipeline and prints ms/KB beside the ms/KB of the real texts (corpora/texts and, when present,
../shared/corpora/dev/texts), and the worst ratio. ``--rules`` also times every compiled pattern
alone on each input (finditer) and lists the slowest rules.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fuzz"))

from inputs import ADVERSARIAL, class_runs, column_list, seed_texts  # noqa: E402

from policy_extract import Pipeline  # noqa: E402


def kb(text: str) -> float:
    return max(len(text.encode("utf-8", "surrogatepass")) / 1024, 1e-3)


def time_pipeline(pipeline: Pipeline, text: str, repeat: int = 1) -> tuple[float, list[str]]:
    best, codes = float("inf"), []
    for _ in range(repeat):
        t0 = time.perf_counter()
        doc = pipeline(text)
        best = min(best, time.perf_counter() - t0)
        codes = [f"{w.code}:{w.stage}" for w in doc.warnings if w.code != "truncated"]
    return best, codes


def adversarial_inputs(pipeline: Pipeline, size: int) -> dict[str, str]:
    cases = {name: gen(size) for name, gen in ADVERSARIAL.items()}
    cases["专栏 list of 20k items"] = column_list(20_000)
    cases["30k 第一章 lines"] = "第一章 总则\n" * 30_000
    cases["50k 、"] = "、" * 50_000
    cases["50k nested brackets"] = ADVERSARIAL["nested brackets"](100_000)
    cases["100k digits"] = "1" * 100_000
    for cls, ch in class_runs(pipeline.patterns).items():
        cases[f"run of {cls[:30]}"] = ch * (size // 2)
    return cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000, help="characters per adversarial input")
    ap.add_argument("--rules", action="store_true", help="also time every compiled pattern alone")
    ap.add_argument("--top", type=int, default=15, help="rows of the slowest cases to list")
    args = ap.parse_args(argv)

    pipeline = Pipeline()
    seeds = seed_texts()
    for text in seeds.values():  # warm up: segmenter, lazily compiled patterns
        pipeline(text)
    real_ms = sum(time_pipeline(pipeline, t, 2)[0] for t in seeds.values()) * 1000
    real_kb = sum(kb(t) for t in seeds.values())
    real = real_ms / real_kb
    print(f"real text: {len(seeds)} documents, {real_kb:.0f} KB, {real_ms:.0f} ms, {real:.2f} ms/KB")

    rows = []
    cases = adversarial_inputs(pipeline, args.size)
    for name, text in cases.items():
        seconds, codes = time_pipeline(pipeline, text)
        rows.append((seconds * 1000 / kb(text) / real, name, kb(text), seconds * 1000, codes))
    rows.sort(reverse=True)
    print(f"\n{len(rows)} adversarial inputs through the full pipeline (slowest {args.top}):")
    print(f"{'input':40s} {'KB':>8s} {'ms':>9s} {'ms/KB':>8s} {'x real':>7s}  warnings")
    for ratio, name, size_kb, ms, codes in rows[: args.top]:
        print(f"{name[:40]:40s} {size_kb:8.1f} {ms:9.1f} {ms / size_kb:8.2f} {ratio:7.2f}  {' '.join(codes)}")
    worst = rows[0]
    print(f"\nworst: {worst[1]!r} at {worst[0]:.2f}x the ms/KB of real text "
          f"({worst[3] / worst[2]:.2f} vs {real:.2f} ms/KB); the issue asks for at most ~25x")

    if args.rules:
        print(f"\nevery compiled pattern alone (finditer), slowest {args.top}:")
        timings = []
        compiled = list(pipeline.patterns._compiled.items())
        for (pattern, _flags), rx in compiled:
            for name, text in cases.items():
                t0 = time.perf_counter()
                try:
                    for _ in rx.finditer(text, timeout=10):
                        pass
                    ms = (time.perf_counter() - t0) * 1000
                except TimeoutError:
                    ms = float("inf")
                timings.append((ms / kb(text), ms, name, pattern))
        timings.sort(reverse=True)
        for per_kb, ms, name, pattern in timings[: args.top]:
            print(f"{per_kb:8.2f} ms/KB {ms:9.1f} ms  {name[:30]:30s} {pattern[:70]!r}")
        print(f"{len(compiled)} patterns x {len(cases)} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
