"""Stage 1, normalise: markup and web noise out, widths folded, with a map back to the input.

The rules live in ``patterns/normalize.yaml``. Removing or replacing a piece changes lengths,
so every output character records the original span it came from (``OffsetMap``); folding
(full-width digits, odd spaces) is one character for one character and changes no offset.
"""
from __future__ import annotations

import html
import re
from typing import NamedTuple

import regex

from .offsets import OffsetMap, OffsetMapBuilder
from .patterns import PatternSet
from .regex_facts import rule_first_chars, scoped


class Normalized(NamedTuple):
    text: str
    offsets: OffsetMap
    script: str
    """"simplified", or "traditional" when the text was folded to simplified characters"""
    marks: dict[str, list[int]]
    """where in the normalised text a rule with a ``mark`` (data) removed something, by mark:
    ``{"stock_code": [4]}`` for 浪潮信息(000977)与 -> 浪潮信息与"""


# full-width ASCII block U+FF01..U+FF5E -> U+0021..U+007E
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_MAX_GATE = 32
"""a rule whose matches begin with at most this many characters is skipped in a text without them"""


class _Rule(NamedTuple):
    rx: regex.Pattern
    """the rule alone, as it is one branch of the joined pattern"""
    action: str
    first: frozenset[str] | None
    """the characters its matches begin with (None: not known, or too many to look for)"""
    mark: str | None = None
    """recorded in ``Normalized.marks`` where the rule matches (data ``mark``)"""
    requires: frozenset[str] | None = None
    """characters one of which every match holds (data ``requires``): a text with none of
    them is not searched for the rule"""


class Normalizer:
    """Compiled once per PatternSet; ``__call__(text) -> (normalised, OffsetMap)``."""

    def __init__(self, patterns: PatternSet) -> None:
        f = patterns.file("normalize")
        # a rule can only start at a `rule_start` character: the leading lookahead lets the
        # engine pass over every other position cheaply
        lead = "(?=" + patterns.expand("{rule_start}") + ")" if "rule_start" in patterns.fragments else ""
        starts_here = regex.compile(lead) if lead else None
        self.rules: list[_Rule] = []
        parts = []
        for rule in f.rules:
            action = rule.data.get("action")
            if action not in ("delete", "newline", "unescape"):
                raise ValueError(f"normalize.yaml rule {rule.id}: unknown action {action!r}")
            compiled = patterns.compile_rule(rule)
            # each rule becomes one named alternative; its flags are scoped to it. A rule that
            # `requires` characters is searched only in a text that holds one, and may start
            # anywhere (pinyin starts with any letter); every other rule starts at `rule_start`
            requires = frozenset(rule.data["requires"]) if rule.data.get("requires") else None
            branch = scoped(patterns.expand(rule.pattern), compiled.flags)
            parts.append(f"(?P<r{len(parts)}>{'' if requires else lead}{branch})")
            # the rule on its own: its first characters (known when few), and the lead only
            # where they do not already lie among `rule_start`
            first = rule_first_chars(patterns, rule)
            if first is not None and len(first) > _MAX_GATE:
                first = None
            needs_lead = first is None or (starts_here is not None and not all(map(starts_here.match, first)))
            own_lead = lead if needs_lead and not requires else ""
            self.rules.append(_Rule(regex.compile(own_lead + branch), action, first, rule.data.get("mark"),
                                    requires))
        # all rules as one pattern (the definition of the pass; `_matches` finds the same)
        self.pattern = regex.compile("(?:" + "|".join(parts) + ")") if parts else None
        table = dict(_FULLWIDTH)
        for pair in f.words.get("fold_pairs", []):
            if len(pair) != 2:
                raise ValueError(f"normalize.yaml fold_pairs: {pair!r} is not two characters")
            table[ord(pair[0])] = pair[1]
        self.fold_table = table
        # the same table as a list indexed by code point: str.translate reads a list without the
        # KeyError a dict raises for every character it does not map (about 2.5x faster);
        # characters past its end raise IndexError, which str.translate also takes as "keep"
        fold_list: list[int] = list(range(max(table, default=-1) + 1))
        for cp, to in table.items():
            fold_list[cp] = to if isinstance(to, int) else ord(to)
        self._fold_list = fold_list
        # most texts hold only a few of the characters the table folds: replacing each one present
        # (str.replace runs at memory speed) beats translating every character (~25 ns each).
        # Only when no folded character is itself folded again (then the order of replacements
        # could matter); else str.translate.
        fold_map = {chr(cp): chr(to) if isinstance(to, int) else to for cp, to in table.items()}
        fold_map = {k: v for k, v in fold_map.items() if k != v}
        simple = all(len(v) == 1 and v not in fold_map for v in fold_map.values())
        self._fold_map = fold_map
        self._fold_any = re.compile("[" + "".join(re.escape(k) for k in sorted(fold_map)) + "]") \
            if simple and fold_map else None
        self.t2s: dict[int, str] = {}
        for item in patterns.words("traditional", "pairs") if "traditional" in patterns.files else []:
            for pair in item.split():
                if len(pair) == 2:
                    self.t2s[ord(pair[0])] = pair[1]
        detection = next((e for e in patterns.entries("traditional") if e.get("name") == "detection"), {}) \
            if "traditional" in patterns.files else {}
        self.min_share = float(detection.get("min_share", 0.03))
        self.min_count = int(detection.get("min_count", 8))
        self._not_han = regex.compile(r"\P{Han}+")
        self._t2s_list: list[int] = list(range(max(self.t2s, default=-1) + 1))
        for cp, to in self.t2s.items():
            self._t2s_list[cp] = ord(to)
        # the traditional characters as one character class: counting them is a set-lookup scan
        self._traditional = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(self.t2s)) + "]") \
            if self.t2s else None
        # texts with none of these need no rule pass (a cheap prefilter; the rules decide)
        self.has_markup = regex.compile(
            r"[<&\ufeff\u200b\u200c\u200d\u2060\u00ad\r]|[0-9]{6}[)）]|\p{Han}[ \t]*\n[ \t\n]{0,6}\p{Han}"
            r"|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")  # (pinyin)

    def __call__(self, text: str) -> Normalized:
        folded, offsets, marks = self._rules(text)
        if self.t2s and self._is_traditional(folded):
            return Normalized(folded.translate(self._t2s_list), offsets, "traditional", marks)
        return Normalized(folded, offsets, "simplified", marks)

    def _is_traditional(self, text: str) -> bool:
        sample = text[:200_000]
        hits = len(self._traditional.findall(sample))
        if hits < self.min_count:  # most texts stop here, before the Han characters are counted
            return False
        han = len(self._not_han.sub("", sample))
        return han > 0 and hits / han >= self.min_share

    def _rules(self, text: str) -> tuple[str, OffsetMap, dict[str, list[int]]]:
        marks: dict[str, list[int]] = {}
        if self.pattern is None or not self.has_markup.search(text):
            return self._fold(text), OffsetMap.identity(len(text)), marks
        out = OffsetMapBuilder(text)
        pos = 0
        found = self._matches(text)
        if found is None:  # a rule matched the empty string: the joined pattern decides
            found = [(self.rules[int(m.lastgroup[1:])], m) for m in self.pattern.finditer(text)]
        for rule, m in found:
            action = rule.action
            out.keep(pos, m.start())
            if rule.mark is not None:
                marks.setdefault(rule.mark, []).append(out.length)
            if action == "delete":
                out.replace(m.start(), m.end(), "")
            elif action == "newline":
                out.replace(m.start(), m.end(), "\n")
            else:
                out.replace(m.start(), m.end(), html.unescape(m.group()))
            pos = m.end()
        out.keep(pos, len(text))
        normalised, offsets = out.build()
        return self._fold(normalised), offsets, marks

    def _matches(self, text: str) -> list[tuple[_Rule, regex.Match]] | None:
        """``self.pattern.finditer(text)`` (as (rule, match)), found rule by rule.

        The joined pattern tries every rule at every position where one may start, and that
        costs more than the rules' own scans together: a rule alone is searched with the
        engine's quick skip to where it can begin, and a rule none of whose first characters
        is in the text (the HTML rules, in a plain text) is not searched at all. The joined
        pattern's next match is the leftmost of the rules' next matches (the first rule at
        one position), each searched again from where the last match ended when it began
        before. None when a rule matches the empty string (there finditer steps on its own way)."""
        held: dict[frozenset[str], bool] = {}  # (rules that require the same characters: one look)

        def holds(chars: frozenset[str]) -> bool:
            found = held.get(chars)
            if found is None:  # (a `in` per character: faster than a search for a character class)
                found = held[chars] = any(c in text for c in chars)
            return found

        rules = [r for r in self.rules if (r.first is None or any(c in text for c in r.first))
                 and (r.requires is None or holds(r.requires))]
        never = len(text) + 1
        ahead = [r.rx.search(text) for r in rules]  # each rule's next match
        starts = [never if m is None else m.start() for m in ahead]
        out: list[tuple[_Rule, regex.Match]] = []
        pos = 0
        while True:
            at = min(starts, default=never)
            if at == never:
                return out
            k = starts.index(at)  # the first rule in order of those matching there
            m = ahead[k]
            if m.end() == at:
                return None
            out.append((rules[k], m))
            pos = m.end()
            for k, start in enumerate(starts):
                if start < pos:  # overlapped by this match: search again from its end
                    m = ahead[k] = rules[k].rx.search(text, pos)
                    starts[k] = never if m is None else m.start()

    def _fold(self, text: str) -> str:
        """``text.translate(self._fold_list)``: one character for one character."""
        find = self._fold_any
        if find is None:
            return text.translate(self._fold_list)
        fold = self._fold_map
        m = find.search(text)
        while m is not None:  # one pass per distinct folded character present
            c = m.group()
            text = text.replace(c, fold[c])
            m = find.search(text, m.start() + 1)
        return text
