"""The optional HanLP NER backend: label mapping, merge with the rule entities, errors.

The internet is closed in CI, so a tiny character-level HanLP NER model is trained here on
sentences written for this test (a few seconds on CPU), saved to a temporary folder and loaded
with ``hanlp.load(folder)``, the same code path a user takes with a pretrained model.
"""
from __future__ import annotations

import sys

import pytest

import policy_extract
from policy_extract.errors import BackendUnavailable
from policy_extract.structure import structure

# (sentence, [(name, MSRA label)]): written for this test, names invented
TRAIN = [
    ("星澜光电在本市追加投资。", [("星澜光电", "NT")]),
    ("云帆科技有限公司入驻东湖科技园。", [("云帆科技有限公司", "NT"), ("东湖科技园", "NS")]),
    ("蓝海集团在滨江开发区建设新基地。", [("蓝海集团", "NT"), ("滨江开发区", "NS")]),
    ("华东理工大学与鸿远智能共建实验室。", [("华东理工大学", "NT"), ("鸿远智能", "NT")]),
    ("苏州的企业数量持续增长。", [("苏州", "NS")]),
    ("鸿远智能今年营业收入增长两成。", [("鸿远智能", "NT")]),
    ("张明调研了星澜光电。", [("张明", "NR"), ("星澜光电", "NT")]),
    ("嘉和生物落户临港产业园。", [("嘉和生物", "NT"), ("临港产业园", "NS")]),
    ("市科技局支持云帆科技扩大产能。", [("市科技局", "NT"), ("云帆科技", "NT")]),
    ("杭州市民积极参与活动。", [("杭州", "NS")]),
    ("晨曦医药在西湖区设立研发中心。", [("晨曦医药", "NT"), ("西湖区", "NS")]),
    ("今年全区经济平稳运行。", []),
    ("锦程物流与蓝海集团签署协议。", [("锦程物流", "NT"), ("蓝海集团", "NT")]),
    ("推动产业转型升级。", []),
    ("北辰半导体入选独角兽名单。", [("北辰半导体", "NT")]),
    ("滨江开发区新增企业三百家。", [("滨江开发区", "NS")]),
    ("李华在东湖科技园考察。", [("李华", "NR"), ("东湖科技园", "NS")]),
    ("嘉和生物的新药获批上市。", [("嘉和生物", "NT")]),
    ("加快建设现代化产业体系。", []),
    ("南京大学发布研究报告。", [("南京大学", "NT")]),
]


def _write_tsv(path) -> None:
    lines = []
    for sentence, ents in TRAIN:
        tags = ["O"] * len(sentence)
        for name, label in ents:
            i = sentence.index(name)
            tags[i] = "B-" + label
            for k in range(i + 1, i + len(name)):
                tags[k] = "I-" + label
        lines += [f"{ch}\t{tag}" for ch, tag in zip(sentence, tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("hanlp")
    torch = pytest.importorskip("torch")
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    torch.manual_seed(7)
    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("hanlp_ner")
    tsv = folder / "train.tsv"
    _write_tsv(tsv)
    RNNNamedEntityRecognizer().fit(str(tsv), str(tsv), str(folder / "model"), epochs=40, embed=32,
                                   rnn_hidden=64, lr=0.05, drop=0.0, patience=100, batch_size=4,
                                   crf=False, tagging_scheme="BIO", verbose=False)
    return folder / "model"


@pytest.fixture(scope="module")
def ner(model_dir):
    from policy_extract.extract.hanlp_ner import HanLPEntityExtractor

    return HanLPEntityExtractor(policy_extract.get_pipeline().patterns, model=str(model_dir))


def run(ner, text: str):
    """The rule entities, then the NER backend, on one Doc (as the pipeline will run them)."""
    pipe = policy_extract.get_pipeline()
    doc = pipe.make_doc(text)
    structure(doc)
    next(e for e in pipe.extractors if e.name == "entities")(doc)
    ner(doc)
    return doc, doc.records["entities"]


def test_model_loads_through_hanlp_load(model_dir):
    import hanlp

    found = hanlp.load(str(model_dir))(list("星澜光电在本市追加投资。"))
    assert [(label, a, b) for _, label, a, b in found] == [("NT", 0, 4)]


def test_name_only_the_model_finds_becomes_an_entity(ner):
    _, ents = run(ner, "星澜光电在本市追加投资。")
    assert [(e.text, e.label) for e in ents] == [("星澜光电", "enterprise")]


def test_rule_and_model_agree_on_one_entity_per_name(ner):
    doc, ents = run(ner, "云帆科技有限公司入驻东湖科技园。")
    assert sorted((e.text, e.label, len(e.mentions)) for e in ents) == [
        ("东湖科技园", "park", 1), ("云帆科技有限公司", "enterprise", 1)]


def test_model_short_form_links_to_rule_full_name(ner):
    text = "云帆科技有限公司入驻东湖科技园。市科技局支持云帆科技扩大产能。"
    _, ents = run(ner, text)
    company = [e for e in ents if e.label == "enterprise"]
    assert len(company) == 1
    assert company[0].text == "云帆科技有限公司" and "云帆科技" in company[0].aliases
    for m in company[0].mentions:
        assert text[m.span.start:m.span.end] == m.text


@pytest.mark.parametrize("name, label, expected", [
    ("星澜光电", "NT", "enterprise"),            # no suffix: the configured default
    ("云帆科技有限公司", "ORG", "enterprise"),
    ("华东理工大学", "NT", "institution"),
    ("市科技局", "ORGANIZATION", "government"),
    ("临港产业园", "NS", "park"),
    ("滨江开发区", "LOCATION", "park"),
    ("苏州", "NS", None),                       # a city is no park
    ("张明", "NR", None),                       # persons are not ours
    ("嘉和生物研究院有限公司", "NT", "enterprise"),  # the longer suffix decides
])
def test_label_mapping(ner, name, label, expected):
    assert ner.our_label(name, label) == expected


def test_people_and_cities_are_dropped(ner):
    _, ents = run(ner, "张明调研了星澜光电。苏州的企业数量持续增长。")
    assert [(e.text, e.label) for e in ents] == [("星澜光电", "enterprise")]


@pytest.mark.parametrize("text", ["", "。", "\n\n", "星" * 1000, "（）“”" * 50])
def test_never_crashes(ner, text):
    doc, ents = run(ner, text)
    for e in ents:
        for m in e.mentions:
            assert text[m.span.start:m.span.end] == m.text


def test_missing_hanlp_says_how_to_install(monkeypatch):
    from policy_extract.extract.hanlp_ner import HanLPEntityExtractor

    monkeypatch.setitem(sys.modules, "hanlp", None)  # import hanlp -> ImportError
    with pytest.raises(BackendUnavailable, match="pip install"):
        HanLPEntityExtractor(policy_extract.get_pipeline().patterns)


def test_unloadable_model_is_backend_unavailable(tmp_path):
    pytest.importorskip("hanlp")
    from policy_extract.extract.hanlp_ner import HanLPEntityExtractor

    with pytest.raises(BackendUnavailable, match="could not load"):
        HanLPEntityExtractor(policy_extract.get_pipeline().patterns, model=str(tmp_path / "no_model"))


def test_registered_but_not_default():
    from policy_extract.extract import DEFAULT_ORDER, EXTRACTORS, _load_builtin
    from policy_extract.extract import hanlp_ner  # noqa: F401

    _load_builtin()
    assert "hanlp_ner" in EXTRACTORS and "hanlp_ner" not in DEFAULT_ORDER


def test_pipeline_option_runs_the_model_after_the_rule_entities(model_dir):
    """The path users take: Pipeline(ner="hanlp", ner_model=PATH) / extract(..., ner="hanlp")."""
    from policy_extract import Pipeline, extract

    pipeline = Pipeline(ner="hanlp", ner_model=str(model_dir))
    names = pipeline.extractor_names
    assert names.index("hanlp_ner") == names.index("entities") + 1
    text = "到2025年，苏州工业园区高新技术企业达到2500家以上。"
    doc = pipeline(text)
    assert all(text[e.span.start:e.span.end] == e.quote for e in doc.entities)
    assert extract(text, ner="hanlp", ner_model=str(model_dir)).targets == doc.targets


def test_unknown_ner_backend_is_a_config_error():
    from policy_extract import ConfigError, Pipeline

    with pytest.raises(ConfigError, match="unknown ner backend"):
        Pipeline(ner="crystal-ball")
