"""Stage 5, link: indicator ids from the catalog, one record per (indicator, value, unit, year).

- Each target and statistic gets ``indicator_id`` from ``patterns/indicators.yaml``.
- The same goal stated in prose and in an indicator table (高新技术企业达2500家 / the table row
  高新技术企业数(家) … 2500) becomes one record: the table's attribute, baseline and cumulative
  flag are kept, and so is the more specific indicator text.
"""
from __future__ import annotations

import re
from typing import Iterable, TypeVar

from .document import Doc
from .patterns import PatternSet
from .records import Quantity

Q = TypeVar("Q", bound=Quantity)

MERGE_WINDOW = 50
"""How many earlier records stating the same quantity a record is compared with."""


class IndicatorCatalog:
    def __init__(self, patterns: PatternSet) -> None:
        self.ignore = sorted(patterns.words("indicators", "ignore"), key=len, reverse=True)
        self.places = sorted(patterns.words("indicators", "places"), key=len, reverse=True)
        # most keys begin with no place and end in no ignored word: one C call tells so
        self._any_place = tuple(self.places)
        self._any_ignored = tuple(self.ignore)
        names: list[tuple[str, str]] = []
        for entry in patterns.entries("indicators"):
            for name in entry["names"]:
                names.append((self._key(str(name)), str(entry["id"])))
        self.names = sorted(names, key=lambda kv: -len(kv[0]))
        # name -> id, the first (longest-first order) entry of a name winning: a key's suffixes
        # are looked up from the longest down, one dict probe each (no scan over the names)
        self._by_name: dict[str, str] = {}
        for name, ident in self.names:
            self._by_name.setdefault(name, ident)
        # a suffix of a key can be a name only if the key ends as some name does
        self._name_last = {name[-1] for name in self._by_name if name}
        self._memo: dict[str, str | None] = {}

    def _key(self, text: str) -> str:
        text = text.replace("（", "(").replace("）", ")").replace(" ", "")
        if text.startswith(self._any_place):
            for p in self.places:
                if text.startswith(p) and len(text) > len(p) + 1:
                    text = text[len(p):]
                    break
        changed = text.endswith(self._any_ignored)  # (else a pass would change nothing)
        while changed:
            changed = False
            for w in self.ignore:
                if text.endswith(w) and len(text) > len(w) + 1:
                    text = text[: -len(w)]
                    changed = True
        return text

    def lookup(self, indicator: str | None) -> str | None:
        """The id of the longest catalog name the indicator equals or (for names of four
        characters or more, with no 占 before it) ends with."""
        if not indicator:
            return None
        got = self._memo.get(indicator, "")
        if got != "":
            return got
        key = self._key(indicator)
        by_name = self._by_name
        found = by_name.get(key)
        if found is None and key and key[-1] in self._name_last:
            n = len(key)
            for cut in range(1, n - 3):  # suffixes key[cut:], longest first, at least 4 long
                ident = by_name.get(key[cut:])
                if ident is not None and "占" not in key[:cut]:
                    found = ident
                    break
        if len(self._memo) < 100_000:  # a phrase -> catalog entry memo (bounded)
            self._memo[indicator] = found
        return found


def _catalog(patterns: PatternSet) -> IndicatorCatalog:
    """One catalog per PatternSet (built on first use)."""
    catalog = getattr(patterns, "_indicator_catalog", None)
    if catalog is None:
        catalog = IndicatorCatalog(patterns)
        patterns._indicator_catalog = catalog  # type: ignore[attr-defined]
    return catalog


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def similar_indicators(a: str | None, b: str | None, ida: str | None = None, idb: str | None = None) -> bool:
    if ida and idb:
        return ida == idb
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    x, y = _bigrams(a), _bigrams(b)
    if 2 * len(x & y) / (len(x) + len(y)) < 0.6:
        return False
    return _heads_agree(a, b)


def _heads_agree(a: str, b: str) -> bool:
    """规上工业占全市比重 / 规上服务业占全市比重 share their tail, not their subject: after the
    common tail, what is left of each must still be alike."""
    k = 0
    while k < min(len(a), len(b)) and a[-1 - k] == b[-1 - k]:
        k += 1
    if k < 3:
        return True
    ha, hb = a[: len(a) - k], b[: len(b) - k]
    if not ha or not hb or ha in hb or hb in ha:
        return True
    x, y = _bigrams(ha), _bigrams(hb)
    return 2 * len(x & y) / (len(x) + len(y)) >= 0.5


_TWO_HAN = re.compile("[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")


def _richness(q: Quantity) -> tuple[int, int, int]:
    """Table facts first, then an indicator written in Chinese (two Han characters or more),
    then the longer indicator."""
    facts = (q.attribute is not None) + (q.baseline_value is not None) + (q.baseline_year is not None) + int(q.cumulative)
    text = q.indicator or ""
    return facts, int(_TWO_HAN.search(text) is not None), len(text)


def merge_duplicates(records: Iterable[Q]) -> list[Q]:
    """Collapse records that state the same quantity of the same indicator for the same year.

    Records are bucketed by (value, unit, kind), so only records stating the same quantity are
    compared: linear in the number of records."""
    out: list[Q] = []
    buckets: dict[tuple, list[int]] = {}
    for r in records:
        twin = None
        if r.indicator:  # a number with no indicator is never the same statement as another
            key = (r.base_value, r.base_unit, r.kind)
            bucket = buckets.setdefault(key, [])
            # the same quantity is rarely stated more than a few times: look at the latest few
            for i in reversed(bucket[-MERGE_WINDOW:]):
                o = out[i]
                if ((o.year == r.year or o.year is None or r.year is None)
                        and similar_indicators(o.indicator, r.indicator, o.indicator_id, r.indicator_id)):
                    twin = i
                    break
            if twin is None:
                bucket.append(len(out))
        if twin is None:
            out.append(r)
            continue
        keep, other = (out[twin], r) if _richness(out[twin]) >= _richness(r) else (r, out[twin])
        update = {k: getattr(other, k) for k in ("baseline_value", "baseline_year", "attribute", "year",
                                                  "indicator_id")
                  if getattr(keep, k) is None and getattr(other, k) is not None}
        if other.cumulative and not keep.cumulative:
            update["cumulative"] = True
        out[twin] = keep.model_copy(update=update) if update else keep
    return out


def link(doc: Doc) -> None:
    catalog = _catalog(doc.patterns)
    for field in ("targets", "statistics"):
        records = doc.records.get(field)
        if not records:
            continue
        with_ids = []
        for r in records:
            if not r.indicator_id:
                ident = catalog.lookup(r.indicator)
                if ident is not None:
                    r = r.model_copy(update={"indicator_id": ident})
            with_ids.append(r)
        doc.records[field] = merge_duplicates(with_ids)
