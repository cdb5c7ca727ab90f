"""HTTP service: ``create_app()`` builds a FastAPI app (``pip install 'policy_extract[service]'``).

- ``POST /extract`` with JSON ``{"text": "...", "doc_date": "2021-06-30"}`` → the PolicyDocument JSON
- ``POST /extract/file`` (multipart upload ``file``, optional form field ``doc_date``) → the same;
  .txt in any supported encoding, .html, .docx, .pdf; an unreadable file → 422 with the reason
- ``POST /extract/file?view=html`` → the HTML view of the uploaded document
- ``GET /health`` → ``{"status": "ok", "version": ...}``
- ``GET /openapi.json``, ``/docs``: the schema generated from the Pydantic models

A body over ``max_body_bytes`` (default 10 MB) gets 413 before anything is parsed; malformed JSON
gets 422; a failure on one request never stops the service. Extraction runs in the worker
thread pool (the endpoints are plain functions), so slow documents do not block ``/health``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from . import __version__, get_pipeline
from .errors import BackendUnavailable, DocumentReadError, InputError
from .records import PolicyDocument

DEFAULT_MAX_BODY = 10 * 1024 * 1024

try:
    from fastapi import FastAPI, File, Form, HTTPException, Query, UploadFile
    from fastapi.responses import HTMLResponse, JSONResponse
except ImportError:  # pragma: no cover - reported when create_app() is called
    FastAPI = None  # type: ignore[assignment,misc]


class ExtractRequest(BaseModel):
    text: str = Field(description="the document text; spans in the answer are offsets into it")
    doc_date: dt.date | None = Field(None, description="resolves relative dates (今年, 力争3年 ...)")


class Health(BaseModel):
    status: str
    version: str


class ErrorBody(BaseModel):
    detail: Any


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes gets 413 without reaching the app.

    The body is read here (so a missing or lying Content-Length cannot slip past) and replayed to
    the app; memory is bounded by the limit."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: dict, receive: Any, send: Any) -> None:
        response = JSONResponse({"detail": f"request body is larger than the limit of {self.limit} bytes"},
                                status_code=413)
        await response(scope, receive, send)


def create_app(*, max_body_bytes: int = DEFAULT_MAX_BODY, pipeline_options: dict | None = None) -> Any:
    """The FastAPI application. ``pipeline_options`` are Pipeline options (``segmenter``, ``disable`` ...)."""
    if FastAPI is None:
        raise BackendUnavailable("the service needs FastAPI: pip install 'policy_extract[service]'")
    options = dict(pipeline_options or {})
    pipeline = get_pipeline(**options)  # built now, so the first request is not slow and bad options fail here
    app = FastAPI(title="policy_extract", version=__version__,
                  description="Chinese policy documents in, validated records with character spans out.")

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=__version__)

    @app.post("/extract", response_model=PolicyDocument, responses={413: {"model": ErrorBody}})
    def extract_text(request: ExtractRequest) -> PolicyDocument:
        """Extract records from a text; spans are offsets into ``text``."""
        return pipeline(request.text, doc_date=request.doc_date)

    @app.post("/extract/file", response_model=PolicyDocument,
              responses={413: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    def extract_upload(file: UploadFile = File(...), doc_date: dt.date | None = Form(None),
                       view: str | None = Query(None, pattern="^html$",
                                                description="html: answer with the highlighted view")) -> Any:
        """Extract records from an uploaded .txt/.html/.docx/.pdf; spans are offsets into its text."""
        from .loaders import load_bytes

        data = file.file.read()
        try:
            loaded = load_bytes(data, file.filename or "upload")
        except DocumentReadError as exc:
            raise HTTPException(422, detail={"error": "DocumentReadError", "file": exc.path,
                                             "reason": exc.reason}) from None
        doc = pipeline(loaded.text, doc_date=doc_date)
        if view == "html":
            from .view import render_html

            return HTMLResponse(render_html(doc, loaded.text, pages=loaded))
        return doc

    @app.exception_handler(InputError)
    async def input_error(_: Any, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.add_middleware(BodyLimit, limit=max_body_bytes)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body_bytes: int = DEFAULT_MAX_BODY) -> None:
    """Run the service with uvicorn (blocks)."""
    try:
        import uvicorn
    except ImportError as exc:
        raise BackendUnavailable("serving needs uvicorn: pip install 'policy_extract[service]'") from exc
    uvicorn.run(create_app(max_body_bytes=max_body_bytes), host=host, port=port)
