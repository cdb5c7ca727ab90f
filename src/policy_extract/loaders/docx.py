"""DOCX: paragraphs and tables in document order, read with bounded memory (zip bombs and XML
entity declarations are refused)."""
from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import DocumentReadError
from .limits import MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(name, f"not a .docx (not a zip package: {exc})") from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES:
            raise DocumentReadError(name, f"the package unzips to {total} bytes, more than "
                                    f"{MAX_UNZIPPED_BYTES} (zip bomb?)")
        try:
            info = zf.getinfo("word/document.xml")
        except KeyError:
            raise DocumentReadError(name, "not a .docx (no word/document.xml in the package)") from None
        if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(1, info.compress_size):
            raise DocumentReadError(name, f"word/document.xml inflates {info.file_size // max(1, info.compress_size)}"
                                    " times (zip bomb?)")
        xml = _read_member(zf, info, name)
    root = _parse_xml(xml, name)
    body = root.find(f"{_W}body")
    if body is None:
        raise DocumentReadError(name, "word/document.xml has no body")
    lines: list[str] = []
    _docx_blocks(body, lines)
    return "\n".join(lines).strip("\n") + "\n"


_CHUNK = 1 << 20


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, read 1 MB at a time: zipfile inflates at most the requested amount per
    read and stops at the declared size, so a header that lies about the size cannot make this
    inflate more than ``MAX_UNZIPPED_BYTES`` (one big ``read(n)`` would inflate up to ``n``)."""
    parts: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_UNZIPPED_BYTES:
                raise DocumentReadError(name, f"{info.filename} is too large (zip bomb?)")
            parts.append(chunk)
    return b"".join(parts)


def _parse_xml(xml: bytes, name: str) -> Any:
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring
    except ImportError as exc:
        from ..errors import BackendUnavailable
        raise BackendUnavailable("reading .docx needs defusedxml: pip install 'policy_extract[io]'") from exc
    try:
        return fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DocumentReadError(name, f"word/document.xml declares a DTD or entities ({type(exc).__name__}); "
                                "refused for safety") from exc
    except Exception as exc:  # noqa: BLE001 - ParseError and friends
        raise DocumentReadError(name, f"word/document.xml is not well-formed XML: {exc}") from exc


def _docx_blocks(container: Any, lines: list[str]) -> None:
    """Paragraphs and tables of a body, a cell or a content control, in document order."""
    stack: list[Any] = [iter(list(container))]
    while stack:
        try:
            el = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        tag = el.tag
        if tag == f"{_W}p":
            lines.append(_docx_paragraph(el))
        elif tag == f"{_W}tbl":
            _docx_table(el, lines)
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            stack.append(iter(list(el)))


def _docx_paragraph(p: Any) -> str:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{_W}t" and el.text:
            parts.append(el.text)
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _docx_table(tbl: Any, lines: list[str]) -> None:
    """One cell per line (a cell's paragraphs joined by a space); nested tables follow their cell."""
    lines.append("")
    for tr in tbl.findall(f"{_W}tr"):
        for tc in tr.findall(f"{_W}tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                continue  # the continuation of a vertically merged cell: its text is above
            texts, nested = [], []
            for el in tc:
                if el.tag == f"{_W}p":
                    t = _docx_paragraph(el).strip()
                    if t:
                        texts.append(t)
                elif el.tag == f"{_W}tbl":
                    nested.append(el)
            lines.append(" ".join(texts).replace("\n", " "))
            for inner in nested:
                _docx_table(inner, lines)
    lines.append("")
