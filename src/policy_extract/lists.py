"""Splitting enumerations (A、B、C等) into items, respecting brackets and quotes."""
from __future__ import annotations

import re

from .memo import BoundedMemo

_OPEN = "(（[［【《“‘「『〈"
_CLOSE = ")）]］】》”’」』〉"
_PAIR = dict(zip(_OPEN, _CLOSE))
_TRAIL = "。；;，,.．:： \t"
_MARKS: BoundedMemo[str, re.Pattern] = BoundedMemo(32)


def _marks(separators: str) -> re.Pattern:
    """One character class of the brackets, quotes and ``separators``."""
    rx = _MARKS.get(separators)
    if rx is None:
        chars = sorted(set(_OPEN + _CLOSE + separators))
        rx = _MARKS.keep(separators, re.compile("[" + "".join(map(re.escape, chars)) + "]"))
    return rx


def split_items(text: str, start: int = 0, separators: str = "、;；") -> list[tuple[str, int, int]]:
    """Split ``text`` on top-level separators; returns ``(item, start, end)`` with offsets.

    A separator inside brackets or quotes does not split (``项目（电工所、理化所）`` is one
    item). The trailing 等 / 等。 of the last item and surrounding punctuation are dropped.
    Bracket depth is bounded, and an unclosed bracket stops counting at the end of the text,
    so the cost is linear.
    """
    out: list[tuple[str, int, int]] = []
    stack: list[str] = []
    item_start = 0
    # only brackets, quotes and separators change anything: visit those characters alone
    for m in _marks(separators).finditer(text):
        i, ch = m.start(), m.group()
        if ch in _PAIR and (ch != "“" or not stack or stack[-1] != "”"):
            if len(stack) < 64:
                stack.append(_PAIR[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch in _CLOSE and ch in stack:  # a mismatched close: unwind to it
            while stack and stack.pop() != ch:
                pass
        elif ch in separators and not stack:
            out.append(_trim(text, item_start, i, start))
            item_start = i + 1
    out.append(_trim(text, item_start, len(text), start, last=True))
    return [x for x in out if x[0]]


def _trim(text: str, s: int, e: int, base: int, last: bool = False) -> tuple[str, int, int]:
    piece = text[s:e]  # (str.strip: one call, not a step per character)
    left = piece.lstrip(_TRAIL)
    s += len(piece) - len(left)
    item = left.rstrip(_TRAIL)
    e = s + len(item)
    if last:
        for tail in ("等等", "等"):
            if item.endswith(tail) and len(item) > len(tail) + 1:
                item = item[:-len(tail)].rstrip(_TRAIL)
                e = s + len(item)
                break
    return item, base + s, base + e
