"""Quantity mentions: number, magnitude, unit, range and the words that make one."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest

from policy_extract.extract.numbers import NumberFinder
from policy_extract.numerals import parse_cn_number
from policy_extract.patterns import load_patterns

FINDER = NumberFinder(load_patterns())


def mentions(text):
    return [(text[q.start:q.end], q.value, q.value_max, q.unit, q.kind_hint) for q in FINDER.find(text)]


@pytest.mark.parametrize("numeral,value", [
    ("二〇三五", 2035), ("一千二百", 1200), ("两千", 2000), ("七千", 7000), ("十二", 12),
    ("一万五千", 15000), ("三亿五千万", 350000000), ("一万亿", 10**12), ("三点五", Decimal("3.5")),
    ("十", 10), ("百", 100),
])
def test_chinese_numerals(numeral, value):
    assert parse_cn_number(numeral) == Decimal(value)


@pytest.mark.parametrize("text,expected", [
    ("营业收入达到1,291.5亿元", [("1,291.5亿元", Decimal("1291.5"), None, "亿元", "level")]),
    ("年均增长16.7%", [("16.7%", Decimal("16.7"), None, "%", "share")]),
    ("新增企业3-5家", [("3-5家", 3, 5, "家", "count")]),
    ("增速保持在5%-7%", [("5%-7%", 5, 7, "%", "share")]),
    ("从业人员20余万人", [("20余万人", 20, None, "万人", "count")]),
    ("形成七千亿元产业", [("七千亿元", 7000, None, "亿元", "level")]),
    ("提高百分之十", [("百分之十", 10, None, "%", "share")]),
    ("占全省近1/10", [("1/10", Decimal("0.1"), None, None, "share")]),
    ("约占四分之一", [("四分之一", Decimal("0.25"), None, None, "share")]),
    ("实现经济总量翻一番", [("翻一番", 2, None, "倍", "multiple")]),
    ("进入全国前十位", [("前十位", 10, None, "位", "rank")]),
    ("位列第11位", [("第11位", 11, None, "位", "rank")]),
    ("居全市首位", [("首位", 1, None, "位", "rank")]),
    ("亩均税收25.5万元/亩", [("25.5万元/亩", Decimal("25.5"), None, "万元/亩", "level")]),
    ("浓度降至35微克/立方米", [("35微克/立方米", 35, None, "微克/立方米", "level")]),
    ("建设两个综合保税区", [("两个", 2, None, "个", "count")]),
    ("打造千亿级产业集群", [("千亿", 1000, None, "亿元", "scale")]),
    ("投资近100个亿", [("100个亿", 100, None, "个亿", None)]),
])
def test_quantity_mentions(text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize("text", [
    "2025年", "二〇三五年", "1—7月份", "PM2.5浓度", "第一章", "前三季度", "一个新城", "3号线",
    "“五位一体”总体布局", "每千人口托位", "关键零部件", "三元锂电池", "培育10亿元以上的骨干企业", "5G基站", "电话0531-88888888",
])
def test_not_quantities(text):
    got = [m for m in mentions(text) if m[0] not in ("10亿元",)] if "骨干" not in text else mentions(text)
    assert got == []


def test_long_digit_runs_are_linear():
    """The trap of (\\d+[.,]?\\d*)万元: 3,200 digits took 96 s. Ours is one pass."""
    sizes = {}
    for n in (10_000, 100_000):
        text = "1" * n + "万元"
        t0 = time.perf_counter()
        FINDER.find(text)
        sizes[n] = time.perf_counter() - t0
    assert sizes[100_000] < 1.0
    assert sizes[100_000] < 40 * max(sizes[10_000], 1e-3)


@pytest.mark.parametrize("text,expected", [
    ("高新区有两个综合保税区", [("两个", 2, None, "个", "count")]),
    ("连续举办五届博览会", [("五届", 5, None, "届", "count")]),
    ("持之以恒落实中央八项规定精神", []),
    ("人二倍体狂犬病疫苗", []),
    ("支持建设创新力强的三类新型研发机构", []),
    ("促进五片区协同发展", []),
])
def test_small_chinese_counts_need_a_counting_verb(text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize("text", [
    "近1/10", "约1/3、2/5和四分之一", "2021/06/30", "1/2/3", "11/12/2023年", "12345/6", "1/12345",
    "百分之一", "十分之一和三分之二", "/1/2/", "占比1/10，近九分之一", "1/10" * 50,
])
def test_a_rule_scanned_near_its_required_words_finds_what_a_full_scan_finds(text):
    """The fraction rule names the words every match holds (data: anchor): it is tried only
    just before them, and must find exactly what a scan of every position finds."""
    from policy_extract.anchors import anchored_matches, positions

    rx, _ = FINDER.rules["fraction"]
    anchor = FINDER.anchors["fraction"]
    for start in range(0, len(text) + 1, 3):
        full = [m.span() for m in rx.finditer(text, start, len(text))]
        assert [m.span() for m in anchored_matches(rx, text, anchor, positions(text, anchor.words, start), start)] == full


@pytest.mark.parametrize("text", [
    "进入前十位", "跻身全国前20强，首位", "位列第11位、第一名", "分别位居第2、第6位", "第一章前三季度",
    "首首位前前10位第第2位", "经济总量翻番、翻一番，倍增倍增", "翻翻两番", "前" * 40 + "第1位" * 20,
])
@pytest.mark.parametrize("kind", ["rank", "doubling"])
def test_every_anchored_rule_finds_what_a_full_scan_finds(kind, text):
    from policy_extract.anchors import anchored_matches, positions

    rx, _ = FINDER.rules[kind]
    anchor = FINDER.anchors[kind]
    for start in range(0, len(text) + 1, 2):
        full = [m.span() for m in rx.finditer(text, start, len(text))]
        assert [m.span() for m in anchored_matches(rx, text, anchor, positions(text, anchor.words, start), start)] == full


def test_the_number_scan_finds_what_the_regex_module_finds():
    """The number pattern may run on the standard library's ``re`` (faster for it): it must find
    exactly what the ``regex`` module finds with the same pattern, groups included."""
    from pathlib import Path

    import regex

    reference = regex.compile(FINDER.main.pattern, FINDER.main.flags & (regex.IGNORECASE | regex.MULTILINE |
                                                                       regex.DOTALL))
    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "corpora" / "texts")
                                                           .glob("*.txt"))]
    texts += ["1" * 5000 + "万元", "3-5万元、20余万人、5%-7%，一千二百亿元，三个万亿级", "12,345,67亿元1.2.3%",
              "二〇二五年" + "一" * 30 + "万" * 12, "3个万亿级产业集群、10亿元以上", "1 % ~ 2 %"]
    for text in texts:
        got = [(m.span(), m.groups()) for m in FINDER.main.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in reference.finditer(text)]


def test_the_word_patterns_of_numbers_find_on_re_what_regex_finds():
    """The word lists read around a number (not_quantity_after, modifier_after ...) run on the
    standard library's ``re``: matched and searched at windows of the corpora and of random
    strings, they give the very matches the ``regex`` module gives."""
    import random
    import re
    from pathlib import Path

    import regex

    names = ("not_after", "modifier_after", "small_count_lead", "slogan_after", "first_rank_lead", "qualifier_after")
    assert all(isinstance(getattr(FINDER, n), re.Pattern) for n in names)
    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "corpora" / "texts")
                                                           .glob("*.txt"))]
    rnd = random.Random(7)
    pieces = ["以上的", "以上", "的", "月", "日", "号线", "年", "有", "拥有", "了", "过", "一体", "全面", "居", "位列",
              "，", "。", "\n", " ", "左右", "级的", "图", "a", "1", "亿元"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10))) for _ in range(2000)]

    def key(m):
        return None if m is None else (m.span(), m.groups())

    for name in names:
        fast = getattr(FINDER, name)
        slow = regex.compile(fast.pattern)
        for text in texts:
            for a in range(0, len(text) + 1, max(1, len(text) // 100)):
                b = min(len(text), a + rnd.randint(0, 30))
                assert key(fast.match(text, a)) == key(slow.match(text, a)), (name, text[a:a + 20])
                assert key(fast.search(text, a, b)) == key(slow.search(text, a, b)), (name, text[a:b])


def test_the_optional_parts_of_the_number_pattern_match_what_plain_optional_groups_match():
    """The number pattern writes each optional part ``(?:X)?`` as ``_optional(X, first)`` (a
    branch with an empty alternative, a look at X's first characters): at every position of
    random strings, with a tail that makes the engine backtrack into X, both give the same
    match and groups."""
    import random
    import re

    from policy_extract.extract.numbers import _SEP, _char_class, _optional

    units = [u for u in FINDER.unit_info if u]
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    parts = [
        (f"(?P<unit>{unit_alt})", [u[0] for u in units]),
        (rf"[ ]?{_optional('(?P<u1>%)')}[ ]?(?P<sep>{_char_class(_SEP)})[ ]?(?P<n>[0-9]+)", " %" + _SEP),
        ("(?P<more>余|多)", None),
        ("(?P<ge>个(?=[亿万]))", None),
    ]
    rnd = random.Random(11)
    pieces = units + list(" %0123456789余多个亿万元a") + list(_SEP)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8))) for _ in range(2000)]
    for body, first in parts:
        for tail in ("", "(?P<tail>[0-9%元个万])"):
            plain = re.compile(f"(?:{body})?{tail}")
            quick = re.compile(_optional(body, first) + tail)
            for text in texts:
                for i in range(len(text) + 1):
                    a, b = plain.match(text, i), quick.match(text, i)
                    assert (a is None) == (b is None), (body, text, i)
                    assert a is None or (a.span(), a.groups()) == (b.span(), b.groups()), (body, text, i)
