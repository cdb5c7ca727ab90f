#!/usr/bin/env python3
"""How much of each pipeline stage is spent inside compiled libraries (jieba-rs, pydantic-core,
regex, pyahocorasick, numpy), and so how much of it Python code of this project could ever save.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/library_time.py [--rounds 3] [--texts DIR]

Each round runs in a new interpreter, as ``stages.py`` does: a Pipeline warmed on the project's
own corpora, then one pass over the measured texts. Every stage runs under its own cProfile
profiler, and the time the profiler books to functions that are not Python code (a C function's
own time is measured between its call and its return) is summed per library, less what the
profiler books to a call of a trivial C function (``str.startswith``: measured in the same
process, a few tens of nanoseconds per call) times the number of calls. Python's own built-ins (``dict.get``, ``len``,
``list.append`` ...) are counted as the project's Python logic, since that code issues them one
by one. The round with the smallest total counts.

The last lines set this against issue 7's budget (``extract()`` at 3x ``jieba.lcut``): the
budget left for the entity stage by the other stages, measured without the profiler, and the
entity stage's own library time, which no change of Python code below those libraries removes.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import json
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpora" / "dev" / "texts"
OWN = ROOT / "corpora" / "texts"

# a compiled function's profiler label -> the library it belongs to (first match wins)
LIBRARIES = (
    ("builtins.Jieba", "jieba-rs (rjieba)"),
    ("pydantic_core", "pydantic-core"),
    ("_regex.", "regex"),
    ("re.Pattern", "re"),
    ("ahocorasick", "pyahocorasick"),
    ("numpy", "numpy"),
)


def library_of(label: str) -> str | None:
    for needle, name in LIBRARIES:
        if needle in label:
            return name
    return None


def child(texts_dir: Path) -> None:
    import policy_extract.pipeline as pipeline_module
    from policy_extract import Pipeline

    texts = [p.read_text(encoding="utf-8") for p in sorted(texts_dir.glob("*.txt"))]
    warm = [p.read_text(encoding="utf-8") for p in sorted(OWN.glob("*.txt"))]
    pipeline = Pipeline()
    for t in warm:
        pipeline(t)

    wall: collections.Counter[str] = collections.Counter()
    profiles: dict[str, cProfile.Profile] = {}
    original = pipeline_module.Pipeline._run

    def run(self, stage, fn, doc):
        prof = profiles.setdefault(stage, cProfile.Profile())
        t0 = time.perf_counter()
        prof.enable()
        try:
            return original(self, stage, fn, doc)
        finally:
            prof.disable()
            wall[stage] += time.perf_counter() - t0

    pipeline_module.Pipeline._run = run
    per_call = _booked_per_trivial_call()
    t0 = time.perf_counter()
    for t in texts:
        pipeline(t)
    total = time.perf_counter() - t0
    out: dict[str, dict] = {}
    for stage, prof in profiles.items():
        libs: collections.Counter[str] = collections.Counter()
        calls: collections.Counter[str] = collections.Counter()
        for (filename, _, name), (_, ncalls, tottime, _, _) in pstats.Stats(prof).stats.items():
            if filename != "~":  # Python code
                continue
            lib = library_of(name)
            if lib is not None:
                libs[lib] += max(0.0, tottime - per_call * ncalls)
                calls[lib] += ncalls
        out[stage] = {"profiled_ms": wall[stage] * 1e3,
                      "libraries": {k: [v * 1e3, calls[k]] for k, v in libs.items()}}
    print(json.dumps({"total_ms": total * 1e3, "per_call_ns": per_call * 1e9, "stages": out}))


def _booked_per_trivial_call(n: int = 20_000) -> float:
    """Seconds the profiler books to one call of ``str.startswith`` (its own cost included)."""
    prof = cProfile.Profile()
    word = "高新区"
    prof.enable()
    for _ in range(n):
        word.startswith("高")
    prof.disable()
    for (filename, _, name), (_, ncalls, tottime, _, _) in pstats.Stats(prof).stats.items():
        if filename == "~" and "startswith" in name:
            return tottime / ncalls
    return 0.0


def plain_pass(texts_dir: Path) -> dict:
    """``stages.py``'s per-stage milliseconds (no profiler) for the budget lines."""
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "stages.py"), "--child",
                          "--texts", str(texts_dir)], capture_output=True, text=True, check=True)
    total, stages = json.loads(out.stdout.strip().splitlines()[-1])
    return {"total_ms": total * 1e3, "stages": {k: v * 1e3 for k, v in stages.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--texts", type=Path, default=DEV if DEV.is_dir() else OWN)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.texts)
        return

    from stages import jieba_lcut_seconds  # (this folder is on the path when run as a script)

    def best(fn):
        return min((fn() for _ in range(args.rounds)), key=lambda r: r["total_ms"])

    profiled = best(lambda: json.loads(subprocess.run(
        [sys.executable, __file__, "--child", "--texts", str(args.texts)],
        capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]))
    plain = best(lambda: plain_pass(args.texts))

    texts = [p.read_text(encoding="utf-8") for p in sorted(args.texts.glob("*.txt"))]
    jieba_ms = jieba_lcut_seconds(texts, texts[0], args.rounds) * 1e3

    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters from {args.texts}")
    print(f"(library times less {profiled['per_call_ns']:.0f} ns per call booked by the profiler)")
    print("stage          ms (no profiler)   ms inside libraries (profiled; calls)")
    for stage, ms in sorted(plain["stages"].items(), key=lambda kv: -kv[1]):
        libs = profiled["stages"].get(stage, {}).get("libraries", {})
        inside = sum(v for v, _ in libs.values())
        detail = ", ".join(f"{k} {v:.1f} ({n})" for k, (v, n) in sorted(libs.items(), key=lambda kv: -kv[1][0]))
        print(f"  {stage:12s} {ms:8.1f}          {inside:6.1f}   {detail}")

    budget = jieba_ms / 3
    others = plain["total_ms"] - plain["stages"].get("entities", 0.0)
    ent_libs = profiled["stages"].get("entities", {}).get("libraries", {})
    floor = sum(v for v, _ in ent_libs.values())
    print(f"jieba.lcut {jieba_ms:.1f} ms, so 3x jieba leaves {budget:.1f} ms for the whole pass")
    print(f"the pass without the entity stage takes {others:.1f} ms "
          f"({plain['total_ms']:.1f} ms in all), leaving {budget - others:.1f} ms for entities")
    print(f"the entity stage takes {plain['stages'].get('entities', 0.0):.1f} ms, "
          f"of which {floor:.1f} ms inside libraries: {budget - others - floor:.1f} ms would be left "
          f"for all of its own Python logic")


if __name__ == "__main__":
    main()
