"""The pattern files are data with a schema: every example must match, every counterexample must not."""
from __future__ import annotations

import pytest

from policy_extract.errors import PatternError
from policy_extract.patterns import load_patterns

PATTERNS = load_patterns()
RULES = [(name, rule) for name, f in sorted(PATTERNS.files.items()) for rule in f.rules]


@pytest.mark.parametrize("name,rule", RULES, ids=[f"{n}:{r.id}" for n, r in RULES])
def test_rule_examples_match_and_counterexamples_do_not(name, rule):
    rx = PATTERNS.compile_rule(rule)
    for example in rule.examples:
        assert rx.search(example), f"{name}.yaml {rule.id}: example {example!r} does not match"
    for counter in rule.counterexamples:
        m = rx.search(counter)
        assert m is None, f"{name}.yaml {rule.id}: counterexample {counter!r} matches {m.group()!r}"


def test_every_file_says_what_it_is_for():
    for name, f in PATTERNS.files.items():
        assert len(f.description.strip()) > 20, name


def _write(tmp_path, name, body):
    (tmp_path / f"{name}.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_user_folder_adds_rules_and_words(tmp_path):
    folder = _write(tmp_path, "quantities", "description: my extra goal verbs for county reports\n"
                                            "words:\n  level_verbs: [攀升至=eq]\n")
    merged = load_patterns([folder])
    assert "攀升至=eq" in merged.words("quantities", "level_verbs")
    assert "达到=eq" in merged.words("quantities", "level_verbs")  # built-ins kept
    assert "攀升至=eq" not in PATTERNS.words("quantities", "level_verbs")  # defaults untouched


@pytest.mark.parametrize("body,message", [
    ("description: x is here for a test\nrulez: []\n", "rulez"),
    ("description: x is here for a test\nrules:\n  - {id: a, pattern: '(unclosed'}\n", "does not compile"),
    ("description: x is here for a test\nrules:\n  - {id: a, pattern: '{no_such_fragment}'}\n", "no_such_fragment"),
    ("description: x is here for a test\nrules:\n  - {id: a, pattern: 'x'}\n  - {id: a, pattern: 'y'}\n", "twice"),
    ("- just a list\n", "mapping"),
])
def test_malformed_pattern_files_are_rejected_with_the_file_named(tmp_path, body, message):
    folder = _write(tmp_path, "custom", body)
    with pytest.raises(PatternError) as err:
        load_patterns([folder])
    assert message in str(err.value)
    assert "custom" in str(err.value)


def test_missing_extra_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PatternError, match="does not exist"):
        load_patterns([tmp_path / "nope"])
