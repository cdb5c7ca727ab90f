"""Deadlines and time expressions: sentence in, (text, start, end) out.

The sentences are written for these tests (no dev-corpus phrases). Dates are ISO strings,
None where the range is open or unresolved.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
import time

import pytest
import regex

from policy_extract import Pipeline
from policy_extract.extract.time import DeadlineExtractor, TimeExpression, find_time_expressions

from conftest import gold_date

PIPE = Pipeline(extractors=["deadlines"])
D = dt.date.fromisoformat
MAY_2024 = D("2024-05-10")


def deadlines(text: str, doc_date: dt.date | None = MAY_2024) -> list[tuple[str, str | None, str | None]]:
    out = PIPE(text, doc_date=doc_date)
    return [(d.text, d.start and d.start.isoformat(), d.end and d.end.isoformat()) for d in out.deadlines]


def doc_of(text: str, doc_date: dt.date | None = MAY_2024):
    doc = PIPE.make_doc(text, None, doc_date)
    DeadlineExtractor(PIPE.patterns)(doc)
    return doc


# ---------------------------------------------------------------- absolute years
@pytest.mark.parametrize("sentence,expected", [
    ("到2027年，全县规模以上工业企业达到300家。", [("到2027年", None, "2027-12-31")]),
    ("到2026年底，建成5个省级特色园区。", [("到2026年底", None, "2026-12-31")]),
    ("到2030年末，研发投入强度达到3%。", [("到2030年末", None, "2030-12-31")]),
    ("力争到2026年，数字经济核心产业增加值翻一番。", [("力争到2026年", None, "2026-12-31")]),
    ("力争2025年跻身全省前五。", [("力争2025年", "2025-01-01", "2025-12-31")]),
    ("2026年前完成老旧小区改造。", [("2026年前", None, "2025-12-31")]),
    ("2027年之前全面推行电子证照。", [("2027年之前", None, "2026-12-31")]),
    ("2027年底前实现5G网络全覆盖。", [("2027年底前", None, "2027-12-31")]),
    ("截至2026年底，累计培育专精特新企业80家。", [("截至2026年底", None, "2026-12-31")]),
    ("2030年以后碳排放稳中有降。", [("2030年以后", "2031-01-01", None)]),
    ("预计2025年6月底前完工。", [("2025年6月底前", None, "2025-06-30")]),
    ("到2025年6月30日前完成整改。", [("到2025年6月30日前", None, "2025-06-30")]),
    ("2025年，将建成智慧园区综合管理平台。", [("2025年", "2025-01-01", "2025-12-31")]),
    ("园区将于2026年上半年建成投用。", [("2026年上半年", "2026-01-01", "2026-06-30")]),
])
def test_absolute_years(sentence, expected):
    assert deadlines(sentence) == expected


# ---------------------------------------------------------------- ranges and plan titles
@pytest.mark.parametrize("sentence,expected", [
    ("关于印发某市制造业数字化转型行动方案（2024—2026年）的通知",
     [("2024—2026年", "2024-01-01", "2026-12-31")]),
    ("2024-2026年，每年新增高新技术企业100家。", [("2024-2026年", "2024-01-01", "2026-12-31")]),
    ("2025年至2027年，滚动实施重点项目200个。", [("2025年至2027年", "2025-01-01", "2027-12-31")]),
    ("编制湾区协同发展规划（2025—2030）。", [("2025—2030", "2025-01-01", "2030-12-31")]),
    ("区里印发了《某区2024年优化营商环境工作要点》。", [("2024年", "2024-01-01", "2024-12-31")]),
])
def test_ranges_and_plan_titles(sentence, expected):
    assert deadlines(sentence) == expected


# ---------------------------------------------------------------- Chinese numerals
@pytest.mark.parametrize("sentence,expected", [
    ("展望二〇三五年，基本实现新型工业化。", [("展望二〇三五年", None, "2035-12-31")]),
    ("到二〇三五年，建成现代化国际化城市。", [("到二〇三五年", None, "2035-12-31")]),
    ("展望2035年，人均地区生产总值达到中等发达国家水平。", [("展望2035年", None, "2035-12-31")]),
    ("二〇二六年底前完成搬迁。", [("二〇二六年底前", None, "2026-12-31")]),
    ("力争三年内建成投产。", [("力争三年内", "2024-05-10", "2027-12-31")]),
    ("力争十年左右进入全国前列。", [("力争十年左右", "2024-05-10", "2034-12-31")]),
    ("力争用两年时间完成提升改造。", [("力争用两年时间", "2024-05-10", "2026-12-31")]),
])
def test_chinese_numerals(sentence, expected):
    assert deadlines(sentence) == expected


# ---------------------------------------------------------------- political calendar
@pytest.mark.parametrize("sentence,expected", [
    ("“十五五”期间，新增城镇就业5万人。", [("“十五五”期间", "2026-01-01", "2030-12-31")]),
    ("十四五时期是转型升级的关键期。", [("十四五时期", "2021-01-01", "2025-12-31")]),
    ("「十四五」期间，新建公园20处。", [("「十四五」期间", "2021-01-01", "2025-12-31")]),
    ("‘十四五’末，城镇化率达到70%。", [("‘十四五’末", None, "2025-12-31")]),
    ("到“十五五”末，建成区绿化覆盖率达到45%。", [("到“十五五”末", None, "2030-12-31")]),
    ("力争“十五五”期间实现产值倍增。", [("力争“十五五”期间", "2026-01-01", "2030-12-31")]),
    ("指标表中加[ ]的为五年累计数。", [("五年累计", "2024-05-10", "2029-12-31")]),
    ("到本世纪中叶，全面建成现代化强区。", [("到本世纪中叶", None, "2050-12-31")]),
    ("力争到21世纪中叶，营业收入达到5万亿元。", [("力争到21世纪中叶", None, "2050-12-31")]),
])
def test_political_calendar(sentence, expected):
    assert deadlines(sentence) == expected


def test_five_year_total_is_the_plan_period_when_the_plan_is_known():
    text = "某县国民经济和社会发展第十四个五年规划纲要\n\n注：加[ ]的为五年累计。"
    assert deadlines(text, doc_date=D("2021-03-01")) == [("五年累计", "2021-01-01", "2025-12-31")]


# ---------------------------------------------------------------- relative to the document date
@pytest.mark.parametrize("sentence,expected", [
    ("力争3年进入全省第一方阵。", [("力争3年", "2024-05-10", "2027-12-31")]),
    ("力争3-5年形成千亿级产业集群。", [("力争3-5年", "2024-05-10", "2029-12-31")]),
    ("力争五年左右，研发机构达到50家。", [("力争五年左右", "2024-05-10", "2029-12-31")]),
    ("力争通过5年左右的努力，实现营业收入翻番。", [("力争通过5年左右", "2024-05-10", "2029-12-31")]),
    ("3年内完成全部管网改造。", [("3年内", "2024-05-10", "2027-12-31")]),
    ("用3年时间补齐短板。", [("用3年时间", "2024-05-10", "2027-12-31")]),
    ("6个月内完成整改。", [("6个月内", "2024-05-10", "2024-11-30")]),
    ("两年完成全部改造，三年实现全面提升。",
     [("两年", "2024-05-10", "2026-12-31"), ("三年", "2024-05-10", "2027-12-31")]),
    ("年内完成竣工验收。", [("年内", "2024-01-01", "2024-12-31")]),
    ("力争年内开工。", [("力争年内", "2024-01-01", "2024-12-31")]),
    ("今年将新开工项目20个。", [("今年", "2024-01-01", "2024-12-31")]),
    ("本年度完成投资8亿元。", [("本年度", "2024-01-01", "2024-12-31")]),
    ("明年实现全面投产。", [("明年", "2025-01-01", "2025-12-31")]),
    ("项目将于今年下半年建成投用。", [("今年下半年", "2024-07-01", "2024-12-31")]),
    ("下半年将启动二期建设。", [("下半年", "2024-07-01", "2024-12-31")]),
    ("今年年底前完成搬迁。", [("今年年底前", None, "2024-12-31")]),
    ("年底前完成全部验收。", [("年底前", None, "2024-12-31")]),
    ("预计今年9月投产。", [("今年9月", "2024-09-01", "2024-09-30")]),
    ("近期将出台专项扶持政策。", [("近期", "2024-05-10", None)]),
])
def test_relative_expressions_resolve_against_the_document_date(sentence, expected):
    assert deadlines(sentence) == expected


# ---------------------------------------------------------------- not deadlines
@pytest.mark.parametrize("sentence,doc_date", [
    ("2019年，全区实现地区生产总值800亿元。", MAY_2024),  # a statistic's year
    ("截至2023年底，全市共有高新技术企业1200家。", MAY_2024),
    ("会议于4月25日召开。", MAY_2024),  # the date of an event
    ("连续三年位居全省第一。", MAY_2024),
    ("过去一年，我们攻坚克难。", MAY_2024),
    ("5年以上的信访积案全部化解。", MAY_2024),
    ("深入开展安全生产三年行动。", MAY_2024),
    ("“十三五”期间，全区经济保持较快增长。", MAY_2024),  # a period already over
    ("展望“十四五”，机遇与挑战并存。", MAY_2024),  # names the plan
    ("促进专项规划与“十四五”规划纲要有效衔接。", MAY_2024),
    ("今年以来，全区新增企业300家。", MAY_2024),
    ("去年全区地区生产总值增长6%。", MAY_2024),
    ("一季度，全区实现地区生产总值120亿元。", MAY_2024),  # over before the document
    ("今年1-4月，全区实现税收30亿元。", MAY_2024),
    ("经过近20年的开发建设，园区已成为增长极。", MAY_2024),
    ("这是关键的一年。", MAY_2024),
    ("全面开展“八五”普法。", MAY_2024),
    ("二十四五个项目已经开工。", MAY_2024),
    ("2023年，从春到秋，一路砥砺前行。", None),  # a bare year with no cue, document date unknown
    ("近期，省政府印发了实施方案。", MAY_2024),  # 近期 as "recently"
])
def test_times_that_bound_no_goal_are_not_deadlines(sentence, doc_date):
    assert deadlines(sentence, doc_date) == []


def test_a_bare_year_that_repeats_a_stated_deadline_is_not_another_one():
    text = "到2027年，全区生产总值达到500亿元。\n主要指标 2023年 完成 2027年 目标"
    assert deadlines(text) == [("到2027年", None, "2027-12-31")]


def test_clauses_of_a_goal_sentence_that_start_with_a_time_are_deadlines():
    text = "力争年内新增企业100家，2026年企业总数达到1000家，3-5年形成千亿级产业集群。"
    assert deadlines(text, doc_date=None) == [("力争年内", None, None), ("2026年", "2026-01-01", "2026-12-31"),
                                              ("3-5年", None, None)]


# ---------------------------------------------------------------- unresolved relative time
def test_relative_expressions_without_a_document_date_stay_unresolved_with_one_warning():
    result = PIPE("力争3年内实现翻番，年内完成选址，今年开工建设。", doc_date=None)
    assert [(d.text, d.start, d.end, d.relative, d.resolved) for d in result.deadlines] == [
        ("力争3年内", None, None, True, False), ("年内", None, None, True, False),
        ("今年", None, None, True, False)]
    warnings = [w for w in result.warnings if w.code == "unresolved_relative_time"]
    assert len(warnings) == 1 and "doc_date" in warnings[0].message


def test_absolute_expressions_need_no_document_date_and_raise_no_warning():
    result = PIPE("到2027年，建成3个产业园。", doc_date=None)
    assert [(d.text, d.relative, d.resolved) for d in result.deadlines] == [("到2027年", False, True)]
    assert not [w for w in result.warnings if w.code == "unresolved_relative_time"]


def test_a_resolved_relative_deadline_is_marked_relative():
    (d,) = PIPE("力争3年内建成。", doc_date=MAY_2024).deadlines
    assert d.relative and d.resolved and d.extractor == "deadlines"


# ---------------------------------------------------------------- records point into the caller's string
def test_spans_quote_the_callers_string_even_with_full_width_digits():
    text = "<p>到２０２６年，</p>新建学校５所；力争３年内完成。"
    result = PIPE(text, doc_date=MAY_2024)
    assert [d.text for d in result.deadlines] == ["到2026年", "力争3年内"]
    for d in result.deadlines:
        assert text[d.span.start:d.span.end] == d.quote
    assert result.deadlines[0].quote == "到２０２６年"


# ---------------------------------------------------------------- time expressions for the linker
def test_every_time_expression_is_kept_for_the_linker():
    doc = doc_of("2020年实现地区生产总值1000亿元，到2025年达到1500亿元，“十四五”末进入全省前三。",
                 doc_date=D("2021-06-30"))
    got = [(e.text, e.due_year, e.is_deadline) for e in doc.time_expressions]
    assert got == [("2020年", 2020, False), ("到2025年", 2025, True), ("“十四五”末", 2025, True)]
    assert all(isinstance(e, TimeExpression) for e in doc.time_expressions)
    assert find_time_expressions(doc) == doc.time_expressions


def test_due_year_of_a_span_counted_from_the_document_date():
    doc = doc_of("力争五年左右，研发机构达到50家。", doc_date=D("2023-01-30"))
    (e,) = doc.time_expressions
    assert (e.start_date, e.end_date, e.due_year, e.relative) == (D("2023-01-30"), D("2028-12-31"), 2028, True)


def test_offsets_are_normalised_positions():
    doc = doc_of("目标：到2025年建成。")
    (e,) = doc.time_expressions
    assert doc.text[e.start:e.end] == e.text == "到2025年"


# ---------------------------------------------------------------- the data stays in step
@pytest.mark.parametrize("fragment,words", [
    ("t_rel_year", "relative_years"), ("t_year_part", "year_parts"),
    ("t_month_part", "month_parts"), ("t_plan_suffix", "plan_suffixes"),
])
def test_every_word_of_an_alternation_has_a_meaning(fragment, words):
    f = PIPE.patterns.file("time")
    alternatives = set(f.fragments[fragment].split("|"))
    meanings = {w.partition("=")[0] for w in f.words[words]}
    assert alternatives == meanings


def test_every_five_year_plan_name_is_known():
    names = {e["name"] for e in PIPE.patterns.entries("periods")}
    rx = regex.compile(PIPE.patterns.expand("{t_plan}"))
    assert all(rx.fullmatch(n) for n in names)


# ---------------------------------------------------------------- adversarial input
@pytest.mark.parametrize("text", [
    "2" * 50_000,
    "20250" * 10_000,
    "十四五" * 10_000,
    "“十四五”期间" * 10_000,
    "2025年" * 10_000,
    "年" * 50_000,
    "力争" * 20_000 + "3年",
    "三" * 50_000 + "年",
    "1-" * 25_000 + "月",
    "今年" * 20_000,
])
def test_long_repetitive_input_finishes_fast(text):
    doc = PIPE.make_doc(text)
    t0 = time.perf_counter()
    DeadlineExtractor(PIPE.patterns)(doc)
    assert time.perf_counter() - t0 < 5.0


def test_random_input_never_crashes():
    rng = random.Random(7)
    alphabet = "0123456789年月日底末前内之以来到至力争通过用今明去上下半季度十一二三四五六〇“”‘’-—～，。（）《》期间时期左右个"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        for doc_date in (None, MAY_2024):
            result = PIPE(text, doc_date=doc_date)
            assert not [w for w in result.warnings if w.code == "stage_failed"], (text, result.warnings)


# ---------------------------------------------------------------- the development corpus
def _scorer(shared_dev):
    spec = importlib.util.spec_from_file_location("gold_score", shared_dev.parent / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_corpus_deadlines_f1_floor(shared_dev):
    score = _scorer(shared_dev)
    tp = gold = pred = 0
    for gold_path in sorted((shared_dev / "gold").glob("*.json")):
        g = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (shared_dev / "texts" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        result = PIPE(text, doc_date=gold_date(g)).model_dump(mode="json")
        res = score.score_doc(g, {"deadlines": result["deadlines"]})["deadlines"]
        tp, gold, pred = tp + res["tp"], gold + res["gold"], pred + res["pred"]
    p, r, f1 = score.prf(tp, gold, pred)
    assert f1 >= 0.95, (p, r, f1)


# ---------------------------------------------------------------- anchored rules (speed, same matches)
def _texts_for_rule_equality() -> list[str]:
    from pathlib import Path

    texts = [p.read_text(encoding="utf-8") for p in sorted(
        (Path(__file__).resolve().parents[1] / "corpora" / "texts").glob("*.txt"))]
    texts += [PIPE.make_doc(t).text for t in texts]  # normalised, as the extractor reads them
    for rule in PIPE.patterns.rules("time"):
        texts += rule.examples + rule.counterexamples
    texts += [
        "力争用3-5年左右时间，到2027年底前，今年上半年、明年一季度、年底前完成；前三季度增长5%。",
        "三到五年内、6个月以内、十二个月、2025年内、本年度、上年度、年内、今年年底、截至年底、到年底",
        "连续两年、过去一年、近20年、5年以上、三年行动计划、第二年、2020—2025年、(2024—2028)",
        "年年年年年年年年年年年年年年年年年年年年年年年年年年年年年年年年年年",
        "今后一个时期、未来一段时间、今后一段时期、今后五年、未来三年、今后",
        "2025年" * 30 + "三" * 40 + "年" + "1-" * 20 + "月",
    ]
    rng = random.Random(11)
    alphabet = "0123456789年月日底末前内之以来到至力争通过用今明去本上下半季度个十一二两三四五六〇“”-—～，。期间时段阶左右后未 "
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    return texts


@pytest.mark.parametrize("rule_id", [r.id for r in PIPE.patterns.rules("time") if "anchor" in r.data])
def test_an_anchored_rule_finds_exactly_what_a_full_scan_finds(rule_id):
    """Rules with an `anchor` are only tried in the `anchor_within` characters in front of one of
    its words; that must give the very matches (and groups) a scan of the whole text gives."""
    from policy_extract.anchors import anchored_matches, positions
    from policy_extract.extract import time as T

    grammar = T._grammar(PIPE.patterns)
    rule = next(r for r, y in zip(grammar.rules, PIPE.patterns.rules("time")) if y.id == rule_id)
    assert rule.anchor.reach, f"{rule_id}: the window cannot be bounded (see anchors.reach): every start is tried"
    for text in _texts_for_rule_equality():
        full = [(m.span(), m.groupdict()) for m in rule.rx.finditer(text) if m.end() > m.start()]
        at = positions(text, rule.anchor.words)
        assert [(m.span(), m.groupdict()) for m in anchored_matches(rule.rx, text, rule.anchor, at)] == full, \
            (rule_id, text[:80])


def test_a_first_character_lookahead_changes_no_match():
    """`t_calendar_first` (and the other `t_..._first` fragments) in front of a rule only lets
    the search skip: same matches without it."""
    pats = PIPE.patterns
    leads = [f"(?={{{name}}})" for name in pats.fragments if name.startswith("t_") and name.endswith("_first")]
    rules = [(r, lead) for r in pats.rules("time") for lead in leads if r.pattern.startswith(lead)]
    assert {lead for _, lead in rules} >= {"(?={t_calendar_first})", "(?={t_year_first})", "(?={t_relative_first})"}
    texts = _texts_for_rule_equality()
    for rule, lead in rules:
        with_lead = pats.compile_rule(rule)
        without = regex.compile(pats.expand(rule.pattern.replace(lead, "", 1)))
        for text in texts:
            assert ([(m.span(), m.groupdict()) for m in with_lead.finditer(text)]
                    == [(m.span(), m.groupdict()) for m in without.finditer(text)]), (rule.id, text[:80])


def test_a_rule_on_the_standard_engine_matches_as_on_the_regex_module():
    """`engine: standard` runs a rule on the standard library's engine (quicker in short
    windows): it must find the very matches and groups the regex module finds."""
    from policy_extract.extract import time as T

    pats = PIPE.patterns
    grammar = T._grammar(pats)
    chosen = [(r, y) for r, y in zip(grammar.rules, pats.rules("time")) if y.data.get("engine") == "standard"]
    assert chosen
    texts = _texts_for_rule_equality()
    for rule, y in chosen:
        assert not isinstance(rule.rx, regex.Pattern), f"{y.id}: the standard engine cannot read it"
        reference = pats.compile_rule(y)
        for text in texts:
            assert ([(m.span(), m.groupdict()) for m in rule.rx.finditer(text)]
                    == [(m.span(), m.groupdict()) for m in reference.finditer(text)]), (y.id, text[:80])


def test_a_bad_anchor_is_an_error_naming_the_rule(tmp_path):
    from policy_extract.errors import PatternError
    from policy_extract.extract.time import TimeGrammar
    from policy_extract.patterns import load_patterns

    (tmp_path / "time.yaml").write_text(
        "description: test\nrules:\n  - id: duration\n    pattern: '[0-9]年'\n"
        "    data: {kind: duration, anchor: 年, anchor_within: -1}\n", encoding="utf-8")
    with pytest.raises(PatternError, match="duration"):
        TimeGrammar(load_patterns([tmp_path]))


def test_sentence_split_by_characters_is_the_regex_split():
    """``Doc.sentences`` cuts at its boundaries with str.replace and str.split
    (``_split_at_chars``): the same ranges as the regex split, on the corpora and on random
    strings (ranges of them too)."""
    import random
    from pathlib import Path

    from policy_extract.document import _SENTENCE_CHARS, _SENTENCE_END, _split, _split_at_chars

    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    for p in sorted(folder.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        assert _split_at_chars(text, _SENTENCE_CHARS) == _split(text, _SENTENCE_END)
    rnd = random.Random(3)
    alphabet = "ab 。！？!?；;\n\t\u3000\x1c\x85\xa0，,1"
    for _ in range(5000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
        assert _split_at_chars(s, _SENTENCE_CHARS) == _split(s, _SENTENCE_END), repr(s)
        a = rnd.randint(0, len(s))
        b = rnd.randint(a, len(s))
        assert _split_at_chars(s, _SENTENCE_CHARS, a, b) == _split(s, _SENTENCE_END, a, b), (repr(s), a, b)
