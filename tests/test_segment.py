"""Segmenters chosen by name, with the domain dictionary; pkuseg on a model the test trains."""
from __future__ import annotations

import pytest

from policy_extract import BackendUnavailable, Pipeline
from policy_extract.patterns import load_patterns
from policy_extract import segment as segment_module
from policy_extract.segment import JiebaRsSegmenter, JiebaSegmenter, make_segmenter

PATTERNS = load_patterns()
SENTENCE = "全区地区生产总值达到2000亿元，高新技术企业快速增长。"


def _covers(tokens, text):
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)


@pytest.mark.parametrize("name", ["jieba", "jieba-rs", "rjieba", "char"])
def test_backends_cover_the_text(name):
    seg = make_segmenter(name, PATTERNS)
    tokens = seg.cut(SENTENCE)
    _covers(tokens, SENTENCE)


def test_domain_dictionary_keeps_policy_terms_whole():
    for name in ("jieba", "jieba-rs"):
        words = [t.text for t in make_segmenter(name, PATTERNS).cut(SENTENCE)]
        assert "地区生产总值" in words and "高新技术企业" in words, (name, words)


@pytest.mark.parametrize("name", ["jieba", "jieba-rs"])
def test_backends_give_part_of_speech(name):
    tokens = make_segmenter(name, PATTERNS).cut("济南高新区管委会发布规划")
    assert all(t.pos for t in tokens)
    tags = {t.text: t.pos for t in tokens}
    # the domain dictionary's tags win over jieba's own (高新区 is nr in jieba's dict.txt)
    assert tags["高新区"] == "ns" and tags["管委会"] == "nt" and tags["济南"] == "ns"


@pytest.mark.parametrize("name", ["jieba", "jieba-rs"])
def test_user_dictionary(tmp_path, name):
    user = tmp_path / "words.txt"
    user.write_text("# my terms\n揭榜挂帅 10 n\n章锦科创谷 nz\n", encoding="utf-8")
    tokens = make_segmenter(name, PATTERNS, user).cut("实行揭榜挂帅制度，建设章锦科创谷")
    tags = {t.text: t.pos for t in tokens}
    assert tags.get("揭榜挂帅") == "n" and tags.get("章锦科创谷") == "nz", tags


def test_user_words_stay_in_their_pipeline(tmp_path):
    user = tmp_path / "words.txt"
    user.write_text("章锦科创谷 nz\n", encoding="utf-8")
    make_segmenter("jieba-rs", PATTERNS, user).cut("章锦科创谷")
    import rjieba

    assert "章锦科创谷" not in rjieba.cut("建设章锦科创谷")  # never the global instance
    assert "章锦科创谷" not in [t.text for t in make_segmenter("jieba-rs", PATTERNS).cut("建设章锦科创谷")]


@pytest.mark.parametrize("text", [
    "以汉峪金谷为核心", "由赫瑞特投资管理有限公司建设", "奠基仪式在浒关开发区举行", "从贵安新区出发",
    "济南高新区章锦综合保税区", "浪潮集团有限公司、华为等企业", "NEC软件产业园和智能装备城ICT产业园",
])
def test_jieba_rs_tags_as_jieba_does(text):
    """Unknown runs are tagged with jieba.posseg's joint word/POS model, so function words
    split off unknown names as in jieba (以|汉峪金谷, not 以汉峪金)."""
    fast = [(t.text, t.pos) for t in make_segmenter("jieba-rs", PATTERNS).cut(text)]
    slow = [(t.text, t.pos) for t in make_segmenter("jieba", PATTERNS).cut(text)]
    assert fast == slow


def test_jieba_rs_words_cover_the_text():
    seg = make_segmenter("jieba-rs", PATTERNS)
    _covers(seg.words(SENTENCE), SENTENCE)
    assert "地区生产总值" in [t.text for t in seg.words(SENTENCE)]


def test_default_is_jieba_rs():
    assert isinstance(make_segmenter(None, PATTERNS), JiebaRsSegmenter)
    assert Pipeline().segmenter.name == "jieba-rs"
    assert Pipeline(segmenter="jieba").segmenter.name == "jieba"


def test_default_falls_back_to_jieba_without_rjieba(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_rjieba(name, *args, **kwargs):
        if name == "rjieba" or name.startswith("rjieba."):
            raise ImportError("No module named 'rjieba'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rjieba)
    assert isinstance(make_segmenter(None, PATTERNS), JiebaSegmenter)
    pipeline = Pipeline()
    assert pipeline.segmenter.name == "jieba"
    doc = pipeline("济南高新区章锦综合保税区加快建设。")
    assert any(e.text == "章锦综合保税区" for e in doc.entities)
    with pytest.raises(BackendUnavailable, match="rjieba"):
        make_segmenter("jieba-rs", PATTERNS)
    assert segment_module.SEGMENTERS["rjieba"] is JiebaRsSegmenter


def _train_tiny_pkuseg(tmp_path):
    spacy_pkuseg = pytest.importorskip("spacy_pkuseg")
    base = ["高新区 发展 规划", "地区 生产 总值 达到 两千 亿元", "企业 数量 快速 增长", "推进 产业 园区 建设",
            "加快 科技 创新", "建设 世界 一流 园区", "实施 创新 驱动 战略", "提升 营商 环境"]
    lines = [base[i % len(base)] for i in range(120)]
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    test.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    model = tmp_path / "model"
    model.mkdir()
    spacy_pkuseg.train(str(train), str(test), str(model), train_iter=2)
    return model


def test_pkuseg_loads_a_local_model(tmp_path):
    model = _train_tiny_pkuseg(tmp_path)
    seg = make_segmenter("pkuseg", PATTERNS, model=model)
    text = "加快科技创新"
    _covers(seg.cut(text), text)
    pipeline = Pipeline(segmenter="pkuseg", segmenter_options={"model": str(model)})
    assert pipeline.segmenter.name == "pkuseg"


def test_pkuseg_without_a_model_says_what_to_do():
    pytest.importorskip("spacy_pkuseg")
    with pytest.raises(BackendUnavailable, match="model folder"):
        make_segmenter("pkuseg", PATTERNS)
    with pytest.raises(BackendUnavailable, match="does not exist"):
        make_segmenter("pkuseg", PATTERNS, model="/nonexistent/model")


# ------------------------------------------------------------------ the numpy Viterbi
# Unknown runs are tagged by jieba.posseg's joint word/POS HMM. The numpy version must give the
# route of the pure-Python one (which follows jieba's code) for every input: same floats, same
# tie-breaking, same dead-end handling.
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.fixture(scope="module")
def hmm():
    start_p, trans_p, emit_p, states = segment_module._posseg_tables()
    into: dict = {}
    for y0, nexts in trans_p.items():
        for y, p in nexts.items():
            into.setdefault(y, {})[y0] = p
    dense = segment_module._DenseViterbi.build(start_p, trans_p, emit_p, states)
    if dense is None:
        pytest.skip("numpy is not installed")

    def both(run: str):
        """(the pure-Python route, the route the tagger takes: numpy's, or where numpy finds
        no route at all (it answers None), the pure-Python one)"""
        python_route = segment_module._viterbi(run, states, start_p, trans_p, emit_p, into)
        numpy_route = dense.viterbi(run)
        return python_route, python_route if numpy_route is None else numpy_route
    return both


def test_numpy_viterbi_leaves_dead_ends_to_the_python_one(hmm):
    # a run where no state is reachable at the end (every score -inf): numpy answers None and
    # the pure-Python viterbi, with jieba's own fallbacks, decides
    start_p, trans_p, emit_p, states = segment_module._posseg_tables()
    dense = segment_module._DenseViterbi.build(start_p, trans_p, emit_p, states)
    assert dense.viterbi("括妇潍涡销少總施碰章") is None


@pytest.mark.parametrize("run", [
    "以汉峪金", "由赫瑞特", "在浒关", "和赫瑞特", "莱克", "瑞特投",   # function word + unknown name
    "㐀㐁㐂", "𠀀𠀁", "鿿鿿",                                      # characters jieba's tables lack
    "的的的的的的", "龘龘", "之乎者也矣焉哉",
])
def test_numpy_viterbi_gives_jiebas_route(hmm, run):
    python_route, numpy_route = hmm(run)
    assert numpy_route == python_route


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FD5)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(_HAN, st.sampled_from("㐀𠀀的了在和与及以由园区")), min_size=2, max_size=9))
def test_numpy_viterbi_matches_on_any_han_run(hmm, run):
    python_route, numpy_route = hmm(run)
    assert numpy_route == python_route


# ------------------------------------------------------------------ shortcuts for short windows
# The entity stage cuts hundreds of short windows, so two paths take shortcuts: the numpy
# Viterbi reads a run's last step with one argmax over its matrix (a run of two characters is
# one matrix and one argmax), and cut emits a run of one Han character itself instead of
# through _flush. Both are pinned here against the general path.

# function words, name characters, and characters outside jieba's tables (丂丄龘鿿: any state,
# every emission jieba's floor, so scores tie and the tie-breaking decides)
_PAIR_CHARS = "以由在和与的了科创城章锦赫瑞特浒关丂丄龘鿿"


@pytest.mark.parametrize("first", _PAIR_CHARS)
def test_numpy_viterbi_last_step_matches_on_every_pair_and_triple(hmm, first):
    for second in _PAIR_CHARS:
        python_route, numpy_route = hmm(first + second)
        assert numpy_route == python_route, first + second
        for third in "的锦丂龘":
            python_route, numpy_route = hmm(first + second + third)
            assert numpy_route == python_route, first + second + third


def _cut_through_flush(seg: JiebaRsSegmenter, text: str):
    """JiebaRsSegmenter.cut as it would be without its shortcut: every run of single Han
    characters, one character long or more, through _flush."""
    jb = seg._jieba or seg._init()
    pairs = jb.tag(text, False)
    out, i, first = [], 0, -1
    for k, (w, tag) in enumerate(pairs):
        if len(w) == 1 and segment_module._HAN_FIRST <= w <= segment_module._HAN_LAST:
            first = k if first < 0 else first
            continue
        if first >= 0:
            i = seg._flush(jb, text, i, pairs, first, k, out)
            first = -1
        out.append(segment_module.Token(w, i, i + len(w), seg._tags.get(w, tag) or "x"))
        i += len(w)
    if first >= 0:
        seg._flush(jb, text, i, pairs, first, len(pairs), out)
    return out


@pytest.fixture(scope="module")
def jieba_rs(tmp_path_factory):
    # one-character words with a tag of their own: a run of one keeps jieba's tag (as posseg)
    user = tmp_path_factory.mktemp("words") / "words.txt"
    user.write_text("园 nz\n高 nz\n", encoding="utf-8")
    return make_segmenter("jieba-rs", PATTERNS, user)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(_HAN, st.sampled_from("以由在和的园区高新章锦123AB%，、（）“” ")),
               max_size=30))
@example("园，高1")  # runs of one character, each a user word with a tag of its own
@example("由赫瑞特投资，以汉峪金谷为核心")
def test_cut_shortcut_matches_the_general_path(jieba_rs, text):
    tokens = jieba_rs.cut(text)
    assert tokens == _cut_through_flush(jieba_rs, text)
    assert all(type(t) is segment_module.Token for t in tokens)
    _covers(tokens, text)
