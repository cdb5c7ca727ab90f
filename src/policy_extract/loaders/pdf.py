"""PDF: the text of every page (tables one cell per line, in reading order) and the page map."""
from __future__ import annotations

import io
from typing import Any

from ..errors import DocumentReadError

def _read_pdf(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """Text of every page (tables one cell per line, in reading order) and the page map."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as exc:
        from ..errors import BackendUnavailable
        raise BackendUnavailable("reading PDF needs pdfplumber: pip install 'policy_extract[io]'") from exc
    if not data.lstrip().startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise DocumentReadError(name, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-8192:]:
        raise DocumentReadError(name, "truncated PDF (no %%EOF marker at the end)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
    except Exception as exc:  # noqa: BLE001
        if _is_encryption_error(exc):
            raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
        raise DocumentReadError(name, f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    with pdf:
        try:
            pages = list(pdf.pages)
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
        for page in pages:
            try:
                text = _pdf_page_text(page)
            except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
                raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
            finally:
                page.close()
            starts.append(offset)
            text = text.rstrip("\n") + "\n"
            parts.append(text)
            offset += len(text)
    return "".join(parts), tuple(starts)


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors: look through the wrapper's args and its chain."""
    seen: list[object] = [exc]
    while seen:
        e = seen.pop()
        if not isinstance(e, BaseException):
            continue
        if "password" in type(e).__name__.lower() or "encrypt" in type(e).__name__.lower() \
                or "password" in str(e).lower():
            return True
        seen.extend(a for a in e.args if isinstance(a, BaseException))
        seen.extend(x for x in (e.__cause__, e.__context__) if x is not None and x is not e)
    return False


def _pdf_page_text(page: Any) -> str:
    """Lines of text outside tables and the tables' cells, ordered by their top on the page."""
    tables = page.find_tables()
    blocks: list[tuple[float, list[str]]] = []
    rest = page
    for table in tables:
        x0, top, x1, bottom = table.bbox
        rest = rest.outside_bbox((max(x0, 0), max(top, 0), min(x1, page.width), min(bottom, page.height)),
                                 strict=False)
        cells = [("" if c is None else " ".join(c.split())) for row in table.extract() for c in row]
        blocks.append((top, ["", *[c for c in cells if c], ""]))
    for line in rest.extract_text_lines(return_chars=False):
        blocks.append((line["top"], [line["text"]]))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(ln for _, block in blocks for ln in block)
