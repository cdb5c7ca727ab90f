"""Offset maps: every character of the normalised text points back into the caller's string."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass
class OffsetMap:
    """Maps normalised positions to original positions.

    Normalised character ``i`` has an original span ``[start, end)``; a character that replaced
    a longer piece (``&ldquo;`` -> ``“``, a tag -> ``\\n``) covers that whole piece.

    The map is stored as runs, not per character: run ``k`` begins at normalised position
    ``run_at[k]`` and either *keeps* original text from ``run_from[k]`` on (``run_to[k] < 0``:
    character ``i`` of the run is ``[from + i, from + i + 1)``) or *replaces* the original piece
    ``[run_from[k], run_to[k])`` (every character of the run covers all of it). ``None`` runs mean
    the identity (nothing was inserted or removed).
    """

    original_length: int
    run_at: list[int] | None = None
    run_from: list[int] | None = None
    run_to: list[int] | None = None
    length: int = 0
    """length of the normalised text (when there are runs)"""

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls(length)

    def _start(self, i: int) -> int:
        if i < 0:
            i += self.length
        k = bisect_right(self.run_at, i) - 1
        return self.run_from[k] + (i - self.run_at[k]) if self.run_to[k] < 0 else self.run_from[k]

    def _end(self, i: int) -> int:
        if i < 0:
            i += self.length
        k = bisect_right(self.run_at, i) - 1
        to = self.run_to[k]
        return self.run_from[k] + (i - self.run_at[k]) + 1 if to < 0 else to

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised ``[start, end)``."""
        if self.run_at is None:
            return start, end
        n = self.length
        if n == 0:
            return 0, 0
        if end <= start:
            pos = self._start(start) if start < n else self.original_length
            return pos, pos
        return self._start(min(start, n - 1)), self._end(min(end, n) - 1)


class OffsetMapBuilder:
    """Builds a normalised string piece by piece, recording where each piece came from."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.parts: list[str] = []
        self.run_at: list[int] = []
        self.run_from: list[int] = []
        self.run_to: list[int] = []
        self.length = 0
        self.changed = False

    def keep(self, start: int, end: int) -> None:
        if end <= start:
            return
        self.parts.append(self.original[start:end])
        self.run_at.append(self.length)
        self.run_from.append(start)
        self.run_to.append(-1)
        self.length += end - start

    def replace(self, start: int, end: int, text: str) -> None:
        """Put ``text`` in place of ``original[start:end]`` (empty text deletes it)."""
        self.changed = True
        if not text:
            return
        self.parts.append(text)
        # every new character points at the whole replaced piece
        self.run_at.append(self.length)
        self.run_from.append(start)
        self.run_to.append(end)
        self.length += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        if not self.changed:
            return self.original, OffsetMap.identity(len(self.original))
        return "".join(self.parts), OffsetMap(len(self.original), self.run_at, self.run_from,
                                              self.run_to, self.length)
