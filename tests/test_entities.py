"""Entities: parks, enterprises, institutions ... with clean boundaries and linked aliases."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from policy_extract import Pipeline
from policy_extract.memo import BoundedMemo

PIPE = Pipeline(extractors=["entities"])


def forms(text: str, label: str) -> set[str]:
    out: set[str] = set()
    for e in PIPE(text).entities:
        if e.label == label:
            out.add(e.text)
            out.update(e.aliases)
    return out


@pytest.mark.parametrize("sentence, expected", [
    ("依托光谷软件园为载体，集聚软件企业。", {"光谷软件园"}),
    # a zone's industrial park is one name; the zone is a name of its own inside it
    ("加快建设滨海新区智能制造产业园。", {"滨海新区", "滨海新区智能制造产业园"}),
    ("推进中法（武汉）生态示范城合作区建设。", {"中法（武汉）生态示范城合作区"}),  # as written
    ("全力推进中国(浙江)自由贸易试验区杭州片区建设。", {"中国(浙江)自由贸易试验区杭州片区", "杭州片区"}),
    ("沈阳综合保税区今年进出口额大幅增长。", {"沈阳综合保税区"}),
    ("规划建设梦想小镇，打造创业高地。", {"梦想小镇"}),
    ("促进成都高新区高质量发展。", {"成都高新区"}),
    # a verb or adjective before a zone suffix is no part of the name
    ("要求高新区各部门加强协作。", set()),
    ("进一步健全长沙高新区服务体系。", {"长沙高新区"}),
    ("牢牢把握机遇，拥有综合保税区的城市不多。", set()),
    ("市领导调研衡阳高新区时强调。", {"衡阳高新区"}),
    # time words before a name
    ("“十四五”期间洛阳高新区将新增企业。", {"洛阳高新区"}),
    # a conjunction joins two common nouns inside one name, but separates two names
    ("推进康养与医疗器械产业园建设。", {"康养与医疗器械产业园"}),
    ("依托光电装备城和临江经济区布局产业。", {"光电装备城", "临江经济区"}),
    ("推动芜湖高新区与湾沚开发区协同发展。", {"芜湖高新区", "湾沚开发区"}),
    # bilateral prefixes and Latin parts stay in a name
    ("建设中日国际康复科技园。", {"中日国际康复科技园"}),
    ("规划建设光电装备城ICT产业园。", {"光电装备城ICT产业园"}),
    # a company's park keeps the company's whole name
    ("加快江南高速信息集团智慧交通产业园建设。", {"江南高速信息集团智慧交通产业园"}),
    # a functional title loses its quality words; a bare title is no name
    ("打造国际化智慧交通产业园。", {"智慧交通产业园"}),
    ("加快建设“世界一流高科技园区”。", set()),
    # a sub-area after its zone is named alone; one named after a park keeps it
    ("推进南昌高新区中心区建设。", {"南昌高新区", "中心区"}),
    ("打造光谷创新谷片区。", {"光谷创新谷片区", "创新谷"}),
    # traditional script, kept as written
    ("重慶兩江新區今年新增企業。", {"重慶兩江新區"}),
    # a gazetteer name where the segmenter tags its distinctive part as a common word (雄安: a)
    ("雄安新区建设加快推进。", {"雄安新区"}),
])
def test_park_boundaries(sentence, expected):
    assert forms(sentence, "park") == expected


@pytest.mark.parametrize("sentence", [
    "建设世界一流高科技园区。",
    "全省开发区要提升发展能级。",
    "经济发展遇到低谷。",
])
def test_generic_parks_are_not_names(sentence):
    assert forms(sentence, "park") == set()


def test_full_and_short_park_forms_are_one_entity():
    doc = PIPE("洛阳综合保税区设立以来，洛阳综保区货物吞吐量持续增长。")
    parks = [e for e in doc.entities if e.label == "park"]
    assert [(p.text, p.aliases, len(p.mentions)) for p in parks] == [("洛阳综合保税区", ["洛阳综保区"], 2)]


def test_short_park_form_without_city_links():
    doc = PIPE("厦门象屿综合保税区设立以来，象屿综保区货物吞吐量持续增长。")
    parks = [e for e in doc.entities if e.label == "park"]
    assert [(p.text, p.aliases, len(p.mentions)) for p in parks] == [("厦门象屿综合保税区", ["象屿综保区"], 2)]


def test_zone_prefixed_park_links_to_its_short_form():
    doc = PIPE("建设宁波高新区检验检测产业园。检验检测产业园已入驻企业三十家。")
    names = {(e.text, tuple(e.aliases)) for e in doc.entities if e.label == "park"}
    assert ("宁波高新区检验检测产业园", ("检验检测产业园",)) in names


def test_bracketed_place_short_form_links():
    doc = PIPE("建设东部（宁波）科学城。东部科学城已集聚一批平台。")
    parks = [e for e in doc.entities if e.label == "park"]
    assert [(p.text, p.aliases) for p in parks] == [("东部（宁波）科学城", ["东部科学城"])]


@pytest.mark.parametrize("sentence, expected", [
    ("长沙智谷电子科技有限公司是一家专业生产传感器的企业。", {"长沙智谷电子科技有限公司"}),
    ("依托鼎信、恒安、佳禾电子等龙头企业，延伸产业链。", {"鼎信", "恒安", "佳禾电子"}),
    ("发挥天擎、博睿两大龙头带动作用。", {"天擎", "博睿"}),
    ("苏州嘉禾光电（昆山）有限公司由嘉禾集团投资设立。", {"苏州嘉禾光电（昆山）有限公司", "嘉禾集团"}),
    # a trigger word before a company name (企业, 联合 ...) is no part of it
    ("鼓励区内企业锦程物流股份有限公司扩大投资。", {"锦程物流股份有限公司"}),
    ("联合江东产权交易中心有限公司设立基金。", {"江东产权交易中心有限公司"}),
    # a legal form is where a name ends: X有限公司控股 is X
    ("该项目由晨星投资管理有限公司控股。", {"晨星投资管理有限公司"}),
    # 集团化 is a manner, not a company
    ("实行集团化办学。", set()),
    # a conjunction separates two companies (traditional script too)
    ("重慶長江汽車股份有限公司與賽博集團股份有限公司簽約。", {"重慶長江汽車股份有限公司", "賽博集團股份有限公司"}),
    # Latin letters are part of a short name in an enumeration
    ("在ABC软件、富山软件等企业带动下。", {"ABC软件", "富山软件"}),
    # a phrase that starts with a preposition is no company
    ("引导企业通过绿地投资、跨国并购等方式走出去。", set()),
])
def test_enterprises(sentence, expected):
    assert forms(sentence, "enterprise") == expected


def test_company_full_group_and_short_forms_link():
    text = "宏图集团有限公司总部落户。宏图集团将追加投资，宏图在新区布局三个基地。"
    ents = [e for e in PIPE(text).entities if e.label == "enterprise"]
    assert len(ents) == 1
    e = ents[0]
    assert e.text == "宏图集团有限公司"
    assert set(e.aliases) == {"宏图集团", "宏图"}
    assert [m.text for m in e.mentions] == ["宏图集团有限公司", "宏图集团", "宏图"]
    assert (e.span.start, e.span.end) == (0, 8)


def test_mentions_quote_the_caller_string():
    text = "\u3000依托长沙经济技术开发区、岳麓山大学科技城，推进长沙经开区升级。"
    for e in PIPE(text).entities:
        assert text[e.span.start:e.span.end] == e.quote
        for m in e.mentions:
            assert text[m.span.start:m.span.end] == m.text


def test_merge_accepts_extra_candidates():
    pipe = Pipeline(extractors=[])
    doc = pipe.make_doc("华星光电在此建厂。")
    from policy_extract.extract.entities import EntityExtractor

    ents = EntityExtractor(pipe.patterns).merge_candidates(doc, [("华星光电", "enterprise", 0, 4)])
    assert [(e.text, e.label) for e in ents] == [("华星光电", "enterprise")]


def test_entities_are_validated_together_and_an_invalid_one_is_left_out():
    """The entities of a document are validated in one call; where that fails, one by one,
    so that one invalid entity costs only itself."""
    from policy_extract.extract.entities import Candidate, EntityExtractor

    pipe = Pipeline(extractors=[])
    doc = pipe.make_doc("华星光电与京东方在此建厂。")
    extractor = EntityExtractor(pipe.patterns)
    good = [Candidate("华星光电", "enterprise", 0, 4), Candidate("京东方", "enterprise", 5, 8)]
    assert [e.text for e in extractor._group(doc, good)] == ["华星光电", "京东方"]
    bad_label = [Candidate("华星光电", "enterprise", 0, 4), Candidate("京东方", "no such label", 5, 8)]
    assert [(e.text, e.label) for e in extractor._group(doc, bad_label)] == [("华星光电", "enterprise")]


def _timed(text: str) -> float:
    t0 = time.perf_counter()
    PIPE(text)
    return time.perf_counter() - t0


def test_adversarial_long_inputs_are_linear():
    for unit in ("甲乙产业园、", "、", "有限公司", "（"):
        t_small = _timed(unit * 2000)
        t_big = _timed(unit * 20000)
        assert t_big < 40 * t_small + 2.0, unit


@pytest.mark.parametrize("text", ["", "园", "有限公司", "（济南）有限公司", "等企业", "“产业园", "谷", "\x00区"])
def test_never_crashes(text):
    doc = PIPE(text)
    assert not [w for w in doc.warnings if w.code == "stage_failed"]


@pytest.mark.parametrize("sentence, expected", [
    # brand + a place the text names a zone after + business
    ("杭州高新区推进宏宇杭州智慧物流产业园建设。", {"宏宇"}),
    ("推进宏宇江苏智慧物流产业园建设。", {"宏宇"}),              # provinces are places too
    ("推进东湖片区更新，东湖杭州物流产业园开工。", set()),          # 东湖 names a zone here: a place
    ("推进宏宇智慧物流产业园建设。", set()),                      # no place after it: not told apart
    ("推进中国杭州智慧物流产业园建设。", set()),                  # 中国 is no brand
])
def test_brand_before_city_in_park_name(sentence, expected):
    assert forms(sentence, "enterprise") == expected


def test_short_form_inside_a_longer_word_is_no_mention():
    # 华新 is derived from 华新集团有限公司; in 中华新时代 it straddles two words
    text = "华新集团有限公司总部落户。弘扬中华新时代精神。"
    ents = [e for e in PIPE(text).entities if e.label == "enterprise"]
    assert [[m.text for m in e.mentions] for e in ents] == [["华新集团有限公司"]]


def test_name_start_memo_gives_the_fresh_answer():
    """name_start keeps its answer per window string, and the part after the last trigger per
    window after it; the same window at other places, after other left contexts (a stop
    character, a bracket, a verb, another trigger), must give what a fresh call gives."""
    text = ("依托济南高新区建设。促进济南高新区发展，高新区在全国排名上升。"
            "支持济南高新区与章锦综合保税区。推动济南高新区与章锦综合保税区联动。"
            "中法（武汉）生态示范城合作区与中法（武汉）生态示范城合作区相邻。"
            "浪潮集团和中国重汽集团合作，为浪潮集团、中国重汽集团服务。")
    ext = next(e for e in Pipeline(extractors=["entities"]).extractors if e.name == "entities")
    doc = Pipeline(extractors=["entities"]).make_doc(text)
    hits = [(m, m + len(suffix), suffix) for suffix in ("高新区", "合作区", "集团")
            for m in range(len(doc.text)) if doc.text.startswith(suffix, m)]
    first = []
    for ms, me, suffix in hits:  # a memo filled as it goes ...
        first.append(ext.bounds.name_start(doc, 0, ms, company=suffix == "集团", suffix=suffix, suffix_end=me))
    for (ms, me, suffix), got in zip(hits, first):  # ... agrees with an empty one at each hit
        ext.bounds._starts.clear()
        ext.bounds._after_trigger.clear()
        assert ext.bounds.name_start(doc, 0, ms, company=suffix == "集团", suffix=suffix,
                                     suffix_end=me) == got


def test_name_start_memos_agree_with_fresh_answers_on_the_corpora():
    """At every suffix in the project's own texts, the answer read from the memos (filled by
    the hits before it) is the answer of a call with empty memos: the memos' keys hold all the
    answer depends on."""
    pipe = Pipeline(extractors=["entities"])
    ext = next(e for e in pipe.extractors if e.name == "entities")
    checked = 0
    for path in sorted((Path(__file__).parents[1] / "corpora" / "texts").glob("*.txt")):
        doc = pipe.make_doc(path.read_text(encoding="utf-8"))
        for suffix, label in ext.suffix_label.items():
            company = label == "enterprise"
            at = doc.text.find(suffix)
            while at >= 0:
                kw = dict(company=company, suffix=suffix, suffix_end=at + len(suffix))
                memo = ext.bounds.name_start(doc, 0, at, **kw)
                kept = ext.bounds._starts, ext.bounds._after_trigger
                ext.bounds._starts, ext.bounds._after_trigger = BoundedMemo(99), BoundedMemo(99)
                try:
                    assert ext.bounds.name_start(doc, 0, at, **kw) == memo, (path.name, at, suffix)
                finally:
                    ext.bounds._starts, ext.bounds._after_trigger = kept
                checked += 1
                at = doc.text.find(suffix, at + 1)
    assert checked > 100

def _plain_backwards(words, text):
    import ahocorasick
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w[::-1], w)
    auto.make_automaton()
    return list(auto.iter(text[::-1]))


_SCAN_WORDS = ["高新区", "产业园", "有限公司", "集团", "园", "区区", "A区", "\uffff"]


@pytest.mark.parametrize("text", [
    "", "园", "济南高新区产业园区区", "\0\1园\1\0", "\ud800高新区\udfff", "𠀀园𠀀", "A区B区\uffff",
    "浪潮集团有限公司集团集团", "x" * 50 + "产业园" + "\n" * 3,
])
def test_backwards_scan_with_placeholder_finds_what_a_plain_scan_finds(text):
    """Characters in no word are read as a placeholder (a faster automaton): same matches."""
    from policy_extract.extract.entities import _Backwards

    # (a word with \0, \1 or a character outside the BMP: the plain reversed text is read)
    for words in (_SCAN_WORDS, _SCAN_WORDS[:6], ["\0园", "区"], ["\1"], ["𠀀园", "园"]):
        auto = _Backwards(((w, w) for w in words), placeholder=True)
        assert list(auto.iter(auto.reversed(text))) == _plain_backwards(words, text)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("高新区产业园有限公司集团A\0\1")), max_size=40))
def test_backwards_scan_matches_on_any_text(text):
    from policy_extract.extract.entities import _Backwards

    auto = _Backwards(((w, w) for w in _SCAN_WORDS), placeholder=True)
    assert auto._table is not None  # the placeholder is in use
    assert list(auto.iter(auto.reversed(text))) == _plain_backwards(_SCAN_WORDS, text)


_ENDINGS = ["有限公司", "股份有限公司", "公司", "集团", "高新区", "区", "产业园", "园"]


@pytest.mark.parametrize("text,begin,end,expected", [
    ("浪潮集团有限公司", 0, None, 4),      # the longest word that ends the text: 有限公司, not 公司
    ("华为技术股份有限公司", 0, None, 4),  # 股份有限公司
    ("济南高新区", 0, None, 2),
    ("济南高新区", 3, None, 4),          # 高新区 would start before ``begin``: only 区 fits
    ("产业园区", 0, 3, 0),               # the end bound: 产业园 ends text[0:3]
    ("高新区管委会", 0, None, -1),
    ("", 0, None, -1),
])
def test_endings_start_is_where_the_longest_listed_word_ending_the_text_starts(text, begin, end, expected):
    from policy_extract.extract.entities import _Endings

    assert _Endings(_ENDINGS).start(text, begin, end) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("浪潮集团有限公司股份高新区产业园A\n"), max_size=16),
       st.integers(0, 18), st.integers(0, 18))
def test_endings_finds_what_the_anchored_alternation_finds(text, begin, end):
    """``_Endings`` replaced ``regex.search`` of ``(?:w1|w2|...)$`` (the alternation tried at
    every position); both give the same start on any text and bounds."""
    import regex

    from policy_extract.extract.entities import _Endings
    from policy_extract.patterns import load_patterns

    end = min(end, len(text))
    rx = regex.compile(f"(?:{load_patterns().alternation(_ENDINGS)})$")
    m = rx.search(text, begin, end)
    if "\n" in text[:end] and text[end - 1:end] == "\n":
        return  # ``$`` also matches before a final line break; names hold none
    assert _Endings(_ENDINGS).start(text, begin, end) == (m.start() if m else -1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("济南高新区的，、(（）)“”·-A1 \n等和"), max_size=30),
       st.integers(0, 30), st.integers(0, 30))
def test_name_run_start_is_the_reverse_regex_run(text, limit, end):
    """The run of name characters read leftwards from ``end`` (a loop over a per-character
    table) ends where the reverse regex of name characters without a stop character ends."""
    import regex

    from policy_extract.extract.entities import _NAME_CHAR

    bounds = PIPE.extractors[0].bounds
    end = min(end, len(text))
    limit = min(limit, end)
    stops = "".join(regex.escape(c) for c in sorted(bounds.stop_chars) if len(c) == 1)
    rx = regex.compile(f"(?r)(?:(?![{stops}]){_NAME_CHAR.pattern})*")
    assert bounds._name_run_start(text, limit, end) == rx.match(text, limit, end).start()


@pytest.mark.parametrize("sentence, expected", [
    # a listed company's stock code right after its name (removed by normalisation, or left
    # where a link's markup stood between them)
    ("服务器制造成为增长点。远光信息(000977)与高新区合作建设制造基地。", {"远光信息"}),
    ("今年以来，北辰曙光(603019)先进计算中心完成主体施工。", {"北辰曙光"}),
    ("江淮新能(600418.SH)发布公告。", {"江淮新能"}),
    ("港股方面，腾讯控股(00700.HK)股价上涨。", {"腾讯控股"}),
    # a count closing an enumeration's last item is no part of the name
    ("中国移动、中国联通、中国电信三大运营商等企业相继落户。", {"中国移动", "中国联通", "中国电信"}),
    # 车企 / 药企 / 房企 close an enumeration of companies as 企业 does
    ("华擎、星驰、风行等车企加快布局。", {"华擎", "星驰", "风行"}),
])
def test_enterprises_named_by_their_context(sentence, expected):
    assert forms(sentence, "enterprise") == expected


def test_a_city_before_a_company_name_is_dropped_in_its_short_form():
    """广州X股份有限公司 is X in the rest of the text (four characters or more are left);
    济南Y公司 with a two-character Y keeps no short form Y公司."""
    text = ("支持广州启明基因股份有限公司开展并购。启明基因体外诊断产业化项目加快建设。"
            "济南移动公司完成基站建设，移动公司营业额增长。")
    ents = {e.text: set(e.aliases) for e in PIPE(text).entities if e.label == "enterprise"}
    assert ents["广州启明基因股份有限公司"] >= {"启明基因"}
    assert not any("移动公司" in aliases for aliases in ents.values())


@pytest.mark.parametrize("text, full, alias, mentions", [
    ("浙江星河控股集团有限公司（以下简称“星河集团”）在西安建设基地。星河集团表示，项目年内开工。",
     "浙江星河控股集团有限公司", "星河集团", 3),
    ("合肥高新技术产业开发区管理委员会（简称：管委会）印发通知。管委会将加强服务。",
     "合肥高新技术产业开发区管理委员会", "管委会", 3),
])
def test_a_declared_short_name_is_a_form_of_the_full_name(text, full, alias, mentions):
    """X（以下简称“Y”）: Y's mentions belong to X, whatever Y's own words would make of it."""
    (entity,) = [e for e in PIPE(text).entities if e.text == full]
    assert alias in entity.aliases
    assert len(entity.mentions) == mentions
    assert not any(e.text == alias for e in PIPE(text).entities)
