"""eval: precision, recall and F1 per record type, with the project's scoring rules.

The rules are pinned by tables here, and checked against the project's reference scorer
(../shared/corpora/score.py) as a black box: the scorer runs in a subprocess with a stand-in
``policy_extract`` that returns canned predictions, and both must count the same."""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from policy_extract.cli import main
from policy_extract.evaluate import (FIELDS, base_unit, clean_name, evaluate, prf, same_amount,
                                     score_document, similarity)


@pytest.mark.parametrize(("unit", "expected"), [
    ("亿元", (1e8, "元")), ("万元", (1e4, "元")), ("元", (1.0, "元")), ("亿美元", (1e8, "美元")),
    ("%", (1.0, "%")), ("％", (1.0, "%")), ("个百分点", (1.0, "pp")), ("百分点", (1.0, "pp")),
    ("家", (1.0, "#")), ("个", (1.0, "#")), ("万人", (1e4, "#")), ("余家", (1.0, "#")),
    ("亿", (1e8, "*")), ("个亿", (1e8, "*")), (None, (1.0, "")), ("", (1.0, "")),
    ("万元/亩", (1e4, "元/亩")), ("微克/立方米", (1.0, "微克/立方米")),
])
def test_units_to_a_base(unit: str | None, expected: tuple[float, str]) -> None:
    assert base_unit(unit) == expected


@pytest.mark.parametrize(("gold", "pred", "same"), [
    ({"value": 2000, "unit": "亿元"}, {"value": 2e7, "unit": "万元"}, True),
    ({"value": 2000, "unit": "亿元"}, {"value": 2000, "unit": "亿"}, True),  # a bare magnitude fits any unit
    ({"value": 2000, "unit": "亿元"}, {"value": 2000, "unit": "亿美元"}, False),
    ({"value": 12.5, "unit": "%"}, {"value": 0.125, "unit": None}, True),  # a fraction and its per cent
    ({"value": 3, "unit": "个百分点"}, {"value": 3, "unit": "%"}, False),
    ({"value": 100, "unit": "家"}, {"value": 100, "unit": "个"}, True),  # counters are one unit
    ({"value": None, "unit": "家"}, {"value": 100, "unit": "家"}, False),
    ({"value": "abc", "unit": "家"}, {"value": 100, "unit": "家"}, False),
])
def test_same_amount(gold: dict, pred: dict, same: bool) -> None:
    assert same_amount(gold, pred) is same


@pytest.mark.parametrize(("a", "b", "sim"), [
    ("地区生产总值", "全区地区生产总值", 1.0),  # a place prefix is dropped, then containment
    ("高新技术企业", "高新技术企业数", 1.0),
    ("研发经费", "研发投入", 2 * 1 / (3 + 3)),  # Dice over bigrams
    ("", "地区生产总值", 0.0),
    ("“地区生产总值”", "地区生产总值。", 1.0),  # punctuation does not count
])
def test_indicator_similarity(a: str, b: str, sim: float) -> None:
    assert similarity(a, b) == pytest.approx(sim)


@pytest.mark.parametrize(("name", "clean"), [("齐鲁软件园、", "齐鲁软件园"), ("浪潮等", "浪潮"), ("等等", "等等"),
                                             ("山东（济南）自贸区", "山东济南自贸区")])
def test_names_compare_without_punctuation_and_a_trailing_deng(name: str, clean: str) -> None:
    assert clean_name(name) == clean


@pytest.mark.parametrize(("tp", "gold", "pred", "expected"), [
    (0, 0, 0, (1.0, 1.0, 1.0)), (0, 3, 0, (0.0, 0.0, 0.0)), (0, 0, 2, (0.0, 1.0, 0.0)), (1, 2, 4, (0.25, 0.5, 1 / 3)),
])
def test_prf(tp: int, gold: int, pred: int, expected: tuple) -> None:
    assert prf(tp, gold, pred) == pytest.approx(expected)


def test_score_document_rules() -> None:
    gold = {
        "targets": [{"indicator": "地区生产总值", "value": 2000, "unit": "亿元", "year": 2025},
                    {"indicator": "高新技术企业", "value": 2500, "unit": "家", "year": 2025}],
        "statistics": [],
        "projects": [{"name": "国家大数据产业基地项目"}, "齐鲁软件园项目"],
        "parks": ["齐鲁软件园", "济南综保区"], "enterprises": ["浪潮集团有限公司", "浪潮"],
        "deadlines": [{"text": "到2025年", "start": None, "end": "2025-12-31"}],
    }
    pred = {
        "targets": [{"indicator": "全区地区生产总值", "value": 2e7, "unit": "万元", "year": 2025},
                    {"indicator": "高新技术企业", "value": 2500, "unit": "家", "year": 2024},  # wrong year
                    {"indicator": "地区生产总值", "value": 2000, "unit": "亿元", "year": 2025}],  # a duplicate
        "statistics": [],
        "projects": ["国家大数据产业基地项目。", "别的项目"],
        "parks": ["齐鲁软件园"], "enterprises": ["浪潮集团有限公司", "浪潮", "浪潮"],
        "deadlines": [{"text": "到2025年底", "start": None, "end": "2025-12-31"},
                      {"text": "到2025年", "start": None, "end": "2025-12-31"}],
    }
    m = score_document(gold, pred)
    assert (m["targets"].gold, m["targets"].pred, m["targets"].tp, m["targets"].tp_loose) == (2, 3, 1, 2)
    assert (m["projects"].tp, m["projects"].pred) == (1, 2)
    assert (m["parks"].tp, m["parks"].gold) == (1, 2)
    assert (m["enterprises"].tp, m["enterprises"].pred) == (2, 2)  # distinct surface forms
    assert (m["deadlines"].tp, m["deadlines"].pred) == (1, 2)


# ---------------------------------------------------------------- a corpus, and the reference scorer
def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _perturbed_prediction(gold: dict, rng: random.Random) -> dict:
    """A prediction that exercises every rule: units converted, prefixes, wrong years, spurious items."""
    def quantities(items: list) -> list:
        out = []
        for i, g in enumerate(items):
            p = dict(g)
            variant = rng.randrange(10)
            indicator = p.get("indicator") or ""
            if variant == 0 and len(indicator) > 2:  # similarity anywhere between 0 and 1
                chars = list(indicator)
                for _ in range(rng.randint(1, 3)):
                    chars[rng.randrange(len(chars))] = "某"
                p["indicator"] = "".join(chars)
            elif variant == 6 and p.get("unit") in ("家", "个", "项", "人"):
                p["unit"] = rng.choice("多余") + p["unit"]
            elif variant == 7 and p.get("value") is not None:
                p["value"] = str(p["value"])
            elif variant == 8 and (p.get("unit") or "").endswith("元") and p["unit"][:1] in "亿万":
                p["unit"] = p["unit"][:1]  # a bare magnitude
            elif variant == 9:
                p["year"] = str(p["year"]) + "年" if p.get("year") else None
            elif variant == 1 and p.get("unit") == "亿元" and p.get("value") is not None:
                p["value"], p["unit"] = p["value"] * 1e4, "万元"
            elif variant == 2:
                p["indicator"] = "全区" + (p.get("indicator") or "")
            elif variant == 3 and p.get("year"):
                p["year"] = p["year"] - 1
            elif variant == 4:
                continue
            elif variant == 5 and p.get("value") is not None:
                p["value"] = p["value"] + 1
            out.append(p)
        out.append({"indicator": "虚构指标", "value": 7, "unit": "个", "year": 2025})
        return out

    def names(items: list) -> list:
        return [n + ("。" if rng.random() < 0.3 else "") for n in items if rng.random() < 0.8] + ["虚构名称"]

    entities = [{"text": n, "label": "park", "aliases": []} for n in names(gold.get("parks") or [])]
    companies = names(gold.get("enterprises") or [])
    if companies:
        entities.append({"text": companies[0], "label": "enterprise", "aliases": companies[1:]})
    deadlines = []
    for d in gold.get("deadlines") or []:
        p = dict(d)
        if rng.random() < 0.3:
            p["text"] = p["text"] + "底"
        if rng.random() < 0.2 and p.get("end"):
            p["end"] = "2099-12-31"
        deadlines.append(p)
    return {"targets": quantities(gold.get("targets") or []), "statistics": quantities(gold.get("statistics") or []),
            "projects": [{"name": n} for n in names([x["name"] if isinstance(x, dict) else x
                                                     for x in gold.get("projects") or []])],
            "entities": entities, "deadlines": deadlines}


STUB = '''
import json, hashlib, pathlib
_PRED = json.loads(pathlib.Path(__file__).with_name("pred.json").read_text(encoding="utf-8"))
class _Result(dict):
    def model_dump(self, mode="json"):
        return dict(self)
def extract(text, doc_date=None):
    return _Result(_PRED[hashlib.sha1(text.encode("utf-8")).hexdigest()])
'''


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_counts_as_the_reference_scorer(tmp_path: Path, shared_dev: Path, seed: int) -> None:
    scorer = shared_dev.parent / "score.py"
    if not scorer.exists():
        pytest.skip("the reference scorer is not beside this checkout")
    rng = random.Random(seed)
    predictions = {}
    for gold_path in sorted((shared_dev / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (shared_dev / "texts" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        predictions[_key(text)] = _perturbed_prediction(gold, rng)
    stub = tmp_path / "stub" / "policy_extract"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(STUB, encoding="utf-8")
    (stub / "pred.json").write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "reference.json"
    env = {**os.environ, "PYTHONPATH": str(stub.parent)}
    subprocess.run([sys.executable, str(scorer), str(shared_dev), "--json", str(out)], env=env, check=True,
                   capture_output=True, cwd=tmp_path)
    reference = json.loads(out.read_text(encoding="utf-8"))

    ours = evaluate(shared_dev, extract_fn=lambda text, **kw: predictions[_key(text)]).as_dict()
    for field in FIELDS:
        for k in ("gold", "pred", "tp", "tp_loose", "P", "R", "F1", "F1_loose"):
            assert ours[field][k] == reference[field][k], (field, k)
    assert ours["macro_F1"] == reference["macro_F1"]
    assert 0 < ours["macro_F1"] < 1  # the perturbations hit and miss


def test_eval_command_on_a_corpus_it_writes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "texts").mkdir(parents=True)
    (corpus / "gold").mkdir()
    (corpus / "texts" / "a.txt").write_text("到2025年，全区地区生产总值达到2000亿元。\n", encoding="utf-8")
    (corpus / "gold" / "a.json").write_text(json.dumps({
        "doc_id": "a", "doc_date": "2021-06-30",
        "targets": [{"indicator": "地区生产总值", "value": 2000, "unit": "亿元", "year": 2025}],
        "statistics": [], "projects": [], "parks": [], "enterprises": [],
        "deadlines": [{"text": "到2025年", "start": None, "end": "2025-12-31"}]}, ensure_ascii=False),
        encoding="utf-8")
    assert main(["eval", str(corpus), "--json", str(tmp_path / "s.json"), "--show-misses", "targets"]) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and printed.splitlines()[0].startswith("a ")
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert set(FIELDS) <= set(summary) and summary["documents"] == 1
    assert summary["targets"]["gold"] == 1 and summary["parks"]["F1"] == 1.0 - (summary["parks"]["pred"] > 0)


def test_eval_rejects_a_folder_that_is_not_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["eval", str(tmp_path)]) == 2
    assert "gold/<doc_id>.json" in capsys.readouterr().err


def test_a_crashing_extractor_scores_zero_for_that_document(tmp_path: Path, shared_dev: Path) -> None:
    def explode(text: str, **kw: object) -> None:
        raise RuntimeError("boom")

    report = evaluate(shared_dev, extract_fn=explode, doc="004_ec77854e3a26ca3e")
    assert len(report.documents) == 1 and "boom" in report.as_dict()["crashes"][0]
    assert report.totals["targets"].tp == 0
