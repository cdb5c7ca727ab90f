"""Issue 6: the service under load. Bounded request size (413) and time (504); concurrent
requests from loopback with no error and flat memory; malformed requests never take it down.

The load test starts ``policy-extract serve`` (uvicorn) in a subprocess on 127.0.0.1, sends a
bounded number of requests from threads (``benchmarks/service_load.py`` does the same at a larger
scale and prints the figures), then stops it.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from policy_extract.extract import EXTRACTORS, register  # noqa: E402
from policy_extract.service import create_app  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from service_load import MALFORMED, Server, run_load  # noqa: E402

REQUESTS = 200


@pytest.fixture(scope="module")
def server():
    with Server("--max-body-mb", "1", "--timeout", "30") as s:
        yield s


def test_concurrent_load_from_loopback_has_no_error_and_flat_memory(server: Server) -> None:
    report = run_load(server, REQUESTS, concurrency=8, seed=6)
    assert report.served == REQUESTS, report.text()
    assert not report.errors, [r.__dict__ for r in report.errors[:5]]
    assert {r.kind for r in report.results} == {"text", "upload", "malformed"}
    growth = report.rss_after - report.rss_before
    assert growth <= max(64.0, 0.25 * report.rss_before), report.text()
    assert server.alive()
    assert httpx.get(server.url + "/health").json()["status"] == "ok"


@pytest.mark.parametrize("name", [name for name, _ in MALFORMED])
def test_a_malformed_request_gets_4xx_and_the_service_goes_on(server: Server, name: str) -> None:
    kwargs = dict(MALFORMED)[name]
    response = httpx.post(server.url + "/extract", timeout=60, **kwargs)
    assert 200 <= response.status_code < 500, response.text
    assert httpx.get(server.url + "/health").status_code == 200


def test_a_body_over_the_limit_gets_413_declared_or_streamed(server: Server) -> None:
    big = b'{"text": "' + "规".encode() * 400_000 + b'"}'  # 1.2 MB, the server's limit is 1 MB
    assert httpx.post(server.url + "/extract", content=big,
                      headers={"content-type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: the limit is counted as the body arrives
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]

    assert httpx.post(server.url + "/extract", content=chunks(),
                      headers={"content-type": "application/json"}).status_code == 413
    assert httpx.post(server.url + "/extract", json={"text": "到2025年达到100亿元"}).status_code == 200


def test_lone_surrogates_come_back_escaped_and_spans_still_index_the_text(server: Server) -> None:
    text = "\ud800到2025年，全区地区生产总值达到2000亿元\udfff。"
    body = '{"text": "\\ud800到2025年，全区地区生产总值达到2000亿元\\udfff。"}'.encode()
    response = httpx.post(server.url + "/extract", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    doc = response.json()
    assert doc["text_length"] == len(text)
    assert [text[t["span"]["start"]:t["span"]["end"]] for t in doc["targets"]] == [t["quote"] for t in doc["targets"]]
    assert doc["targets"], "the target is still found"


class _Slow:
    """An extractor that never finishes on its own."""

    name = "slow_for_tests"
    produces = ()

    def __init__(self, patterns: object) -> None:
        pass

    def __call__(self, doc: object) -> None:
        while True:
            time.sleep(0.01)


def test_a_request_over_the_time_limit_gets_504_and_the_service_goes_on() -> None:
    if "slow_for_tests" not in EXTRACTORS:
        register("slow_for_tests", default=False)(_Slow)
    app = create_app(request_timeout=0.5, pipeline_options={"extractors": ["slow_for_tests", "targets"]})
    with TestClient(app) as client:
        t0 = time.monotonic()
        response = client.post("/extract", json={"text": "到2025年，全区地区生产总值达到2000亿元。"})
        waited = time.monotonic() - t0
        assert response.status_code == 504
        assert "longer than 0.5s" in response.json()["detail"]
        assert waited < 30  # answered at the timeout, not when (if ever) the work ends
        assert client.get("/health").status_code == 200
