"""Structure: headings, 专栏, tables, figures, metadata and boilerplate, with spans into the input."""
from __future__ import annotations

import datetime as dt

import pytest

import policy_extract

PLAN = """有效性: 有效 文件编号: 榕开管〔2024〕12 号
成文日期: 2024-03-15 发布日期: 2024-03-18
开发区管委会关于印发开发区数字经济发展三年行动计划(2024—2026年)的通知

各部门：
现将《开发区数字经济发展三年行动计划(2024—2026年)》印发给你们，请认真贯彻执行。

开发区管委会
2024年3月15日

第一章 总体要求
第一节 发展基础
近年来，数字产业规模持续扩大。
(一)产业基础
全区数字经济核心产业营业收入突破800亿元。
第二节 主要目标
到2026年，数字经济核心产业营业收入达到1200亿元。

表1  数字经济发展主要指标

指标名称

2023年

2026年目标

核心产业营业收入(亿元)

800

1200

注:核心产业按国家统计分类。

第二章 重点任务
专栏1  数字产业重点项目
重点项目:智算中心二期项目、工业互联网标识解析节点项目、数据要素产业园项目等。
重大平台:公共算力服务平台、开源软件创新平台。
图1:数字产业空间布局图
"""


@pytest.fixture(scope="module")
def plan_doc():
    return policy_extract.extract(PLAN)


def test_headings_with_levels_and_spans(plan_doc):
    heads = plan_doc.outline.headings
    assert [(h.kind, h.label, h.title) for h in heads if h.kind in ("chapter", "section")] == [
        ("chapter", "第一章", "总体要求"), ("section", "第一节", "发展基础"),
        ("section", "第二节", "主要目标"), ("chapter", "第二章", "重点任务")]
    for h in heads:
        assert PLAN[h.span.start:h.span.end].startswith(h.label)
    assert any(h.kind == "item" and h.title == "产业基础" for h in heads)


def test_column_lists_split_on_enumeration_comma(plan_doc):
    (col,) = plan_doc.outline.columns
    assert (col.label, col.number, col.title) == ("专栏1", 1, "数字产业重点项目")
    assert [(lst.category, lst.items) for lst in col.lists] == [
        ("重点项目", ["智算中心二期项目", "工业互联网标识解析节点项目", "数据要素产业园项目"]),
        ("重大平台", ["公共算力服务平台", "开源软件创新平台"]),
    ]
    assert PLAN[col.span.start:col.span.end].startswith("专栏1")


def test_flattened_table_is_found_with_its_notes(plan_doc):
    (table,) = plan_doc.outline.tables
    assert (table.label, table.title) == ("表1", "数字经济发展主要指标")
    assert PLAN[table.span.start:table.span.end].startswith("表1")
    assert table.notes == ["注:核心产业按国家统计分类。"]
    assert any(c.text == "1200" for row in table.rows for c in row.cells)


def test_figure_captions(plan_doc):
    assert [(f.label, f.caption) for f in plan_doc.outline.figures] == [("图1", "数字产业空间布局图")]


def test_metadata_lines_and_notice_title(plan_doc):
    meta = plan_doc.meta
    assert meta.doc_number == "榕开管〔2024〕12号"
    assert meta.issued_date == dt.date(2024, 3, 15)
    assert meta.published_date == dt.date(2024, 3, 18)
    assert meta.issuer == "开发区管委会"
    assert meta.title.startswith("开发区管委会关于印发")
    assert (meta.plan_period.start_year, meta.plan_period.end_year) == (2024, 2026)
    assert meta.doc_date == dt.date(2024, 3, 15) and meta.doc_date_source == "issued"


def test_doc_date_argument_wins_over_metadata():
    doc = policy_extract.extract(PLAN, doc_date=dt.date(2024, 5, 1))
    assert doc.meta.doc_date == dt.date(2024, 5, 1) and doc.meta.doc_date_source == "argument"


def test_records_know_their_section(plan_doc):
    located = [r for r in plan_doc.targets + plan_doc.statistics if "1200" in r.quote or "800" in r.quote]
    assert located
    assert all(r.section and r.section[0].startswith("第一章") for r in located)


def test_web_boilerplate_is_skipped():
    page = ("当前位置:首页 > 产业新闻 > 正文\n\n今年全区高新技术企业达到500家。\n\n"
            + "\n\n".join(f"某股今日涨停第{i}条快讯标题" for i in range(8))
            + "\n\n相关文章\n\n去年某市工业增加值增长9%。\n")
    doc = policy_extract.extract(page)
    quotes = [r.quote for r in doc.targets + doc.statistics]
    assert any("500家" in q for q in quotes)
    assert not any("9%" in q for q in quotes)  # after 相关文章: another article
    assert doc.outline.boilerplate


# ------------------------------------------------------------ the dev plan (../shared)
def test_outline_of_the_high_tech_zone_plan(doc_003):
    doc = policy_extract.extract(doc_003)
    chapters = doc.outline.of_kind("chapter")
    assert [h.label for h in chapters] == [f"第{n}章" for n in "一二三四五六七八九"]
    for h in chapters:
        assert doc_003[h.span.start:h.span.end].startswith(h.label)
        assert doc_003[h.span.end] == "\n"
    cols = doc.outline.columns
    assert [c.number for c in cols] == list(range(1, 16))
    for c in cols:
        assert doc_003[c.span.start:c.span.end].startswith(c.label)
        assert c.lists, c.label
    tables = doc.outline.tables
    assert [t.label for t in tables] == ["表1", "表2"]
    for t in tables:
        quote = doc_003[t.span.start:t.span.end]
        assert quote.startswith(t.label) and "注:" in quote
    assert doc.meta.doc_number == "济高管发〔2021〕3号"
    assert doc.meta.plan_period.name == "十四五"


def test_line_matches_are_each_rules_own_finditer():
    """The joined line-start pass finds exactly what every rule's own finditer finds."""
    from policy_extract.patterns import load_patterns
    from policy_extract.structure import _HEADING_KINDS, _line_matches

    pats = load_patterns()
    text = ("当前位置:首页 > 新闻\n第一章 总则\n\n一、发展目标\n  (二)重点任务。各区要……\n1.强化创新\n"
            "## 小结\n专栏1 重点项目\n表2 主要指标\n相关文章\n  2024年5月6日\n发文字号:汉政〔2024〕3号\n末行")
    groups = [pats.rules("boilerplate"), pats.rules("metadata"),
              [r for r in pats.rules("structure") if r.data.get("kind") in _HEADING_KINDS]]
    for rules in groups:
        got = [(i, m.span()) for i, m in _line_matches(pats, rules, text)]
        want = sorted(((i, m.span()) for i, r in enumerate(rules)
                       for m in pats.compile_rule(r).finditer(text)), key=lambda x: (x[1][0], x[0]))
        assert got == want


def _texts_for_scans():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    lines = "\n".join(texts).split("\n")
    # indented, tab-led and blank-led variants: a rule's leading [ \t]* must be read past
    texts.append("\n".join(" " + ln for ln in lines))
    texts.append("\n".join("\t \t" + ln for ln in lines[::-1]))
    texts.append("\n\n  \n".join(ln.strip() for ln in lines))
    return texts


def test_first_characters_hold_for_rule_examples():
    """The characters a rule's matches begin with, as read from its pattern, include the first
    character of every match of its examples (and, past blanks, the first non-blank one)."""
    from policy_extract.patterns import load_patterns
    from policy_extract.regex_facts import rule_first_chars

    pats = load_patterns()
    known = 0
    for kind in ("structure", "boilerplate", "metadata", "tables", "columns"):
        for rule in pats.rules(kind):
            rx = pats.compile_rule(rule)
            for past_blanks in (False, True):
                first = rule_first_chars(pats, rule, past_blanks)
                if first is None:
                    continue
                known += 1
                for example in rule.examples:
                    for m in rx.finditer(example):
                        head = m.group().lstrip(" \t") if past_blanks else m.group()
                        assert head[:1] in first, (rule.id, example)
    assert known >= 20  # the headings, boilerplate and cell rules are all read


def test_first_characters_not_known():
    """Patterns whose first characters cannot be listed (or are read otherwise by the regex
    module) give None, and the callers then try every line."""
    import regex

    from policy_extract.regex_facts import _first_chars, standard_engine

    for pattern in (r"\d+", r"[^,]x", r".a", r"a?", r"(?:ab)*", r"\w", r"[[:alpha:]]", r"(?i:ab)",
                    r"\p{Han}", r"[\p{Han}]x", r"\P{Han}", r"(?:x){e<=1}", r"\s*a"):
        assert _first_chars(pattern, 0) is None, pattern
    assert _first_chars("ab", regex.IGNORECASE) is None
    assert _first_chars(r"^[ \t]*(?:第|表)[0-9]", regex.MULTILINE) == frozenset(" \t第表")
    assert _first_chars(r"^[ \t]*(?:第|表)[0-9]", regex.MULTILINE, True) == frozenset("第表")
    assert _first_chars(r"(?<![\p{Han}])(?:发布|日期)", 0) == frozenset("发日")
    assert _first_chars(r"a{0,2}b|c", 0) == frozenset("abc")
    assert _first_chars(r"(a)\1", 0) == frozenset("a")  # what comes after the first character is not read
    assert _first_chars(r"\\pa", 0) == frozenset("\\")  # an escaped backslash, then pa
    for pattern in (r"\d", r"\s", r"\bx", r"[[:digit:]]", r"\p{Han}", r"(?i)a", r"a\Z"):
        assert standard_engine(pattern) is None, pattern
    assert standard_engine(r"\n(?=(?m:^[ \t]*[^\n，。]{2,40}?关于))") is not None


def test_prefiltered_line_scans_equal_full_scans():
    """Every line-start scan (by first characters, or in the standard library's engine) finds
    exactly the matches each rule's own finditer finds, on whole documents."""
    from policy_extract.patterns import load_patterns
    from policy_extract.structure import _HEADING_KINDS, _line_finder, _line_matches

    pats = load_patterns()
    groups = [pats.rules("boilerplate"),
              [r for r in pats.rules("structure") if r.data.get("kind") in _HEADING_KINDS]]
    groups += [[r] for r in pats.rules("metadata")] + [[r] for r in pats.rules("structure")]
    assert all(_line_finder(pats, g) is not None for g in groups[:2])
    for text in _texts_for_scans():
        for rules in groups:
            got = [(i, m.span()) for i, m in _line_matches(pats, rules, text)]
            want = sorted(((i, m.span()) for i, r in enumerate(rules)
                           for m in pats.compile_rule(r).finditer(text)), key=lambda x: (x[1][0], x[0]))
            assert got == want, [r.id for r in rules]


def test_first_character_gates_agree_with_the_rules():
    """A line whose first character no match begins with is one the rule does not match: the
    gates structure and tables use skip no line a rule would match."""
    from policy_extract.patterns import load_patterns
    from policy_extract.regex_facts import rule_first_chars

    pats = load_patterns()
    rules = [r for kind in ("structure", "tables") for r in pats.rules(kind)]
    gates = [(pats.compile_rule(r), rule_first_chars(pats, r)) for r in rules]
    for text in _texts_for_scans()[:-1]:
        for line in set(text.split("\n")):
            for t in (line, line.strip()):
                for rx, first in gates:
                    if first is not None and t[:1] not in first:
                        assert rx.match(t) is None


def test_records_validated_together_are_those_validated_one_by_one(monkeypatch):
    """Headings, 专栏, table rows, projects, deadlines and entities are validated in one call
    per list (records.validate_all, validate_each); should that call fail, they are made one by
    one. Both ways give the very same document."""
    from pathlib import Path

    from policy_extract import Pipeline, records

    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [PLAN] + [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    pipe = Pipeline()
    together = [pipe(t).model_dump() for t in texts]

    class Failing:
        def validate_python(self, items):
            raise ValueError("batch refused")

    monkeypatch.setattr(records, "_list_of", lambda model: Failing())
    assert [pipe(t).model_dump() for t in texts] == together
