"""Segmenters chosen by name, with the domain dictionary; pkuseg on a model the test trains."""
from __future__ import annotations

import pytest

from policy_extract import BackendUnavailable, Pipeline
from policy_extract.patterns import load_patterns
from policy_extract.segment import make_segmenter

PATTERNS = load_patterns()
SENTENCE = "全区地区生产总值达到2000亿元，高新技术企业快速增长。"


def _covers(tokens, text):
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)


@pytest.mark.parametrize("name", ["jieba", "rjieba", "char"])
def test_backends_cover_the_text(name):
    seg = make_segmenter(name, PATTERNS)
    tokens = seg.cut(SENTENCE)
    _covers(tokens, SENTENCE)


def test_domain_dictionary_keeps_policy_terms_whole():
    for name in ("jieba", "rjieba"):
        words = [t.text for t in make_segmenter(name, PATTERNS).cut(SENTENCE)]
        assert "地区生产总值" in words and "高新技术企业" in words, (name, words)


def test_jieba_gives_part_of_speech():
    tokens = make_segmenter("jieba", PATTERNS).cut("济南高新区管委会发布规划")
    assert all(t.pos for t in tokens)


def test_user_dictionary(tmp_path):
    user = tmp_path / "words.txt"
    user.write_text("# my terms\n揭榜挂帅 10 n\n", encoding="utf-8")
    words = [t.text for t in make_segmenter("jieba", PATTERNS, user).cut("实行揭榜挂帅制度")]
    assert "揭榜挂帅" in words


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
