"""Rules as data: load, validate, merge and compile the YAML files of ``patterns/``.

Every file in ``patterns/`` (and in any extra folder a user passes) is one concern. A file
may hold:

``description``
    what the file is for (required);
``source``
    where a list came from (gazetteers);
``fragments``
    named regular-expression pieces. Any pattern may refer to a fragment as ``{name}``;
    fragments are one namespace across all files, and may refer to each other;
``rules``
    a list of small records ``{id, pattern, ..., examples, counterexamples}``. The examples
    must match and the counterexamples must not: the test-suite runs them;
``words``
    named word lists (trigger words, suffixes, stop words ...);
``entries``
    a table of records whose shape the consuming module declares (units, periods ...).

A user folder is merged file by file: fragments and words are updated/extended, rules with
the same ``id`` are replaced and new ones appended, entries are appended.

Unknown keys, regexes that do not compile and references to missing fragments are errors
that name the file and the rule.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import PatternError

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same safe subset
_FLAGS = {"ignorecase": regex.IGNORECASE, "multiline": regex.MULTILINE, "dotall": regex.DOTALL}
_FRAGMENT_REF = regex.compile(r"\{([a-z_][a-z0-9_]*)\}")


class Rule(BaseModel):
    """One pattern rule. Consumers read the extra fields they know about from ``data``."""

    model_config = ConfigDict(extra="forbid")

    id: str
    pattern: str
    comment: str | None = None
    flags: str | None = Field(None, description="comma-separated: ignorecase, multiline, dotall")
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    source: str | None = None
    fragments: dict[str, str] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    words: dict[str, list[str]] = Field(default_factory=dict)
    entries: list[dict[str, Any]] = Field(default_factory=list)


def builtin_patterns_dir() -> Path:
    """The folder shipped with the package (wheel), or the repository's (source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "patterns", here.parent.parent / "patterns"):
        if candidate.is_dir():
            return candidate
    raise PatternError(f"patterns folder not found next to {here}; reinstall policy_extract")


def _read_folder(folder: Path) -> dict[str, PatternFile]:
    files: dict[str, PatternFile] = {}
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
        name = path.relative_to(folder).with_suffix("").as_posix()
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except (OSError, yaml.YAMLError) as exc:
            raise PatternError(f"{path}: cannot read YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise PatternError(f"{path}: a pattern file must be a mapping with a 'description'")
        try:
            files[name] = PatternFile.model_validate(raw)
        except ValidationError as exc:
            raise PatternError(f"{path}: {exc}") from exc
        seen: set[str] = set()
        for rule in files[name].rules:
            if rule.id in seen:
                raise PatternError(f"{path}: rule id {rule.id!r} is used twice")
            seen.add(rule.id)
    return files


def _merge(base: PatternFile, extra: PatternFile) -> PatternFile:
    rules = {r.id: r for r in base.rules}
    order = [r.id for r in base.rules]
    for r in extra.rules:
        if r.id not in rules:
            order.append(r.id)
        rules[r.id] = r
    words = {k: list(v) for k, v in base.words.items()}
    for k, v in extra.words.items():
        words.setdefault(k, [])
        words[k].extend(w for w in v if w not in words[k])
    return PatternFile(
        description=base.description,
        source=base.source if extra.source is None else f"{base.source}; {extra.source}",
        fragments={**base.fragments, **extra.fragments},
        rules=[rules[i] for i in order],
        words=words,
        entries=base.entries + extra.entries,
    )


@dataclass
class PatternSet:
    """All pattern files, merged and validated, with a cache of compiled regexes."""

    files: dict[str, PatternFile]
    fragments: dict[str, str] = field(default_factory=dict)
    _compiled: dict[tuple[str, int], regex.Pattern] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, f in self.files.items():
            for key, value in f.fragments.items():
                if key in self.fragments and self.fragments[key] != value:
                    # the later file (user folder merged last) wins, but only via _merge;
                    # two built-in files defining one name differently is a mistake
                    raise PatternError(f"fragment {{{key}}} is defined twice (last in {name}.yaml)")
                self.fragments[key] = value
        for name, f in self.files.items():  # validate every rule eagerly: fail at load time
            for rule in f.rules:
                try:
                    self.compile_rule(rule)
                except PatternError as exc:
                    raise PatternError(f"{name}.yaml rule {rule.id!r}: {exc}") from None

    # -- access -------------------------------------------------------------------
    def file(self, name: str) -> PatternFile:
        try:
            return self.files[name]
        except KeyError:
            raise PatternError(f"pattern file {name}.yaml is missing") from None

    def words(self, name: str, key: str) -> list[str]:
        return self.file(name).words.get(key, [])

    def rules(self, name: str) -> list[Rule]:
        return self.file(name).rules

    def entries(self, name: str) -> list[dict[str, Any]]:
        return self.file(name).entries

    # -- compiling ----------------------------------------------------------------
    def expand(self, pattern: str, _depth: int = 0) -> str:
        if _depth > 20:
            raise PatternError(f"fragment references nest too deeply in {pattern[:60]!r}")

        def sub(m: regex.Match) -> str:
            name = m.group(1)
            if name not in self.fragments:
                raise PatternError(f"unknown fragment {{{name}}}")
            return "(?:" + self.expand(self.fragments[name], _depth + 1) + ")"

        return _FRAGMENT_REF.sub(sub, pattern)

    def compile(self, pattern: str, flags: int = 0) -> regex.Pattern:
        key = (pattern, flags)
        got = self._compiled.get(key)
        if got is None:
            try:
                got = regex.compile(self.expand(pattern), flags)
            except regex.error as exc:
                raise PatternError(f"does not compile: {exc}: {pattern[:80]!r}") from None
            self._compiled[key] = got
        return got

    def compile_rule(self, rule: Rule) -> regex.Pattern:
        flags = 0
        for name in (rule.flags or "").split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in _FLAGS:
                raise PatternError(f"unknown flag {name!r} (use {', '.join(_FLAGS)})")
            flags |= _FLAGS[name]
        return self.compile(rule.pattern, flags)

    def alternation(self, words: Iterable[str]) -> str:
        """A regex alternation of literal words, longest first (so 万亿元 wins over 万)."""
        uniq = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
        return "|".join(regex.escape(w) for w in uniq)


@functools.lru_cache(maxsize=16)
def _load_cached(extra: tuple[str, ...]) -> PatternSet:
    files = _read_folder(builtin_patterns_dir())
    for folder in extra:
        path = Path(folder)
        if not path.is_dir():
            raise PatternError(f"extra patterns folder {folder} does not exist")
        for name, f in _read_folder(path).items():
            files[name] = _merge(files[name], f) if name in files else f
    return PatternSet(files)


def load_patterns(extra_dirs: Iterable[str | Path] = ()) -> PatternSet:
    """Load the built-in patterns merged with the user's folders; cached per folder list."""
    return _load_cached(tuple(str(Path(d).resolve()) for d in extra_dirs))
