"""Normalisation removes markup and noise but every character still points into the input."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policy_extract
from policy_extract.normalize import Normalizer
from policy_extract.patterns import load_patterns

NORMALIZE = Normalizer(load_patterns())


@pytest.mark.parametrize("raw,expected", [
    ("地区生产总值１２９１．５亿元", "地区生产总值1291.5亿元"),           # full-width digits fold
    ("济南高新600807)区召开大会", "济南高新区召开大会"),                  # stock code glued into a name
    ("高新<span class='k'>技术</span>企业", "高新技术企业"),             # tags inside a word
    ("&ldquo;十四五&rdquo;期间", "“十四五”期间"),                      # character references
    ("\ufeff正文\u200b内容", "正文内容"),                                # BOM, zero-width space
    ("<p>第一段</p><p>第二段</p>", "\n第一段\n\n第二段\n"),             # block tags end lines
    ("<script>var a = '增长10%';</script>增长5%", "增长5%"),            # scripts are not content
    ("第一行\r\n第二行", "第一行\n第二行"),
    ("增长了600807人", "增长了600807人"),                               # six digits that are a number
])
def test_normalised_text(raw, expected):
    assert NORMALIZE(raw).text == expected


@pytest.mark.parametrize("raw,piece", [
    ("高新<b>技术</b>企业达2500家", "2500家"),
    ("&ldquo;十四五&rdquo;期间新增１２０家", "１２０家"),
    ("<div>济南高新600807)区有企业100家</div>", "100家"),
])
def test_offsets_point_back_into_the_input(raw, piece):
    text, offsets, _, _ = NORMALIZE(raw)
    folded = piece.translate(NORMALIZE.fold_table)
    i = text.index(folded)
    s, e = offsets.to_original(i, i + len(folded))
    assert raw[s:e] == piece


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;#ab 达到2025年亿元\n\r\ufeff\u200b600807)区“”pdiv")), max_size=80))
def test_offset_map_is_monotone_and_in_bounds(raw):
    text, offsets, _, _ = NORMALIZE(raw)
    last = 0
    for i in range(len(text)):
        s, e = offsets.to_original(i, i + 1)
        assert 0 <= s <= e <= len(raw)
        assert s >= last
        last = s


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_every_quote_is_the_input_at_its_span(raw):
    doc = policy_extract.extract(raw)
    for field in ("targets", "statistics", "deadlines", "entities", "projects"):
        for record in getattr(doc, field):
            assert raw[record.span.start:record.span.end] == record.quote


def test_traditional_text_is_read_as_simplified_one_for_one():
    raw = "到2027年，全市汽車產量達到250萬輛，規模以上工業企業超過1.2萬家。"
    out = NORMALIZE(raw)
    assert out.script == "traditional"
    assert out.text == "到2027年,全市汽车产量达到250万辆,规模以上工业企业超过1.2万家。"
    assert len(out.text) == len(raw)


def test_simplified_text_is_left_alone():
    raw = "坚持显著成效，乾坤朗朗，著力推进。"
    assert NORMALIZE(raw).script == "simplified"


def test_traditional_records_keep_the_written_forms():
    doc = policy_extract.extract("到2027年，全市汽車產量達到250萬輛，規模以上工業企業超過1.2萬家。")
    got = [(t.indicator, t.value, t.unit, t.year) for t in doc.targets]
    assert got == [("汽車產量", 250, "萬輛", 2027), ("規模以上工業企業", 1.2, "萬家", 2027)]
    assert doc.targets[0].base_value == 2_500_000


def test_every_normalize_rule_starts_where_the_pass_looks():
    """The pass tries rules only at `rule_start` characters: each example must start with one."""
    pats = load_patterns()
    start = pats.compile("{rule_start}")
    for rule in pats.rules("normalize"):
        rx = pats.compile_rule(rule)
        for example in rule.examples:
            m = rx.search(example)
            if rule.data.get("requires"):  # tried wherever it may start, in texts with these
                assert m and any(c in example for c in rule.data["requires"]), (rule.id, example)
                continue
            assert m and start.match(example, m.start()), (rule.id, example)


def test_thousands_separators_stay_inside_one_number():
    doc = policy_extract.extract("2020年全市实现地区生产总值1,291.5亿元，增长5%。")
    assert [(s.value, s.unit) for s in doc.statistics] == [(1291.5, "亿元"), (5, "%")]


def test_rules_searched_one_by_one_find_what_the_joined_pattern_finds():
    """The pass searches each rule on its own (and skips a rule whose first characters are not
    in the text); the matches must be the joined pattern's: corpora, rule examples, random
    strings of markup, line breaks and digits."""
    import random
    from pathlib import Path

    pats = load_patterns()
    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    for rule in pats.rules("normalize"):
        texts += rule.examples + rule.counterexamples
    rng = random.Random(7)
    pieces = ["<p>", "</div>", "<!-- x -->", "<script>a</script>", "<%x%>", "&nbsp;", "&#8220;", "<b>",
              "\n", "\n\n", " ", "\t", "\r\n", "\ufeff", "\u200b", "600807)", "(600519.SH)", "（000977）", "hàn", "(gāo xīn)", "。", "，", "、",
              "推进建设项目和发展规划重点任务清单", "要加快建设量子信息实验室,推进新一代光量子计算原型",
              "机项目、", "第一章", "(一)", "a", "<", "&"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        joined = [(NORMALIZE.rules[int(m.lastgroup[1:])], m.span()) for m in NORMALIZE.pattern.finditer(text)]
        found = NORMALIZE._matches(text)
        assert found is not None and [(r, m.span()) for r, m in found] == joined, text[:80]


@pytest.mark.parametrize("raw, clean, marks", [
    ("浪潮信息(000977)与贵安新区合作", "浪潮信息与贵安新区合作", {"stock_code": [4]}),
    ("比亚迪（002594）和长安", "比亚迪和长安", {"stock_code": [3]}),
    ("武汉经开600519)区", "武汉经开区", {}),   # a glued code marks nothing: no name ends there
    ("增长了600807人", "增长了600807人", {}),
])
def test_a_bracketed_stock_code_is_removed_and_marked(raw, clean, marks):
    """A stock code in brackets between two ideographs is deleted as the glued one is, and where
    it stood is kept (the entity stage reads a listed company's name ending there)."""
    out = NORMALIZE(raw)
    assert out.text == clean
    assert out.marks == marks


@pytest.mark.parametrize("raw, clean", [
    ("到2025年，高新区(gāo xīn qū)产值翻番", "到2025年,高新区产值翻番"),
    ("推进汉hàn峪yù金谷建设", "推进汉峪金谷建设"),
    ("<p>推进汉<ruby>峪<rt>yù</rt></ruby>金谷建设</p>", "\n推进汉峪金谷建设\n"),
    ("建设AI产业园和5G基站，打造ICT产业集群", "建设AI产业园和5G基站,打造ICT产业集群"),  # Latin words stay
    ("高新区(AI)创新中心", "高新区(AI)创新中心"),
])
def test_pinyin_put_inside_words_is_removed(raw, clean):
    """Pinyin a page put into the text (in brackets, between ideographs, or a ruby annotation)
    is removed; Latin words without tone marks are not pinyin."""
    assert NORMALIZE(raw).text == clean
