"""Sentence in, target or statistic out: the reading of a number in its clause."""
from __future__ import annotations

import datetime as dt

import pytest

import policy_extract


def one(text, doc_date=None, field=None):
    doc = policy_extract.extract(text, doc_date=doc_date)
    records = doc.targets + doc.statistics
    assert len(records) == 1, [(r.indicator, r.value, r.quote) for r in records]
    r = records[0]
    if field:
        assert r in getattr(doc, field), f"expected a {field[:-1]}: {r}"
    return r


ISSUE_SENTENCE = "到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。"


def test_the_issue_sentence_gives_both_targets():
    doc = policy_extract.extract(ISSUE_SENTENCE)
    got = [(t.indicator, t.value, t.unit, t.year, t.kind, t.qualifier) for t in doc.targets]
    assert got == [("地区生产总值", 2000, "亿元", 2025, "level", "eq"),
                   ("高新技术企业", 2500, "家", 2025, "count", "ge")]
    assert doc.statistics == []
    assert all(ISSUE_SENTENCE[t.span.start:t.span.end] == t.quote for t in doc.targets)
    assert doc.targets[0].base_value == 2000 * 10**8 and doc.targets[0].base_unit == "元"
    assert doc.targets[0].indicator_id == "gdp"


@pytest.mark.parametrize("sentence,indicator,value,unit,kind,qualifier", [
    ("力争到2027年，全市规模以上工业增加值年均增长8%以上。", "规模以上工业增加值", 8, "%", "growth_rate", "ge"),
    ("到2026年，全社会研发经费投入强度达到3.2%左右。", "全社会研发经费投入强度", 3.2, "%", "share", "approx"),
    ("到2025年，城镇调查失业率控制在5.5%以内。", "城镇调查失业率", 5.5, "%", "share", "le"),
    ("到2030年，力争培育国家级专精特新企业3-5家。", "国家级专精特新企业", 3, "家", "count", "range"),
    ("到2027年，跻身全国先进制造业百强区前20位。", "全国先进制造业百强区排名", 20, "位", "rank", "le"),
    ("到2030年，综合实力稳居全省开发区第2位。", "综合实力全省开发区排名", 2, "位", "rank", "eq"),
    ("力争到2028年实现数字经济规模翻一番。", "数字经济规模", 2, "倍", "multiple", "eq"),
    ("到2025年，单位地区生产总值能耗下降13.5%。", "单位地区生产总值能耗", 13.5, "%", "growth_rate", "eq"),
    ("到2026年，新增城镇就业人数突破6万人。", "新增城镇就业人数", 6, "万人", "count", "ge"),
    ("到2030年，打造两千亿级新能源汽车产业集群。", "新能源汽车产业集群规模", 2000, "亿元", "level", "ge"),
    ("2027年新能源汽车年产量拟达200万辆。", "新能源汽车年产量", 200, "万辆", "count", "eq"),
    ("力争三年内新增上市企业10家。", "新增上市企业", 10, "家", "count", "eq"),
    # a share keeps its 比重 / 比例 (the 比 of them is no comparison)
    ("到2025年，研发经费投入占地区生产总值比重达到3%。", "研发经费投入占地区生产总值比重", 3, "%", "share", "eq"),
    ("到2027年，城镇绿色建筑占新建建筑比例达到100%。", "城镇绿色建筑占新建建筑比例", 100, "%", "share", "eq"),
])
def test_targets(sentence, indicator, value, unit, kind, qualifier):
    r = one(sentence, field="targets")
    assert (r.indicator, r.value, r.unit, r.kind, r.qualifier) == (indicator, value, unit, kind, qualifier)


@pytest.mark.parametrize("sentence,indicator,value,unit,kind", [
    ("2023年全市实现地区生产总值5600.5亿元。", "地区生产总值", 5600.5, "亿元", "level"),
    ("截至去年底，全区已累计培育高新技术企业1320家。", "高新技术企业", 1320, "家", "count"),
    ("去年外贸进出口总额增长了12.3%。", "外贸进出口总额", 12.3, "%", "growth_rate"),
])
def test_statistics(sentence, indicator, value, unit, kind):
    r = one(sentence, doc_date=dt.date(2024, 2, 1), field="statistics")
    assert (r.indicator, r.value, r.unit, r.kind) == (indicator, value, unit, kind)


@pytest.mark.parametrize("sentence,year", [
    ("过去一年，全市地区生产总值增长5.2%。", 2023),         # a 政府工作报告 of early 2024 reviews 2023
    ("刚刚过去的一年，全区完成固定资产投资520亿元。", 2023),
    ("过去五年，全市地区生产总值年均增长6.5%。", 2023),  # the years reviewed end then
    ("2023年以来，全区新增企业500家。", 2023),          # since last year: that year's figure
    ("去年外贸进出口总额增长了12.3%。", 2023),
    ("2023年全市实现地区生产总值5600.5亿元。", 2023),
])
def test_the_year_a_statistic_describes(sentence, year):
    assert one(sentence, doc_date=dt.date(2024, 2, 1), field="statistics").year == year


def test_a_rank_of_a_measure_is_of_the_thing_measured():
    doc = policy_extract.extract("全区规模以上工业总产值同比增长12.6%，增速居全市第一。",
                                 doc_date=dt.date(2024, 2, 1))
    ranks = [(r.indicator, r.value, r.unit) for r in doc.statistics if r.kind == "rank"]
    assert ranks == [("规模以上工业总产值增速全市排名", 1, "位")]


def test_an_amount_that_classes_the_counted_projects_is_no_quantity():
    doc = policy_extract.extract("全年引进亿元以上项目156个，其中10亿元以上项目28个。",
                                 doc_date=dt.date(2024, 2, 1))
    got = [(r.indicator, r.value, r.unit) for r in doc.statistics]
    assert got == [("亿元以上项目", 156, "个"), ("10亿元以上项目", 28, "个")]


@pytest.mark.parametrize("sentence,indicator", [
    ("新增国家级专精特新“小巨人”企业12家，总数达到45家。", "国家级专精特新“小巨人”企业总数"),
    ("全年新认定高新技术企业320家，总数突破2000家。", "高新技术企业总数"),
])
def test_a_bare_measure_is_of_the_thing_before_it(sentence, indicator):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2024, 2, 1))
    assert doc.statistics[-1].indicator == indicator


@pytest.mark.parametrize("sentence,expected", [
    # (indicator, value, year, baseline_value, baseline_year) of each statistic
    ("从2015年至今，医疗机构数从118所增至280所。",
     [("医疗机构数", 118, 2015, None, None), ("医疗机构数", 280, 2024, 118, 2015)]),
    ("2018年以来，高新技术企业由420家增加到1300家。",
     [("高新技术企业", 420, 2018, None, None), ("高新技术企业", 1300, 2024, 420, 2018)]),
    ("地区生产总值由2015年的610亿元增加到2020年的1291.5亿元。",
     [("地区生产总值", 610, 2015, None, None), ("地区生产总值", 1291.5, 2020, 610, 2015)]),
])
def test_a_figure_grown_from_an_earlier_one_has_that_baseline_and_its_year(sentence, expected):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2024, 2, 1))
    got = [(r.indicator, r.value, r.year, r.baseline_value, r.baseline_year) for r in doc.statistics]
    assert got == expected


@pytest.mark.parametrize("sentence,indicator", [
    # a circumstance between the subject and its verb, even with a 、 inside it
    ("装备制造产业在山推、小松两大龙头带动下增长32%。", "装备制造产业"),
    ("全区出口在海外订单拉动下增长18%。", "出口"),
    # 各级各类 / 各类 in front are no part of what is counted
    ("中心区现有各级各类金融机构700余家。", "金融机构"),
    # a quote opened before the indicator and closed inside it stays whole
    ("“四新”经济增加值占GDP比重42.9%。", "“四新”经济增加值占GDP比重"),
])
def test_what_stands_between_a_subject_and_its_number(sentence, indicator):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2024, 2, 1))
    assert [r.indicator for r in doc.statistics] == [indicator]


def test_an_omitted_subject_is_the_previous_indicator():
    doc = policy_extract.extract("到2025年，进出口总额预期年增长12%，达到1500亿元。")
    got = [(t.indicator, t.value, t.kind) for t in doc.targets]
    assert got == [("进出口总额", 12, "growth_rate"), ("进出口总额", 1500, "level")]


def test_each_item_of_an_enumeration_has_its_own_subject():
    doc = policy_extract.extract("今年预期目标是：地区生产总值增长6%左右、一般公共预算收入增长5%、固定资产投资增长8%。",
                                 doc_date=dt.date(2024, 1, 20))
    assert [(t.indicator, t.value, t.qualifier) for t in doc.targets] == [
        ("地区生产总值", 6, "approx"), ("一般公共预算收入", 5, "eq"), ("固定资产投资", 8, "eq")]


def test_from_a_to_b_gives_a_baseline():
    doc = policy_extract.extract("到2025年，森林覆盖率由23.5%提高到25%。")
    t = [t for t in doc.targets if t.value == 25][0]
    assert t.baseline_value == 23.5 and t.indicator == "森林覆盖率"


def test_no_quantities_in_slogans_and_dates():
    doc = policy_extract.extract("坚持“五位一体”总体布局，2月18日召开“四个全面”推进会。")
    assert doc.targets == [] and doc.statistics == []


@pytest.mark.parametrize("sentence,expected", [
    # the noun after a counter is what is counted
    ("全区现有39家新型研发机构。", [("新型研发机构", 39, "家", "count")]),
    # a share of a scope takes the subject before it
    ("高新技术企业2029家，占全市35.5%。",
     [("高新技术企业", 2029, "家", "count"), ("高新技术企业占全市比重", 35.5, "%", "share")]),
    # a rank: the subject, the scope, 排名
    ("全区规模以上工业增加值增长7.3%，居全市第1位。",
     [("规模以上工业增加值", 7.3, "%", "growth_rate"), ("规模以上工业增加值全市排名", 1, "位", "rank")]),
    # 分别: one indicator per number, the shared head distributed
    ("城乡居民基本养老保险和城乡居民基本医疗保险参保人数分别达到21.3万人和34.8万人。",
     [("城乡居民基本养老保险参保人数", 21.3, "万人", "count"), ("城乡居民基本医疗保险参保人数", 34.8, "万人", "count")]),
    # 均: the same number for each coordinated indicator
    ("规模以上工业增加值、固定资产投资增速均达到全省平均水平1.5倍以上。",
     [("规模以上工业增加值", 1.5, "倍", "multiple"), ("固定资产投资增速", 1.5, "倍", "multiple")]),
    # a multiple of the subject before (是…的N倍), not of the comparison base
    ("实际使用外资8.6亿美元，是“十二五”末的2.2倍。",
     [("实际使用外资", 8.6, "亿美元", "level"), ("实际使用外资", 2.2, "倍", "multiple")]),
    # an area before 的 measures the noun after it
    ("148平方公里的临空经济区是发展的重点。", [("临空经济区面积", 148, "平方公里", "level")]),
    # a bare magnitude stands for one of it
    ("建设万亩高标准农田示范基地。", [("高标准农田示范基地面积", 1, "万亩", "level")]),
])
def test_indicator_readings(sentence, expected):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2021, 3, 1))
    got = [(r.indicator, r.value, r.unit, r.kind) for r in sorted(doc.targets + doc.statistics,
                                                                  key=lambda r: r.span.start)]
    assert got == expected


def test_statistics_take_the_year_of_their_review_heading():
    text = "一、2023年工作回顾\n\n经济运行稳中向好。全市实现地区生产总值3420.3亿元，比上年增长8.2%。\n\n" \
           "二、2024年主要目标\n\n今年预期目标是：地区生产总值增长6%左右。\n"
    doc = policy_extract.extract(text, doc_date=dt.date(2024, 1, 15))
    assert [(s.value, s.year) for s in doc.statistics] == [(3420.3, 2023), (8.2, 2023)]
    assert [(t.value, t.year) for t in doc.targets] == [(6, 2024)]


def test_goals_listed_under_a_heading_take_its_deadline():
    text = "（二）主要目标。到2026年，产业集群建设取得明显成效。\n\n1. 规模持续壮大。新能源汽车年产量达到300万辆以上。\n"
    doc = policy_extract.extract(text)
    assert [(t.indicator, t.year) for t in doc.targets] == [("新能源汽车年产量", 2026)]


def test_years_of_a_cited_plan_do_not_bind():
    text = "2023年以来，全区深入落实《推进新型工业化三年行动计划(2023—2025年)》，规上工业企业数量达到357家。"
    doc = policy_extract.extract(text)
    assert doc.targets == []
    assert [(s.value, s.year) for s in doc.statistics] == [(357, 2023)]


def test_a_table_target_without_a_number_is_a_warning_not_a_record():
    text = ("表1  主要指标\n\n指标名称\n\n2023年\n\n2025年目标\n\n指标属性\n\n"
            "森林覆盖率(%)\n\n40.2\n\n41.0\n\n约束性\n\n"
            "细颗粒物平均浓度(微克/立方米)\n\n31\n\n完成省下达任务\n\n约束性\n\n注:以上为全区指标。\n")
    doc = policy_extract.extract(text)
    assert [(t.indicator, t.value, t.year, t.attribute) for t in doc.targets] == [("森林覆盖率", 41.0, 2025, "约束性")]
    warned = [w for w in doc.warnings if w.code == "target_without_value"]
    assert len(warned) == 1 and "细颗粒物平均浓度" in warned[0].message
    assert text[warned[0].span.start:warned[0].span.end] == "完成省下达任务"


def test_coordinated_shares_stay_apart_when_merging():
    doc = policy_extract.extract("规上工业、规上服务业、外贸进出口等主要经济指标均占全市20%以上。")
    assert [r.indicator for r in doc.targets + doc.statistics] == [
        "规上工业占全市比重", "规上服务业占全市比重", "外贸进出口占全市比重"]


def test_the_same_goal_in_prose_and_table_is_one_record():
    text = ("到2025年，高新技术企业达2500家。\n\n表1  主要指标\n\n指标名称\n\n2020年\n\n2025年目标\n\n指标属性\n\n"
            "高新技术企业数(家)\n\n1214\n\n2500\n\n预期性\n\n注:按火炬统计口径。\n")
    doc = policy_extract.extract(text)
    goals = [t for t in doc.targets if t.value == 2500]
    assert len(goals) == 1
    assert (goals[0].attribute, goals[0].baseline_value, goals[0].year) == ("预期性", 1214, 2025)


def test_in_a_plan_figures_outside_its_review_are_goals():
    text = ("某区国民经济和社会发展第十四个五年规划纲要\n\n第一章 发展基础\n\n全区现有高新技术企业1214家。\n\n"
            "第二章 乡村振兴\n\n建设万亩高标准农田示范基地，新建养老机构3处。\n")
    doc = policy_extract.extract(text, doc_date=dt.date(2021, 6, 30))
    assert [(s.value, s.year) for s in doc.statistics] == [(1214, 2020)]
    assert [(t.indicator, t.value, t.year) for t in doc.targets] == [
        ("高标准农田示范基地面积", 1, 2025), ("新建养老机构", 3, 2025)]


@pytest.mark.parametrize("sentence,expected", [
    ("到2026年，新能源汽车年产量达到300万辆以上，占全国比重提高到15%左右。",
     [("新能源汽车年产量", 300), ("新能源汽车年产量占全国比重", 15)]),
    ("到2026年，整车本地配套率由2023年的45%提高到65%左右。", [("整车本地配套率", 45), ("整车本地配套率", 65)]),
    ("扩大产能，力争到2026年奇瑞年产销量突破200万辆。", [("奇瑞年产销量", 200)]),
])
def test_times_and_comparison_bases_are_not_part_of_the_indicator(sentence, expected):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2024, 3, 1))
    assert [(r.indicator, r.value) for r in sorted(doc.targets + doc.statistics,
                                                   key=lambda r: r.span.start)] == expected


@pytest.mark.parametrize("sentence,kind_of_record,indicator", [
    ("要围绕共同体建设，打造千亿级核电高端装备产业集群。", "Target", "核电高端装备产业集群规模"),
    ("二期项目投产后将形成新增年产1.62亿片硅片的生产规模。", "Target", "硅片"),
    ("2018年，全区提出了建设一流园区的目标，具体标准就是在全国评价中进入前十位。", "Target", "全国评价排名"),
    ("构建10分钟便民生活服务圈。", "Statistic", "便民生活服务圈覆盖时间"),
])
def test_tense_cues(sentence, kind_of_record, indicator):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2020, 5, 6))
    (r,) = doc.targets + doc.statistics
    assert (type(r).__name__, r.indicator) == (kind_of_record, indicator)


def test_a_share_of_the_noun_after_it():
    doc = policy_extract.extract("力争到2025年，90%以上的政务服务事项实现网上办理。")
    assert [(t.indicator, t.value, t.qualifier, t.year) for t in doc.targets] == [("政务服务事项比例", 90, "ge", 2025)]


def test_jiang_yu_is_a_time_not_a_comparison():
    doc = policy_extract.extract("机场二期将于今年上半年建成，建成后年旅客吞吐量5500万人次。", doc_date=dt.date(2023, 1, 30))
    assert [(t.indicator, t.value, t.year) for t in doc.targets] == [("年旅客吞吐量", 5500, 2023)]


@pytest.mark.parametrize("sentence,expected", [
    ("项目投产后可实现每年70亿的销售额。", ("销售额", 70, "亿")),
    ("确立了打造42平方公里滨江新城的思路。", ("滨江新城面积", 42, "平方公里")),
])
def test_the_measured_thing_named_after_the_number(sentence, expected):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2020, 8, 1))
    assert [(t.indicator, t.value, t.unit) for t in doc.targets] == [expected]


@pytest.mark.parametrize("sentence,indicator", [
    ("今年地区生产总值增长7%，大致是按全市增速的1.5倍安排的。", "地区生产总值相当于全市增速的倍数"),
    ("实际使用外资8.6亿美元，是“十二五”末的2.2倍。", "实际使用外资"),
])
def test_a_multiple_names_its_base_unless_it_is_a_time(sentence, indicator):
    doc = policy_extract.extract(sentence, doc_date=dt.date(2023, 1, 30))
    assert [r.indicator for r in doc.targets + doc.statistics if r.kind == "multiple"] == [indicator]


def test_reader_patterns_run_on_re_find_what_regex_finds():
    """The reader's patterns that run on the standard library's ``re`` (``quantities._FASTER``)
    give the very matches the ``regex`` module gives: searched and matched at windows of the
    corpora and of random strings."""
    import random
    from pathlib import Path

    import regex

    from policy_extract.extract.quantities import _FASTER, QuantityReader
    from policy_extract.patterns import load_patterns

    reader = QuantityReader(load_patterns())
    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    rnd = random.Random(5)
    pieces = ["将", "计划", "了", "已", "到", "2025年", "今年", "“十四五”期间", "1-9月", "近三年", "实现", "确保",
              "提出", "确立", "，", "。", "\n", " ", "目标", "规模", "亿元", "比", "由", "的", "a", "1"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]

    def key(m):
        return None if m is None else (m.span(), m.groups())

    for name in _FASTER:
        fast = getattr(reader, name)
        slow = regex.compile(fast.pattern, fast.flags & (regex.IGNORECASE | regex.MULTILINE | regex.DOTALL))
        for text in texts:
            step = max(1, len(text) // 200)
            for a in range(0, len(text) + 1, step):
                b = min(len(text), a + rnd.randint(0, 60))
                assert key(fast.search(text, a, b)) == key(slow.search(text, a, b)), (name, text[a:b])
                assert key(fast.match(text, a, b)) == key(slow.match(text, a, b)), (name, text[a:b])
            assert key(fast.search(text)) == key(slow.search(text)), (name, text)


def test_records_are_validated_in_batches_and_an_invalid_one_becomes_a_warning():
    """One invalid record in a batch: the others are kept, in order, and it becomes a warning
    (the one-by-one fallback of validate_in_batches); a target without a number only warns."""
    from policy_extract.extract.table_quantities import validate_in_batches

    PIPE = policy_extract.get_pipeline()
    doc = PIPE.make_doc("到2025年地区生产总值达到2000亿元，规上工业增加值达到800亿元。")
    base = PIPE("到2025年地区生产总值达到2000亿元。").targets[0].model_dump()
    good = dict(base)
    bad = dict(base, value=3000.0, value_max=100.0)  # a range whose end is below its start
    stat = PIPE("2020年实现规上工业增加值800亿元。").statistics[0].model_dump()
    items = [(good, True, ("invalid_quantity", "first", 0, 5, "targets")),
             (None, True, ("target_without_value", "no number", 5, 6, "targets")),
             (bad, True, ("invalid_quantity", "second", 6, 9, "targets")),
             (stat, False, ("invalid_quantity", "third", 9, 12, "targets"))]
    targets, statistics = validate_in_batches(doc, items)
    assert [t.value for t in targets] == [2000.0]
    assert [s.value for s in statistics] == [800.0]
    assert [w.code for w in doc.warnings] == ["target_without_value", "invalid_quantity"]
    assert doc.warnings[1].message.startswith("second: ")

    clean = PIPE.make_doc("到2025年。")
    targets, statistics = validate_in_batches(clean, [items[0], items[1], items[3]])
    assert len(targets) == 1 and len(statistics) == 1
    assert [w.code for w in clean.warnings] == ["target_without_value"]
