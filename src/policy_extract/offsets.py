"""Offset maps: every character of the normalised text points back into the caller's string."""
from __future__ import annotations

from array import array
from dataclasses import dataclass


@dataclass
class OffsetMap:
    """Maps normalised positions to original positions.

    ``starts[i]``/``ends[i]`` give the original span of normalised character ``i``; a character
    that replaced a longer piece (``&ldquo;`` -> ``“``, a tag -> ``\\n``) covers that whole piece.
    ``None`` arrays mean the identity (nothing was inserted or removed).
    """

    original_length: int
    starts: array | None = None
    ends: array | None = None

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls(length)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised ``[start, end)``."""
        if self.starts is None:
            return start, end
        n = len(self.starts)
        if n == 0:
            return 0, 0
        if end <= start:
            pos = self.starts[start] if start < n else self.original_length
            return pos, pos
        s = self.starts[min(start, n - 1)]
        e = self.ends[min(end, n) - 1]
        return s, e


class OffsetMapBuilder:
    """Builds a normalised string piece by piece, recording where each piece came from."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.parts: list[str] = []
        self.starts = array("l")
        self.ends = array("l")
        self.changed = False

    def keep(self, start: int, end: int) -> None:
        if end <= start:
            return
        self.parts.append(self.original[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def replace(self, start: int, end: int, text: str) -> None:
        """Put ``text`` in place of ``original[start:end]`` (empty text deletes it)."""
        self.changed = True
        if not text:
            return
        self.parts.append(text)
        # every new character points at the whole replaced piece
        self.starts.extend([start] * len(text))
        self.ends.extend([end] * len(text))

    def build(self) -> tuple[str, OffsetMap]:
        if not self.changed:
            return self.original, OffsetMap.identity(len(self.original))
        return "".join(self.parts), OffsetMap(len(self.original), self.starts, self.ends)
