"""Stage 0, load: files to text. Encodings are detected; unreadable files raise DocumentReadError."""
from __future__ import annotations

import codecs
from pathlib import Path

from .errors import DocumentReadError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bytes: BOM, then UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc)
    if b"\x00" in data[:4096] and len(data) % 2 == 0:
        try:
            return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DocumentReadError(name, f"not UTF-8, UTF-16 or GB18030 text ({exc.reason} at byte {exc.start})") from exc


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentReadError(p, exc.strerror or str(exc)) from exc
    return decode(data, str(p))
