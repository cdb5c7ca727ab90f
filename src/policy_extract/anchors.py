"""Trying a rule only where it can match: near the words every one of its matches holds.

A rule's ``data`` in ``patterns/*.yaml`` may declare::

    data: {anchor: [年, 个月], anchor_within: 14}

meaning: every match starts at most ``anchor_within`` characters (default 0: right at the word)
before one of the ``anchor`` words. An extractor then finds the words with ``str.find`` and tries
the rule only in front of them. The result is exactly what ``rx.finditer`` over the whole range
gives (non-empty matches, each scan resuming where the last match ended); the tests check this
for every anchored rule against a full scan.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from .errors import PatternError
from .regex_facts import reach


@dataclass(frozen=True)
class Anchor:
    words: tuple[str, ...]
    within: int
    """a match starts at most this many characters before one of ``words``"""
    reach: int | None
    """how far past its start a match attempt may read; None where that is not known"""


def anchor_of(rule: Any, rx: regex.Pattern, file: str) -> Anchor | None:
    """The rule's declared anchor (None: none declared); a malformed one is a PatternError."""
    data = rule.data or {}
    words, within = data.get("anchor"), data.get("anchor_within", 0)
    if words is None:
        return None
    if isinstance(words, str):
        words = [words]
    if (not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words)
            or not isinstance(within, int) or isinstance(within, bool) or within < 0):
        raise PatternError(f"{file}.yaml rule {rule.id!r}: `anchor` must be a list of words (one of "
                           f"them in every match) and `anchor_within` a count >= 0")
    return Anchor(tuple(words), within, reach(rx))


def positions(text: str, words: tuple[str, ...], start: int = 0, end: int | None = None) -> list[int]:
    """Every start of one of ``words`` in ``text[start:end]``, sorted (``str.find``: no regex)."""
    end = len(text) if end is None else end
    found: set[int] = set()
    for w in words:
        i = text.find(w, start, end)
        while i >= 0:
            found.add(i)
            i = text.find(w, i + 1, end)
    return sorted(found)


def anchored_matches(rx: regex.Pattern, text: str, anchor: Anchor, at: list[int], start: int = 0,
                     end: int | None = None) -> list[regex.Match]:
    """``rx.finditer(text, start, end)``'s non-empty matches, for a rule anchored by ``anchor``
    whose words stand at ``at`` (sorted positions in ``[start, end)``).

    With a known reach, one bounded search per window in front of the anchors (overlapping
    windows merged): a search bounded at ``hi + reach`` reads every character an attempt at or
    before ``hi`` may read. Else each start in the windows is tried with ``match``."""
    end = len(text) if end is None else end
    out: list[regex.Match] = []
    within, reach = anchor.within, anchor.reach
    pos = start  # where the scan resumes (the end of the last match)
    k, count = 0, len(at)
    while k < count:
        lo, hi = at[k] - within, at[k]
        k += 1
        while k < count and at[k] - within <= hi + 1:
            hi = at[k]
            k += 1
        s = max(lo, pos)
        while s <= hi:
            if reach is not None:
                m = rx.search(text, s, min(end, hi + reach))
                if m is None or m.start() > hi:
                    break
            else:
                m = rx.match(text, s, end)
                if m is None or m.end() == m.start():
                    s += 1
                    continue
            if m.end() > m.start():
                out.append(m)
                s = pos = m.end()
            else:  # an empty match: finditer would step past it
                s = m.start() + 1
    return out
