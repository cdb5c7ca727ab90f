"""Batch: many files in, one JSON line per file out, resumable, on one machine or a Dask cluster.

Every input gives exactly one line in the output::

    {"path": "...", "document": {...PolicyDocument...}, "format": "pdf", "pages": [0, 1834, ...]}
    {"path": "...", "error": {"type": "DocumentReadError", "reason": "encrypted PDF ..."}}

Lines are written by this process only (workers return them), each followed by flush and fsync,
so a crash or a kill loses at most the documents in flight. ``resume=True`` reads the output
first, drops a torn last line, and skips every path already there: no line is ever duplicated.
Lines come in the order documents finish, not the input order.

Engines: ``local`` (a process pool; ``workers=1`` runs in this process) and ``dask`` (a
``distributed`` cluster: ``scheduler="tcp://host:8786"``, or a LocalCluster when none is given).
"""
from __future__ import annotations

import datetime as dt
import glob as globmod
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from .errors import ConfigError, PolicyExtractError
from .loaders import SUFFIXES

ENGINES = ("local", "dask")


# ---------------------------------------------------------------- inputs
def find_inputs(spec: str | Path | Iterable[str | Path], *, suffixes: Iterable[str] = tuple(SUFFIXES)) -> list[str]:
    """Files named by a directory (searched recursively for supported suffixes), a glob pattern
    (``'archive/**/*.pdf'``), a file, or a list of these; sorted, without duplicates."""
    if not isinstance(spec, (str, Path)):
        out: dict[str, None] = {}
        for s in spec:
            out.update(dict.fromkeys(find_inputs(s, suffixes=suffixes)))
        return list(out)
    wanted = {s.lower() for s in suffixes}
    p = Path(spec)
    if p.is_dir():
        found = [str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in wanted
                 and not any(part.startswith(".") for part in f.relative_to(p).parts)]
    elif p.is_file():
        found = [str(p)]
    else:
        found = [f for f in globmod.glob(str(spec), recursive=True) if os.path.isfile(f)]
    return sorted(dict.fromkeys(found))


# ---------------------------------------------------------------- one document (runs in a worker)
RECORD_KINDS = ("targets", "statistics", "deadlines", "entities", "projects")


def process_path(path: str, doc_date: str | None = None, options: dict | None = None) -> str:
    """Read and extract one file; the JSONL line for it. Never raises: failures become error lines."""
    return _process(path, doc_date, options)[0]


def _process(path: str, doc_date: str | None, options: dict | None) -> tuple[str, dict]:
    """:func:`process_path`'s line and its tally for the summary (``{"error": type}`` or
    ``{"records": {kind: count}}``), so that the driver need not parse the line again."""
    from . import extract
    from .loaders import load
    from .writers import result_line

    try:
        loaded = load(path)
        date = dt.date.fromisoformat(doc_date) if doc_date else None
        doc = extract(loaded.text, doc_date=date, **(options or {}))
        line = result_line(path, doc, format=loaded.format, encoding=loaded.encoding,
                           pages=list(loaded.page_starts) or None)
        return line, {"records": {kind: len(getattr(doc, kind)) for kind in RECORD_KINDS}}
    except PolicyExtractError as exc:
        error = {"type": type(exc).__name__, "reason": getattr(exc, "reason", None) or str(exc)}
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        error = {"type": type(exc).__name__, "reason": f"internal error: {exc}"}
    return result_line(path, error=error), {"error": error["type"]}


# ---------------------------------------------------------------- output file
def scan_output(out: Path) -> set[str]:
    """Paths already in ``out``; a torn last line (a kill while writing) is cut off the file."""
    done: set[str] = set()
    if not out.exists():
        return done
    good_end = 0
    with open(out, "rb") as fh:
        for raw in fh:
            try:
                item = json.loads(raw)
                if not raw.endswith(b"\n"):
                    raise ValueError("no newline: torn")
            except ValueError:
                break  # a torn line can only be the last one: everything after it is dropped
            good_end += len(raw)
            if isinstance(item, dict) and "path" in item:
                done.add(item["path"])
    if good_end != out.stat().st_size:
        with open(out, "r+b") as fh:
            fh.truncate(good_end)
            fh.flush()
            os.fsync(fh.fileno())
    return done


class LineWriter:
    """Appends lines durably: write, flush, fsync (``fsync=False`` trades safety for speed)."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "ab")
        self._fsync = fsync

    def write(self, line: str) -> None:
        self._fh.write(line.encode("utf-8") + b"\n")
        self._fh.flush()
        if self._fsync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


# ---------------------------------------------------------------- the run
@dataclass
class BatchSummary:
    inputs: int = 0
    skipped: int = 0
    ok: int = 0
    errors: int = 0
    records: dict[str, int] = field(default_factory=dict)
    error_types: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    output: str = ""

    @property
    def processed(self) -> int:
        return self.ok + self.errors

    def add(self, line: str) -> None:
        """Count one output line (parsed here; :meth:`add_tally` takes what the worker counted)."""
        item = json.loads(line)
        if "error" in item:
            self.add_tally({"error": item["error"].get("type", "Error")})
        else:
            self.add_tally({"records": {k: len(item["document"].get(k) or []) for k in RECORD_KINDS}})

    def add_tally(self, tally: dict) -> None:
        if "error" in tally:
            self.errors += 1
            kind = tally["error"] or "Error"
            self.error_types[kind] = self.error_types.get(kind, 0) + 1
            return
        self.ok += 1
        for kind, n in tally["records"].items():
            self.records[kind] = self.records.get(kind, 0) + n

    def text(self) -> str:
        rate = self.processed / self.seconds if self.seconds else 0.0
        recs = ", ".join(f"{v} {k}" for k, v in self.records.items()) or "no records"
        errs = "".join(f" ({', '.join(f'{v} {k}' for k, v in self.error_types.items())})" if self.errors else "")
        return (f"{self.inputs} inputs: {self.ok} extracted, {self.errors} errors{errs}, {self.skipped} skipped "
                f"(already in {self.output}); {recs}; {self.seconds:.1f}s, {rate:.1f} docs/s")

    def as_dict(self) -> dict:
        return {"inputs": self.inputs, "skipped": self.skipped, "ok": self.ok, "errors": self.errors,
                "records": self.records, "error_types": self.error_types, "seconds": round(self.seconds, 3),
                "output": self.output}


def run_batch(inputs: str | Path | Iterable[str | Path], output: str | Path, *, workers: int | None = None,
              resume: bool = False, overwrite: bool = False, engine: str = "local", scheduler: str | None = None,
              doc_date: dt.date | None = None, options: dict | None = None, progress: bool | None = None,
              fsync: bool = True, parquet_dir: str | Path | None = None) -> BatchSummary:
    """Extract every input file into the JSONL ``output``; see the module docstring.

    ``workers``: processes of the local pool (default: CPU count; 1 = in this process) or the
    number of LocalCluster workers for ``engine="dask"`` without a ``scheduler``.
    ``options``: Pipeline options (``segmenter``, ``disable`` ...), the same in every worker.
    ``parquet_dir``: afterwards, write the whole output as Parquet tables there.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    from . import get_pipeline

    paths = find_inputs(inputs)
    if engine == "local" and (workers or os.cpu_count() or 1) > 1 and len(paths) > 1:
        _pool_context(options)  # the workers' warm forkserver starts now, beside the check below
    get_pipeline(**(options or {}))  # a bad option or pattern file fails here, not once per document
    out = Path(output)
    summary = BatchSummary(inputs=len(paths), output=str(out))
    if out.exists() and out.stat().st_size and not (resume or overwrite):
        raise ConfigError(f"{out} exists: pass resume=True (--resume) to continue it "
                          "or overwrite=True (--overwrite) to start again")
    if overwrite and not resume and out.exists():
        out.unlink()
    done = scan_output(out) if resume else set()
    if done:
        absolute = {os.path.abspath(d) for d in done}
        todo = [p for p in paths if p not in done and os.path.abspath(p) not in absolute]
    else:
        todo = paths
    summary.skipped = len(paths) - len(todo)
    date = doc_date.isoformat() if doc_date else None
    writer = LineWriter(out, fsync=fsync)
    bar = _progress(len(todo), progress)
    start = time.perf_counter()
    try:
        if engine == "dask":
            lines = _run_dask(todo, date, options, scheduler, workers)
        else:
            lines = _run_local(todo, date, options, workers)
        for line, tally in lines:
            writer.write(line)
            summary.add_tally(tally)
            bar(1)
    finally:
        writer.close()
        bar(None)
        summary.seconds = time.perf_counter() - start
    if parquet_dir is not None:
        from .writers import write_parquet_from_jsonl

        write_parquet_from_jsonl(out, parquet_dir)
    return summary


def _run_local(paths: list[str], date: str | None, options: dict | None, workers: int | None
               ) -> Iterator[tuple[str, dict]]:
    n = workers or os.cpu_count() or 1
    if n <= 1 or len(paths) <= 1:
        for p in paths:
            yield _process(p, date, options)
        return
    with ProcessPoolExecutor(max_workers=n, mp_context=_pool_context(options),
                             initializer=_worker_started) as pool:
        yield from _bounded(lambda p: pool.submit(_process, p, date, options), paths, 4 * n,
                            lambda fs: wait(fs, return_when=FIRST_COMPLETED)[0])


_WARM_ENV = "POLICY_EXTRACT_WARM_OPTIONS"


def _worker_started() -> None:
    """First thing in each worker process of the local pool: what it inherited (modules,
    dictionaries, the warmed Pipeline: ~40,000 objects) goes to the garbage collector's
    permanent generation. None of it is ever garbage, and a full collection no longer walks
    it each time (about 17 ms per collection in a worker, once every few documents). The
    worker is a process of the batch's own: nothing in the caller's process changes."""
    import gc

    gc.freeze()


def _pool_context(options: dict | None):
    """The start method of the local pool, chosen so that N workers do not pay the start-up
    (import, Pipeline, dictionaries: ~0.5 s) N times over:

    * ``fork`` of this process when it runs no other thread (fork copies only the calling
      thread, so a threaded parent could hand a worker a lock held by a thread that is gone):
      the Pipeline for ``options`` is built and warmed here first, and every worker starts
      with it, at no cost beyond the fork;
    * else ``forkserver`` where there is one: a server started now, warmed the same way, and
      every worker is a fork of it;
    * else ``spawn`` (each worker starts cold)."""
    import multiprocessing as mp
    import threading
    from multiprocessing import forkserver

    if "fork" in mp.get_all_start_methods() and sys.platform.startswith("linux") \
            and threading.active_count() == 1:
        try:
            from . import get_pipeline

            get_pipeline(**(options or {}))("济南高新区建设软件园。")  # loads what the extractors use
        except Exception:  # noqa: BLE001 - a bad option is reported by run_batch's own check
            pass
        return mp.get_context("fork")
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    server = getattr(forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None) is None:
        ctx.set_forkserver_preload(["policy_extract.batch"])
        os.environ[_WARM_ENV] = json.dumps(options or {}, sort_keys=True, default=str)
        try:
            forkserver.ensure_running()
        except Exception:  # noqa: BLE001 - no warm server: workers start cold, as before
            pass
        finally:
            os.environ.pop(_WARM_ENV, None)
    return ctx


def _warm_from_env() -> None:
    """In the forkserver (imported as its preload with ``POLICY_EXTRACT_WARM_OPTIONS`` set):
    build the batch's Pipeline and load its segmenter before any worker is forked."""
    raw = os.environ.pop(_WARM_ENV, None)
    if raw is None:
        return
    try:
        from . import get_pipeline

        pipeline = get_pipeline(**json.loads(raw))
        pipeline("济南高新区建设软件园。")  # loads the dictionaries the extractors use
    except Exception:  # noqa: BLE001 - a cold worker still works
        pass


def _bounded(submit: Callable[[str], Any], paths: list[str], window: int,
             wait_some: Callable[[set], Iterable[Any]]) -> Iterator[Any]:
    """Keep at most ``window`` documents in flight; yield each result as it finishes."""
    pending: set = set()
    it = iter(paths)
    for p in it:
        pending.add(submit(p))
        if len(pending) >= window:
            break
    while pending:
        for fut in list(wait_some(pending)):
            pending.discard(fut)
            yield fut.result()
            nxt = next(it, None)
            if nxt is not None:
                pending.add(submit(nxt))


def _run_dask(paths: list[str], date: str | None, options: dict | None, scheduler: str | None,
              workers: int | None) -> Iterator[tuple[str, dict]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as dwait
    except ImportError as exc:
        from .errors import BackendUnavailable
        raise BackendUnavailable("the dask engine needs distributed: pip install 'policy_extract[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        n = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        yield from _bounded(lambda p: client.submit(_process, p, date, options, pure=False), paths, 4 * n,
                            lambda fs: dwait(list(fs), return_when="FIRST_COMPLETED").done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _progress(total: int, enabled: bool | None) -> Callable[[int | None], None]:
    """A tqdm bar on stderr when it is installed and wanted (default: when stderr is a terminal)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return lambda n: None
    try:
        from tqdm import tqdm
    except ImportError:
        return lambda n: None
    bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def step(n: int | None) -> None:
        if n is None:
            bar.close()
        else:
            bar.update(n)
    return step


def write_summary(summary: BatchSummary, stream: IO[str]) -> None:
    print(summary.text(), file=stream)


_warm_from_env()
