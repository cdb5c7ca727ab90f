"""The shared document object every stage reads and writes (in the spirit of spaCy's ``Doc``).

Stages work in *normalised* coordinates (``doc.text``); ``doc.span()`` turns a normalised range
into a ``Span`` of the caller's string, so every record is born with its final offsets.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import regex

from .offsets import OffsetMap
from .records import ExtractionWarning, Span

if TYPE_CHECKING:
    from .patterns import PatternSet
    from .segment import Segmenter, Token

_SENTENCE_CHARS = "。！？!?；;\n"
"""a sentence ends at a run of these"""
_SENTENCE_END = regex.compile("[" + regex.escape(_SENTENCE_CHARS) + "]+")
"""a run of them (``_split_at_chars(text, _SENTENCE_CHARS)`` = ``_split(text, _SENTENCE_END)``)"""
# a comma between digits (1,291.5) is a thousands separator, not a clause end
_CLAUSE_END = regex.compile(r"(?:[。！？!?；;\n，：:]|,(?![0-9]{3}(?![0-9])))+")


@dataclass
class SectionMark:
    """A heading's place in the normalised text, for looking up the section of a position."""

    start: int
    level: int
    title: str


@dataclass
class Doc:
    source: str
    """the caller's string, untouched"""
    text: str
    """normalised text; boilerplate is blanked out (same length) once structure has run"""
    offsets: OffsetMap
    patterns: "PatternSet"
    segmenter: "Segmenter | None" = None
    doc_date: dt.date | None = None
    doc_date_source: str = "none"
    normalized: str = ""
    """normalised text before boilerplate was blanked"""
    script: str = "simplified"
    """"traditional" when the input was read through the traditional->simplified table"""
    marks: dict[str, list[int]] = field(default_factory=dict)
    """where normalisation removed what a rule marks, in ``text`` offsets (Normalized.marks)"""
    meta: dict[str, Any] = field(default_factory=dict)
    outline: Any = None  # records.Outline once structure has run
    section_marks: list[SectionMark] = field(default_factory=list)
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    table_ranges: list[tuple[int, int]] = field(default_factory=list)
    """normalised ranges of tables (their rows are read by tables.py, not as prose)"""
    table_cells: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    """normalised cells of each table, by its label (表2)"""
    column_boxes: list[Any] | None = None
    """the 专栏 boxes structure read (``structure.ColumnBox``), for the projects extractor;
    None until structure ran"""
    time_expressions: list[Any] | None = None
    """every time expression found (extract/time.py), for linking targets to deadlines;
    None until the deadlines extractor (or the targets extractor, if deadlines is off) ran"""
    records: dict[str, list[Any]] = field(default_factory=dict)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    _token_cache: dict[tuple[int, int], list["Token"]] = field(default_factory=dict, repr=False)

    # -- offsets --------------------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        s, e = self.offsets.to_original(start, end)
        return Span(start=s, end=e)

    def quote(self, span: Span) -> str:
        return self.source[span.start:span.end]

    def surface(self, start: int, end: int, text: str | None = None) -> str:
        """The input as written at normalised ``[start, end)`` when it is the same word
        (traditional characters kept as written); else the normalised text."""
        normal = self.text[start:end] if text is None else text
        if self.script == "simplified":
            return normal
        s, e = self.offsets.to_original(start, end)
        written = self.source[s:e]
        return written if len(written) == len(normal) else normal

    def located(self, start: int, end: int) -> dict[str, Any]:
        """The common fields of a record found at normalised ``[start, end)``; the span as its
        two offsets, which the record validates as it validates itself (one step, not two)."""
        s, e = self.offsets.to_original(start, end)
        return {"span": {"start": s, "end": e}, "quote": self.source[s:e], "section": self.section_at(start)}

    # -- structure ------------------------------------------------------------------
    def section_at(self, pos: int) -> list[str]:
        """The heading path (outermost first) that governs normalised position ``pos``."""
        marks = self.section_marks
        if not marks:
            return []
        starts, paths = self._sections
        i = bisect.bisect_right(starts, pos) - 1
        path = paths.get(i)
        if path is None:  # the path only changes at a heading: worked out once per heading
            path = []
            level = 10**6
            j = i
            while j >= 0:
                m = marks[j]
                if m.level < level:
                    path.append(m.title)
                    level = m.level
                    if level <= 1:
                        break
                j -= 1
            path = paths[i] = path[::-1]
        return list(path)

    @cached_property
    def _sections(self) -> tuple[list[int], dict[int, list[str]]]:
        """Where each heading starts, and the heading path found after each (filled on demand)."""
        return [m.start for m in self.section_marks], {}

    # -- text units -----------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence ranges (split at 。！？； and line breaks), blank ones dropped."""
        return _split_at_chars(self.text, _SENTENCE_CHARS)

    @cached_property
    def lines(self) -> list[tuple[int, int]]:
        out, pos = [], 0
        for line in self.text.split("\n"):
            end = pos + len(line)
            if line and not line.isspace():  # = line.strip(), without building the stripped copy
                out.append((pos, end))
            pos = end + 1
        return out

    def tokens(self, start: int, end: int) -> list["Token"]:
        """Segment ``text[start:end]`` on demand (cached); offsets are normalised positions."""
        key = (start, end)
        if key not in self._token_cache:
            if self.segmenter is None:
                raise RuntimeError("this Doc has no segmenter")
            self._token_cache[key] = [
                t.shifted(start) for t in self.segmenter.cut(self.text[start:end])
            ]
        return self._token_cache[key]

    def warn(self, code: str, message: str, start: int | None = None, end: int | None = None,
             stage: str | None = None) -> None:
        span = self.span(start, end if end is not None else start) if start is not None else None
        self.warnings.append(ExtractionWarning(code=code, message=message, span=span, stage=stage))


def as_written(normalised: str, quote: str) -> str:
    """A name as the caller's text writes it (``quote``, 長安汽車 in a traditional repost) where
    it maps character for character onto the normalised name (长安汽车); else the normalised
    name (a quote holding markup or a dropped character: &ldquo;东数西算&rdquo;工程)."""
    return quote if len(quote) == len(normalised) and quote.strip() == quote else normalised


def _split(text: str, boundary: regex.Pattern, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Ranges of ``text[start:end]`` between runs of ``boundary`` (each with the run after it),
    blank ones dropped; positions index ``text``. The pattern is run on ``text`` between
    ``start`` and ``end`` (no copy; it sees nothing outside them)."""
    return list(_iter_split(text, boundary, start, end))


def _split_at_chars(text: str, chars: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``_split(text, boundary, start, end)`` for a boundary that is a run of any of ``chars``,
    without a regex: every boundary character becomes the first one (``str.replace``, a pass
    at memory speed per character present) and ``str.split`` cuts there, so Python visits the
    pieces, not the characters (the tests compare the two)."""
    end = len(text) if end is None else end
    part = text[start:end] if start or end != len(text) else text
    sep = chars[0]
    for c in chars[1:]:
        if c in part:
            part = part.replace(c, sep)
    out: list[tuple[int, int]] = []
    append = out.append
    pos, opened = start, -1  # opened: the start of a sentence whose run of boundaries goes on
    for piece in part.split(sep):
        if piece:  # the run before it ended: so did the sentence before the run
            if opened >= 0:
                append((opened, pos))
            opened = -1 if piece.isspace() else pos  # (a blank piece is no sentence)
            pos += len(piece) + 1
        else:  # one more boundary character in a run
            pos += 1
    if opened >= 0:
        append((opened, end))
    return out


def _iter_split(text: str, boundary: regex.Pattern, start: int = 0, end: int | None = None):
    """``_split``, one range at a time (a caller that has what it needs stops the scan there)."""
    end = len(text) if end is None else end
    pos = start
    for m in boundary.finditer(text, start, end):
        a = m.start()
        # = text[pos:a].strip(), without the copy (and mostly without looking past the first character)
        if a > pos and (not text[pos].isspace() or not text[pos:a].isspace()):
            yield pos, m.end()
        pos = m.end()
    if pos < end and not text[pos:end].isspace():
        yield pos, end


def iter_clauses(text: str, start: int, end: int):
    """``clauses``, one at a time, for ``0 <= start <= end <= len(text)``."""
    return _iter_split(text, _CLAUSE_END, start, end)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause ranges inside ``text[start:end]`` (split also at ，：)."""
    if 0 <= start <= end <= len(text):
        return _split(text, _CLAUSE_END, start, end)
    return [(start + s, start + e) for s, e in _split(text[start:end], _CLAUSE_END)]
