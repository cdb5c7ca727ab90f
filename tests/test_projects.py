"""Projects: 专栏 list items and projects named in prose (patterns/projects.yaml)."""
from __future__ import annotations

import time

import pytest

from policy_extract import Pipeline

PIPE = Pipeline(extractors=["projects"])


def names(text: str) -> list[str]:
    return [p.name for p in PIPE(text).projects]


COLUMN = (
    "第三章 重点任务\n"
    "专栏2  合肥高新区蜀山片区重点项目和重大平台\n"
    "重点项目:量子精密测量产业园项目、智能语音基地二期项目、合肥微电子研究院项目（封装线、测试中心、材料实验室）等。\n"
    "重大平台:长三角工业互联网公共服务平台、声学检测公共平台。\n"
    "第四章 保障措施\n"
)


def test_column_items_with_category_column_and_zone():
    doc = PIPE(COLUMN)
    got = {(p.name, p.category, p.column, p.zone) for p in doc.projects}
    assert got == {
        ("量子精密测量产业园项目", "重点项目", "专栏2", "蜀山片区"),
        ("智能语音基地二期项目", "重点项目", "专栏2", "蜀山片区"),
        # (the name as the text writes it: full-width brackets)
        ("合肥微电子研究院项目（封装线、测试中心、材料实验室）", "重点项目", "专栏2", "蜀山片区"),
        ("长三角工业互联网公共服务平台", "重大平台", "专栏2", "蜀山片区"),
        ("声学检测公共平台", "重大平台", "专栏2", "蜀山片区"),
    }


def test_bracketed_components_are_one_item():
    doc = PIPE(COLUMN)
    item = next(p for p in doc.projects if p.name.startswith("合肥微电子研究院项目"))
    assert item.components == ["封装线", "测试中心", "材料实验室"]


def test_spans_quote_the_caller_string():
    text = "  " + COLUMN.replace("、", "、 ")
    for p in PIPE(text).projects:
        assert text[p.span.start:p.span.end] == p.quote


def test_trailing_note_after_last_item_is_dropped():
    text = "专栏3  民生事业重点项目\n教育设施:实验小学新建项目、中学扩建项目等(详见示意图)\n"
    assert names(text) == ["实验小学新建项目", "中学扩建项目"]


@pytest.mark.parametrize("sentence, expected", [
    ("重点推进滨江数字港、东湖生态科技岛、北塘物流中心等重点项目建设。",
     ["滨江数字港", "东湖生态科技岛", "北塘物流中心"]),
    ("宁德锂电、福耀玻璃三期等12个外资项目集中开工。", ["宁德锂电", "福耀玻璃三期"]),
    ("实施金沙大道西延、港湾路贯通等工程。", ["金沙大道西延", "港湾路贯通"]),
    ("加快实施城北片区雨污分流改造工程，改善人居环境。", ["城北片区雨污分流改造工程"]),
    ("以“智汇长沙”数据中心项目为牵引，集聚数字企业。", ["“智汇长沙”数据中心项目"]),
    ("全面推行以企业为主体的“百企上云”工程。", ["“百企上云”工程"]),
    ("东站枢纽、滨湖商业街、金茂广场项目加快推进。", ["金茂广场项目"]),
    # two named projects joined by 和/及/与 are two projects
    ("星沙大道提质改造工程和浏阳河防洪治理工程加快推进。", ["星沙大道提质改造工程", "浏阳河防洪治理工程"]),
    ("加快建设锂电正极材料基地项目及储能电池扩产项目。", ["锂电正极材料基地项目", "储能电池扩产项目"]),
    ("甲公司电解液项目与乙公司隔膜项目已列入省重大项目清单。", ["甲公司电解液项目", "乙公司隔膜项目"]),
    # the verb before the first item of a chain introduces every named item of it
    ("加快推进光谷芯片封测项目、东湖创新药中试平台项目和江夏储能电站项目建设。",
     ["光谷芯片封测项目", "东湖创新药中试平台项目", "江夏储能电站项目"]),
    # a place in brackets inside a name
    ("推进中国电信（湖北）算力中心二期工程。", ["中国电信（湖北）算力中心二期工程"]),
    # a quoted name after a preposition
    ("在“数字江城”工程带动下，产值增长。", ["“数字江城”工程"]),
    ("今年6月底前建成滨江大道快速化改造工程。", ["滨江大道快速化改造工程"]),
])
def test_prose_projects(sentence, expected):
    assert names(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "今年全区共有79个重点项目开工建设。",
    "坚持以项目为王，强化重大项目支撑。",
    "鼓励企业与高校开展科研项目合作。",
    "依托国家重型汽车工程技术研究中心开展攻关。",
    "16个基建项目全面开工。",
    "全年实施市重点建设项目320个。",           # a level of government and a generic head
    "支持本地企业抱团参与境外铁路项目。",       # a clause, not a name
    "有序开展违章建筑、老旧建筑拆迁工程。",     # a chain of common nouns, not of named projects
    "推动创新谷片区与长清区、槐荫区在项目开发等领域协同发展。",
])
def test_generic_project_phrases_are_not_projects(sentence):
    assert names(sentence) == []


def _timed(text: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = len(PIPE(text).projects)
    return time.perf_counter() - t0, n


def test_adversarial_column_list_is_linear():
    small = "专栏1  重点项目\n重点项目:" + "、".join(f"甲{i}项目" for i in range(2000)) + "等。\n"
    big = "专栏1  重点项目\n重点项目:" + "、".join(f"甲{i}项目" for i in range(20000)) + "等。\n"
    t_small, n_small = _timed(small)
    t_big, n_big = _timed(big)
    assert (n_small, n_big) == (2000, 20000)
    assert t_big < 40 * t_small + 1.0  # 10x the input, far less than 100x the time


def test_adversarial_separators_are_linear():
    small = "推进" + "、" * 5000 + "等重点项目。"
    big = "推进" + "、" * 50000 + "等重点项目。"
    t_small, _ = _timed(small)
    t_big, _ = _timed(big)
    assert t_big < 40 * t_small + 1.0


@pytest.mark.parametrize("text", ["", "项目", "等项目", "专栏", "专栏1\n:", "“工程", "（项目）等重点项目", "\x00等工程"])
def test_never_crashes(text):
    doc = PIPE(text)
    assert not [w for w in doc.warnings if w.code == "stage_failed"]


def _prose_rules():
    from policy_extract.patterns import load_patterns

    pats = load_patterns()
    return pats, [r for r in pats.rules("projects") if r.id in ("enumeration_end", "named_project")]


def test_prose_rules_declare_the_words_their_matches_start_with():
    """Only the positions of a prose rule's `anchor` words are tried: every example of the
    rule must begin its matches with one (add a word when a rule starts elsewhere)."""
    pats, rules = _prose_rules()
    assert len(rules) == 2
    for rule in rules:
        words = tuple(rule.data["anchor"])
        rx = pats.compile_rule(rule)
        for example in rule.examples:
            starts = [m.start() for m in rx.finditer(example)]
            assert starts, (rule.id, example)
            assert all(example.startswith(words, s) for s in starts), (rule.id, example)


def _random_texts(n: int = 3000) -> list[str]:
    import random

    rnd = random.Random(7)
    pieces = ["等", "…", "……", ".", "...", "项目", "工程", "项", "目", "工", "程", "重点", "7个", "十二项", "一批",
              "多个", "、", "，", "。", "！", "\n", " ", "A", "中心", "技术", "企业", "平台", "建设", "公司", "和"]
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25))) for _ in range(n)]


def test_prose_rules_tried_at_their_anchors_find_what_a_full_search_finds():
    """Trying a prose rule only at its anchor words gives the very matches a search of the
    whole sentence gives: on the examples, the project's corpora and random strings."""
    from pathlib import Path

    from policy_extract.extract.projects import ProjectExtractor, _finditer

    ex = ProjectExtractor(PIPE.patterns)
    pats, rules = _prose_rules()
    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))] + [COLUMN]
    texts += [e for r in rules for e in r.examples + r.counterexamples] + _random_texts()
    for raw in texts:
        doc = PIPE.make_doc(raw)
        searched = set()
        for s, e, enum_at, named_at in ex._sentences(doc):
            searched.add((s, e))
            for rx, anchor, at in ((ex.enum_rx, ex.enum_anchor, enum_at), (ex.named_rx, ex.named_anchor, named_at)):
                assert ([m.span() for m in _finditer(rx, doc.text, s, e, anchor, at)]
                        == [m.span() for m in rx.finditer(doc.text, s, e) if m.end() > m.start()]), raw
        for s, e in doc.sentences:  # the sentences skipped have no match at all
            if (s, e) not in searched:
                assert not list(ex.enum_rx.finditer(doc.text, s, e))
                assert not list(ex.named_rx.finditer(doc.text, s, e))


def test_enumeration_end_lookahead_changes_no_match():
    """`prj_head_near` only says in front what the rest of `enumeration_end` implies: the rule
    without it finds the same matches (examples, corpora, random strings)."""
    from pathlib import Path

    import regex

    pats, rules = _prose_rules()
    rule = next(r for r in rules if r.id == "enumeration_end")
    assert "{prj_head_near}" in rule.pattern
    with_it = pats.compile_rule(rule)
    without = regex.compile(pats.expand(rule.pattern.replace("{prj_head_near}", "")), with_it.flags)
    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    texts += rule.examples + rule.counterexamples + _random_texts()
    for text in texts:
        assert [m.span() for m in with_it.finditer(text)] == [m.span() for m in without.finditer(text)]


def test_records_are_located_as_the_doc_locates_them():
    # one Doc answers many positions (its heading paths kept per heading); a fresh Doc for
    # each position works every path out anew: the same span, quote and section
    from policy_extract.structure import structure

    def fresh():
        doc = PIPE.make_doc(COLUMN + "一、实施光谷科创大走廊工程。\n")
        structure(doc)
        return doc

    doc = fresh()
    for start, end in [(len(COLUMN) + 2, len(COLUMN) + 12), (0, 3), (10, 20), (len(COLUMN) - 5, len(COLUMN) + 4),
                       (len(COLUMN) + 2, len(COLUMN) + 12)]:
        want = fresh().located(start, end)
        got = doc.located(start, end)
        assert (got["span"]["start"], got["span"]["end"]) == (want["span"]["start"], want["span"]["end"])
        assert got["quote"] == want["quote"] and got["section"] == want["section"]


def test_column_blocks_are_the_boxes_structure_read():
    """The projects extractor takes the 专栏 boxes the structure stage read; read afresh from
    the text (structure did not run) they are the same blocks, items and spans."""
    from pathlib import Path

    from policy_extract.extract.projects import column_blocks
    from policy_extract.structure import structure

    folder = Path(__file__).resolve().parents[1] / "corpora" / "texts"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    texts += [COLUMN, COLUMN.replace("等。", "等(详见重点项目分布图)"), "专栏1\n:", "专栏3 无列表\n正文。"]
    found = 0
    for raw in texts:
        doc = PIPE.make_doc(raw)
        structure(doc)
        assert doc.column_boxes is not None
        afresh = PIPE.make_doc(raw)
        afresh.text = doc.text  # (boilerplate blanked, as structure leaves it)
        assert afresh.column_boxes is None
        assert column_blocks(doc) == column_blocks(afresh), raw[:60]
        found += len(column_blocks(doc))
    assert found >= 3


def test_split_items_trims_as_a_character_loop_does():
    """``lists._trim`` strips with str.strip: the same item and offsets as stepping over the
    characters one by one."""
    import random

    from policy_extract import lists

    def stepped(text, s, e, base, last=False):
        while s < e and text[s] in lists._TRAIL:
            s += 1
        while e > s and text[e - 1] in lists._TRAIL:
            e -= 1
        if last:
            for tail in ("等等", "等"):
                if text[s:e].endswith(tail) and e - s > len(tail) + 1:
                    e -= len(tail)
                    break
            while e > s and text[e - 1] in lists._TRAIL:
                e -= 1
        return text[s:e], base + s, base + e

    rng = random.Random(5)
    alphabet = "ab等。；;，,.．:： \t、（）项"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        s = rng.randint(0, len(text))
        e = rng.randint(s, len(text))
        last = rng.random() < 0.5
        assert lists._trim(text, s, e, 7, last) == stepped(text, s, e, 7, last), (text, s, e, last)


def test_names_in_a_traditional_repost_are_as_written():
    """A repost in traditional characters: the name is the caller's text (the matching ran on
    the normalised, simplified text)."""
    doc = PIPE("報道提到，賽力斯超級工廠二期項目及長安汽車數智工廠項目已列入市級重大項目清單。")
    assert [p.name for p in doc.projects] == ["賽力斯超級工廠二期項目", "長安汽車數智工廠項目"]
    assert all(p.name == p.quote for p in doc.projects)
