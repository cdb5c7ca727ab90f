"""Stage 0, load: files to text.

``load(path)`` returns a :class:`LoadedText` (the text, the format, the encoding and, for PDF, a
page map); ``read_text(path)`` returns only the text. Supported: plain text in UTF-8 (with or
without BOM), UTF-16/32 (BOM or not), GB18030/GBK/GB2312 and Big5; HTML (main content only,
tables one cell per line); DOCX (paragraphs and tables in document order); PDF (text and tables,
one cell per line, with the page of every character).

Anything that cannot be read raises :class:`~policy_extract.errors.DocumentReadError` naming the
file and the reason: empty, binary, an unknown encoding, a truncated or encrypted PDF, a .docx
that is not a zip, a zip bomb, XML with entity declarations. Memory stays bounded by ``max_bytes``.

One module per format: ``encoding`` (plain text), ``html``, ``docx``, ``pdf``; ``limits`` holds
the size limits.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import DocumentReadError
from .docx import _read_docx
from .encoding import decode, decode_detect, plausibility
from .html import _decode_html, html_to_text
from .limits import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO
from .pdf import _read_pdf

__all__ = ["LoadedText", "Format", "SUFFIXES", "load", "load_bytes", "read_text", "sniff_format", "decode",
           "decode_detect", "plausibility", "html_to_text", "MAX_FILE_BYTES", "MAX_UNZIPPED_BYTES",
           "MAX_ZIP_RATIO"]

Format = Literal["txt", "html", "docx", "pdf"]

SUFFIXES: dict[str, Format] = {
    ".txt": "txt", ".text": "txt", ".md": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".docx": "docx", ".pdf": "pdf",
}


@dataclass(frozen=True)
class LoadedText:
    """A file read as text. ``page_starts[i]`` is the offset where page ``i + 1`` begins."""

    text: str
    path: str
    format: Format
    encoding: str | None = None
    page_starts: tuple[int, ...] = field(default=())

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset`` (None without a page map)."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def page_of(self, item: Any) -> int | None:
        """The page where a record, a Span or an offset starts."""
        if isinstance(item, int):
            return self.page_at(item)
        span = getattr(item, "span", item)
        return self.page_at(span.start)

    def page_range(self, item: Any) -> tuple[int, int] | None:
        """First and last page of a record or Span (a span may cross a page break)."""
        if not self.page_starts:
            return None
        span = getattr(item, "span", item)
        return self.page_at(span.start), self.page_at(max(span.start, span.end - 1))


# ---------------------------------------------------------------- entry points
def load(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> LoadedText:
    """Read ``path`` as text; the format comes from the suffix, else from the content."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise DocumentReadError(p, "is a directory, not a file")
        if size > max_bytes:
            raise DocumentReadError(p, f"file has {size} bytes, more than the limit of {max_bytes}")
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentReadError(p, exc.strerror or str(exc)) from exc
    return load_bytes(data, p.name, path=str(p), max_bytes=max_bytes)


def read_text(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of ``path`` (see :func:`load`)."""
    return load(path, max_bytes=max_bytes).text


def load_bytes(data: bytes, filename: str = "<bytes>", *, path: str | None = None,
               max_bytes: int = MAX_FILE_BYTES) -> LoadedText:
    """Read the bytes of a file called ``filename`` (an upload, an archive member ...)."""
    name = path or filename
    if len(data) > max_bytes:
        raise DocumentReadError(name, f"{len(data)} bytes, more than the limit of {max_bytes}")
    if not data.strip():
        raise DocumentReadError(name, "the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise DocumentReadError(name, "an old binary Office file (.doc/.xls); save it as .docx first")
    fmt = sniff_format(data, filename)
    try:
        if fmt == "pdf":
            text, pages = _read_pdf(data, name)
            return LoadedText(_check_text(text, name, "pdf"), name, "pdf", None, pages)
        if fmt == "docx":
            return LoadedText(_check_text(_read_docx(data, name), name, "docx"), name, "docx")
        if fmt == "html":
            markup, encoding = _decode_html(data, name)
            return LoadedText(_check_text(html_to_text(markup), name, "html"), name, "html", encoding)
        text, encoding = decode_detect(data, name)
        return LoadedText(_check_text(text, name), name, "txt", encoding)
    except DocumentReadError:
        raise
    except MemoryError as exc:
        raise DocumentReadError(name, "the file needs more memory than is available") from exc
    except RecursionError as exc:
        raise DocumentReadError(name, "the file is nested too deeply to read") from exc
    except Exception as exc:  # noqa: BLE001 - a parser's own failure names the file, never escapes raw
        raise DocumentReadError(name, f"cannot read as {fmt}: {type(exc).__name__}: {exc}") from exc


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(data: bytes, filename: str = "") -> Format:
    """The format by content first (magic bytes), then by suffix; text when unsure."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    by_suffix = SUFFIXES.get(suffix)
    if by_suffix in ("pdf", "docx"):
        return by_suffix  # magic bytes missing: the reader says why it cannot be read
    if by_suffix == "html":
        return "html"
    lowered = head[:512].lower()
    if by_suffix is None and (lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html")
                              or b"<html" in lowered[:200]):
        return "html"
    return "txt"


def _check_text(text: str, name: str, fmt: Format = "txt") -> str:
    if not text.strip():
        if fmt == "pdf":
            raise DocumentReadError(name, "the PDF has no text layer (a scanned PDF needs OCR first)")
        raise DocumentReadError(name, f"no text in the {fmt} file")
    return text
