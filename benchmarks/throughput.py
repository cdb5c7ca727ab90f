#!/usr/bin/env python3
"""Throughput of extract() side by side with jieba.lcut and rjieba, in one run (issue 7).

Prints figures; asserts nothing (no timed unit tests anywhere). Run:

    .venv/bin/python benchmarks/throughput.py [--texts DIR] [--rounds 3] [--batch-files 480]
                                              [--skip batch,memory,...]

What is measured, and how:

* **throughput**: the dev texts (``../shared/corpora/dev/texts``, else ``corpora/texts``).
  Each round runs in a new interpreter: it builds a Pipeline, warms it on *other* texts
  (``corpora/texts``: imports, dictionaries, tables), then times one pass over the measured
  texts. No cache of any kind (per pipeline or module-wide, e.g. tagged unknown words or
  indicator lookups) has seen the measured texts before they are timed; the best round counts. A second pass over the same texts
  ("again") shows what the per-text caches give a long-running worker. jieba.lcut (HMM on, as
  by default), jieba.posseg.lcut and rjieba.cut run on the same texts in the same process, best
  of the same number of rounds.
* **linearity**: all measured texts joined into one document (1x) and that document ten times
  (10x), each through a fresh, warmed Pipeline.
* **cold start**: a new interpreter imports policy_extract and extracts one sentence that names
  a park (so jieba's dictionary and POS tables are loaded); median of three.
* **memory**: a new interpreter extracts a 1,000,000-character document; peak RSS of the process
  (``VmHWM``: interpreter, dictionaries and the document together).
* **batch**: ``run_batch`` over folders of copies of the texts (a quarter of ``--batch-files``,
  then all), with 1 worker (in this process) and with 2 worker processes. The difference of the
  two runs is the steady rate (start-up paid once per batch drops out); the wall-clock rate
  with start-up is printed too. From the steady rate per core: the time for one million
  documents on a Dask cluster of N cores.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpora" / "dev" / "texts"
OWN = ROOT / "corpora" / "texts"
SENTENCE = "济南高新区将建设人工智能产业园，到2025年地区生产总值达到2000亿元。"


def read_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def best_of(rounds: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(rounds))


def timed(fn: Callable[[str], object], texts: list[str]) -> float:
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - t0


def fresh_pipeline(warm: list[str], **options):
    from policy_extract import Pipeline

    p = Pipeline(**options)
    for t in warm:
        p(t)
    return p


def throughput(texts: list[str], warm: list[str], rounds: int, texts_dir: Path, warm_dir: Path
               ) -> dict[str, float]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.lcut(warm[0])
    jieba.posseg.lcut(warm[0][:200])
    n = sum(map(len, texts))
    rates: dict[str, float] = {}

    def first_pass(**options) -> float:
        return float(python(_FIRST_PASS, str(texts_dir), str(warm_dir), json.dumps(options)))

    rates["extract()"] = n / best_of(rounds, first_pass)
    p = fresh_pipeline(warm)
    timed(p, texts)
    rates["extract(), again (per-text caches warm)"] = n / best_of(rounds, lambda: timed(p, texts))
    rates["extract(disable=['entities'])"] = n / best_of(rounds, lambda: first_pass(disable=["entities"]))
    rates["extract(extractors=[]): normalise + structure"] = n / best_of(
        rounds, lambda: first_pass(extractors=[]))
    rates["jieba.lcut"] = n / best_of(rounds, lambda: timed(jieba.lcut, texts))
    rates["jieba.posseg.lcut"] = n / best_of(rounds, lambda: timed(jieba.posseg.lcut, texts))
    try:
        import rjieba

        rjieba.cut(warm[0])
        rates["rjieba.cut"] = n / best_of(rounds, lambda: timed(rjieba.cut, texts))
    except ImportError:
        pass
    return rates


def linearity(texts: list[str], warm: list[str]) -> tuple[int, float, float]:
    one = "\n".join(texts)
    t1 = timed(fresh_pipeline(warm), [one])
    t10 = timed(fresh_pipeline(warm), ["\n".join([one] * 10)])
    return len(one), t1, t10


_FIRST_PASS = """
import json, sys, time
from pathlib import Path
from policy_extract import Pipeline

def read(folder):
    return [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]

texts, warm = read(sys.argv[1]), read(sys.argv[2])
p = Pipeline(**json.loads(sys.argv[3]))
for t in warm:
    p(t)
t0 = time.perf_counter()
for t in texts:
    p(t)
print(time.perf_counter() - t0)
"""

_COLD = f"""
import time
t0 = time.perf_counter()
from policy_extract import extract
doc = extract({SENTENCE!r})
assert doc.entities, "the sentence names a park"
print(time.perf_counter() - t0)
"""

_MEMORY = """
import sys
from pathlib import Path
from policy_extract import extract

def peak_mb():  # VmHWM: this process's peak RSS (ru_maxrss would carry the parent's over exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
one = "\\n".join(texts)
doc_text = (one * (1_000_000 // len(one) + 1))[:1_000_000]
extract(texts[0][:2000])
before = peak_mb()
doc = extract(doc_text)
after = peak_mb()
print(len(doc_text), before, after, len(doc.targets) + len(doc.entities))
"""


def python(code: str, *args: str) -> str:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, cwd=tempfile.gettempdir(), env=env)
    return out.stdout.strip()


def cold_start(runs: int = 3) -> list[float]:
    return sorted(float(python(_COLD)) for _ in range(runs))


def memory(folder: Path) -> tuple[int, float, float]:
    chars, before, after, _ = python(_MEMORY, str(folder)).split()
    return int(chars), float(before), float(after)


_BATCH = """
import sys, time
t0 = time.perf_counter()
from policy_extract.batch import run_batch
s = run_batch(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]), progress=False)
print(time.perf_counter() - t0, s.ok)
"""


def batch(folders: list[Path], files: int, repeat: int = 2) -> dict[tuple[int, int], tuple[float, int, int]]:
    """(workers, files) -> (seconds, documents extracted, characters) for 1 and 2 workers, each
    over ``files // 4`` and ``files`` files, each run a new interpreter as a user's batch is
    (import, pipeline, dictionaries and worker processes included). The difference of the two
    sizes gives the steady rate, without the start-up that a long batch pays once."""
    sources = [p for f in folders for p in sorted(f.glob("*.txt"))]
    out: dict[tuple[int, int], tuple[float, int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (files // 4, files):
            inputs = Path(tmp) / f"in{count}"
            inputs.mkdir()
            chars = 0
            for i in range(count):
                src = sources[i % len(sources)]
                shutil.copyfile(src, inputs / f"{i:05d}_{src.name}")
                chars += len(src.read_text(encoding="utf-8"))
            for workers in (1, 2):
                target = Path(tmp) / f"out{workers}_{count}.jsonl"
                runs = []
                for _ in range(repeat):  # best of ``repeat``: other load on the machine only adds
                    target.unlink(missing_ok=True)
                    seconds, ok = python(_BATCH, str(inputs), str(target), str(workers)).split()
                    runs.append((float(seconds), int(ok), chars))
                out[(workers, count)] = min(runs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=DEV if DEV.is_dir() else OWN)
    ap.add_argument("--warm", type=Path, default=OWN)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-files", type=int, default=480)
    ap.add_argument("--skip", default="", help="comma-separated: throughput,linearity,cold,memory,batch")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    texts, warm = read_texts(args.texts), read_texts(args.warm)
    if args.warm.resolve() == args.texts.resolve():
        print("note: the warm-up texts are the measured texts; the first-pass figure is flattered")
    n = sum(map(len, texts))
    import jieba

    from policy_extract import __version__

    from importlib.metadata import PackageNotFoundError, version

    try:
        rj = version("rjieba")
    except PackageNotFoundError:
        rj = "not installed"
    print(f"policy_extract {__version__} · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"jieba {jieba.__version__} · rjieba {rj}")
    print(f"measured texts: {len(texts)} files in {args.texts} ({n:,} characters); "
          f"warm-up: {len(warm)} files in {args.warm}\n")

    rates: dict[str, float] = {}
    if "throughput" not in skip:
        rates = throughput(texts, warm, args.rounds, args.texts, args.warm)
        base = rates["jieba.lcut"]
        print(f"{'throughput (best of %d; extract() rounds in new interpreters)' % args.rounds:48s} {'chars/s':>12s}  {'x jieba.lcut':>12s}")
        for name, r in rates.items():
            print(f"{name:48s} {r:12,.0f}  {r / base:12.2f}")
        print()
    if "linearity" not in skip:
        size, t1, t10 = linearity(texts, warm)
        print(f"linearity: 1x = {size:,} chars in {t1:.2f} s; 10x = {10 * size:,} chars in {t10:.2f} s: "
              f"{t10 / t1:.1f}x the time for 10x the text (bar: at most 11x)\n")
    if "cold" not in skip:
        runs = cold_start()
        print(f"cold start (new interpreter: import + first extract of one sentence): "
              f"median {statistics.median(runs):.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)}; bar 1.5 s)\n")
    if "memory" not in skip:
        chars, before, after = memory(args.texts)
        print(f"memory: {chars:,}-character document: peak RSS {after:.0f} MB "
              f"(before it: {before:.0f} MB, so {after - before:.0f} MB for the document; bar 400 MB)\n")
    if "batch" not in skip:
        files = args.batch_files
        res = batch([args.texts, args.warm], files)
        rate: dict[int, tuple[float, float]] = {}
        print(f"batch (run_batch over copies of the texts; {files // 4} and {files} files, the difference "
              "gives the steady rate without start-up):")
        for w in (1, 2):
            (s_small, ok_small, c_small), (s_big, ok_big, c_big) = res[(w, files // 4)], res[(w, files)]
            steady = (ok_big - ok_small) / (s_big - s_small), (c_big - c_small) / (s_big - s_small)
            rate[w] = steady
            print(f"  {w} worker{'s' if w > 1 else ' '}: {files} files in {s_big:6.2f} s ({ok_big / s_big:5.1f} files/s "
                  f"with start-up); steady {steady[0]:5.1f} files/s, {steady[1] / w:9,.0f} chars/s per core")
        print(f"  2 workers / 1 worker: {rate[2][0] / rate[1][0]:.2f}x the files/s steady, "
              f"{(files / res[(2, files)][0]) / (files / res[(1, files)][0]):.2f}x with start-up (bar 1.8x)")
        # the batch repeats a few texts, so its per-text caches flatter it; the estimate takes the
        # lower of its per-core rate and extract()'s first-pass rate on unseen texts
        per_core = min(rate[2][1] / 2, rates.get("extract()", float("inf")))
        avg = res[(1, files)][2] / files
        print(f"\n1,000,000 documents of {avg:,.0f} chars at {per_core:,.0f} chars/s per core "
              f"({per_core / avg:.1f} files/s per core): {1e6 * avg / per_core / 3600:,.1f} core-hours; "
              "on a Dask cluster of N cores (one single-threaded worker process per core, "
              "scaling as measured for 2; the driver writes the output):")
        for cores in (8, 32, 128, 512):
            print(f"  N = {cores:4d}: {1e6 * avg / per_core / cores / 3600:7.2f} h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
