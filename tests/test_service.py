"""The HTTP service, through FastAPI's TestClient (loopback only, no server process)."""
from __future__ import annotations

import io

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from policy_extract import PolicyDocument  # noqa: E402
from policy_extract.service import create_app  # noqa: E402

PLAN = "第一章 发展目标\n到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。\n"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(max_body_bytes=64 * 1024))


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


@pytest.mark.parametrize("doc_date", [None, "2021-06-30"])
def test_extract_returns_a_policy_document(client: TestClient, doc_date: str | None) -> None:
    r = client.post("/extract", json={"text": PLAN, "doc_date": doc_date})
    assert r.status_code == 200
    doc = PolicyDocument.model_validate(r.json())
    assert doc.text_length == len(PLAN)
    assert any(h.title.startswith("发展目标") for h in doc.outline.headings)
    for record in [*doc.targets, *doc.statistics, *doc.deadlines, *doc.entities, *doc.projects]:
        assert PLAN[record.span.start:record.span.end] == record.quote
    if doc_date:
        assert doc.meta.doc_date.isoformat() == doc_date and doc.meta.doc_date_source == "argument"


@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"text": "unterminated', "application/json"),
    (b"not json at all", "application/json"),
    (b'{"doc_date": "2021-06-30"}', "application/json"),  # no text
    (b'{"text": 42}', "application/json"),
    (b'{"text": "x", "doc_date": "yesterday"}', "application/json"),
    (b'["a", "list"]', "application/json"),
    ("{\"text\": \"\u89c4\u5212\"}".encode("gb18030"), "application/json"),  # not UTF-8
])
def test_malformed_requests_get_4xx_and_the_service_goes_on(client: TestClient, body: bytes,
                                                            content_type: str) -> None:
    r = client.post("/extract", content=body, headers={"content-type": content_type})
    assert 400 <= r.status_code < 500
    assert client.get("/health").status_code == 200


def test_body_over_the_limit_gets_413(client: TestClient) -> None:
    r = client.post("/extract", json={"text": "规" * 40_000})  # 120 KB of UTF-8 over a 64 KB limit
    assert r.status_code == 413
    assert client.post("/extract", json={"text": PLAN}).status_code == 200


def test_streamed_body_without_length_over_the_limit_gets_413(client: TestClient) -> None:
    def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    r = client.post("/extract", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_default_limit_is_ten_megabytes() -> None:
    app = create_app()
    r = TestClient(app).post("/extract", content=b"x" * (10 * 1024 * 1024 + 1),
                             headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(("name", "data"), [
    ("plan.txt", PLAN.encode("gb18030")),
    ("plan.txt", PLAN.encode("utf-16")),
    ("plan.html", ("<html><body><nav>菜单</nav><p>" + PLAN.replace("\n", "</p><p>") + "</p></body></html>")
     .encode("utf-8")),
])
def test_upload_a_file(client: TestClient, name: str, data: bytes) -> None:
    r = client.post("/extract/file", files={"file": (name, io.BytesIO(data))}, data={"doc_date": "2021-06-30"})
    assert r.status_code == 200, r.text
    doc = PolicyDocument.model_validate(r.json())
    assert doc.meta.doc_date.isoformat() == "2021-06-30"
    assert any(h.title.startswith("发展目标") for h in doc.outline.headings)


def test_upload_html_view(client: TestClient) -> None:
    r = client.post("/extract/file?view=html", files={"file": ("plan.txt", io.BytesIO(PLAN.encode()))})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "pe-view" in r.text


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("bad.docx", b"not a zip" * 10, "zip"),
    ("bad.pdf", b"%PDF-1.4 truncated", "truncated"),
])
def test_unreadable_upload_gets_422_with_the_reason(client: TestClient, name: str, data: bytes,
                                                    reason: str) -> None:
    r = client.post("/extract/file", files={"file": (name, io.BytesIO(data))})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["error"] == "DocumentReadError" and reason in detail["reason"]
    assert client.get("/health").status_code == 200


def test_openapi_is_generated_from_the_records(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/extract", "/extract/file", "/health"} <= set(schema["paths"])
    components = schema["components"]["schemas"]
    assert {"PolicyDocument", "Target", "Statistic", "Deadline", "Entity", "Project", "Span"} <= set(components)
    assert "indicator" in components["Target"]["properties"]
