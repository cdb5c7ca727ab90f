"""Load the HTTP service from loopback and report what it served.

    .venv/bin/python benchmarks/service_load.py [--requests 2000] [--concurrency 16]

Starts ``policy-extract serve`` with uvicorn in a subprocess on 127.0.0.1 (a free port), sends
a bounded number of requests from a thread pool — real texts (corpora/texts and, when present,
../shared/corpora/dev/texts, cut to random lengths), uploads, and malformed requests mixed in —
then stops the server. Prints requests served, errors, p50/p95 latency and the server's RSS
before and after. ``tests/test_service_load.py`` runs the same load in a bounded form.
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


class Server:
    """``policy-extract serve`` on a free loopback port, in its own process; a context manager."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.args = args

    def __enter__(self) -> "Server":
        self.proc = subprocess.Popen([sys.executable, "-m", "policy_extract", "serve", "--host", LOOPBACK,
                                      "--port", str(self.port), *self.args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("server did not start in 120 s")

    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.proc.stderr.close()  # type: ignore[union-attr]


def texts() -> list[str]:
    folders = [REPO / "corpora" / "texts", REPO.parent / "shared" / "corpora" / "dev" / "texts"]
    return [p.read_text(encoding="utf-8") for f in folders if f.is_dir() for p in sorted(f.glob("*.txt"))]


MALFORMED: list[tuple[str, dict]] = [
    ("not json", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("text is a number", {"json": {"text": 12}}),
    ("no text", {"json": {"doc_date": "2024-01-01"}}),
    ("bad date", {"json": {"text": "到2025年", "doc_date": "2024-13-45"}}),
    ("lone surrogate escape", {"content": b'{"text": "\\ud800\\u5230 2025\\u5e74"}',
                               "headers": {"content-type": "application/json"}}),
    ("invalid utf-8", {"content": b'{"text": "\xff\xfe\xfd"}', "headers": {"content-type": "application/json"}}),
    ("deep json", {"content": b"[" * 100_000 + b"]" * 100_000, "headers": {"content-type": "application/json"}}),
    ("wrong content type", {"content": b"text=abc", "headers": {"content-type": "text/plain"}}),
]


@dataclass
class Result:
    kind: str
    status: int | None
    seconds: float
    problem: str | None = None


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    rss_before: float = 0.0
    rss_after: float = 0.0

    @property
    def served(self) -> int:
        return sum(r.status is not None for r in self.results)

    @property
    def errors(self) -> list[Result]:
        """A valid request not answered 200, a malformed one answered 5xx, or no answer."""
        return [r for r in self.results if r.status is None or r.status >= 500
                or (r.kind in ("text", "upload") and r.status != 200)]

    def latency_ms(self, q: float) -> float:
        times = sorted(r.seconds for r in self.results if r.kind in ("text", "upload"))
        return 1000 * times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

    def text(self) -> str:
        kinds = {k: sum(r.kind == k for r in self.results) for k in sorted({r.kind for r in self.results})}
        mean = statistics.mean(r.seconds for r in self.results) * 1000 if self.results else 0.0
        return (f"requests served: {self.served} of {len(self.results)} ({', '.join(f'{v} {k}' for k, v in kinds.items())})\n"
                f"errors: {len(self.errors)}\n"
                f"latency (valid requests): p50 {self.latency_ms(0.5):.0f} ms, p95 {self.latency_ms(0.95):.0f} ms; "
                f"mean of all {mean:.0f} ms\n"
                f"server RSS: {self.rss_before:.0f} MB before, {self.rss_after:.0f} MB after "
                f"({self.rss_after - self.rss_before:+.0f} MB)")


def one_request(client: httpx.Client, url: str, rng: random.Random, corpus: list[str]) -> Result:
    roll = rng.random()
    if roll < 0.15:
        name, kwargs = rng.choice(MALFORMED)
        kind, path = "malformed", "/extract"
    elif roll < 0.30:
        doc = rng.choice(corpus)
        data = doc[: rng.randint(100, 6000)].encode(rng.choice(("utf-8", "gb18030")))
        kind, path, kwargs = "upload", "/extract/file", {"files": {"file": ("doc.txt", data, "text/plain")}}
    else:
        doc = rng.choice(corpus)
        start = rng.randrange(max(1, len(doc) - 200))
        kind, path, kwargs = "text", "/extract", {"json": {"text": doc[start:start + rng.randint(50, 8000)]}}
    t0 = time.perf_counter()
    try:
        status: int | None = client.post(url + path, timeout=120, **kwargs).status_code
        problem = None
    except httpx.HTTPError as exc:
        status, problem = None, f"{type(exc).__name__}: {exc}"
    return Result(kind, status, time.perf_counter() - t0, problem)


def run_load(server: Server, requests: int, concurrency: int, seed: int = 0, warmup: int = 30) -> Report:
    """``warmup`` requests, RSS, then ``requests`` more from ``concurrency`` threads, RSS again."""
    corpus = texts()
    report = Report()
    with httpx.Client() as client:
        warm = random.Random(seed + 1)
        for _ in range(warmup):
            one_request(client, server.url, warm, corpus)
        report.rss_before = server.rss_mb
        rngs = [random.Random(seed * 1000 + i) for i in range(requests)]
        with ThreadPoolExecutor(concurrency) as pool:
            report.results = list(pool.map(lambda r: one_request(client, server.url, r, corpus), rngs))
        report.rss_after = server.rss_mb
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    with Server() as server:
        t0 = time.perf_counter()
        report = run_load(server, args.requests, args.concurrency, args.seed)
        seconds = time.perf_counter() - t0
        alive = server.alive() and httpx.get(server.url + "/health").status_code == 200
    print(report.text())
    print(f"{args.requests} requests, concurrency {args.concurrency}, {seconds:.1f} s "
          f"({args.requests / seconds:.1f} req/s); server alive afterwards: {alive}")
    for r in report.errors[:10]:
        print("error:", json.dumps(r.__dict__))
    return 0 if alive and not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
