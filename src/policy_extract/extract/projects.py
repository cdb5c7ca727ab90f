"""Projects: every item of every 专栏 list, and the projects named in prose.

Rules: ``patterns/projects.yaml`` (anchors, trigger verbs, generic heads) and the ``column`` /
``column_list`` rules of ``patterns/structure.yaml``. 专栏 blocks are the boxes the structure
stage read from ``doc.text`` (normalised offsets, ``structure.column_boxes``), so item spans are exact.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterator

import regex

from ..anchors import Anchor, anchor_of, anchored_matches, positions
from ..document import Doc, as_written
from ..lists import split_items
from ..patterns import PatternSet
from ..records import Project, validate_all
from ..regex_facts import faster
from . import register

_BRACKETS = regex.compile(r"[(（](?P<inner>[^()（）]{1,200})[)）]")
_LETTER = regex.compile(r"[\p{Han}A-Za-z]")
_MAX_NAME = 60
_WINDOW = 40  # how far left a prose name may reach from its suffix


# ---------------------------------------------------------------- 专栏 blocks
@dataclass
class ColumnItem:
    text: str
    start: int
    end: int


@dataclass
class ColumnBlock:
    """A 专栏 box found in ``doc.text``: its label, zone, and list lines with item offsets."""

    label: str
    title: str
    zone: str | None
    start: int
    end: int
    lists: list[tuple[str, list[ColumnItem]]] = field(default_factory=list)


def _rule(patterns: PatternSet, file: str, rule_id: str) -> regex.Pattern:
    return patterns.compile_rule(next(r for r in patterns.rules(file) if r.id == rule_id))


def column_blocks(doc: Doc) -> list[ColumnBlock]:
    """The 专栏 boxes of ``doc.text`` with their list items (cached on the doc): the boxes the
    structure stage read (read again only when it did not run), less the notes after items."""
    cached = doc.meta.get("_column_blocks")
    if cached is not None:
        return cached
    from ..structure import column_boxes  # one reading of the rules

    boxes = doc.column_boxes if doc.column_boxes is not None else column_boxes(doc)
    note_rx = _rule(doc.patterns, "projects", "item_note")
    out: list[ColumnBlock] = []
    for box in boxes:
        block = ColumnBlock(label=box.label, title=box.title, zone=box.zone, start=box.start, end=box.end)
        for category, found, _, _ in box.lists:
            items = []
            for item, s, e in found:
                note = note_rx.search(item)
                if note:
                    e -= len(item) - note.start()
                    item = item[:note.start()]
                if item:
                    items.append(ColumnItem(item, s, e))
            block.lists.append((category, items))
        out.append(block)
    doc.meta["_column_blocks"] = out
    return out


def components_of(name: str) -> list[str]:
    """中科院济南科创城项目（电工所、理化所一期） -> [电工所, 理化所一期]."""
    out: list[str] = []
    if "(" not in name and "（" not in name:
        return out  # (most names: no search)
    for m in _BRACKETS.finditer(name):
        parts = [t for t, _, _ in split_items(m.group("inner"))]
        if len(parts) > 1:
            out.extend(parts)
    return out


# ---------------------------------------------------------------- prose
class _Words:
    """The word lists of projects.yaml, compiled for prefix stripping and lookups."""

    def __init__(self, patterns: PatternSet) -> None:
        w = lambda key: patterns.words("projects", key)  # noqa: E731
        # word lists: the standard library's engine matches an alternation of plain words in
        # about half the time the regex module takes (`faster` keeps the regex module otherwise)
        self.left = faster(regex.compile(f"(?:{patterns.alternation(w('left_triggers'))})"))
        self.modifiers = faster(regex.compile(f"(?:{patterns.alternation(w('left_modifiers'))})"))
        self.connectives = faster(regex.compile(f"(?:{patterns.alternation(w('left_connectives'))})"))
        self.right = faster(regex.compile(f"(?:{patterns.alternation(w('right_triggers'))})"))
        inner = patterns.alternation(w("inner_triggers"))
        self.inner = faster(regex.compile(f"(?:{inner})" if inner else r"(?!)"))
        self.stop = set(w("name_stop_chars"))
        stops = "".join(regex.escape(c) for c in sorted(self.stop) if len(c) == 1)
        # the last stop character before a position, found in one call (a reverse search)
        self.last_stop = regex.compile(f"[{stops}]" if stops else r"(?!)", regex.REVERSE)
        self.generic = set(w("generic_modifiers"))
        self.markers = tuple(w("phrase_markers"))
        # any(marker in name) in one search (an empty marker is in every name)
        markers = patterns.alternation(self.markers)
        self.marker = faster(regex.compile("" if "" in self.markers else f"(?:{markers})" if markers else r"(?!)"))
        self.generic_heads = set(w("generic_heads"))
        self.generic_endings = tuple(w("generic_endings"))
        self.count_prefix = _rule(patterns, "projects", "count_prefix")
        self.bracketed_place = _rule(patterns, "projects", "bracketed_place")
        joiners = patterns.alternation(w("joiners"))
        # 项目/工程 followed by a joiner: where a phrase of two named projects is split
        self.joined = regex.compile(f"(?<=项目|工程)(?:{joiners})(?=[\\p{{Han}}A-Za-z“\"])") if joiners else None
        levels = patterns.alternation(w("level_prefixes"))
        self.level = faster(regex.compile(f"(?:{levels})")) if levels else None

    def last_stop_before(self, text: str, limit: int, pos: int) -> int:
        """Where a prose name ending at ``pos`` may begin at the earliest: after the last stop
        character in ``[limit, pos)``, reaching over a place in brackets (…（广州）…)."""
        while True:
            stop = self.last_stop.search(text, limit, pos)
            if stop is None:
                return limit
            if stop.group() in ")）":
                place = self.bracketed_place.search(text, max(limit, stop.end() - 8), stop.end())
                if place is not None and place.start() > limit:
                    pos = place.start()  # read on from before the bracket
                    continue
            return stop.end()

    def split_joined(self, name: str, start: int) -> list[tuple[str, int]]:
        """A工程和B工程 -> [(A工程, start), (B工程, ...)]; a name without a joiner after
        项目/工程 is returned whole."""
        if self.joined is None:
            return [(name, start)]
        out, a = [], 0
        for m in self.joined.finditer(name):
            out.append((name[a:m.start()], start + a))
            a = m.end()
        out.append((name[a:], start + a))
        return out

    def function_words_only(self, text: str) -> bool:
        """Is ``text`` nothing but connectives, adverbs and trigger verbs (在, 加快推进, 以及)?"""
        pos = 0
        for _ in range(8):
            if pos >= len(text):
                return True
            m = self.connectives.match(text, pos) or self.left.match(text, pos) or \
                self.modifiers.match(text, pos)
            if m is None or m.end() == pos:
                return False
            pos = m.end()
        return pos >= len(text)

    def strip_left(self, text: str, start: int) -> tuple[str, int, bool]:
        """Strip trigger verbs and the adverbs before them from the left (实施重点X工程 keeps
        重点); says whether a verb was among them."""
        c = self.connectives.match(text)
        pos = c.end() if c and c.end() < len(text) else 0
        after_verb, plain = None, pos
        for _ in range(8):
            m = self.left.match(text, pos)
            if m and m.end() < len(text):
                pos = after_verb = m.end()
                continue
            m = self.modifiers.match(text, pos)
            if not m or m.end() >= len(text):
                break
            pos = m.end()
        cut = plain if after_verb is None else after_verb
        return text[cut:], start + cut, after_verb is not None

    def after_inner(self, text: str, start: int, keep: int) -> tuple[str, int]:
        """Cut after the last inner trigger verb, leaving at least ``keep`` characters."""
        last = None
        for m in self.inner.finditer(text, 0, max(0, len(text) - keep)):
            last = m
        if last is not None:
            return text[last.end():], start + last.end()
        return text, start


def _anchor(patterns: PatternSet, rule_id: str, rx: regex.Pattern) -> Anchor | None:
    """The rule's `anchor` (data): every match starts with one of its words; None: not declared."""
    return anchor_of(next(r for r in patterns.rules("projects") if r.id == rule_id), rx, "projects")


def _finditer(rx: regex.Pattern, text: str, s: int, e: int, anchor: Anchor | None,
              at: list[int] | None) -> list[regex.Match]:
    """``rx.finditer(text, s, e)``'s non-empty matches; with ``at`` (the positions of the
    anchor's words in ``[s, e)``), trying only there."""
    if anchor is None or at is None:
        return [m for m in rx.finditer(text, s, e) if m.end() > m.start()]
    return anchored_matches(rx, text, anchor, at, s, e)


@register("projects")
class ProjectExtractor:
    name = "projects"
    produces = ("projects",)

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.enum_rx = _rule(patterns, "projects", "enumeration_end")
        self.named_rx = _rule(patterns, "projects", "named_project")
        self.words = _Words(patterns)
        # the words every match of a prose rule starts with (data `anchor`; None: anywhere)
        self.enum_anchor = _anchor(patterns, "enumeration_end", self.enum_rx)
        self.named_anchor = _anchor(patterns, "named_project", self.named_rx)

    def __call__(self, doc: Doc) -> None:
        out: list[Project] = doc.records.setdefault("projects", [])
        located = doc.located
        found: list[dict] = []  # the records' fields, validated together at the end
        blocks = column_blocks(doc)
        for block in blocks:
            for category, items in block.lists:
                for it in items:
                    at = located(it.start, it.end)
                    found.append(dict(name=as_written(it.text, at["quote"]), category=category or None,
                                      column=block.label, zone=block.zone, components=components_of(it.text),
                                      extractor=self.name, **at))
        # blocks are disjoint and in text order: the one that may hold s is the last starting at or before it
        block_starts = [b.start for b in blocks]
        block_ends = [b.end for b in blocks]
        text = doc.text
        seen: set[tuple[int, int]] = set()
        for s, e, enum_at, named_at in self._sentences(doc):
            k = bisect.bisect_right(block_starts, s) - 1
            if k >= 0 and s < block_ends[k]:
                continue
            for name, ns, ne, category in self._prose(text, s, e, enum_at, named_at):
                if (ns, ne) in seen:
                    continue
                seen.add((ns, ne))
                at = located(ns, ne)
                found.append(dict(name=as_written(name, at["quote"]), category=category,
                                  components=components_of(name), extractor=self.name, **at))
        out.extend(validate_all(Project, found))

    def _sentences(self, doc: Doc) -> Iterator[tuple[int, int, list[int] | None, list[int] | None]]:
        """The sentences where a prose match may start, with the positions where a match of
        each rule may start (None: anywhere). Every match starts with one of its rule's
        `anchor` words (the rules' declaration, checked by the tests), so the other sentences
        and positions are skipped."""
        sentences = doc.sentences
        if self.enum_anchor is None or self.named_anchor is None:
            for s, e in sentences:
                yield s, e, None, None
            return
        text = doc.text
        enum_at = positions(text, self.enum_anchor.words)
        named_at = positions(text, self.named_anchor.words)
        firsts = sorted(enum_at + named_at)
        sentence_starts = [s for s, _ in sentences]
        bisect_left, bisect_right = bisect.bisect_left, bisect.bisect_right
        i, n = 0, len(firsts)
        ie = jn = k = 0  # (all move forward only: each search starts where the last ended)
        while i < n:
            k = bisect_right(sentence_starts, firsts[i], k) - 1
            if k < 0 or sentences[k][1] <= firsts[i]:
                i += 1  # between sentences (a blank stretch)
                k = max(k, 0)
                continue
            s, e = sentences[k]
            i = bisect_left(firsts, e, i)
            ie, enum_end = bisect_left(enum_at, s, ie), bisect_left(enum_at, e, ie)
            jn, named_end = bisect_left(named_at, s, jn), bisect_left(named_at, e, jn)
            yield s, e, enum_at[ie:enum_end], named_at[jn:named_end]
            ie, jn = enum_end, named_end

    # -- prose -------------------------------------------------------------------------
    def _prose(self, text: str, s: int, e: int, enum_at: list[int] | None = None,
               named_at: list[int] | None = None) -> Iterator[tuple[str, int, int, str | None]]:
        # (a sentence holds the anchors of one rule more often than of both: no call for none)
        for m in _finditer(self.enum_rx, text, s, e, self.enum_anchor, enum_at) if enum_at != [] else ():
            head = m.group("head")
            category = None if head in self.words.generic_heads else head
            for item, a, b in self._enumeration(text, self._clause_start(text, s, m.start()), m.start()):
                yield item, a, b, category
        for m in _finditer(self.named_rx, text, s, e, self.named_anchor, named_at) if named_at != [] else ():
            name, a, triggered = self._grow_left(text, s, m.start(), m.end())
            chained = a > s and text[a - 1] == "、"  # a chain of named items: A、B项目、C项目建设
            if not triggered and chained:
                # 加快推进A项目、B项目和C项目建设: the verb before the first item introduces all
                triggered = self._chain_introduced(text, s, a)
            if not triggered:
                continue
            accepted = False
            # (a phrase marker across the joiner, 人才工程和重大项目…, keeps the phrase whole)
            for part, pa in self.words.split_joined(name, a) if not self.words.marker.search(name) else [(name, a)]:
                if self._acceptable(part, enumerated=False, suffix=part[-2:]):
                    accepted = True
                    yield part, pa, pa + len(part), None
            if accepted and chained:
                yield from self._chain(text, s, a, m.end())

    def _clause_start(self, text: str, floor: int, pos: int) -> int:
        j = pos
        limit = max(floor, pos - 400)
        while j > limit and text[j - 1] not in "，,。；;：:\n！？":
            j -= 1
        return j

    def _grow_left(self, text: str, floor: int, suffix_at: int, end: int) -> tuple[str, int, bool]:
        """The name ending at ``end``: grown left to a stop character, then cut after the trigger
        verb that introduces it; and whether something says it is a project (such a verb, a
        trigger after it, or quotes around it)."""
        w = self.words
        limit = max(floor, suffix_at - _WINDOW)
        j = w.last_stop_before(text, limit, suffix_at)
        grown = text[j:end]
        name, a = w.after_inner(grown, j, keep=(end - suffix_at) + 2)
        triggered = a > j
        name, a, verb = w.strip_left(name, a)
        triggered = triggered or verb
        if not triggered:  # only what follows says it is a project: ask for more
            triggered = bool(w.right.match(text, end)) and len(name) - (end - suffix_at) >= 4
        quoted = suffix_at > a + 1 and text[suffix_at - 1] in "”\""
        quote = max(name.find("“"), name.find('"'))
        if quoted and quote > 0 and (w.marker.search(name, 0, quote) or w.function_words_only(name[:quote])):
            name, a, triggered = name[quote:], a + quote, True  # 在“东数西算”工程带动下
        elif quoted and quote == 0:
            triggered = True
        return name, a, triggered

    def _chain_introduced(self, text: str, floor: int, item_start: int) -> bool:
        """Does a trigger verb introduce the first item of the chain ``…、`` that ends before
        ``item_start`` (加快推进A项目、B项目)?"""
        cs = self._clause_start(text, floor, item_start)
        first = text.find("、", cs, item_start)
        if first < 0:
            return False
        head = text[cs:first]
        if self.words.after_inner(head, cs, keep=2)[1] == cs and not self.words.strip_left(head, cs)[2]:
            return False  # no verb before the first item
        return self._mostly_named(self._enumeration(text, cs, item_start))

    @staticmethod
    def _mostly_named(items: list[tuple[str, int, int]]) -> bool:
        """Are most of a chain's items (and the named item after them) named projects?"""
        suffixed = sum(1 for t, _, _ in items if t.endswith(("项目", "工程"))) + 1
        return suffixed * 2 > len(items) + 1

    def _chain(self, text: str, floor: int, first_end: int, last_end: int) -> Iterator[tuple[str, int, int, str | None]]:
        items = self._enumeration(text, self._clause_start(text, floor, first_end), first_end)
        if self._mostly_named(items):
            for item, a, b in items:
                yield item, a, b, None

    def _enumeration(self, text: str, start: int, end: int) -> list[tuple[str, int, int]]:
        """The acceptable items of the enumeration ``text[start:end]`` (trigger verbs stripped)."""
        out = []
        for k, (item, a, b) in enumerate(split_items(text[start:end], start, separators="、")):
            if k == 0:
                item, a = self.words.after_inner(item, a, keep=2)
                item, a, _ = self.words.strip_left(item, a)
            for part, pa in self.words.split_joined(item, a):  # …、C项目和D项目
                if self._acceptable(part, enumerated=True):
                    out.append((part, pa, pa + len(part)))
        return out

    def _acceptable(self, name: str, enumerated: bool, suffix: str = "") -> bool:
        w = self.words
        if not (2 <= len(name) <= _MAX_NAME):
            return False
        if w.marker.search(name):
            return False
        core = name[: len(name) - len(suffix)] if suffix and name.endswith(suffix) else name
        if name.count("“") != name.count("”") or w.count_prefix.match(name):
            return False
        core = core.strip("“”\"")
        level = w.level.match(core) if w.level is not None else None
        if level is not None and level.end() < len(core):  # 市重点建设项目: a level and a generic head
            bare = core[level.end():]
            if bare in w.generic or bare + suffix in w.generic_heads:
                return False
        if not enumerated and (len(core) < 2 or core in w.generic or core.endswith(w.generic_endings)):
            return False
        if enumerated and (core in w.generic or name in w.generic_heads):
            return False
        return bool(_LETTER.search(core))
