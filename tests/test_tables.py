"""Indicator tables: flattened cells -> columns, rows, targets and reported figures.

The tables below are written for these tests (invented indicators and numbers, the layouts
found in 规划, 三年行动计划 and 政府工作报告 tables): one cell per line, as a PDF paste gives.
"""
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

import policy_extract
from policy_extract.document import Doc
from policy_extract.normalize import Normalizer
from policy_extract.patterns import load_patterns
from policy_extract.structure import structure
from policy_extract.tables import IndicatorRow, indicator_rows, indicator_rows_from_cells, parse_flattened_table

D = Decimal


def make_doc(text: str, doc_date: dt.date | None = None) -> Doc:
    """A normalised Doc without the extractors (these tests need only patterns and offsets)."""
    pats = load_patterns()
    norm, offsets, _, _ = Normalizer(pats)(text)
    return Doc(source=text, text=norm, offsets=offsets, patterns=pats, normalized=norm, doc_date=doc_date)


def _cells(doc) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for line in doc.text.split("\n"):
        t = line.strip()
        if t:
            lead = len(line) - len(line.lstrip())
            out.append((t, pos + lead, pos + lead + len(t)))
        pos += len(line) + 1
    return out


def read(table: str, title: str = "", doc_date: dt.date | None = None) -> list[IndicatorRow]:
    doc = make_doc(table.strip("\n"), doc_date=doc_date)
    rows = indicator_rows_from_cells(doc, _cells(doc), title=title)
    for r in rows:  # offsets point at the cells they came from
        assert doc.text[r.label_start:r.label_end] == r.label
        for v in r.values:
            assert doc.text[v.start:v.end] == v.text
        assert r.start <= r.label_start < r.label_end <= r.end
    return rows


def by_name(rows: list[IndicatorRow]) -> dict[str, IndicatorRow]:
    return {r.indicator: r for r in rows}


# ---------------------------------------------------------------- a 三年行动计划: units in their own column
ACTION_PLAN = """
指标名称
单位
2022年
2025年
属性
规模以上工业企业数
家
310
400
预期性
数字经济核心产业增加值
亿元
85.6
120以上
预期性
单位工业增加值能耗降低
%
--
[14]
约束性
城市生活垃圾回收利用率
%
35
完成省下达任务
约束性
"""


@pytest.mark.parametrize("indicator, unit, base, base_year, target, target_year, qualifier, cumulative, attribute", [
    ("规模以上工业企业数", "家", D("310"), 2022, D("400"), 2025, "eq", False, "预期性"),
    ("数字经济核心产业增加值", "亿元", D("85.6"), 2022, D("120"), 2025, "ge", False, "预期性"),
    ("单位工业增加值能耗降低", "%", None, None, D("14"), 2025, "eq", True, "约束性"),
    ("城市生活垃圾回收利用率", "%", D("35"), 2022, None, 2025, "eq", False, "约束性"),
])
def test_units_in_their_own_column(indicator, unit, base, base_year, target, target_year, qualifier,
                                   cumulative, attribute):
    rows = by_name(read(ACTION_PLAN, title="主要指标", doc_date=dt.date(2023, 3, 1)))
    assert len(rows) == 4
    r = rows[indicator]
    assert (r.unit, r.baseline_value, r.baseline_year) == (unit, base, base_year)
    assert (r.target_value, r.target_year, r.cumulative, r.attribute) == (target, target_year, cumulative, attribute)
    assert r.targets[-1].qualifier == qualifier
    assert r.category is None and r.parent is None


def test_a_target_in_words_keeps_its_text():
    r = by_name(read(ACTION_PLAN, doc_date=dt.date(2023, 3, 1)))["城市生活垃圾回收利用率"]
    assert r.target_value is None and r.target_text == "完成省下达任务"


def test_without_a_date_the_earliest_year_is_the_baseline():
    r = by_name(read(ACTION_PLAN))["规模以上工业企业数"]
    assert (r.baseline_year, r.target_year) == (2022, 2025)
    assert [v.is_target for v in r.values] == [False, True]


# ---------------------------------------------------------------- 序号 first, years only in the title
NUMBERED = """
序号
指标
基期值
目标值
年均增长(%)
指标属性
1
研究与试验发展经费投入强度(%)
2.4
3.0

预期性
2
每万人口高价值发明专利拥有量(件)
8.5
15
12.0
预期性
3
城镇调查失业率(%)
5.2
<5.5
约束性
4
技术合同成交额(亿元)
60
100
10.8
预期性
"""


@pytest.mark.parametrize("seq, indicator, unit, base, target, growth, qualifier", [
    (1, "研究与试验发展经费投入强度", "%", D("2.4"), D("3.0"), None, "eq"),
    (2, "每万人口高价值发明专利拥有量", "件", D("8.5"), D("15"), D("12.0"), "eq"),
    (3, "城镇调查失业率", "%", D("5.2"), D("5.5"), None, "le"),
    (4, "技术合同成交额", "亿元", D("60"), D("100"), D("10.8"), "eq"),
])
def test_seq_first_and_missing_growth_cells(seq, indicator, unit, base, target, growth, qualifier):
    rows = read(NUMBERED, title="“十四五”科技创新主要指标")
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    r = by_name(rows)[indicator]
    assert (r.seq, r.unit, r.baseline_value, r.target_value, r.growth_rate) == (seq, unit, base, target, growth)
    assert (r.baseline_year, r.target_year) == (2020, 2025)  # from “十四五” in the title
    assert r.targets[0].qualifier == qualifier


# ---------------------------------------------------------------- category rows and sub-rows
GROUPED = """
指标
2020年
2025年
年均增长(%)
属性
综合实力
地区生产总值(亿元)
1,050
1,600
8.8
预期性
居民人均可支配收入(元)
城镇居民
52000
70000
6.1
预期性
农村居民
26000
36500
7.0
预期性
绿色生态
土地综合效益
单位建设用地产出(亿元/平方公里)
18.5
24
预期性
细颗粒物年均浓度(微克/立方米)
35
30以下
约束性
"""


@pytest.mark.parametrize("indicator, category, parent, unit, base, target, growth", [
    ("地区生产总值", "综合实力", None, "亿元", D("1050"), D("1600"), D("8.8")),
    ("城镇居民", "综合实力", "居民人均可支配收入(元)", "元", D("52000"), D("70000"), D("6.1")),
    ("农村居民", "综合实力", "居民人均可支配收入(元)", "元", D("26000"), D("36500"), D("7.0")),
    ("单位建设用地产出", "绿色生态", "土地综合效益", "亿元/平方公里", D("18.5"), D("24"), None),
    ("细颗粒物年均浓度", "绿色生态", "土地综合效益", "微克/立方米", D("35"), D("30"), None),
])
def test_category_rows_and_sub_rows(indicator, category, parent, unit, base, target, growth):
    rows = by_name(read(GROUPED, title="“十四五”主要发展目标"))
    assert len(rows) == 5
    r = rows[indicator]
    assert (r.category, r.parent, r.unit) == (category, parent, unit)
    assert (r.baseline_value, r.target_value, r.growth_rate) == (base, target, growth)


@pytest.mark.xfail(strict=True, reason="without 序号 a parent is told from a category only by position "
                                       "(right under a category) or a unit; 细颗粒物 is read as a child")
def test_a_sibling_after_sub_rows_has_no_parent():
    assert by_name(read(GROUPED))["细颗粒物年均浓度"].parent is None


# ---------------------------------------------------------------- a two-level header
TWO_LEVEL = """
指标
2020年
2025年
总量
占全省比重(%)
总量
占全省比重(%)
地区生产总值(亿元)
3,200
8.1
4,500
9.0
进出口总额
96.5亿美元
5.2
150亿美元
6.0
"""


def test_two_level_header_columns():
    doc = make_doc(TWO_LEVEL.strip("\n"))
    parsed = parse_flattened_table(doc, _cells(doc))
    assert parsed.header == ["指标", "2020年总量", "2020年占全省比重(%)", "2025年总量", "2025年占全省比重(%)"]
    assert [c.role for c in parsed.columns] == ["label", "period", "share", "period", "share"]
    assert [len(r.cells) for r in parsed.rows] == [5, 5]


@pytest.mark.parametrize("indicator, unit, base, target, extra", [
    ("地区生产总值", "亿元", D("3200"), D("4500"), (("占全省比重", 2020, D("8.1")), ("占全省比重", 2025, D("9.0")))),
    ("进出口总额", "亿美元", D("96.5"), D("150"), (("占全省比重", 2020, D("5.2")), ("占全省比重", 2025, D("6.0")))),
])
def test_two_level_header_values(indicator, unit, base, target, extra):
    r = by_name(read(TWO_LEVEL, doc_date=dt.date(2021, 2, 1)))[indicator]
    assert (r.unit, r.baseline_value, r.baseline_year, r.target_value, r.target_year) == (unit, base, 2020, target, 2025)
    assert r.extra == extra
    shares = [v for v in r.values if v.role == "share"]
    assert [(v.unit, v.is_target) for v in shares] == [("%", False), ("%", True)]


def test_a_statistics_title_makes_every_value_reported():
    rows = read(TWO_LEVEL, title="主要经济指标完成情况")
    assert all(not v.is_target for r in rows for v in r.values)
    assert rows[0].target_value is None and rows[0].baseline_year == 2025


# ---------------------------------------------------------------- header cells split over lines
@pytest.mark.parametrize("pieces, names, roles", [
    (["主要指标", "2020年", "完成", "2025年", "目标", "年均增长", "(%)", "指标", "属性"],
     ["主要指标", "2020年完成", "2025年目标", "年均增长(%)", "指标属性"],
     ["label", "baseline", "target", "growth", "attribute"]),
    (["类别", "序号", "指标名称", "单位", "现状值", "规划值", "属性"],
     ["类别", "序号", "指标名称", "单位", "现状值", "规划值", "属性"],
     ["category", "seq", "label", "unit", "baseline", "target", "attribute"]),
    (["指标", "“十三五”期末", "(2020年)", "“十四五”目标"],
     ["指标", "“十三五”期末(2020年)", "“十四五”目标"],
     ["label", "period", "target"]),
])
def test_header_reconstruction(pieces, names, roles):
    text = "\n".join(pieces + ["某某指标(亿元)", "1.0", "2.0", "3.0", "4.0"])
    doc = make_doc(text)
    parsed = parse_flattened_table(doc, _cells(doc))
    assert parsed.header == names
    assert [c.role for c in parsed.columns] == roles


@pytest.mark.parametrize("text, kind", [
    ("6.5", "value"), ("1,291.5", "value"), ("[125]", "value"), ("28.7亿美元", "value"), ("95%以上", "value"),
    ("--", "none"), ("—", "none"), ("预期性", "attr"), ("约束性", "attr"),
    ("2020年", "text"), ("3年内新增企业", "text"), ("完成市下达指标", "text"), ("5G基站数(个)", "text"),
])
def test_cell_kinds(text, kind):
    from policy_extract.tables import _Vocab

    v = _Vocab(make_doc("x"))
    assert v.kind(text) == kind


def test_rule_examples_of_tables_yaml():
    pats = load_patterns()
    for rule in pats.rules("tables"):
        rx = pats.compile_rule(rule)
        for ex in rule.examples:
            assert rx.search(ex), (rule.id, ex)
        for ex in rule.counterexamples:
            assert not rx.search(ex), (rule.id, ex)


@pytest.mark.xfail(strict=True, reason="a row with fewer values fills columns left to right: a lone "
                                       "target with no baseline is read as the baseline")
def test_a_lone_target_value_goes_to_the_target_column():
    table = "指标\n2022年\n2025年\n属性\n新建5G基站(个)\n[3000]\n预期性\n"
    r = read(table, doc_date=dt.date(2023, 1, 1))[0]
    assert r.target_value == D("3000")


# ---------------------------------------------------------------- robustness
@pytest.mark.parametrize("table", [
    "", "预期性", "--\n--\n--", "1\n2\n3\n4", "指标\n2025年", "指标\n属性\n[\n]\n((((\n", "指标\n" + "9" * 5000,
    "主要指标\n2020年\n" + "地区生产总值(" * 300 + "\n1\n2", "表1\n" + "\n".join(["2020年"] * 100),
])
def test_never_crashes(table):
    read(table)


def _big_table(rows: int) -> str:
    lines = ["序号", "指标", "2020年", "2025年", "年均增长(%)", "属性"]
    for i in range(rows):
        lines += [str(i % 999 + 1), f"指标项目{i}(亿元)", "12.5", "[20]" if i % 3 else "--", "6.1", "预期性"]
    return "\n".join(lines)


def test_linear_time():
    def timed(n_rows: int) -> float:
        text = _big_table(n_rows)
        doc = make_doc(text)
        cells = _cells(doc)
        t0 = time.perf_counter()
        rows = indicator_rows_from_cells(doc, cells)
        assert len(rows) == n_rows
        return time.perf_counter() - t0

    timed(50)  # warm the pattern cache
    small = min(timed(2_000 // 6) for _ in range(2))
    large = timed(20_000 // 6)
    assert large < max(small, 0.005) * 40  # ~10x the cells: allow a generous 40x


# ---------------------------------------------------------------- the two tables of a real 规划 (shared corpus)
@pytest.fixture(scope="module")
def tables_003(doc_003):
    doc = policy_extract.get_pipeline().make_doc(doc_003)
    structure(doc)
    return doc, {t.label: t for t in doc.outline.tables}


def test_003_statistics_table(tables_003):
    doc, tables = tables_003
    t = tables["表1"]
    rows = by_name(indicator_rows(doc, t))
    assert len(rows) == 9
    assert all(not v.is_target for r in rows.values() for v in r.values)
    r = rows["地区生产总值"]
    assert (r.unit, r.baseline_value, r.baseline_year) == ("亿元", D("1291.5"), 2020)
    assert [(v.year, v.value) for v in r.reported if v.role == "baseline"] == [(2015, D("596.3")), (2020, D("1291.5"))]
    assert [(y, val) for _, y, val in r.extra] == [(2015, D("9.8")), (2020, D("12.7"))]
    trade = rows["进出口总值"]
    assert [(v.value, v.unit) for v in trade.values if v.role == "baseline"] == [(D("28.7"), "亿美元"), (D("701.3"), "亿元")]
    assert "上市企业数(含新三板)" in rows  # a bracket that is not a unit stays in the name
    for r in rows.values():
        assert doc.text[r.label_start:r.label_end] == r.label


def test_003_target_table(tables_003):
    doc, tables = tables_003
    t = tables["表2"]
    assert t.header == ["指标体系", "序号", "主要指标", "2020年完成", "2025年目标", "年均增长(%)", "指标属性"]
    rows = indicator_rows(doc, t)
    assert len(rows) == 31  # 30 numbered indicators, one of them with two sub-rows
    seqs = [r.seq for r in rows if r.seq is not None]
    assert seqs == [n for n in range(1, 31) if n != 6]
    named = by_name(rows)
    assert all(r.attribute in ("预期性", "约束性") for r in rows)
    assert all((r.baseline_year, r.target_year) == (2020, 2025) for r in rows)
    assert len({r.category for r in rows}) == 5
    sub = [r for r in rows if r.parent]
    assert len(sub) == 2 and all(r.unit == "万元/亩" and r.seq is None for r in sub)
    cum = [r for r in rows if r.cumulative]
    assert len(cum) == 2 and all(r.target_text.startswith("[") for r in cum)
    words = [r for r in rows if r.target_value is None and r.target_text not in (None, "--")]
    assert len(words) == 2 and all(r.attribute == "约束性" and r.baseline_value is not None for r in words)
    with_growth = [r for r in rows if r.growth_rate is not None]
    assert len(with_growth) == 11 and all(len(r.values) == 3 for r in with_growth)
    money = [r for r in rows if r.unit == "亿元" and r.growth_rate is not None]
    assert all(r.baseline_value < r.target_value for r in money)
    assert named["森林覆盖率"].unit == "%"


@pytest.mark.parametrize("title, doc_date, years, is_target", [
    ("主要指标", dt.date(2023, 3, 1), ("2022年", "2025年"), [False, True]),
    ("2023—2025年主要指标", None, ("2023年", "2025年"), [False, True]),   # the first year, with a later one
    ("“十四五”主要指标", None, ("2020年", "2025年"), [False, True]),
    ("主要指标", None, ("2020年", "2025年"), [False, True]),               # no date: the earliest is the base
    ("“十三五”主要指标完成情况", None, ("2015年", "2020年"), [False, False]),
    ("发展目标", None, ("2025年",), [True]),
])
def test_which_columns_are_targets(title, doc_date, years, is_target):
    table = "\n".join(["指标", *years, "某项指标(亿元)", *[str(10 + i) for i in range(len(years))]])
    (r,) = read(table, title=title, doc_date=doc_date)
    assert [v.is_target for v in r.values] == is_target


def test_an_html_table_without_a_caption_is_read_as_a_table():
    import policy_extract

    html = ("<p>到2025年主要目标如下。</p><table><tr><td>指标名称</td><td>2023年</td><td>2025年目标</td>"
            "<td>指标属性</td></tr><tr><td>地区生产总值(亿元)</td><td>1200</td><td>1500</td><td>预期性</td></tr>"
            "<tr><td>森林覆盖率(%)</td><td>40.1</td><td>41.0</td><td>约束性</td></tr></table>")
    doc = policy_extract.extract(html)
    (table,) = doc.outline.tables
    assert table.label is None and table.header == ["指标名称", "2023年", "2025年目标", "指标属性"]
    assert [(t.indicator, t.value, t.year, t.attribute, t.baseline_value, t.baseline_year) for t in doc.targets] == [
        ("地区生产总值", 1500, 2025, "预期性", 1200, 2023), ("森林覆盖率", 41.0, 2025, "约束性", 40.1, 2023)]
    assert [(s.indicator, s.value, s.year) for s in doc.statistics] == [("地区生产总值", 1200, 2023), ("森林覆盖率", 40.1, 2023)]
    assert all(html[t.span.start:t.span.end] == t.quote for t in doc.targets)
