"""Entities: parks, enterprises, institutions, platforms and government bodies.

Candidates come from four places, all as ``(text, label, start, end)`` in normalised offsets:

* suffix grammars (``patterns/entities/<label>.yaml``): a suffix such as 软件园 or 有限公司,
  grown leftwards to the start of the name (``patterns/entities/boundaries.yaml``);
* shape rules (pilot free trade zone areas, telecom branches ...);
* context: companies listed before 等…企业 / …龙头, or described as a company;
* gazetteers (``patterns/gazetteers/*.yaml``), matched with Aho-Corasick.

:func:`merge_candidates` then finds every mention of every known form (and the short forms
derived from full names: 浪潮集团有限公司 -> 浪潮集团 -> 浪潮; 济南综合保税区 -> 济南综保区) and
links the forms of one thing into one ``Entity`` with its aliases and mentions. An NER
backend can feed extra candidates to the same function.
"""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import ahocorasick
import regex

from ..anchors import anchor_of, positions
from ..document import Doc, as_written
from ..lists import split_items
from ..memo import BoundedMemo
from ..patterns import PatternSet
from ..records import Entity, validate_each
from ..segment import words_of
from . import register

LABELS = ("park", "enterprise", "institution", "platform", "government")
_FILES = {"park": "parks", "enterprise": "enterprises", "institution": "institutions",
          "platform": "platforms", "government": "government"}
_MAX_PREFIX = 24
_MEMO_LIMIT = 50_000  # entries per table of kept answers (see policy_extract.memo)
_NAME_CHAR = regex.compile(r"[\p{Han}A-Za-z0-9()（）“”\"·\-]")
_NAME_CHARS: dict[str, bool] = {}  # _NAME_CHAR's answer per character, filled as met
_OPEN, _CLOSE = "(（“", ")）”"
_MARKS = _OPEN + _CLOSE + "·-\""  # marks a name may hold (a token that is part of it is skipped)
# compiled once (a module-level regex.fullmatch(...) costs a cache look-up per call)
_LATIN = regex.compile(r"[A-Za-z0-9]+")
_CODE_PREFIX = regex.compile(r"[0-9A-Za-z\-]*")
_DIGIT = regex.compile(r"[0-9]")
_BRAND = regex.compile(r"[\p{Han}A-Za-z]{2,4}")
_ITEM = regex.compile(r"[\p{Han}A-Za-z0-9()（）·\-]+")
_BRACKETED_PLACE = regex.compile(r"[(（][\p{Han}]{2,6}[)）]")
_CLAUSE_START = regex.compile(r"[，,。；;：:\n]")  # a clause begins after one of these
_AND = regex.compile(r"(?<=[\p{Han}A-Za-z]{2})(?:和|及|与)(?=[\p{Han}A-Za-z]{2})")


class _Endings:
    """Literal words a string may end with (suffix lists): what ``regex.search`` of the
    alternation ``(?:w1|w2|...)$`` finds, by a set look-up per word length instead (the
    alternation is tried at every position of the string). The leftmost match of such a
    search is the longest word that ends the string, which is what :meth:`start` returns."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)

    def start(self, text: str, begin: int = 0, end: int | None = None) -> int:
        """Where the longest listed word that ends ``text[begin:end]`` starts, or -1."""
        if end is None:
            end = len(text)
        words = self.words
        for n in self.lengths:
            a = end - n
            if a >= begin and text[a:end] in words:
                return a
        return -1

    def ends(self, text: str, begin: int = 0, end: int | None = None) -> bool:
        return self.start(text, begin, end) >= 0


def _is_name_char(ch: str) -> bool:
    """``_NAME_CHAR.match(ch)``, kept per character."""
    ok = _NAME_CHARS.get(ch)
    if ok is None:
        ok = _NAME_CHARS[ch] = bool(_NAME_CHAR.match(ch))
    return ok


# the rules of enterprises.yaml that the extractor reads by name (context_candidates and
# _company_items); every other rule of parks.yaml and enterprises.yaml is a shape rule
_CONTEXT_RULES = frozenset({"enumeration", "enumeration_after", "described_subject", "stock_code", "count_tail"})


class Candidate(NamedTuple):
    text: str
    label: str
    start: int
    end: int


@dataclass
class _Grammar:
    label: str
    not_names: set[str]
    generic: regex.Pattern
    min_prefix: int
    standalone: set[str]
    not_endings: tuple[str, ...]
    lead: regex.Pattern


def _alt(patterns: PatternSet, words: Iterable[str]) -> str:
    return patterns.alternation(words) or r"(?!)"


class Boundaries:
    """Left boundaries of names: stop characters, trigger words, POS tags (boundaries.yaml)."""

    def __init__(self, patterns: PatternSet) -> None:
        w = lambda key: patterns.words("entities/boundaries", key)  # noqa: E731
        self.stop_chars = set(w("stop_chars"))
        triggers = w("triggers")
        self.multi = regex.compile(f"(?:{_alt(patterns, [t for t in triggers if len(t) > 1])})")
        inner = set(w("company_name_words"))
        self.multi_company = regex.compile(
            f"(?:{_alt(patterns, [t for t in triggers if len(t) > 1 and t not in inner] + w('company_triggers'))})")
        # the same word lists as Aho-Corasick automata (what the alternations find, faster)
        self.multi_ac = _automaton([t for t in triggers if len(t) > 1])
        self.multi_company_ac = _automaton(
            [t for t in triggers if len(t) > 1 and t not in inner] + w("company_triggers"))
        self.single = set(t for t in triggers if len(t) == 1)
        self.conjunctions = set(w("conjunctions"))
        # the words a company's window is cut after (a window holding none is not segmented)
        self.company_cuts_ac = _automaton(self.single | self.conjunctions)
        self.conjunction_chars = sorted(c for c in self.conjunctions if len(c) == 1)
        self.stop_pos = set(w("stop_pos")) - {"v", "vd"}
        self.proper_pos = set(w("proper_pos"))
        self.keep = set(w("keep_pos_words"))
        self.place_stop_pos = set(w("place_stop_pos"))
        pw = lambda key: patterns.words("entities/parks", key)  # noqa: E731
        self.place_suffixes = set(pw("place_suffixes"))
        self.barrier = regex.compile(f"(?:{_alt(patterns, pw('suffixes') + pw('barriers'))})")
        self.barrier_ac = _automaton(pw("suffixes") + pw("barriers"))
        self.barrier_for = set(pw("subarea_suffixes"))
        ends = list(pw("suffixes")) + list(patterns.words("entities/enterprises", "suffixes")) + \
            list(patterns.words("entities/institutions", "suffixes"))
        self.any_suffix = _Endings(ends)
        self.company_end = regex.compile(
            f"(?:{_alt(patterns, patterns.words('entities/enterprises', 'park_owner_suffixes'))})")
        self.verb_stop_suffixes = set(pw("verb_stop_suffixes"))
        self.standalone = set(pw("standalone"))
        legal = patterns.words("entities/enterprises", "legal_forms")
        self.company_barrier = regex.compile(
            f"(?:{_alt(patterns, [x for x in legal if len(x) >= 4])})")
        # answers kept per input (names and their windows recur), each table bounded
        self._tokens: BoundedMemo[str, tuple] = BoundedMemo(_MEMO_LIMIT)  # cut's, per string
        self._starts: BoundedMemo[tuple, int] = BoundedMemo(_MEMO_LIMIT)  # name_start's, per window
        self._after_trigger: BoundedMemo[tuple, int] = BoundedMemo(_MEMO_LIMIT)  # _name_start_after's

    def tokens(self, doc: Doc, start: int, end: int) -> list:
        """Tokens of ``text[start:end]``, cached by their text across documents (names and
        their left contexts recur), shifted to ``start``."""
        return [t.shifted(start) for t in self.local_tokens(doc, start, end)]

    def local_tokens(self, doc: Doc, start: int, end: int) -> tuple:
        """:meth:`tokens` with offsets relative to ``start`` (nothing to shift)."""
        return self.segmented(doc.segmenter.cut, doc.text[start:end])  # type: ignore[union-attr]

    def segmented(self, cut, text: str) -> tuple:
        """``cut(text)`` as a tuple, kept per string in a bounded table shared by every caller
        of this document's segmenter (a park's name is often the very window its suffix was
        cut in). A tuple, so that no caller can change what the others are given."""
        toks = self._tokens.get(text)
        if toks is None:
            toks = self._tokens.keep(text, tuple(cut(text)))
        return toks

    def _is_proper(self, tok) -> bool:
        pos = tok.pos or ""
        return pos[:2] in self.proper_pos or pos == "eng"

    def _pos_cut(self, toks: list, start: int, place: bool, verbs_stop: bool = False) -> int:
        """Walk the left part from the suffix leftwards; the name starts after the first token
        that cannot be part of it: a trigger, a function word, or a verb/adjective. A verb
        ends a name only where a proper name follows it (促进|济南高新区, but
        北斗导航信息产业园), except before a zone suffix (`place_suffixes`), whose distinctive
        part is a place name (健全|高新区). A conjunction (与, 及, 和) joins two common nouns
        inside one name (医美与康复设备产业园), unless a name ends before it, it stands next to
        the suffix, or the suffix is a zone's (济南高新区与|章锦综合保税区)."""
        conj_end = None  # where the name starts if no name word stands left of a conjunction
        left_words = 0  # name words accepted left of the last conjunction
        keep, conjunctions, single, stop_pos = self.keep, self.conjunctions, self.single, self.stop_pos
        n = len(toks)
        for i in range(n - 1, -1, -1):
            tok = toks[i]
            text = tok.text
            if text in keep or text in _MARKS:
                continue
            if text in conjunctions:
                if place or i == n - 1 or i == 0 or self.ends_name("".join(t.text for t in toks[:i])):
                    return tok.end
                conj_end, left_words = tok.end, 0
                continue
            pos = tok.pos or ""
            stop = False
            if pos == "eng" or pos[:1] == "x" and _LATIN.fullmatch(text):
                pass  # a Latin part of a name (NEC软件, 智能装备城ICT产业园)
            elif text in single:
                stop = True
            elif pos.startswith("v") or pos in ("a", "ad", "ag"):
                nxt = toks[i + 1] if i + 1 < n else None
                if (place or verbs_stop) and pos in self.place_stop_pos and len(text) >= 2:
                    stop = True
                elif pos[:1] == "v" and (n == 1 or (nxt is not None and self._is_proper(nxt))):
                    stop = True
            elif pos[:2] in stop_pos or pos[:1] in stop_pos:
                stop = True
            elif place and pos in ("n", "vn") and len(tok.text) >= 2 and i == len(toks) - 1 and \
                    i > 0 and (toks[i - 1].pos or "") in ("n", "vn"):
                stop = True  # a noun phrase is no place name: 产业项目|高新区 (but 象屿综合保税区)
            if stop:
                return conj_end if conj_end is not None and left_words == 0 else tok.end
            left_words += 1
        return start if conj_end is None or left_words else conj_end

    def ends_name(self, word: str) -> bool:
        """Does ``word`` end with a park, company or institution suffix (a name ends here)?"""
        return self.any_suffix.ends(word)

    def _conjunction_cut(self, text: str, start: int, end: int) -> int:
        """After the last 与/和/及 inside ``text[start:end]`` that follows a complete name
        (智能装备城和|临空经济区): two names joined, not one."""
        cut = start
        first = end
        for c in self.conjunction_chars:  # a few characters: one str.find each
            k = text.find(c, start, first)
            if k >= 0:
                first = k
        if first == end:  # no conjunction (most windows)
            return cut
        for k in range(first, end):
            if text[k] in self.conjunctions and self.any_suffix.ends(text, start, k):
                cut = k + 1
        return cut

    def _company_suffix(self, text: str, start: int, end: int) -> str:
        m = self.company_end.search(text, start, end)
        best = ""
        while m is not None:
            if m.end() == end:
                best = m.group() if len(m.group()) > len(best) else best
            m = self.company_end.search(text, m.start() + 1, end)
        return best

    def name_start(self, doc: Doc, floor: int, suffix_start: int, company: bool = False,
                   suffix: str = "", suffix_end: int | None = None) -> int:
        """Where the name whose suffix starts at ``suffix_start`` begins. Company names keep
        words such as 投资, 管理 and are not cut by part of speech (they are mostly unknown
        words to a segmenter).

        The answer depends only on the window ``text[limit:suffix_end]`` (the run of name
        characters before the suffix, or the whole 24-character window where it holds a
        bracket), so it is kept per window string in a bounded table: names recur
        (济南高新区 80 times in one plan)."""
        text = doc.text
        limit = max(floor, suffix_start - _MAX_PREFIX)
        run = self._name_run_start(text, limit, suffix_start)
        window = text[run:suffix_start]
        bracket = "(" in window or ")" in window or "（" in window or "）" in window
        if bracket:
            run = limit  # a bracket in the run: the loop in _name_start reads it
        end = suffix_end if suffix_end is not None else suffix_start
        key = (text[run:end], suffix_start - run, suffix_end is None, company, suffix, doc.segmenter is None)
        hit = self._starts.get(key)
        if hit is None:
            hit = self._starts.keep(key, self._name_start(doc, run, suffix_start, company, suffix,
                                                          suffix_end, bracket) - run)
        return run + hit

    def _name_run_start(self, text: str, limit: int, end: int, brackets: bool = False) -> int:
        """Where the run of name characters without a stop character that ends at ``end``
        begins, read leftwards, not before ``limit``; with ``brackets``, it does not reach over
        an opening bracket it has not seen closed."""
        stop_chars = self.stop_chars
        j = end
        depth = 0
        while j > limit:
            ch = text[j - 1]
            ok = _NAME_CHARS.get(ch)
            if ok is None:
                ok = _is_name_char(ch)
            if not ok or ch in stop_chars:
                break
            if brackets:
                if ch in ")）":
                    depth += 1
                elif ch in "(（":
                    if depth == 0:
                        break
                    depth -= 1
            j -= 1
        return j

    def _name_start(self, doc: Doc, limit: int, suffix_start: int, company: bool,
                    suffix: str, suffix_end: int | None, bracket: bool) -> int:
        """:meth:`name_start` for the window from ``limit``; without a bracket the window is
        the run of name characters and starts the prefix (what the loop below finds)."""
        text = doc.text
        j = self._name_run_start(text, limit, suffix_start, brackets=True) if bracket else limit
        prefix = text[j:suffix_start]
        # the end of the last trigger in the prefix
        last = _last_end(self.multi_company_ac if company else self.multi_ac, prefix)
        # another name ends here: 高新区|孙村片区 (a sub-area), …有限公司|控股 (a company);
        # before other suffixes only where a proper name follows the zone (浒关开发区|莱克工业园,
        # but 醴陵经济开发区陶瓷产业园 is one name)
        zone_end = None
        if company:
            for m in self.company_barrier.finditer(prefix):
                if last is None or m.end() > last:
                    last = m.end()
        else:
            for b in _ends(self.barrier_ac, prefix):
                if (last is None or b > last) and (b < len(prefix) or suffix in self.barrier_for):
                    zone_end = j + b
        if last is not None:
            j += last
        zone = zone_end - j if zone_end is not None and zone_end > j else None
        # from here on the answer depends only on text[j:end] and the zone's end in it: kept
        # per such window too (济南高新区 after 支持 and after 推动 is one window here)
        end = suffix_end if suffix_end is not None else suffix_start
        key = (text[j:end], suffix_start - j, zone, suffix_end is None, company, suffix,
               doc.segmenter is None)
        hit = self._after_trigger.get(key)
        if hit is None:
            hit = self._after_trigger.keep(key, self._name_start_after(
                doc, j, zone_end if zone is not None else None, suffix_start, company, suffix, suffix_end) - j)
        return j + hit

    def _name_start_after(self, doc: Doc, j: int, zone_end: int | None, suffix_start: int,
                          company: bool, suffix: str, suffix_end: int | None) -> int:
        """The rest of :meth:`_name_start` once the name cannot start before ``j`` (the end of
        the last trigger): another name's end (``zone_end``), conjunctions, parts of speech."""
        text = doc.text
        if zone_end is not None:
            if zone_end == suffix_start:  # 高新区|中心区, but 创新谷片区 and 中科院科创城片区
                if suffix in self.standalone:
                    j = zone_end
            elif suffix in self.barrier_for:
                j = zone_end
            elif doc.segmenter is not None:
                after = self.local_tokens(doc, zone_end, suffix_start)
                if after and (after[0].pos or "")[:2] in self.proper_pos and (after[0].pos or "") != "eng":
                    j = zone_end
        if not company:
            j = max(j, self._conjunction_cut(text, j, suffix_start))
        floor_j = j
        if suffix_start - j > 1 and doc.segmenter is not None:
            if company:
                # a token that is such a word is a substring of the window: without one, no cut
                if self.company_cuts_ac is not None and \
                        next(self.company_cuts_ac.iter(text[j:suffix_start]), None) is not None:
                    toks = self.local_tokens(doc, j, suffix_start)
                    j += max([0] + [t.end for t in toks if t.text in self.single or t.text in self.conjunctions])
            else:
                # segment with the suffix, so a word across the suffix is not split (算谷)
                width = suffix_start - j
                toks = [t for t in self.local_tokens(doc, j, suffix_end or suffix_start) if t.end <= width]
                j += self._pos_cut(toks, 0, suffix in self.place_suffixes,
                                   verbs_stop=suffix in self.verb_stop_suffixes) if toks else 0
        if not company:
            # a company's park (山东高速信息集团智能交通产业园): where the cut falls inside the
            # company's name, the company's own boundary holds
            last_end = None
            for m in self.company_end.finditer(text, floor_j, suffix_start):
                last_end = m.end()
            if last_end is not None and last_end > j:
                c = self.name_start(doc, floor_j, last_end - len(self._company_suffix(text, floor_j, last_end)),
                                    company=True)
                if c < j:
                    j = c
        # a name does not start inside quotes or brackets it does not close
        while j < suffix_start and text[j] in ")）”":
            j += 1
        return j


@register("entities")
class EntityExtractor:
    name = "entities"
    produces = ("entities",)

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.bounds = Boundaries(patterns)
        self.grammars: dict[str, _Grammar] = {}
        suffix_label: dict[str, str] = {}
        for label in LABELS:
            f = "entities/" + _FILES[label]
            words = patterns.file(f).words
            for s in words.get("suffixes", []):
                suffix_label.setdefault(s, label)
            generic = _alt(patterns, words.get("generic_prefixes", []))
            self.grammars[label] = _Grammar(
                label=label, not_names=set(words.get("not_names", [])),
                generic=regex.compile(f"(?:{generic}){{0,8}}"),
                min_prefix=int((words.get("min_prefix") or ["1"])[0]),
                standalone=set(words.get("standalone", [])),
                not_endings=tuple(words.get("not_endings", [])),
                lead=regex.compile(f"(?:{_alt(patterns, words.get('generic_leads', []))})+"))
        self.suffix_label = suffix_label
        self.suffix_rx = regex.compile(f"(?:{_alt(patterns, suffix_label)})")
        self.suffix_ac = _automaton(suffix_label)  # finds what suffix_rx finds, in one pass
        # shape rules, each with the words it cannot match without (data: requires), if any
        self.shape_rules = [(patterns.compile_rule(r), lab, _automaton(r.data.get("requires") or []))
                            for lab in ("park", "enterprise")
                            for r in patterns.rules("entities/" + _FILES[lab])
                            if r.id not in _CONTEXT_RULES]
        ew = lambda key: patterns.words("entities/enterprises", key)  # noqa: E731
        erules = {r.id: patterns.compile_rule(r) for r in patterns.rules("entities/enterprises")}
        self.enum_rx = erules["enumeration"]
        self.enum_after_rx = erules["enumeration_after"]
        self.subject_rx = erules["described_subject"]
        self.stock_code_rx = erules.get("stock_code")
        self.count_tail_rx = erules.get("count_tail")
        # a rule may name words it cannot match without (data: requires): sentences with none
        # of them are not searched
        rules = {r.id: r for r in patterns.rules("entities/enterprises")}
        required = rules["described_subject"].data.get("requires") or []
        self.subject_requires = regex.compile(f"(?:{_alt(patterns, required)})") if required else None
        # the words every enumeration begins with (data: anchor): it is tried only there (a
        # leading alternation is tried at every position otherwise)
        self.enum_anchor = anchor_of(rules["enumeration"], self.enum_rx, "entities/enterprises")
        enum_req = rules["enumeration"].data.get("requires") or []
        self.enum_requires = regex.compile(f"(?:{_alt(patterns, enum_req)})") if enum_req else None
        self.enum_within = int(rules["enumeration"].data.get("requires_within") or 10**9)
        self.not_after = set(ew("not_followed_by"))
        self.provinces = set(patterns.fragments.get("ent_province", "").strip("(?:)").split("|")) - {""}
        self.brand_stop = regex.compile(f"(?:{_alt(patterns, ew('item_stops') + ew('brand_stops'))})")
        self.item_stops = regex.compile(f"(?:{_alt(patterns, ew('item_stops'))})")
        self.item_tails = _Endings(ew("item_tails"))
        self.legal = _Endings(ew("legal_forms"))
        self.descriptors = _Endings(ew("descriptors"))
        self.short_forms = [tuple(p.split("|", 1)) for p in
                            patterns.words("entities/parks", "short_forms") if "|" in p]
        self.gazetteer = self._gazetteer(patterns)
        park_words = patterns.words("entities/parks", "suffixes")
        self.park_suffix_end = _Endings(park_words)
        self.zone_end = _Endings(patterns.words("entities/parks", "place_suffixes"))
        self.zone_lead = regex.compile(
            f"^[\\p{{Han}}]{{2,10}}?(?:{_alt(patterns, patterns.words('entities/parks', 'place_suffixes'))})")
        alias_rules = {r.id: patterns.compile_rule(r) for r in patterns.rules("entities/aliases")} \
            if "entities/aliases" in patterns.files else {}
        self.declared_alias = alias_rules.get("declared_short_name")
        self._segment = None  # set per document in merge_candidates (the pipeline's segmenter)
        self._gaz_forms: dict[str, str] | None = None
        self._constant_ac = None  # suffixes and gazetteer forms (built on first use)
        self._short_forms_kept: BoundedMemo[tuple[str, str, bool], tuple[str, ...]] = BoundedMemo(_MEMO_LIMIT)
        self._checked: BoundedMemo[tuple[str, str, int], str | None] = BoundedMemo(_MEMO_LIMIT)  # _check's
        self._keys: BoundedMemo[tuple[str, str, bool], str] = BoundedMemo(_MEMO_LIMIT)  # _key per form

    # -- set-up ------------------------------------------------------------------------
    @staticmethod
    def _gazetteer(patterns: PatternSet) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, f in patterns.files.items():
            if not name.startswith("gazetteers/"):
                continue
            for label, words in f.words.items():
                for w in words:
                    out.setdefault(w, label)
        return out

    # -- the stage ---------------------------------------------------------------------
    def __call__(self, doc: Doc) -> None:
        cands = self.grammar_candidates(doc) + self.context_candidates(doc)
        cands += self.brand_candidates(doc, cands)
        doc.meta["_entity_candidates"] = cands  # an NER backend merges its own with these
        doc.records.setdefault("entities", []).extend(self.merge_candidates(doc, cands))

    def grammar_candidates(self, doc: Doc) -> list[Candidate]:
        """Suffix grammars and shape rules, line by line. Suffixes are found in one pass over
        the text (no suffix holds a line break, so the leftmost-longest matches of the text
        are those of its lines); a shape rule runs only on the lines that hold a word it
        requires."""
        text = doc.text
        lines = doc.lines
        out: list[Candidate] = []
        if not lines:
            return out
        line_starts = [s for s, _ in lines]
        by_line: dict[int, list[tuple[int, int]]] = {}
        checked = self._checked
        for ms, me in _leftmost_longest_of(self._scan_constant(doc)):
            i = bisect.bisect_right(line_starts, ms) - 1
            if i >= 0 and me <= lines[i][1]:
                by_line.setdefault(i, []).append((ms, me))
        shape_lines: list[set[int] | None] = []
        for _, _, req in self.shape_rules:
            if req is None:
                shape_lines.append(None)
                continue
            shape_lines.append({bisect.bisect_right(line_starts, end) - 1 for end, _ in req.iter(text)})
        for i in sorted(set(by_line).union(*[x for x in shape_lines if x is not None])
                        if all(x is not None for x in shape_lines) else range(len(lines))):
            s, e = lines[i]
            for ms, me in by_line.get(i, ()):
                suffix = text[ms:me]
                label = self.suffix_label[suffix]
                if label == "enterprise" and text[me:me + 1] in self.not_after:
                    continue  # 集团化办学
                if label not in ("park", "enterprise") and me < len(text) and _is_name_char(text[me]):
                    # 研究院 in 研究院有限公司: the longer suffix decides
                    if self.suffix_rx.match(text, me):
                        continue
                a = self.bounds.name_start(doc, s, ms, company=label == "enterprise",
                                          suffix=suffix, suffix_end=me)
                key = (text[a:me], label, ms - a)  # _check is a pure function of these
                c = checked.get(key, False)
                if c is False:
                    c = checked.keep(key, self._check(*key))
                if c:
                    out.append(Candidate(c, label, me - len(c), me))
            for (rx, label, _), only in zip(self.shape_rules, shape_lines):
                if only is not None and i not in only:
                    continue
                for m in rx.finditer(text, s, e):
                    a = m.start()
                    for t in self.bounds.multi.finditer(text, m.start(), max(m.start(), m.end() - 4)):
                        a = t.end()  # a lazy shape may start at a trigger: 加快建设|科创金融改革试验区CTD片区
                    out.append(Candidate(text[a:m.end()], label, a, m.end()))
        return out

    def _scan_constant(self, doc: Doc) -> list[tuple[int, int]]:
        """One Aho-Corasick pass over the text for the suffixes and the gazetteer's forms
        (both fixed): the suffix hits as ``(start, length)``; the gazetteer hits are kept on
        the document for :meth:`merge_candidates`."""
        auto = self._constant_automaton()
        suffixes: list[tuple[int, int]] = []
        gaz: list[tuple[str, int, int]] = []
        if auto is not None:
            # the automaton holds the words reversed and reads the text backwards: it then
            # branches on the words' last characters (114) instead of their first (250), and
            # pyahocorasick's cost per character grows with that number (2x faster)
            n_text = len(doc.text)
            for last, (word, is_suffix, is_gaz) in auto.iter(auto.reversed(doc.text)):
                start = n_text - 1 - last
                if is_suffix:
                    suffixes.append((start, len(word)))
                if is_gaz:
                    gaz.append((word, start, start + len(word)))
            suffixes.reverse()  # by start (the order does not matter to the callers)
            gaz.reverse()
        doc.meta["_entity_gazetteer_hits"] = (len(doc.text), gaz)
        return suffixes

    def _constant_automaton(self) -> "_Backwards | None":
        if self._constant_ac is None:
            gaz = self._gazetteer_forms()
            auto = _Backwards(((w, (w, w in self.suffix_label, w in gaz))
                               for w in set(self.suffix_label) | set(gaz)), placeholder=True)
            self._constant_ac = auto if auto.words else False
        return self._constant_ac or None

    def _gazetteer_hits(self, doc: Doc) -> list[tuple[str, int, int]]:
        kept = doc.meta.get("_entity_gazetteer_hits")
        if kept is None or kept[0] != len(doc.text):
            self._scan_constant(doc)
            kept = doc.meta["_entity_gazetteer_hits"]
        return kept[1]

    def _check(self, name: str, label: str, prefix_len: int) -> str | None:
        g = self.grammars[label]
        if name.count("“") != name.count("”"):
            q = name.rfind("“")
            if q < 0 or q >= prefix_len:
                return None
            name, prefix_len = name[q + 1:], prefix_len - q - 1
        lead = g.lead.match(name)
        if lead and lead.end() < prefix_len:  # 国际化|智能交通产业园: a quality word is no part of a name
            name, prefix_len = name[lead.end():], prefix_len - lead.end()
        if name in g.standalone:
            return name
        if prefix_len < g.min_prefix or name in g.not_names or name.endswith(g.not_endings):
            return None
        prefix = name[:prefix_len]
        if g.generic.fullmatch(prefix):
            return None
        if _CODE_PREFIX.fullmatch(prefix) or (label == "enterprise" and _DIGIT.search(prefix)):
            return None
        return name

    # -- context -----------------------------------------------------------------------
    def context_candidates(self, doc: Doc) -> list[Candidate]:
        """Companies named by their context, sentence by sentence. Each rule runs over the
        whole text once (its matches never cross a sentence end) or only where it can match,
        and its matches are handed to the sentence that holds them."""
        text = doc.text
        sents = doc.sentences
        if not sents:
            return []
        starts = [a for a, _ in sents]
        hits: dict[int, list[tuple[int, int, int, bool]]] = {}  # sentence -> (order, a, b, first_cut)

        def sentence_of(pos: int) -> int:
            i = bisect.bisect_right(starts, pos) - 1
            return i if i >= 0 and pos < sents[i][1] else -1

        # 1. enumerations closed by 等 …企业: items back to the clause start
        last_i, pos = -1, 0
        for k in self._enum_anchors(text):
            i = sentence_of(k)
            if i < 0:
                continue
            if i != last_i:
                last_i, pos = i, sents[i][0]
            if k < pos:
                continue
            s, e = sents[i]
            if self.enum_requires is not None and \
                    not self.enum_requires.search(text, k, min(e, k + self.enum_within)):
                continue
            m = self.enum_rx.match(text, k, e)
            if m is None:
                continue
            pos = m.end() if m.end() > m.start() else m.end() + 1
            cs = m.start()
            while cs > s and text[cs - 1] not in "，,。；;：:\n！？":
                cs -= 1
            hits.setdefault(i, []).append((0, cs, m.start(), True))
        # 2. enumerations after their head (企业A、B和C等): no sentence end inside a match
        for m in self.enum_after_rx.finditer(text):
            i = sentence_of(m.start())
            if i >= 0 and m.end() <= sents[i][1]:
                hits.setdefault(i, []).append((1, m.start("items"), m.end("items"), False))
        # 3. a name right before a stock code in brackets (still in the text, or removed by
        # normalisation, which marks where): back to the clause start
        code_at = list(doc.marks.get("stock_code", ()))
        if self.stock_code_rx is not None:
            code_at += [m.start() for m in self.stock_code_rx.finditer(text)]
        for end in sorted(set(code_at)):
            i = sentence_of(end - 1)
            if i < 0:
                continue
            cs = end
            while cs > sents[i][0] and text[cs - 1] not in "，,。；;：:\n！？、":
                cs -= 1
            if end - cs >= 2:
                hits.setdefault(i, []).append((3, cs, end, True))
        # 4. a sentence or clause subject described as a company, where the rule's words are
        # a match holds a required word, so a clause start at or after the end of the last word
        # found before the sentence end has none (a word there would be found, or overlap one
        # found, which then ends after the clause start)
        req_starts: list[int] = []
        req_ends: list[int] = []
        if self.subject_requires is not None:
            for m in self.subject_requires.finditer(text):
                req_starts.append(m.start())
                req_ends.append(m.end())
            wanted: Iterable[int] = sorted({i for b, c in zip(req_starts, req_ends)
                                            for i in [sentence_of(b)] if i >= 0 and c <= sents[i][1]})
        else:
            wanted = range(len(sents))
        for i in wanted:
            s, e = sents[i]
            if self.subject_requires is not None:
                k = bisect.bisect_left(req_starts, e) - 1
                last = req_ends[k] if k >= 0 else -1
            else:
                last = e
            for a in [s] + [m.end() for m in _CLAUSE_START.finditer(text, s, e)]:
                if a >= last:
                    break
                m = self.subject_rx.match(text, a, e)
                if m is not None and m.start("name") == a:
                    hits.setdefault(i, []).append((2, a, m.end("name"), True))
        out: list[Candidate] = []
        for i in sorted(hits):
            for _, a, b, first_cut in sorted(hits[i], key=lambda h: h[0]):
                out.extend(self._company_items(doc, a, b, first_cut=first_cut))
        return out

    def _enum_anchors(self, text: str) -> Iterable[int]:
        """Where an enumeration can begin (the rule's ``anchor`` words), or everywhere."""
        if self.enum_anchor is None:
            return range(len(text))
        return positions(text, self.enum_anchor.words)

    def brand_candidates(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        """A company's short name that begins a park or project name before a place the text
        names zones after: 宇培|济南|电商物流产业园 where 济南高新区 is in the text (the
        brand-city-business pattern of corporate projects). The brand is two to four
        characters, no place and no common word. Places are the text's own (the distinctive
        part of its zone names) plus the provinces, so nothing is segmented but the brand."""
        from .projects import column_blocks

        zone_words = {c.text[:k] for c in cands if c.label == "park"
                      for k in [self.park_suffix_end.start(c.text)] if k >= 0}
        places = {w[:-1] if w[-1:] in "市省" else w for c in cands if c.label == "park"
                  for k in [self.zone_end.start(c.text)] if k >= 0
                  for w in [c.text[:k]] if 2 <= len(w) <= 4} | self.provinces
        if not places:
            return []
        place_ac = _automaton(places)
        spans = {(c.start, c.end) for c in cands if c.label == "park"}
        spans.update((it.start, it.end) for b in column_blocks(doc) for _, items in b.lists for it in items)
        text = doc.text
        out: list[Candidate] = []
        for a, b in sorted(spans):
            if b - a < 6:
                continue
            # on a slice: pyahocorasick converts the whole string it is given, whatever the
            # bounds (a cost that grows with the document)
            lo = a + 2
            m = next(_leftmost_longest(place_ac, text[lo:min(b, a + 5 + 4)], 0, 7), None)
            if m is None or m[0] + lo - a > 4 or b - (m[1] + lo) < 2:
                continue
            m = (m[0] + lo, m[1] + lo)
            brand = text[a:m[0]]
            if brand in zone_words or brand in places or self.brand_stop.search(brand) or \
                    not _BRAND.fullmatch(brand) or \
                    self.grammars["park"].generic.fullmatch(brand) or _common_word(doc, a, m[0], self.bounds):
                continue
            out.append(Candidate(brand, "enterprise", a, m[0]))
        return out

    def _company_items(self, doc: Doc, start: int, end: int, first_cut: bool = True) -> list[Candidate]:
        text = doc.text
        out = []
        parts: list[tuple[str, int, int]] = []
        for item, a, b in split_items(text[start:end], start, separators="、"):
            parts.extend(_split_and(item, a))
        for k, (item, a, b) in enumerate(parts):
            if k == 0 and first_cut:
                a = self.bounds.name_start(doc, a, b) if b - a > 1 else a
                item = text[a:b]
            tail = self.item_tails.start(item)
            if tail >= 2:
                item, b = item[:tail], a + tail
            count = self.count_tail_rx.search(item) if self.count_tail_rx is not None else None
            if count is not None and count.start() >= 2:
                item, b = item[:count.start()], a + count.start()
            if not (2 <= len(item) <= 14) or self.item_stops.search(item):
                continue
            if self.suffix_rx.search(item) and not self.legal.ends(item):
                continue
            if not _ITEM.fullmatch(item) or _common_word(doc, a, b, self.bounds):
                continue
            out.append(Candidate(item, "enterprise", a, b))
        return out

    # -- linking -----------------------------------------------------------------------
    def short_forms_of(self, name: str, label: str) -> list[str]:
        """Other ways a text writes this name (浪潮集团有限公司 -> 浪潮集团, 浪潮); kept per
        name (names recur within and across documents) in a bounded table."""
        key = (name, label, self._segment is None)
        hit = self._short_forms_kept.get(key)
        if hit is None:
            hit = self._short_forms_kept.keep(key, tuple(self._short_forms(name, label)))
        return list(hit)

    def _short_forms(self, name: str, label: str) -> list[str]:
        out: list[str] = []
        if label == "park":
            bases = [name]
            unbracketed = _BRACKETED_PLACE.sub("", name)
            if unbracketed != name:  # 西部(重庆)科学城 -> 西部科学城
                bases.append(unbracketed)
            for base in list(bases):
                m = self.zone_lead.match(base)  # 济南高新区检验检测产业园 -> 检验检测产业园
                if m and self._distinctive(base[m.end():]):
                    bases.append(base[m.end():])
                place = self._leading_place(base)  # 厦门象屿综合保税区 -> 象屿综合保税区
                if place and self._distinctive(base[place:]):
                    bases.append(base[place:])
            for base in bases:
                out.append(base)
                for long, short in self.short_forms:
                    if base.endswith(long) and len(base) > len(long):
                        out.append(base[: -len(long)] + short)
            return [x for x in dict.fromkeys(out) if x != name]
        if label != "enterprise":
            return out
        base = _BRACKETED_PLACE.sub("", name)
        if base != name:
            out.append(base)
        for _ in range(3):
            k = self.legal.start(base)
            if k < 2:
                break
            base = base[:k]
            if base.endswith("集团") or len(base) >= 2:
                out.append(base)
        k = self.descriptors.start(base)
        if k >= 2:
            out.append(base[:k])
        # a city or province before the name proper: 广州达安基因股份有限公司 -> 达安基因; kept
        # only where four characters or more remain without the legal form (济南移动公司 keeps
        # no 移动公司, 山东高速集团 no 高速集团)
        k = self._leading_place(name)  # (the other forms begin as the name does)
        if k:
            place = name[:k]
            for form in [name] + out:
                if form.startswith(place) and len(self._without_legal_form(form[k:])) >= 4:
                    out.append(form[k:])
        return [x for x in dict.fromkeys(out) if x != name and len(x) >= 2]

    def _without_legal_form(self, name: str) -> str:
        """``name`` less its legal forms (达安基因股份有限公司 -> 达安基因)."""
        for _ in range(3):
            k = self.legal.start(name)
            if k < 1:
                break
            name = name[:k]
        return name

    def _distinctive(self, name: str) -> bool:
        """Is ``name`` a park name with a distinctive part of two characters or more before
        its suffix (not 综合保税区 alone, nor 国家级高新区)?"""
        k = self.park_suffix_end.start(name)
        if k < 2 or name in self.grammars["park"].not_names:
            return False
        return not self.grammars["park"].generic.fullmatch(name[:k])

    def _leading_place(self, name: str) -> int:
        """Length of a city or province name that begins ``name`` (the segmenter's place tag),
        or 0."""
        if self._segment is None or len(name) < 6:
            return 0
        try:
            toks = self.bounds.segmented(self._segment, name)
        except Exception:  # noqa: BLE001 - no short form rather than no entity
            toks = []
        if toks and (toks[0].pos or "") == "ns" and len(toks[0].text) >= 2 and \
                toks[0].text not in self.grammars["park"].not_names and toks[0].text not in self.park_suffix_end.words:
            end = len(toks[0].text)
            if name[end:end + 1] in ("市", "省"):
                end += 1
            return end
        return 0

    def merge_candidates(self, doc: Doc, candidates: Iterable[tuple[str, str, int, int]]) -> list[Entity]:
        """Link candidates (and every further mention of their forms) into entities."""
        cands = _drop_prefixes([Candidate(*c) for c in candidates if c[0] and c[1] in LABELS],
                               keep=lambda c, longer: c.label == "park" and self.zone_end.ends(c.text)
                               and not self.bounds.barrier_for.intersection(
                                   longer.text[-k:] for k in (2, 3)))
        label_of: dict[str, str] = {}
        for c in sorted(cands, key=lambda c: 0 if c.label in ("park", "institution") else 1):
            label_of.setdefault(c.text, c.label)
        self._segment = doc.segmenter.cut if doc.segmenter is not None else None
        derived: dict[str, str] = {}
        for form, label in list(label_of.items()):
            for short in self.short_forms_of(form, label):
                derived.setdefault(short, label)
        # 浙江吉利控股集团有限公司（以下简称“吉利集团”）: the declared form is one of the full name's
        declared: dict[str, str] = {}
        if self.declared_alias is not None:
            text = doc.text
            for c in cands:
                if text[c.end:c.end + 1] in "(（":
                    m = self.declared_alias.match(text, c.end, min(len(text), c.end + 30))
                    if m is not None and m.group("alias") != c.text:
                        declared.setdefault(m.group("alias"), c.text)
                        derived.setdefault(m.group("alias"), c.label)
        doc.meta["_entity_declared"] = declared
        gaz = self._gazetteer_forms()
        hits = self._gazetteer_hits(doc) + self._scan(
            doc.text, {f: None for f in (*derived, *label_of) if f not in gaz})
        # a form found by a rule always counts; a derived/gazetteer form counts where it stands
        # alone, or begins a longer name (京东亚洲一号物流园)
        own_spans = sorted((c.start, c.end) for c in cands)
        own = _Spans(own_spans)
        containers = _Spans(own_spans + [(h[1], h[2]) for h in hits if h[0] in label_of])
        from .projects import column_blocks
        heads = sorted([(c.start, c.end) for c in cands if c.label == "park"]
                       + [(it.start, it.end) for b in column_blocks(doc) for _, items in b.lists
                          for it in items])
        found: list[Candidate] = list(cands)
        for form, s, e in hits:
            if form in label_of:
                if not own.strictly_inside(s, e):
                    found.append(Candidate(form, label_of[form], s, e))
                continue
            if containers.strictly_inside(s, e) and (form in derived or not _begins(heads, s, e)):
                continue  # a derived short form counts only where it stands alone
            if len(form) <= 3 and not self._whole_word(doc, s, e):
                continue  # 济高 in 驻济高校
            found.append(Candidate(form, derived.get(form) or gaz[form], s, e))
        return self._group(doc, found)

    def _whole_word(self, doc: Doc, s: int, e: int) -> bool:
        """Do the segmenter's words start at ``s`` and end at ``e`` (a short form is a word of
        its own here, not part of a longer one)?"""
        if doc.segmenter is None:
            return True
        # each sentence is segmented at most once per document, whatever the number of hits in
        # it: the whole check costs at most one pass of the segmenter over the text
        cache = doc.meta.setdefault("_word_bounds", {})
        starts_of = cache.get("starts")
        if starts_of is None:
            starts_of = cache["starts"] = [a for a, _ in doc.sentences]
        i = bisect.bisect_right(starts_of, s) - 1
        if i < 0:
            return True
        a, b = doc.sentences[i]
        if e > b:
            return True
        bounds = cache.get(a)
        if bounds is None:
            try:  # boundaries only: no POS tagging needed here
                toks = words_of(doc.segmenter, doc.text[a:b])
            except Exception:  # noqa: BLE001 - a segmenter problem must not lose the mention
                return True
            bounds = cache[a] = ({a + t.start for t in toks}, {a + t.end for t in toks})
        return s in bounds[0] and e in bounds[1]

    def _gazetteer_forms(self) -> dict[str, str]:
        """Gazetteer names and their short forms (built once; no segmenter involved)."""
        if self._gaz_forms is None:
            segment, self._segment = self._segment, None
            gaz = dict(self.gazetteer)
            for form, label in list(gaz.items()):
                for short in self.short_forms_of(form, label):
                    gaz.setdefault(short, label)
            self._segment = segment
            self._gaz_forms = gaz
        return self._gaz_forms

    @staticmethod
    def _scan(text: str, forms: dict[str, str]) -> list[tuple[str, int, int]]:
        # reversed, read backwards: fewer branches at the root (_scan_constant)
        auto = _Backwards((f, f) for f in forms)
        if not auto.words:
            return []
        last = len(text) - 1
        out = [(f, last - end, last - end + len(f)) for end, f in auto.iter(auto.reversed(text))]
        out.reverse()
        return out

    def _key(self, text: str, label: str) -> str:
        if label == "enterprise":
            forms = [text] + self.short_forms_of(text, label)
            return "e:" + min(forms, key=len)
        if label == "park":
            forms = [text] + self.short_forms_of(text, label)
            k = min(forms, key=lambda f: (len(f), f))
            return "p:" + k
        return label[0] + ":" + text

    def _group(self, doc: Doc, found: list[Candidate]) -> list[Entity]:
        groups: dict[str, list[Candidate]] = {}
        seen: set[tuple[int, int, str]] = set()
        keys = self._keys
        no_segmenter = self._segment is None
        declared = doc.meta.get("_entity_declared") or {}
        for c in sorted(found, key=lambda c: (c.start, -c.end)):
            text, label, start, end = c
            place = (start, end, label)
            if place in seen:
                continue
            seen.add(place)
            form = (declared.get(text, text), label, no_segmenter)  # a declared short name: its full name's
            key = keys.get(form)
            if key is None:
                key = keys.keep(form, self._key(form[0], label))
            groups.setdefault(key, []).append(c)
        fields: list[dict] = []
        source = doc.source
        to_original = doc.offsets.to_original
        for members in groups.values():
            # one validation per entity: its mentions and span go in as plain values (the
            # records validate them as they validate themselves)
            mentions: list = []
            forms: dict[str, None] = {}
            try:
                for m in members:
                    s, e = to_original(m.start, m.end)
                    quoted = source[s:e]
                    mentions.append({"text": quoted, "span": {"start": s, "end": e}})
                    forms[as_written(m.text, quoted)] = None
            except ValueError:  # an offset that does not map back: skip the entity, keep the rest
                continue
            canonical = max(forms, key=len)
            first = members[0]
            fields.append(dict(
                text=canonical, label=first.label, aliases=[f for f in forms if f != canonical],
                mentions=mentions, extractor=self.name, span=mentions[0]["span"],
                quote=mentions[0]["text"], section=doc.section_at(first.start)))
        out = [e for e in validate_each(Entity, fields) if e is not None]  # an invalid one is left out
        out.sort(key=lambda e: e.span.start)
        return out


class _Backwards:
    """An Aho-Corasick automaton of words written backwards, to read a text backwards
    (:meth:`reversed`); ``iter`` yields ``(index in the reversed text of a match's last
    character, value)`` for every match, as pyahocorasick's ``iter``.

    pyahocorasick finds a node's child by a linear search over the node's children: a
    character that occurs in no word costs a search over all the root's children (a hundred
    and more) at each position. :meth:`reversed` reads every such character as one
    placeholder that is the root's first child and begins no word: found at once (the same
    matches, 1.3x faster for the suffixes and gazetteer forms, whose characters are half of a
    policy text's; not worth its cost for a document's own forms, whose are more).
    ``placeholder=False`` reads the plain reversed text."""

    _PLACEHOLDER, _NEVER = "\0", "\1"  # "\0\1" never occurs once \1 (in no word) reads as \0

    def __init__(self, items: Iterable[tuple[str, object]], placeholder: bool = False) -> None:
        items = [(w, v) for w, v in items if w]
        self.words = len(items)
        self._auto = ahocorasick.Automaton()
        self._table = None  # per BMP character: 1 where it occurs in a word, else 0
        alphabet = {ord(c) for w, _ in items for c in w} if placeholder else set()
        np = _numpy() if alphabet else None
        if np is not None and max(alphabet) < 0x10000 and \
                ord(self._PLACEHOLDER) not in alphabet and ord(self._NEVER) not in alphabet:
            self._auto.add_word(self._PLACEHOLDER + self._NEVER, None)  # first: the root's first child
            self._table = np.zeros(0x10000, dtype=np.uint32)
            self._table[sorted(alphabet)] = 1
        for w, v in items:
            self._auto.add_word(w[::-1], v)
        if self.words:
            self._auto.make_automaton()

    def reversed(self, text: str) -> str:
        """``text[::-1]``, with the characters that occur in no word read as the placeholder."""
        rev = text[::-1]
        if self._table is None or not rev:
            return rev
        np = _numpy()
        try:
            codes = np.frombuffer(rev.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            out = self._table.take(np.minimum(codes, 0xFFFF))  # astral characters: in no word
            out *= codes  # a character in no word: 0, the placeholder
            return out.tobytes().decode("utf-32-le", "surrogatepass")
        except (UnicodeError, ValueError):  # the plain reversed text finds the same matches
            return rev

    def iter(self, rev: str):
        return self._auto.iter(rev)


_NUMPY: list = []


def _numpy():
    """numpy, or None where it cannot be imported (the plain reversed text is read then)."""
    if not _NUMPY:
        try:
            import numpy
        except ImportError:  # pragma: no cover - numpy is a dependency
            numpy = None
        _NUMPY.append(numpy)
    return _NUMPY[0]


def _automaton(words: Iterable[str]) -> "ahocorasick.Automaton | None":
    auto = ahocorasick.Automaton()
    for w in words:
        if w:
            auto.add_word(w, len(w))
    if len(auto) == 0:
        return None
    auto.make_automaton()
    return auto


def _ends(auto: "ahocorasick.Automaton | None", text: str) -> list[int]:
    """The ends of :func:`_leftmost_longest`'s matches in the whole of ``text``, in order."""
    if auto is None:
        return []
    hits = list(auto.iter(text))
    if len(hits) <= 1:  # one match (or none): nothing to choose
        return [hits[0][0] + 1] if hits else []
    return [e for _, e in _leftmost_longest(auto, text, 0, len(text))]


def _last_end(auto: "ahocorasick.Automaton | None", text: str) -> int | None:
    """The end of the last of :func:`_leftmost_longest`'s matches in ``text``, or None."""
    ends = _ends(auto, text)
    return ends[-1] if ends else None


def _leftmost_longest(auto: "ahocorasick.Automaton | None", text: str, start: int,
                      end: int) -> Iterable[tuple[int, int]]:
    """The ``(start, end)`` of the words of ``auto`` in ``text[start:end]`` that a regex
    alternation of them, longest first, finds with ``finditer``: leftmost, then longest, not
    overlapping. One Aho-Corasick pass instead of trying the alternation at every position."""
    if auto is None or end <= start:
        return
    longest: dict[int, int] = {}
    for last, n in auto.iter(text, start, end):
        s = last + 1 - n
        if n > longest.get(s, 0):
            longest[s] = n
    pos = start
    for s in sorted(longest):
        if s >= pos:
            pos = s + longest[s]
            yield s, pos


def _drop_prefixes(cands: list[Candidate], keep=lambda c, longer: False) -> list[Candidate]:
    """Drop a candidate that only begins a longer one of the same label (宏图集团 in
    宏图集团有限公司), unless ``keep(candidate, longer)`` says it is a name of its own there
    (the zone 滨海新区 in 滨海新区智能制造产业园; not 中国(浙江)自由贸易试验区 in …杭州片区)."""
    longest: dict[tuple[int, str], Candidate] = {}
    for c in cands:
        key = (c.start, c.label)
        if key not in longest or c.end > longest[key].end:
            longest[key] = c
    return [c for c in cands if longest[(c.start, c.label)].end == c.end or keep(c, longest[(c.start, c.label)])]


def _split_and(item: str, start: int) -> list[tuple[str, int, int]]:
    """A、B和C: split the last item on 和/及/与 when both sides look like names."""
    m = _AND.search(item)
    if not m:
        return [(item, start, start + len(item))]
    return [(item[: m.start()], start, start + m.start()),
            (item[m.end():], start + m.end(), start + len(item))]


class _Spans:
    """Spans asked whether ``[s, e)`` lies inside one of them (and is not it) in O(log n):
    sorted by start, with the furthest end reached by the spans that start before each."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        # reach[k]: the largest end among spans[:k]
        self.reach = list(itertools.accumulate((b for _, b in self.spans), max, initial=-1))

    def strictly_inside(self, s: int, e: int) -> bool:
        before = bisect.bisect_left(self.starts, s)  # spans[:before] start left of s
        if self.reach[before] >= e:
            return True
        upto = bisect.bisect_right(self.starts, s)  # spans[before:upto] start at s
        return upto > before and self.spans[upto - 1][1] > e


def _leftmost_longest_of(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`_leftmost_longest` over hits ``(start, length)`` already found."""
    longest: dict[int, int] = {}
    for s, n in hits:
        if n > longest.get(s, 0):
            longest[s] = n
    out, pos = [], -1
    for s in sorted(longest):
        if s >= pos:
            pos = s + longest[s]
            out.append((s, pos))
    return out


def _begins(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Does [s, e) begin one of the sorted ``spans`` (京东 in 京东X物流园)?"""
    i = bisect.bisect_left(spans, (s, 0))
    return any(a == s and b > e for a, b in spans[i:i + 8])


def _common_word(doc: Doc, start: int, end: int, bounds: "Boundaries | None" = None) -> bool:
    """Is text[start:end] one ordinary dictionary word (新材料, 人工智能), not a name? With
    ``bounds``, its tokens come from the window table of name_start (the same string cut once)."""
    if doc.segmenter is None:
        return False
    try:
        toks = bounds.local_tokens(doc, start, end) if bounds is not None else doc.tokens(start, end)
    except Exception:  # noqa: BLE001 - a segmenter problem must not lose the candidate
        return False
    if toks and (toks[0].pos or "")[:1] in ("p", "c", "d", "r", "u"):
        return True  # 通过绿地投资, 在全国股转系统: a phrase, not a name
    if len(toks) == 1:  # a two-character noun is as often an unknown short name (天擎)
        pos = toks[0].pos or ""
        return pos in ("vn", "v", "a", "an", "l", "i") or (pos == "n" and len(toks[0].text) > 2)
    return any((t.pos or "") == "v" and len(t.text) == 2 for t in toks)
