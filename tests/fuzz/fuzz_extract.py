"""atheris harness: ``extract()`` on fuzzer-made strings (and read-then-extract on fuzzer-made files).

By hand (not in CI)::

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_extract.py -atheris_runs=100000 [-max_len=20000] [CORPUS_DIR]
    .venv/bin/python tests/fuzz/fuzz_extract.py --files -atheris_runs=20000

Seeds: the hand-made cases and excerpts of the real texts of ``inputs.py`` are written to
``tests/fuzz/seeds/`` on first run. A crash is an exception out of ``extract()``, a
``stage_failed`` warning, or a record whose quote is not the input at its span; with ``--files``,
any exception from ``load_bytes`` other than ``DocumentReadError``.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

try:
    import atheris
except ImportError:  # pragma: no cover - by hand only
    atheris = None

from inputs import HANDMADE, seed_texts  # noqa: E402


def check(text: str) -> None:
    from policy_extract import extract

    doc = extract(text)
    failed = [w.message for w in doc.warnings if w.code == "stage_failed"]
    if failed:
        raise AssertionError(failed)
    for field in ("targets", "statistics", "deadlines", "entities", "projects"):
        for r in getattr(doc, field):
            if text[r.span.start:r.span.end] != r.quote:
                raise AssertionError((field, r))


def one_text(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    check(fdp.ConsumeUnicodeNoSurrogates(len(data)) if fdp.ConsumeBool() else fdp.ConsumeUnicode(len(data)))


def one_file(data: bytes) -> None:
    from policy_extract.errors import DocumentReadError
    from policy_extract.loaders import load_bytes

    fdp = atheris.FuzzedDataProvider(data)
    name = fdp.PickValueInList(["a.txt", "a.html", "a.docx", "a.pdf", "a.bin"])
    try:
        loaded = load_bytes(fdp.ConsumeBytes(len(data)), name)
    except DocumentReadError:
        return
    check(loaded.text)


def write_seeds(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    if any(folder.iterdir()):
        return
    rng = random.Random(0)
    items = list(HANDMADE.values())
    for text in seed_texts().values():
        for _ in range(5):
            start = rng.randrange(max(1, len(text) - 2000))
            items.append(text[start:start + rng.randint(20, 2000)])
    for i, text in enumerate(items):
        (folder / f"seed{i:04d}").write_bytes(b"\x01" + text.encode("utf-8", "surrogatepass"))


def main() -> None:
    if atheris is None:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        sys.exit(0)
    files = "--files" in sys.argv
    argv = [a for a in sys.argv if a != "--files"]
    seeds = HERE / "seeds"
    if not any(not a.startswith("-") for a in argv[1:]):
        write_seeds(seeds)
        argv.append(str(seeds))
    with atheris.instrument_imports():
        import policy_extract  # noqa: F401
        import policy_extract.loaders  # noqa: F401
    from policy_extract import extract

    extract("预热")  # build the pipeline once, outside the fuzzed calls
    atheris.Setup(argv, one_file if files else one_text)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
