"""A bounded table of answers kept per key, for pure functions whose inputs recur.

Names, windows of text and unknown words recur within one document and across a batch
(济南高新区 80 times in one plan), so stages keep what they computed per input. A batch of a
million documents must not grow such a table without end: :class:`BoundedMemo` empties itself
when it is full. That forgets everything at once, which costs one cold document now and then
and nothing on every look-up, where an LRU order would cost on each hit.

It is a ``dict``, so a look-up is ``memo.get(key)`` at the speed of a plain dict (these
tables sit on the hottest paths); only storing goes through :meth:`BoundedMemo.keep`."""
from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """``dict`` that holds at most ``limit`` entries: :meth:`keep` empties it first when full.

    >>> memo: BoundedMemo[str, int] = BoundedMemo(limit=2)
    >>> memo.keep("a", 1), memo.keep("b", 2), memo.keep("c", 3)
    (1, 2, 3)
    >>> dict(memo)
    {'c': 3}
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"a memo must hold at least one entry, not {limit}")
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (emptying the table first if it is full); returns it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
