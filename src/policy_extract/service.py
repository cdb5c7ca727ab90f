"""HTTP service: ``create_app()`` builds a FastAPI app (``pip install 'policy_extract[service]'``).

- ``POST /extract`` with JSON ``{"text": "...", "doc_date": "2021-06-30"}`` → the PolicyDocument JSON
- ``POST /extract/file`` (multipart upload ``file``, optional form field ``doc_date``) → the same;
  .txt in any supported encoding, .html, .docx, .pdf; an unreadable file → 422 with the reason
- ``POST /extract/file?view=html`` → the HTML view of the uploaded document
- ``GET /health`` → ``{"status": "ok", "version": ...}``
- ``GET /openapi.json``, ``/docs``: the schema generated from the Pydantic models

A body over ``max_body_bytes`` (default 10 MB) gets 413 before anything is parsed; malformed JSON
gets 422; a failure on one request never stops the service. Reading and extraction run in a
bounded pool of ``workers`` threads, so slow documents do not block ``/health``; a request that
takes longer than ``request_timeout`` seconds (default 60) gets 504, and the pipeline is built
with ``stage_timeout=request_timeout`` so the abandoned work stops too.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from pydantic import BaseModel, Field
from pydantic_core import PydanticSerializationError

from . import __version__, get_pipeline
from .errors import BackendUnavailable, DocumentReadError, InputError
from .records import PolicyDocument

DEFAULT_MAX_BODY = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
DEFAULT_WORKERS = 4

try:
    from fastapi import FastAPI, File, Form, HTTPException, Query, UploadFile
    from fastapi.responses import HTMLResponse, JSONResponse, Response
except ImportError:  # pragma: no cover - reported when create_app() is called
    FastAPI = None  # type: ignore[assignment,misc]


class ExtractRequest(BaseModel):
    text: str = Field(description="the document text; spans in the answer are offsets into it")
    doc_date: dt.date | None = Field(None, description="resolves relative dates (今年, 力争3年 ...)")


def document_response(doc: PolicyDocument) -> Any:
    """The document as JSON. A text with lone surrogates (valid in a JSON string, not in UTF-8)
    is answered with them escaped (``\\ud800``), so the client gets back exactly the string it sent
    and every span still indexes it."""
    try:
        body = doc.__pydantic_serializer__.to_json(doc)
    except PydanticSerializationError:
        body = json.dumps(doc.model_dump(mode="json"), ensure_ascii=True).encode("ascii")
    return Response(body, media_type="application/json")


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


def create_app(*, max_body_bytes: int = DEFAULT_MAX_BODY, pipeline_options: dict | None = None,
               request_timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS) -> Any:
    """The FastAPI application. ``pipeline_options`` are Pipeline options (``segmenter``, ``disable`` ...);
    ``request_timeout``: seconds before a request gets 504; ``workers``: threads that extract."""
    if FastAPI is None:
        raise BackendUnavailable("the service needs FastAPI: pip install 'policy_extract[service]'")
    options = {"stage_timeout": request_timeout, **(pipeline_options or {})}
    pipeline = get_pipeline(**options)  # built now, so the first request is not slow and bad options fail here
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policy-extract")
    app = FastAPI(title="policy_extract", version=__version__,
                  description="Chinese policy documents in, validated records with character spans out.")

    async def bounded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` in the pool; 504 when it takes longer than ``request_timeout``."""
        future = asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.wait_for(future, request_timeout)
        except asyncio.TimeoutError:
            raise HTTPException(504, detail=f"the document took longer than {request_timeout:g}s; "
                                            "send a smaller one or raise the service's timeout") from None

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=__version__)

    @app.post("/extract", response_model=PolicyDocument,
              responses={413: {"model": ErrorBody}, 504: {"model": ErrorBody}})
    async def extract_text(request: ExtractRequest) -> Any:
        """Extract records from a text; spans are offsets into ``text``."""
        return document_response(await bounded(pipeline, request.text, doc_date=request.doc_date))

    def read_and_extract(data: bytes, filename: str, doc_date: dt.date | None, view: str | None) -> Any:
        from .loaders import load_bytes

        try:
            loaded = load_bytes(data, filename)
        except DocumentReadError as exc:
            raise HTTPException(422, detail={"error": "DocumentReadError", "file": exc.path,
                                             "reason": exc.reason}) from None
        doc = pipeline(loaded.text, doc_date=doc_date)
        if view == "html":
            from .view import render_html

            return HTMLResponse(render_html(doc, loaded.text, pages=loaded))
        return document_response(doc)

    @app.post("/extract/file", response_model=PolicyDocument,
              responses={413: {"model": ErrorBody}, 422: {"model": ErrorBody}, 504: {"model": ErrorBody}})
    async def extract_upload(file: UploadFile = File(...), doc_date: dt.date | None = Form(None),
                             view: str | None = Query(None, pattern="^html$",
                                                      description="html: answer with the highlighted view")) -> Any:
        """Extract records from an uploaded .txt/.html/.docx/.pdf; spans are offsets into its text."""
        data = await file.read()
        return await bounded(read_and_extract, data, file.filename or "upload", doc_date, view)

    @app.exception_handler(InputError)
    async def input_error(_: Any, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.add_middleware(BodyLimit, limit=max_body_bytes)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body_bytes: int = DEFAULT_MAX_BODY,
          request_timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS) -> None:
    """Run the service with uvicorn (blocks)."""
    try:
        import uvicorn
    except ImportError as exc:
        raise BackendUnavailable("serving needs uvicorn: pip install 'policy_extract[service]'") from exc
    uvicorn.run(create_app(max_body_bytes=max_body_bytes, request_timeout=request_timeout, workers=workers),
                host=host, port=port)
