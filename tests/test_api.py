"""The public surface: extract(), Pipeline, records that validate, round-trip and export a schema."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import policy_extract
from policy_extract import ConfigError, InputError, Pipeline, PolicyDocument, Span, Target
from policy_extract.records import Deadline, validate_all, validate_each

SENTENCE = "到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。"


def test_model_dump_round_trips():
    doc = policy_extract.extract(SENTENCE)
    data = doc.model_dump(mode="json")
    assert PolicyDocument.model_validate(data) == doc
    assert PolicyDocument.model_validate_json(doc.model_dump_json()) == doc


def test_json_schema_is_exported():
    schema = policy_extract.json_schema()
    assert schema["title"] == "PolicyDocument"
    assert {"targets", "statistics", "deadlines", "entities", "projects", "outline", "meta"} <= set(schema["properties"])
    json.dumps(schema)


@pytest.mark.parametrize("bad", [
    dict(span=Span(start=0, end=3), quote="abc", extractor="t", value=1, year=1850),
    dict(span=Span(start=0, end=3), quote="abcd", extractor="t", value=1),
    dict(span=Span(start=0, end=3), quote="abc", extractor="t", value=5, value_max=3),
    dict(span=Span(start=0, end=3), quote="abc", extractor="t", value=5, qualifier="range"),
    dict(span=Span(start=0, end=3), quote="abc", extractor="t", value=5, kind="speed"),
    dict(span=Span(start=0, end=3), quote="abc", extractor="t", value=5, colour="red"),
])
def test_impossible_records_are_rejected(bad):
    with pytest.raises(ValidationError):
        Target(**bad)


def test_span_end_before_start_is_rejected():
    with pytest.raises(ValidationError):
        Span(start=5, end=2)


def test_deadline_end_before_start_is_rejected():
    with pytest.raises(ValidationError):
        Deadline(span=Span(start=0, end=2), quote="今年", extractor="d", text="今年",
                 start=dt.date(2025, 12, 31), end=dt.date(2025, 1, 1))


def test_lists_validated_in_one_call_fail_or_skip_as_one_by_one():
    good = {"start": 1, "end": 3}
    bad = {"start": 5, "end": 2}
    assert validate_all(Span, [good, good]) == [Span(start=1, end=3)] * 2
    assert validate_each(Span, [good, bad, good]) == [Span(start=1, end=3), None, Span(start=1, end=3)]
    with pytest.raises(ValidationError, match="span end 2 is before start 5"):
        validate_all(Span, [good, bad])


def test_records_are_frozen():
    t = policy_extract.extract(SENTENCE).targets[0]
    with pytest.raises(ValidationError):
        t.value = 1


def test_extractors_can_be_switched_off():
    doc = policy_extract.extract(SENTENCE, disable=["targets"])
    assert doc.targets == [] and doc.statistics == []
    only = Pipeline(extractors=["targets"])
    assert only.extractor_names == ["targets"]
    assert only(SENTENCE).targets


def test_unknown_extractor_or_segmenter_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown extractor"):
        Pipeline(extractors=["horoscope"])
    with pytest.raises(ConfigError, match="unknown segmenter"):
        Pipeline(segmenter="abacus")


def test_user_patterns_folder_changes_extraction(tmp_path):
    sentence = "到2026年，全市工业投资攀升至900亿元。"
    (tmp_path / "quantities.yaml").write_text(
        "description: a verb my county reports use for reaching a level\n"
        "words:\n  level_verbs: [攀升至=ge]\n  indicator_suffix_stop: [攀升至]\n", encoding="utf-8")
    default = policy_extract.extract(sentence).targets[0]
    custom = policy_extract.extract(sentence, patterns_dirs=[str(tmp_path)]).targets[0]
    assert default.qualifier == "eq"
    assert (custom.indicator, custom.qualifier) == ("工业投资", "ge")


def test_non_str_input_is_a_typed_error():
    with pytest.raises(InputError):
        policy_extract.extract(b"bytes")  # type: ignore[arg-type]


def test_overlong_text_is_cut_with_a_warning():
    doc = Pipeline(max_chars=20)(SENTENCE * 3)
    assert [w.code for w in doc.warnings] == ["truncated"]
    assert doc.text_length == len(SENTENCE) * 3


@pytest.mark.parametrize("text", [
    "", " ", "\x00\x01\x02", "\ud800lone surrogate", "😀" * 50, "表1\n" * 200, "第一章\n" * 300,
    "专栏1\n重点项目:" + "、" * 5000, "(" * 5000 + "达到100亿元", "1" * 20000 + "亿元", "<" * 3000,
    "&#99999999;&#x110000;&bogus;", "到2025年" * 500,
])
def test_extract_never_raises(text):
    doc = policy_extract.extract(text)
    assert isinstance(doc, PolicyDocument)
    assert not [w for w in doc.warnings if w.code == "stage_failed"], doc.warnings


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=300))
def test_extract_never_raises_on_random_text(text):
    doc = policy_extract.extract(text)
    assert not [w for w in doc.warnings if w.code == "stage_failed"], doc.warnings


def test_shipped_schema_file_matches_the_models():
    """policy_document.schema.json ships in the package; regenerate it with `policy-extract schema`."""
    from importlib.resources import files

    from policy_extract.records import SCHEMA_FILE, json_schema_text

    shipped = files("policy_extract").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == json_schema_text(), (
        "the models changed: run `policy-extract schema -o src/policy_extract/policy_document.schema.json`")
