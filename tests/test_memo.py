"""BoundedMemo: a dict of kept answers that never holds more than its limit."""
from __future__ import annotations

import pytest

from policy_extract.memo import BoundedMemo


def test_keep_stores_and_returns_the_value():
    memo: BoundedMemo[str, int] = BoundedMemo(limit=3)
    assert memo.keep("济南高新区", 2) == 2
    assert memo.get("济南高新区") == 2
    assert memo.get("章锦综合保税区") is None


@pytest.mark.parametrize("limit, stored, expected", [
    (1, ["a", "b"], ["b"]),                  # full at one: each new key replaces the last
    (2, ["a", "b"], ["a", "b"]),             # up to the limit: all kept
    (2, ["a", "b", "c"], ["c"]),             # one over: emptied, then the new key stored
    (3, ["a", "b", "c", "d", "e"], ["d", "e"]),
])
def test_a_full_memo_is_emptied_before_the_next_key(limit, stored, expected):
    memo: BoundedMemo[str, str] = BoundedMemo(limit)
    for key in stored:
        memo.keep(key, key.upper())
        assert len(memo) <= limit
    assert sorted(memo) == expected
    assert all(memo[k] == k.upper() for k in expected)


def test_storing_a_key_again_never_grows_it_past_the_limit():
    memo: BoundedMemo[int, int] = BoundedMemo(limit=100)
    for i in range(10_000):
        memo.keep(i % 250, i)
        assert len(memo) <= 100


@pytest.mark.parametrize("limit", [0, -5])
def test_a_memo_must_hold_something(limit):
    with pytest.raises(ValueError, match="at least one entry"):
        BoundedMemo(limit)


def test_the_entity_stage_keeps_its_answers_in_bounded_memos():
    """Every table of kept answers in the entity stage and the segmenter is bounded (a batch
    of millions of documents must not grow them without end)."""
    from policy_extract import Pipeline

    ext = next(e for e in Pipeline(extractors=["entities"]).extractors if e.name == "entities")
    tables = {name: value for obj in (ext, ext.bounds) for name, value in vars(obj).items()
              if isinstance(value, dict) and name.startswith("_")}
    assert tables, "the stage keeps answers somewhere"
    assert all(isinstance(t, BoundedMemo) for t in tables.values()), \
        [n for n, t in tables.items() if not isinstance(t, BoundedMemo)]
