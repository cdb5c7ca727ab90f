"""Plain text: byte-order marks, strict UTF-8, then the most plausible of GB18030, Big5, UTF-16
and charset-normalizer's guess (Big5 bytes decode without error as GB18030, into rare
characters, so candidates are scored by how much of the result is common Chinese text)."""
from __future__ import annotations

import codecs
import functools
from typing import Iterable

from ..errors import DocumentReadError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CJK_FALLBACKS = ("gb18030", "big5", "cp950", "big5hkscs")
_SAMPLE_CHARS = 200_000


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bytes of text whose encoding is unknown (see :func:`decode_detect`)."""
    return decode_detect(data, name)[0]


def decode_detect(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """(text, encoding): BOM, then strict UTF-8, then the most plausible of GB18030, Big5, UTF-16
    and charset-normalizer's guess. Big5 bytes also decode as GB18030 (into rare characters), so
    candidates are compared by how much of the result is common Chinese text."""
    if not data:
        raise DocumentReadError(name, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DocumentReadError(name, f"starts with a {enc} byte-order mark but is not {enc}: "
                                        f"{exc.reason} at byte {exc.start}") from exc
    nul = data.count(b"\x00", 0, 65536)
    if not nul:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _not_binary(text, name), "utf-8"
    candidates: list[tuple[str, str]] = []
    if nul:
        encodings: Iterable[str] = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    else:
        encodings = _CJK_FALLBACKS
    for enc in encodings:
        try:
            candidates.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    guess = _charset_normalizer_guess(data)
    if guess and guess not in {c[1] for c in candidates}:
        try:
            candidates.append((data.decode(guess), guess))
        except (UnicodeDecodeError, LookupError):
            pass
    if not candidates:
        what = "binary data" if nul else "text in an encoding that could not be detected"
        raise DocumentReadError(name, f"{what} (tried UTF-8, UTF-16, GB18030, Big5)")
    scored = [(plausibility(text), -i, text, enc) for i, (text, enc) in enumerate(candidates)]
    score, _, text, enc = max(scored)
    if score < 0.6:
        raise DocumentReadError(name, f"does not look like text (best guess {enc}, "
                                f"{score:.0%} plausible characters); binary file?")
    return text, enc


def _not_binary(text: str, name: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    if sample and controls / len(sample) > 0.05:
        raise DocumentReadError(name, "binary data, not text (many control characters)")
    return text


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: pip install 'policy_extract[io]'
        return None
    best = from_bytes(data[:262_144]).best()
    return best.encoding if best is not None else None


@functools.lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """The level-1 characters of GB2312 (3,755 simplified) and Big5 (5,401 traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        lead, trail = divmod(code, 256)
        if 0x40 <= trail <= 0x7E or 0xA1 <= trail <= 0xFE:
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of the (non-space) characters that are ordinary: ASCII, CJK punctuation, full-width
    forms, common Chinese characters. Wrongly decoded Chinese scores far lower."""
    common = _common_hanzi()
    good = total = 0
    for ch in text[:_SAMPLE_CHARS]:
        if ch.isspace():
            continue
        total += 1
        o = ord(ch)
        if 0x20 < o < 0x7F or ch in common or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E \
                or 0x2010 <= o <= 0x2027 or 0x00B7 == o or 0x2460 <= o <= 0x24FF:
            good += 1
    return good / total if total else 0.0
