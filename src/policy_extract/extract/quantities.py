"""Targets and statistics from prose: each quantity mention read in its clause.

For every number-with-unit (``numbers.NumberFinder``) the clause around it gives
- the indicator: the subject left of the verb, cleaned of times, places and connectives, or
  the previous indicator when the clause leaves it out (… 预期年增长25%，达到2140亿元);
- the kind: rank / multiple from the mention, growth_rate after a growth word, share for a
  percentage, count for counters, level otherwise;
- the qualifier: 以上/左右/以内 after the number, 突破/控制在/约 before it, 余/多, ranges;
- target or statistic: the year it is bound to (a deadline, or a plain year before/after the
  document's date), cue words, and the heading it sits under;
- a baseline: 由A提高到B / 从A增至B.
Word lists: ``patterns/quantities.yaml``. Table rows are read by ``tables.py``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from decimal import Decimal

import regex

from ..document import Doc, iter_clauses
from ..numerals import to_float
from ..patterns import PatternSet
from . import register
from ..regex_facts import faster
from .numbers import NumberFinder, QuantityMention
from .table_quantities import TableUnits, table_records, validate_in_batches
from .time import find_time_expressions

# patterns used inline below, compiled once
_ETC_TAIL = regex.compile(r"等[^、]{0,12}$")
_EACH_SHARE = regex.compile(r"(?:均|都|各)占(?P<scope>[^0-9０-９%，,]{1,8}?)(?=[近约超不达]{0,2}[0-9])")
_HAN = regex.compile(r"\p{Han}")
_SCALE_NOUN = regex.compile(r"级(?P<noun>(?:(?!和|与|及)[^，,。；;、：:\n“”0-9]){2,20})")
_MULTIPLE_BASE = regex.compile(r"(?:^|[是为按])(?P<base>[^，,。；;是为按]{0,16})的$")
_NAMED_RANKING = regex.compile(r"(?P<name>[^，,。；;]{2,30}?排名)(?=[^排]{0,10}$)")
_IN_HEAD = regex.compile(r"^.{0,6}?在")
_UP_TO_IN = regex.compile(r"^.*在(?=[^在]{2,}$)")
_IN_TAIL = regex.compile(r"(?<=..)中$")
_MEASURE_TAIL = regex.compile(r"(?:占[^占]{1,12}比重|[^排]{0,12}排名)$")
_HAN2 = regex.compile(r"\p{Han}{2}")
_WORDLIKE = regex.compile(r"\p{Han}{2}|[A-Z]{2,}")
_FROM_TAIL = regex.compile(r"[由从](?:[^，,。；]{0,12})$")
_TO_TAIL = regex.compile(r"(?:到|至|为)(?:(?:19|20)[0-9]{2}年(?:底|末)?的?)?$")  # (增加到2020年的)
_PLAN_PAREN = regex.compile(r"(?:规划|计划|方案|纲要|意见|办法)[(（]$")
_SHORT_SENTENCE = regex.compile(r"[^，,；;。\n]{0,30}。")
_COLON_LIST = regex.compile(r"[:：][^。！？!?\n]{0,400}$")
_LINE_END = regex.compile(r"[。\n]\s*$")
_LEAD_PUNCT = " \t\u3000,，、:：;；()（）“”\"'‘’「」"
_TAIL_PUNCT = _LEAD_PUNCT + "的"
_CUT_PUNCT = "，,；;：:"
"""the subject of a clause starts after the last of these"""
_LAST_CUT_PUNCT = re.compile("[" + _CUT_PUNCT + "][^" + _CUT_PUNCT + "]*$")
"""the last of them: the one with none after it (``re`` skips to the candidates at once)"""


@dataclass(slots=True)
class _Reading:
    """A quantity mention read in its clause, before it becomes a record."""

    q: QuantityMention
    start: int  # quote start (indicator start)
    end: int  # quote end (qualifier included)
    indicator: str | None
    kind: str
    qualifier: str
    growth: bool = False
    baseline: "_Reading | None" = None
    year: int | None = None
    is_target: bool = False
    deadline: str | None = None
    ind_span: tuple[int, int] | None = None
    """where the indicator is written, when it is taken from the text as is"""


def _pairs(words: list[str]) -> list[tuple[str, str]]:
    out = []
    for w in words:
        k, _, v = w.partition("=")
        out.append((k, v))
    return sorted(out, key=lambda kv: -len(kv[0]))


class _Lexicon:
    """Words found by length (longest first) and by their first and last characters: one
    slice and one set probe per length instead of a scan over the words."""

    __slots__ = ("by_length", "first", "last")

    def __init__(self, words) -> None:
        words = [w for w in words if w]
        lengths = sorted({len(w) for w in words}, reverse=True)
        self.by_length = [(n, frozenset(w for w in words if len(w) == n)) for n in lengths]
        self.first = frozenset(w[0] for w in words)
        self.last = frozenset(w[-1] for w in words)

    def prefix(self, text: str, start: int, end: int) -> int:
        """The length of the longest word ``text[start:end]`` starts with, else 0."""
        if start >= end or text[start] not in self.first:
            return 0
        room = end - start
        for n, words in self.by_length:
            if n <= room and text[start:start + n] in words:
                return n
        return 0

    def suffix(self, text: str) -> int:
        """The length of the longest word ``text`` ends with, else 0."""
        if not text or text[-1] not in self.last:
            return 0
        size = len(text)
        for n, words in self.by_length:
            if n <= size and text[size - n:] in words:
                return n
        return 0


_GROWTH_PARTICLES = "了到至"
"""after a growth word, before the number (增长了5%, 提高到80%)"""


_FASTER = ("future_cue", "past_cue", "_rx_time_prefix", "_cut_any", "_decision_before", "_rx_comparison_tail",
           "_coordination", "_lead", "_rx_adverbial")
"""the reader's patterns run on ``re`` when it reads them (the tests compare both engines)"""


class QuantityReader:
    """Reads quantity mentions in a sentence (shared by the targets extractor and its tests)."""

    def __init__(self, patterns: PatternSet) -> None:
        w = lambda key: patterns.words("quantities", key)  # noqa: E731
        alt = patterns.alternation
        self.finder = NumberFinder(patterns)
        self.level_verbs = _pairs(w("level_verbs"))
        self.after_qualifiers = _pairs(w("after_qualifiers"))
        self._after_words = _Lexicon(k for k, _ in self.after_qualifiers)
        self._after_qualifier: dict[str, str] = {}
        for k, v in self.after_qualifiers:
            self._after_qualifier.setdefault(k, v)
        self.growth_words = sorted(w("growth_words"), key=len, reverse=True)
        self.decrease_words = set(w("decrease_words"))
        self.share_words = w("share_words")
        self.future_cues = w("future_cues")
        self.past_cues = w("past_cues")
        # "does the text hold one of the cues": one scan each
        # (patterns the standard library's ``re`` reads run on it: the same matches, 2-3x faster
        # per call; see _FASTER below and the tests)
        self.future_cue = faster(regex.compile(alt(self.future_cues)))
        self.past_cue = faster(regex.compile(alt(self.past_cues)))
        rules = {r.id: patterns.compile_rule(r) for r in patterns.rules("quantities")}
        self.goal_heading = rules["goal_heading"]
        self.imperative = rules["imperative"]
        self.base_heading = rules["base_heading"]
        self._rx_time_prefix = faster(rules["time_prefix"])
        self._rx_comparison_tail = faster(rules["comparison_tail"])
        self._rx_adverbial = faster(rules["adverbial"])
        self._rx_scale_goal_tail = rules["scale_goal_tail"]
        self._rx_scale_move_tail = rules["scale_move_tail"]
        self._rx_share_scope_head = rules["share_scope_head"]
        self._rx_share_scope_approx = rules["share_scope_approx"]
        self._rx_share_scope_tail = rules["share_scope_tail"]
        self._rx_share_of_scope = rules["share_of_scope"]
        self._rx_multiple_base_time = rules["multiple_base_time"]
        self.prefix_stop = sorted(w("indicator_prefix_stop"), key=len, reverse=True)
        self.suffix_stop = sorted(w("indicator_suffix_stop"), key=len, reverse=True)
        self.not_indicators = set(w("not_indicators"))
        self.cut_after = sorted(w("indicator_cut_after"), key=len, reverse=True)
        # what goes from the front of an indicator, as long as something follows: punctuation,
        # a time (到2025年), a connective or verb (同时, 力争), in any order and number; one
        # match instead of a loop over the three (the time first, then the longest word)
        self._lead = faster(regex.compile(
            "(?:[" + regex.escape(_LEAD_PUNCT) + "]|" + rules["time_prefix"].pattern + "|(?:"
            + alt(self.prefix_stop) + ")(?=(?s:.)))*+"))
        self._suffix_words = _Lexicon(self.suffix_stop)
        self._cut_any = faster(regex.compile(alt(self.cut_after)))
        self._coordination = faster(regex.compile(
            "(?P<resp>" + alt(w("respectively")) + ")|(?<!平)(?P<each>" + alt(w("each")) + ")(?=["
            + "".join(w("each_verbs")) + "])"))
        self._conjunction = regex.compile("(?:" + alt(w("conjunctions")) + ")")
        # a noun may not start with a verb (增至280所 is not a thing); one-character stops only
        # end a noun, they may begin one (中小学)
        verbs = alt([v for v in w("after_noun_stops") + [k for k, _ in self.level_verbs] + self.growth_words
                     if len(v) > 1])
        self._noun_after = regex.compile(
            r"(?!" + verbs + r"|[" + "".join(w("noun_not_first")) + r"])(?P<noun>[\p{Han}“][\p{Han}A-Za-z“”（）()]{1,15}?)(?=[,，。；;、:：!！?？\n]|$|"
            + alt(w("after_noun_stops")) + ")")
        self._noun_of = regex.compile(r"的(?P<noun>[\p{Han}“”]{2,12}?)(?=[,，。；;、:：\n]|$|" + alt(w("after_noun_stops")) + ")")
        self.rank_verbs = sorted(w("rank_verbs"), key=len, reverse=True)
        self.rank_scopes = set(w("rank_scopes"))
        self.measure_subjects = set(w("measure_subjects"))
        self.bare_measures = set(w("bare_measures"))
        self.increment_leads = tuple(sorted(w("increment_leads"), key=len, reverse=True))
        self.descriptive = tuple(sorted(w("descriptive_measures"), key=len, reverse=True))
        self._decision = regex.compile("(?:" + alt(w("decision_verbs")) + ")了?[^。！？!?]{0,60}(?:"
                                       + alt(w("decision_objects")) + ")")
        self._decision_before = faster(
            regex.compile("(?:" + alt(w("decision_verbs")) + ")了?[^，,。；;]{0,12}$"))
        self._decision_after = regex.compile("[^，,。；;]{0,16}?的?(?:" + alt(w("decision_objects")) + ")")
        self.frequency_words = set(w("frequency_words"))
        # the verb (growth word) a text ends with: the longest one
        self._verb_words = _Lexicon(k for k, _ in self.level_verbs)
        self._verb_qualifier: dict[str, str] = {}
        for k, v in self.level_verbs:
            self._verb_qualifier.setdefault(k, v)
        self._growth_lexicon = _Lexicon(self.growth_words)
        # the thing a number in some units measures (148平方公里 -> 面积), by base unit
        self._measures = {u: str(info["measure"]) for u, info in self.finder.unit_info.items()
                          if info.get("measure")}
        self._cut_after_tuple = tuple(self.cut_after)

    # -- one clause -----------------------------------------------------------------
    def read_mentions(self, text: str, cs: int, previous: str | None,
                      mentions: list[QuantityMention]) -> list[_Reading]:
        """Read ``mentions`` (the quantities of the clause starting at ``cs``, in order)."""
        out: list[_Reading] = []
        if not mentions:
            return out
        before_clause = previous
        left = cs
        for q in mentions:
            r = self._read(text, q, left, previous)
            if r.indicator:
                previous = r.indicator
            out.append(r)
            left = r.end
        if len(out) > 1:
            self._baselines(text, out)
        return self._coordinate(text, cs, out, previous_in=before_clause)

    def _coordinate(self, text: str, cs: int, readings: list[_Reading], previous_in: str | None) -> list[_Reading]:
        """A和B分别达到X和Y -> (A, X), (B, Y); A、B均达到X -> (A, X), (B, X)."""
        if not readings:
            return readings
        first = readings[0]
        m = self._coordination.search(text, cs, first.q.start)
        if not m:
            return readings
        subject, _ = self._indicator(text[cs:m.start()], cs)
        if not subject:
            return readings
        parts = [p for p in self._conjunction.split(subject) if p]
        if len(parts) < 2:
            return readings
        parts[-1] = _ETC_TAIL.sub("", parts[-1]) or parts[-1]  # 外贸进出口等主要经济指标
        if len(parts[-1]) > len(parts[0]) + 1 and not parts[0].endswith(parts[-1][len(parts[0]):]):
            head = parts[-1][len(parts[0]):]  # 养老保险和医疗保险参保人数: the shared head 参保人数
            if len(parts[-1]) - len(head) == len(parts[0]):
                parts = [p + head for p in parts[:-1]] + [parts[-1]]
        context = previous_in or ""
        parts = [context + p if p in self.not_indicators and context else p for p in parts]
        if m.group("resp") and len(parts) == len(readings):
            for r, p in zip(readings, parts):
                if r.kind == "rank" and r.indicator and subject in r.indicator:
                    p = r.indicator.replace(subject, p)  # 总量和增幅分别居全市第2、第6位
                r.indicator, r.ind_span = p, None
            return readings
        if m.group("each") and len(readings) == 1:
            out = []
            share = _EACH_SHARE.match(text[m.start():first.q.start + 1]) if first.kind == "share" else None
            for p in parts:
                if first.kind == "rank" and first.indicator and subject in first.indicator:
                    p = first.indicator.replace(subject, p)
                elif share:  # A、B等均占全市20%以上 -> A占全市比重, B占全市比重
                    p = f"{p}占{share.group('scope')}比重"
                r = replace(first, indicator=p, ind_span=None)
                out.append(r)
            return out
        return readings

    def _read(self, text: str, q: QuantityMention, left: int, previous: str | None) -> _Reading:
        q_start, q_end, hint, form, unit, base_unit = q.start, q.end, q.kind_hint, q.form, q.unit, q.base_unit
        seg_start = left
        # an enumeration (A增长7%、B增长9.5%) gives each item its own subject,
        # unless the items share one verb (A、B均达到 …: see _coordinate)
        k = text.rfind("、", left, q_start)
        if k >= 0 and _HAN.search(text, k + 1, q_start) \
                and not self._coordination.search(text, k, q_start) \
                and not any(m.start() < k < m.end() for m in self._rx_adverbial.finditer(text, left, q_start)):
            seg_start = k + 1
        qualifier, kind, growth = "eq", hint or "level", False
        body = text[seg_start:q_start].rstrip(_LEAD_PUNCT)
        # verbs and growth words right before the number
        for _ in range(3):
            n = self._verb_words.suffix(body)
            if n:
                v = self._verb_qualifier[body[-n:]]
                if v != "eq":
                    qualifier = v
                body = body[:-n]
                continue
            # a growth word, perhaps followed by 了 / 到 / 至: the longest such tail
            n = self._growth_lexicon.suffix(body)
            if body and body[-1] in _GROWTH_PARTICLES:
                k = self._growth_lexicon.suffix(body[:-1])
                if k:
                    n = max(n, k + 1)
            if n:
                growth = True
                body = body[:-n]
                continue
            break
        if hint == "rank":
            kind = "rank"
            qualifier = "le" if text[q_start] == "前" else "eq"
        elif hint == "multiple":
            kind = "multiple"
        elif growth and unit in ("%", "个百分点", "百分点", None) or base_unit == "pp":
            kind = "growth_rate"
        elif unit == "%" or form == "fraction":
            kind = "share"
        elif hint == "scale":
            kind = "level"
        # qualifier written after the number
        end = q_end
        n = self._after_words.prefix(text, end, len(text))
        if n:
            qualifier, end = self._after_qualifier[text[end:end + n]], end + n
        if q.more_than and qualifier == "eq":
            qualifier = "ge"
        if q.value_max is not None:
            qualifier = "range"
        indicator, ind_start = self._indicator(body, seg_start)
        ind_span = (ind_start, ind_start + len(indicator)) if indicator else None
        if hint == "scale":  # 千亿级核电装备产业集群 -> 核电装备产业集群规模
            m = _SCALE_NOUN.match(text[q_end:q_end + 22])
            if m:
                noun = self._rx_scale_goal_tail.sub("", m.group("noun"))
                noun = self._rx_scale_move_tail.sub("", noun)
                if noun.startswith("规模"):  # 向万亿级规模迈进: the scale of the subject
                    indicator = f"{indicator or previous}规模" if (indicator or previous) else None
                else:
                    indicator = noun if noun.endswith("规模") else noun + "规模"
                end = q_end + m.end()
                ind_start = ind_start if ind_start is not None else q_start
        elif hint == "count" and form != "rank":
            # 39家新型研发机构 / 近7万家企业: the noun after the counter is what is counted
            m = self._noun_after.match(text, end)
            if m and not text.startswith(("以上", "以下", "左右"), end):
                indicator, end = m.group("noun"), m.end()
                ind_span = m.span("noun")
                ind_start = ind_start if ind_start is not None else q_start
        if kind == "rank":
            indicator = self._rank_indicator(body, indicator, previous)
        elif kind == "share" and previous:
            # 占全市55%、全省近1/10: the previous subject's share of a scope
            scope = self._rx_share_scope_head.sub("", body.strip(_LEAD_PUNCT))
            scope = self._rx_share_scope_approx.sub("", scope)
            scope = self._rx_share_scope_tail.sub("", scope)
            if scope in self.rank_scopes:
                subject = self._rx_share_of_scope.sub("", previous)
                indicator = f"{subject}占{scope}比重"
        elif hint == "multiple" and previous and (
                base := _MULTIPLE_BASE.search(body)):
            # 是“十二五”末的2.2倍: a multiple of the subject then; 是全市增速的1.5倍: relative to a base
            named = base.group("base").strip(_LEAD_PUNCT)
            if named and not self._rx_multiple_base_time.search(named):
                indicator = f"{previous}相当于{named}的倍数"
            else:
                indicator = previous
        measure = self._measures.get(base_unit)
        if measure:
            if form == "bare":  # 建设万亩黄河水稻种植基地 -> 黄河水稻种植基地面积
                m = self._noun_after.match(text, end)
                if m:
                    indicator, end, ind_span, ind_start = m.group("noun") + measure, m.end(), None, q_start
            if measure == "覆盖时间" and (not indicator or indicator in self.cut_after or len(indicator) <= 2):
                m = self._noun_after.match(text, end)  # 构建15分钟公共文化服务网络
                if m:
                    indicator, end, ind_span, ind_start = m.group("noun") + measure, m.end(), None, q_start
        if indicator and (indicator in self.frequency_words or indicator.endswith(self._cut_after_tuple)):
            indicator, ind_span = None, None  # 每年 / 确立了打造: no measured thing on the left
        if not indicator:
            if base_unit in ("元", "美元", None) and hint != "rank":
                m = self._noun_of.match(text, end)  # 可实现每年70亿的销售额 -> 销售额
                if m:
                    indicator, ind_span, ind_start = m.group("noun"), None, q_start
            if measure and not indicator:  # 打造42平方公里蓼河新城 -> 蓼河新城面积
                m = self._noun_after.match(text, end)
                if m and not text.startswith("的", end):
                    indicator, ind_span, ind_start = m.group("noun") + measure, None, q_start
            if not indicator and kind == "share" and unit == "%":  # 90%以上的政务服务事项 -> …比例
                m = self._noun_of.match(text, end)
                if m:
                    indicator, ind_span, ind_start = m.group("noun") + "比例", None, q_start
            if not indicator and measure:  # 148平方公里的临空经济区 -> 临空经济区面积
                m = self._noun_of.match(text, end)
                if m:
                    indicator, end = m.group("noun") + measure, m.end()
                    ind_span = None
                    ind_start = q_start
            if not indicator and previous:
                indicator = previous
        if indicator in self.bare_measures and previous and previous not in self.bare_measures:
            # 新增X企业12家，总数达到45家 -> X企业总数
            thing = previous[len(next((w for w in self.increment_leads if previous.startswith(w)), "")):]
            indicator = (thing or previous) + indicator
        start = ind_start if ind_start is not None else q_start
        if ind_span is not None and text[ind_span[0]:ind_span[1]] != indicator:
            ind_span = None
        return _Reading(q, start, end, indicator, kind, qualifier, growth, ind_span=ind_span)

    def _rank_indicator(self, body: str, indicator: str | None, previous: str | None) -> str | None:
        """居全市第1位 -> <subject>全市排名; 跻身全国高新区综合实力前30强 -> 全国高新区综合实力排名."""
        named = _NAMED_RANKING.search(body[-40:])
        if named:  # 在全国生物医药园区综合竞争力排名中稳定保持前10位: the ranking is named
            name, _ = self._indicator(_IN_HEAD.sub("", named.group("name")), 0)
            if name and len(name) > 3:
                return name
        tail = body[-24:]
        for verb in self.rank_verbs:
            k = tail.rfind(verb)
            if k >= 0:
                subject_part, scope = tail[:k], tail[k + len(verb):]
                break
        else:
            return indicator or previous
        scope = scope.strip(_LEAD_PUNCT)
        subject, _ = self._indicator(subject_part, 0)
        if subject:  # 具体标准就是在全国评价中(进入前十位): the ranking is the one 在…中
            subject = _UP_TO_IN.sub("", subject)
            subject = _IN_TAIL.sub("", subject)
        elif subject_part.strip(_LEAD_PUNCT) in self.measure_subjects:
            subject = subject_part.strip(_LEAD_PUNCT)  # 增速居全市第一: no indicator alone, a measure
        base = _MEASURE_TAIL.sub("", previous or "")
        if subject in self.measure_subjects and base:
            subject = base + subject  # 占比均居全省开发区首位: the share of the thing before
        subject = subject or base
        if scope in self.rank_scopes or not scope:
            return f"{subject}{scope}排名" if subject or scope else None
        return f"{scope}排名"

    def _indicator(self, body: str, base: int) -> tuple[str | None, int | None]:
        e = len(body)
        s = self._lead.match(body).end()  # punctuation, times and connectives in front
        cmp = self._rx_comparison_tail.search(body, s, e)
        if cmp and cmp.start() > s + 1:
            e = cmp.start()  # 产业规模较2023年(翻一番): the comparison base is not the indicator
        if body[e - 1:e] == "下":  # 装备制造产业在…带动下(增长32%): the circumstance is no indicator
            adv = next((m for m in self._rx_adverbial.finditer(body, s, e) if m.end() == e), None)
            if adv and adv.start() > s + 1:
                e = adv.start()
        changed = True
        while changed and s < e:
            changed = False
            while e > s and body[e - 1] in _TAIL_PUNCT:
                e -= 1
                changed = True
            if e > s and body[e - 1] in self._suffix_words.last:
                for n, words in self._suffix_words.by_length:  # longest first
                    if e - s > n and body[e - n:e] in words and not (body[e - 2:e] == "平均" and n == 1):
                        e -= n
                        changed = True
                        break
        text = body[s:e]
        # keep the clause subject, not the sentence's whole left side
        best = -1
        if self._cut_any.search(text):
            for verb in self.cut_after:
                k = text.rfind(verb)
                if k >= 0 and _HAN2.search(text, k + len(verb)):
                    best = max(best, k + len(verb) - 1)
        last = _LAST_CUT_PUNCT.search(text)
        cut = max(last.start(), best) if last else best
        if cut >= 0:
            s += cut + 1
            for _ in range(3):  # 力争|到2026年奇瑞年产销量: the time after the cut goes too
                m = self._rx_time_prefix.match(body, s, e)
                if not m or m.end() == s:
                    break
                s = m.end()
            s = max(s, self._lead.match(body, s, e).end())  # 现有|各级各类|金融机构: the front again
            text = body[s:e]
        if len(text) > 30:
            s = e - 30
            text = body[s:e]
        text = text.strip(_LEAD_PUNCT)
        if text.count("”") > text.count("“"):
            # a quote opened before the indicator and closed in it is part of it (“四新”经济增加值)
            a = body.find(text, s, e)
            if a > 0 and body[a - 1] == "“":
                text, s = "“" + text, a - 1
        if not text or text in self.not_indicators or not _WORDLIKE.search(text):
            return None, None
        return text, base + s

    def _baselines(self, text: str, readings: list[_Reading]) -> None:
        """由A提高到B / 从A增至B: B gets A as its baseline."""
        for a, b in zip(readings, readings[1:]):
            between = text[a.q.end:b.q.start]
            lead = text[max(0, a.q.start - 12):a.q.start]
            if _FROM_TAIL.search(lead) and _TO_TAIL.search(between) \
                    and (a.q.base_unit == b.q.base_unit):
                b.baseline = a
                if b.start >= a.q.end:  # what b read as its indicator is the verb between them
                    b.indicator, b.ind_span = None, None
                b.indicator = b.indicator or a.indicator
                a.indicator = a.indicator or b.indicator


_TITLE = regex.compile(r"《[^《》\n]{0,80}》")


def _without_titles(text: str) -> str:
    return _TITLE.sub("", text) if "《" in text else text


def _goal_word(text: str) -> bool:
    """力争 / 目标: the words of a goal firmly set."""
    return "力争" in text or "目标" in text


def _dominant_year(times, doc_year: int | None) -> int | None:
    """The year a document without a date mostly reports on (its most frequent past-year time)."""
    if doc_year is not None:
        return None
    years = [t.due_year for t in times if t.due_year is not None and not t.is_deadline]
    if not years:
        return None
    best = max(set(years), key=lambda y: (years.count(y), y))
    return best if years.count(best) >= 2 else None


def _names_a_document(text: str, ss: int, t) -> bool:
    """《…三年行动计划(2023—2025年)》: the years of a cited plan, not a time the number is bound to."""
    left = text[max(ss, t.start - 80):t.start]  # a title is short: look 80 characters back
    if left.count("《") > left.count("》"):
        return True
    return bool(_PLAN_PAREN.search(left))


_UNSET = object()

_COMPARISON_LEADS = ("是", "比", "较", "与", "同")
_COMPARISON_YU = ("高于", "低于", "多于", "少于", "大于", "小于", "快于", "慢于", "优于", "好于")
"""于 compares only in these (将于今年上半年 is a time)"""


class _Context:
    """What the tense and year decisions look up, indexed once per document."""

    def __init__(self, doc: Doc, imperative: regex.Pattern, look_back_after: tuple[str, ...] = ()) -> None:
        self.doc = doc
        self.reader_imperative = imperative
        self._imperative: bool | None = None
        self._paragraph_year = _UNSET
        self._ancestor_cache: dict[int, list[int]] = {}
        self.text = doc.text
        self.times = sorted(doc.time_expressions or [], key=lambda t: t.start)
        self.starts = [t.start for t in self.times]
        self.doc_year = doc.doc_date.year if doc.doc_date else None
        self.plan = doc.meta.get("plan_period")
        self.dominant = _dominant_year(self.times, self.doc_year)
        self.now = self.doc_year if self.doc_year is not None else (self.plan[0] if self.plan else self.dominant)
        # a plan read in (or just before) its own period: its figures are goals by default
        self.in_plan_period = bool(self.plan) and (self.doc_year is None or
                                                   self.plan[0] - 1 <= self.doc_year <= self.plan[1])
        self.marks = doc.section_marks
        self.mark_starts = [m.start for m in self.marks]
        self._section_cache: dict[int, object] = {}  # the deadline opening each heading's section
        self._section_openings: dict[int, list] = {}  # those of the sections enclosing a heading
        self._heading_cache: dict[int, int | None] = {}
        self._heading_kinds: dict[int, tuple[bool, bool]] = {}
        self.ss = self.se = 0
        self.goal_sentence = False
        self._para_fallback = _UNSET
        self._titled: dict[int, bool] = {}  # does time i name a document (in this sentence)
        self.previous_reading: _Reading | None = None
        self.look_back_after = look_back_after  # after a time, these open a look back (time.yaml)

    def look_back_start(self, pos: int, after: tuple[str, ...]):
        """The time before ``pos`` in the sentence that opens a look back (从2015年至今, 2015年以来),
        or None."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and self.times[i].start >= self.ss:
            t = self.times[i]
            if t.end <= pos and self.text.startswith(after, t.end):
                return t
            i -= 1
        return None

    def sentence(self, ss: int, se: int) -> None:
        self.ss, self.se = ss, se
        self.previous_reading = None
        text = self.text
        # "目标" outside 《…》 titles (the copy without titles only when the word is there)
        self.goal_sentence = text.find("目标", ss, se) >= 0 and "目标" in _without_titles(text[ss:se])
        self._para_fallback = _UNSET  # looked up when a number of the sentence needs it
        self._titled = {}
        self._imperative = None
        self._paragraph_year = _UNSET

    def imperative(self, start: int) -> bool:
        """Does the sentence open with 要 / 必须 … before ``start``?"""
        ss = self.ss
        if start >= ss + 4:  # the same look for every number past the sentence's first characters
            if self._imperative is None:
                self._imperative = bool(self.reader_imperative.search(self.text, max(0, ss - 1), ss + 4))
            return self._imperative
        return bool(self.reader_imperative.search(self.text, max(0, ss - 1), start))

    def para_start(self, pos: int) -> int:
        """Where the paragraph holding ``pos`` starts (after the last line break before it: one
        backward scan in C, looked up once or twice per sentence)."""
        return self.text.rfind("\n", 0, pos) + 1

    def _index(self, pos: int) -> int:
        """Index of the first time expression starting at or after ``pos``."""
        return bisect.bisect_left(self.starts, pos)

    def binding(self, r: _Reading):
        """The nearest time before the number in its sentence, except a comparison base
        (是“十二五”末的2.2倍, 比上年) unless the number follows it at once (由“十二五”末的9.8%);
        else a deadline that opens the paragraph (到2025年：… followed by a list of goals)."""
        text, ss, times, titled = self.text, self.ss, self.times, self._titled
        i = bisect.bisect_left(self.starts, r.q.start) - 1
        first = True
        while i >= 0 and times[i].start >= ss:
            t = times[i]
            if t.end > r.q.start:
                i -= 1
                continue
            named = titled.get(i)  # the same for every number of the sentence: looked at once
            if named is None:
                named = titled[i] = _names_a_document(text, ss, t)
            i -= 1
            if named:
                continue
            lead = text[max(ss, t.start - 2):t.start]
            if first and r.q.start - t.end <= 2 and not lead.endswith(_COMPARISON_LEADS):
                return t  # 由“十二五”末的9.8%: the number stated for that time
            first = False
            if self.look_back_after and self.doc_year is not None and t.due_year is not None \
                    and t.due_year < self.doc_year - 1 and text.startswith(self.look_back_after, t.end):
                # 2018年以来，…增加到1300家 in a document of 2024: the figure is of the document's
                # time; the look back only says where it started (without a date, or since the
                # year before the document's, the figure is that year's)
                continue
            if not lead.endswith(_COMPARISON_LEADS + ("由", "从")) and lead not in _COMPARISON_YU:
                return t
        if not first:
            return None
        if self._para_fallback is _UNSET:
            self._para_fallback = self._paragraph_deadline(ss)
        return self._para_fallback

    def _paragraph_deadline(self, ss: int):
        text = self.text
        para_start = self.para_start(ss)
        i = self._index(ss) - 1
        while i >= 0 and self.times[i].start >= para_start:
            t = self.times[i]
            i -= 1
            if not t.is_deadline:
                continue
            lead = text[para_start:t.start]
            # 到2025年，… opens the paragraph, or follows its heading (（一）近期目标。力争3-5年，…)
            opens = len(lead) <= 3 or bool(_SHORT_SENTENCE.fullmatch(lead[-32:])) and \
                len(lead) <= 32
            # 今年…主要预期目标是：A；B；C — a list introduced by a colon after the time
            intro = _COLON_LIST.search(text[t.end:ss][-401:])
            return t if opens or intro else None
        return None

    def _ancestors(self, pos: int) -> list[int]:
        """Indices of the headings enclosing ``pos``, innermost first."""
        return self._ancestors_after(bisect.bisect_right(self.mark_starts, pos) - 1)

    def _ancestors_after(self, i: int) -> list[int]:
        """Indices of the headings enclosing the text after heading ``i``, innermost first."""
        out = self._ancestor_cache.get(i)  # they depend only on the last heading before pos
        if out is None:
            out, level, j = [], 10**6, i
            while j >= 0 and level > 1:
                if self.marks[j].level < level:
                    out.append(j)
                    level = self.marks[j].level
                j -= 1
            self._ancestor_cache[i] = out
        return out

    def section_deadline(self, pos: int):
        """（二）主要目标。到2026年，…  1. … 2. …: the deadline that opens an enclosing section
        (the innermost two levels below a chapter) governs the goals listed in it."""
        last = bisect.bisect_right(self.mark_starts, pos) - 1
        openings = self._section_openings.get(last)  # the same for all the text after a heading
        if openings is None:
            openings = []
            for n, i in enumerate(self._ancestors_after(last)):
                if self.marks[i].level <= 1 or n >= 2:
                    break
                if i not in self._section_cache:
                    self._section_cache[i] = self._opening_deadline(i)
                if self._section_cache[i] is not None:
                    openings.append(self._section_cache[i])
            self._section_openings[last] = openings
        for t in openings:
            if t.start < pos:
                return t
        return None

    def _opening_deadline(self, i: int):
        m = self.marks[i]
        end = self.mark_starts[i + 1] if i + 1 < len(self.marks) else len(self.text)
        j = self._index(m.start)
        while j < len(self.times) and self.times[j].start < end:
            t = self.times[j]
            j += 1
            if t.is_deadline and not t.relative:
                lead = self.text[max(m.start, t.start - 2):t.start]
                if t.start - m.start <= 40 or _LINE_END.search(lead) or lead == "":
                    return t
        return None

    def heading_kinds(self, pos: int, goal, base) -> tuple[bool, bool]:
        """Is ``pos`` under a heading of goals (``goal`` matches it), of a review (``base``)?"""
        # the heading path depends only on the last heading at or before pos: one bisect
        i = bisect.bisect_right(self.mark_starts, pos) - 1
        got = self._heading_kinds.get(i)
        if got is None:
            path = self.doc.section_at(pos)
            got = (any(goal.search(h) for h in path), any(base.search(h) for h in path))
            self._heading_kinds[i] = got
        return got

    def heading_year(self, pos: int) -> int | None:
        """一、2021年工作回顾: the year the enclosing heading names."""
        for i in self._ancestors(pos):
            if i not in self._heading_cache:
                m = self.marks[i]
                end = self.text.find("\n", m.start, m.start + 200)
                end = m.start + 200 if end < 0 else end
                j = self._index(m.start)
                year = None
                while j < len(self.times) and self.times[j].start < end:
                    if self.times[j].due_year is not None:
                        year = self.times[j].due_year
                        break
                    j += 1
                self._heading_cache[i] = year
            if self._heading_cache[i] is not None:
                return self._heading_cache[i]
        return None

    def paragraph_year(self, pos: int) -> int | None:
        """The year the paragraph of the current sentence speaks of, up to the sentence (the
        same for each of its numbers: looked up once)."""
        if self._paragraph_year is _UNSET:
            self._paragraph_year = self._find_paragraph_year()
        return self._paragraph_year

    def _find_paragraph_year(self) -> int | None:
        text, ss = self.text, self.ss
        para_start = self.para_start(ss)
        i = self._index(ss) - 1
        while i >= 0 and self.times[i].start >= para_start:
            t = self.times[i]
            i -= 1
            if t.due_year is None or _names_a_document(text, max(para_start, t.start - 80), t):
                continue
            if not text[max(para_start, t.start - 2):t.start].endswith(_COMPARISON_LEADS + ("由", "从")):
                return t.due_year
        return None


@register("targets")
class QuantityExtractor:
    """Targets and statistics from prose (tables: ``tables.py``)."""

    name = "targets"
    produces = ("targets", "statistics")

    def __init__(self, patterns: PatternSet) -> None:
        self.reader = QuantityReader(patterns)
        # a time followed by one of these opens a look back (2015年至今, “十三五”以来)
        self.look_back_after = tuple(patterns.words("time", "retrospective_after"))
        finder = self.reader.finder
        self._table_units = TableUnits({u: str(info.get("kind")) for u, info in finder.unit_info.items()},
                                       finder.magnitudes)

    def __call__(self, doc: Doc) -> None:
        targets = doc.records.setdefault("targets", [])
        statistics = doc.records.setdefault("statistics", [])
        if doc.time_expressions is None:  # the deadlines extractor is switched off
            doc.time_expressions = find_time_expressions(doc)
        ctx = _Context(doc, self.reader.imperative, self.look_back_after)
        text = doc.text
        mentions = self.reader.finder.find(text)
        starts = [q.start for q in mentions]
        skip = doc.table_ranges
        read = self.reader.read_mentions
        sentences = doc.sentences
        sentence_starts = [s for s, _ in sentences]
        # three passes, each over every reading in order (read, decide, make the records): each
        # step's code runs back to back, which costs less than interleaving them per number
        read_clauses: list[tuple[int, int, int, int, list[_Reading]]] = []  # ss, se, cs, ce, readings
        # visit only the sentences that hold a quantity: from each mention to its sentence
        lo, n = 0, len(mentions)
        while lo < n:
            j = bisect.bisect_right(sentence_starts, starts[lo]) - 1
            if j < 0 or starts[lo] >= sentences[j][1]:  # between sentences (in their breaks)
                lo += 1
                continue
            ss, se = sentences[j]
            hi = bisect.bisect_left(starts, se, lo)
            a = lo
            lo = hi
            if any(ts <= ss < te for ts, te in skip):
                continue
            previous = None
            for cs, ce in iter_clauses(text, ss, se):
                if a >= hi:
                    break  # the sentence's numbers are read: the rest of it is not split
                b = bisect.bisect_left(starts, ce, a, hi)
                if a == b:
                    continue
                clause_mentions = [q for q in mentions[a:b] if q.end <= ce and q.start >= cs]
                a = b
                readings = read(text, cs, previous, clause_mentions)
                if readings:
                    for r in readings:
                        previous = r.indicator or previous
                    read_clauses.append((ss, se, cs, ce, readings))
        decide, current = self._decide, -1
        for ss, se, cs, ce, readings in read_clauses:
            if ss != current:
                ctx.sentence(ss, se)
                current = ss
            for r in readings:
                decide(ctx, r, cs, ce)
        self._records(doc, [r for *_, readings in read_clauses for r in readings], targets, statistics)
        table_targets, table_statistics = table_records(doc, self._table_units, self.name)
        targets.extend(table_targets)
        statistics.extend(table_statistics)

    # -- target or statistic ---------------------------------------------------------
    def _decide(self, ctx: "_Context", r: _Reading, clause_start: int, clause_end: int) -> None:
        """Target or statistic, and the year: from the time the number is bound to, cue words,
        the heading it sits under, and the document's "now" (its date, else its plan's start).
        Every look is bounded (a window, a bisect, a cache), so n numbers cost O(n)."""
        rd = self.reader
        text, ss = ctx.text, ctx.ss
        prev = ctx.previous_reading
        ctx.previous_reading = r
        if prev is not None and text.startswith("其中", clause_start):
            # 投产后将形成年产1.62亿片的规模，其中A和B各占50%: "of which" continues the figure before
            r.is_target, r.year, r.deadline = prev.is_target, prev.year, prev.deadline
            return
        bound = ctx.binding(r)
        if bound is None:
            bound = ctx.section_deadline(r.q.start)
        start = r.q.start
        # the cues below are looked at only by the branches that need them
        w_start = max(ss, start - 120)  # the window of cue words before the number
        imperative = ctx.imperative(start)
        in_goals, in_base = ctx.heading_kinds(start, rd.goal_heading, rd.base_heading)
        own = max(clause_start, start - 120), min(clause_end, r.end + 40)  # this clause, around it
        # a time stated in an earlier clause does not outweigh this clause's own 将 / 预计
        if bound is not None and bound.start < clause_start and not bound.is_deadline \
                and self._speaks_of_future(text, *own):
            bound = None
        now = ctx.now
        year = bound.due_year if bound is not None else None
        if bound is not None and year is not None and now is not None and year < now \
                and rd._decision.search(text, bound.end, start):
            bound, year = None, None  # 2018年提出…的目标: when the goal was set, not when it is due
            r.is_target = True
        elif bound is not None and year is not None and now is not None and year != now:
            r.is_target = year > now
        elif bound is not None:
            r.is_target = bound.is_deadline or (self._future(ctx, imperative, w_start, r.end)
                                                and not self._past(text, ss, start))
        elif rd._decision_before.search(text, max(ss, start - 16), start) \
                and rd._decision_after.match(text, r.end):
            r.is_target = True  # 确立了打造42平方公里新城的思路: a plan it set
        elif (own_future := self._speaks_of_future(text, *own)) and not in_base \
                and not rd.past_cue.search(text, clause_start, start):
            r.is_target = True  # 二期项目投产后将形成年产…: this clause speaks of the future
        elif in_base:
            r.is_target = False
        elif in_goals:
            r.is_target = not self._past(text, ss, start)
        elif self._past(text, ss, start) \
                and not (imperative or _goal_word(_without_titles(text[w_start:r.end]))):
            r.is_target = False
        elif ctx.plan is not None and ctx.in_plan_period:
            r.is_target = True  # in a plan, a figure outside its review is one of its goals
        else:
            window = _without_titles(text[w_start:r.end])  # 《…计划》 is a name
            r.is_target = own_future or (self._future(ctx, imperative, w_start, r.end) and (
                ctx.plan is not None or imperative or _goal_word(window) or "到20" in window))
        if r.is_target and r.indicator and r.indicator.endswith(rd.descriptive) \
                and not (bound is not None and bound.is_deadline and now is not None and (year or 0) > now):
            r.is_target = False  # 项目总投资93.7亿元: the size of a project, a fact about it
        if r.is_target and bound is not None and bound.is_deadline:
            r.deadline = bound.text
        plan = ctx.plan
        if year is None and plan is not None:
            if r.is_target and not in_base:
                year = plan[1]
            elif not r.is_target and in_base:
                year = plan[0] - 1  # 现拥有… in a plan's review: the year before the plan
        if year is None and not r.is_target:
            # a reported figure belongs to the time its paragraph speaks of (2023年以来，…),
            # else to its heading's year, else to the document's year or the year it mostly reports on
            year = ctx.paragraph_year(r.q.start)
            if year is None:
                year = ctx.heading_year(r.q.start)
            if year is None:
                year = ctx.doc_year if ctx.doc_year is not None else ctx.dominant
        r.year = year
        base = r.baseline
        if base is not None and not r.is_target and not base.is_target:
            # 从2015年至今，医疗机构数从118所增至280所: the figure it grew from is the look back's start
            t = ctx.look_back_start(base.q.start, self.look_back_after)
            if t is not None and t.due_year is not None and (year is None or t.due_year < year):
                base.year = t.due_year

    def _future(self, ctx: "_Context", imperative: bool, start: int, end: int) -> bool:
        """Does the sentence set goals, or a cue word of the future (将, 力争, 到20…) stand in
        ``text[start:end]`` outside 《…》 titles?"""
        if ctx.goal_sentence or imperative:
            return True
        text = ctx.text
        if text.find("《", start, end) < 0:  # no title to take out: search in place
            return self.reader.future_cue.search(text, start, end) is not None
        return self.reader.future_cue.search(_without_titles(text[start:end])) is not None

    def _past(self, text: str, ss: int, start: int) -> bool:
        """A cue word of the past (已, 累计, 上年 …) in the 40 characters before ``start``, or 了
        right before it."""
        return self.reader.past_cue.search(text, max(ss, start - 40), start) is not None \
            or "了" in text[max(ss, start - 6):start]

    def _speaks_of_future(self, text: str, start: int, end: int) -> bool:
        """A cue word of the future in ``text[start:end]`` outside titles, or a task word
        (要, 必须) opening it."""
        rd = self.reader
        if text.find("《", start, end) < 0:  # no title to take out: search in place
            return rd.future_cue.search(text, start, end) is not None \
                or bool(rd.imperative.search(text[start:min(start + 4, end)]))
        own = _without_titles(text[start:end])
        return rd.future_cue.search(own) is not None or bool(rd.imperative.search(own[:4]))

    def _records(self, doc: Doc, readings: list[_Reading], targets: list, statistics: list) -> None:
        """The records of ``readings`` (validated in batches; an invalid reading is a warning)."""
        new_targets, new_statistics = validate_in_batches(doc, [
            (self._fields(doc, r), r.is_target,
             ("invalid_quantity", None, r.start, r.end, self.name)) for r in readings])
        targets.extend(new_targets)
        statistics.extend(new_statistics)

    def _fields(self, doc: Doc, r: _Reading) -> dict:
        q = r.q
        unit = q.unit
        indicator = r.indicator
        if doc.script != "simplified":  # as written (萬家 in a repost)
            if unit and doc.text[q.end - len(unit):q.end] == unit:
                unit = doc.surface(q.end - len(unit), q.end, unit)
            if r.ind_span:
                indicator = doc.surface(*r.ind_span, r.indicator)
        year = r.year
        fields = {
            **doc.located(r.start, r.end),
            "extractor": self.name,
            "indicator": indicator,
            "value": to_float(q.value),
            "value_max": to_float(q.value_max) if q.value_max is not None else None,
            "unit": unit,
            "base_value": to_float(q.value * q.magnitude),
            "base_unit": q.base_unit,
            "year": year if year is not None and 1900 <= year <= 2100 else None,
            "kind": r.kind,
            "qualifier": r.qualifier,
        }
        if r.baseline is not None:
            fields["baseline_value"] = to_float(r.baseline.q.value)
            if r.baseline.year is not None and r.baseline.year != year and 1900 <= r.baseline.year <= 2100:
                fields["baseline_year"] = r.baseline.year
        if r.is_target:
            fields["deadline"] = r.deadline
        return fields


__all__ = ["QuantityExtractor", "QuantityReader", "Decimal"]
