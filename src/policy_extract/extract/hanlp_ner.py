"""Optional NER backend: a HanLP named-entity model feeding the entity merge.

``Pipeline(ner="hanlp", ner_model=ID_OR_PATH)`` runs this extractor after the rule-based
``entities`` stage. The model is a HanLP identifier (``hanlp.pretrained.ner.*``; downloaded on
first use, CC BY-NC-SA) or a local folder saved by HanLP (``model.fit(..., save_dir)``). Its
labels are mapped to ours by ``patterns/entities/ner_labels.yaml``, and its entities are merged
with the rule candidates by :meth:`EntityExtractor.merge_candidates`, so a name found by both
is one Entity with every mention and alias.

The model reads characters (Chinese NER models are character-based), one sentence at a time,
in chunks no longer than ``max_chars``.
"""
from __future__ import annotations

from typing import Any, Iterable

import regex

from ..document import Doc
from ..errors import BackendUnavailable
from ..patterns import PatternSet
from . import register
from .entities import Candidate, EntityExtractor

INSTALL = "pip install 'policy_extract[hanlp]' (CPU torch first: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
#: the model used when none is given: HanLP's small MSRA NER model (downloaded on first use)
DEFAULT_MODEL = "MSRA_NER_ELECTRA_SMALL_ZH"
_SKIP = regex.compile(r"\s")


def _import_hanlp() -> Any:
    try:
        import hanlp
    except ImportError as exc:
        raise BackendUnavailable(f"the HanLP NER backend needs hanlp: {INSTALL}") from exc
    return hanlp


@register("hanlp_ner", default=False)
class HanLPEntityExtractor:
    """Entities from a HanLP NER model, merged with the rule entities of the same document."""

    name = "hanlp_ner"
    produces = ("entities",)

    def __init__(self, patterns: PatternSet, model: str | None = None, max_chars: int = 200,
                 batch_size: int = 32) -> None:
        hanlp = _import_hanlp()
        # a name of hanlp.pretrained.ner (MSRA_NER_ELECTRA_SMALL_ZH), a URL or a local folder
        ident = _pretrained(hanlp, model or DEFAULT_MODEL)
        try:
            self.model = hanlp.load(ident)
        except Exception as exc:  # noqa: BLE001 - any loading problem is the backend's
            raise BackendUnavailable(f"HanLP could not load the NER model {model or DEFAULT_MODEL!r}: "
                                     f"{type(exc).__name__}: {exc}") from exc
        self.model_id = model or DEFAULT_MODEL
        self.max_chars = max(8, int(max_chars))
        self.batch_size = max(1, int(batch_size))
        self.merger = EntityExtractor(patterns)
        w = lambda key: patterns.words("entities/ner_labels", key)  # noqa: E731
        self.org_labels = set(w("org"))
        self.loc_labels = set(w("loc"))
        self.org_default = (w("org_default") or ["enterprise"])[0]
        self.min_len = int((w("min_length") or ["2"])[0])
        self.max_len = int((w("max_length") or ["40"])[0])
        suffixes = {lab: patterns.words("entities/" + f, "suffixes") for lab, f in
                    (("enterprise", "enterprises"), ("institution", "institutions"),
                     ("government", "government"), ("park", "parks"), ("platform", "platforms"))}
        # longest suffix decides (研究院有限公司 is a company)
        self.suffix_label = sorted(((s, lab) for lab, ss in suffixes.items() for s in ss),
                                   key=lambda x: -len(x[0]))

    # -- labels -------------------------------------------------------------------------
    def our_label(self, name: str, label: str) -> str | None:
        """Our label for a backend entity, or None when it is none of ours."""
        by_suffix = next((lab for s, lab in self.suffix_label if name.endswith(s) and len(name) > len(s)), None)
        if label in self.org_labels:
            return by_suffix if by_suffix and by_suffix != "park" else (by_suffix or self.org_default)
        if label in self.loc_labels:
            return "park" if by_suffix == "park" else None
        return None

    # -- the stage ----------------------------------------------------------------------
    def __call__(self, doc: Doc) -> None:
        ner = self.candidates(doc)
        rules = list(doc.meta.get("_entity_candidates") or [])
        spans = [(c.start, c.end) for c in rules]
        keep = [c for c in ner if not any(a < c.end and c.start < b and (a, b) != (c.start, c.end)
                                          for a, b in spans)]  # the rules' boundaries win
        ents = doc.records.get("entities", [])
        others = [e for e in ents if e.extractor != self.merger.name]
        doc.records["entities"] = others + self.merger.merge_candidates(doc, rules + keep)

    def chunks(self, doc: Doc) -> list[tuple[int, int]]:
        """Sentence pieces of at most ``max_chars`` characters (normalised offsets)."""
        out = []
        for s, e in doc.sentences:
            while s < e:
                out.append((s, min(e, s + self.max_chars)))
                s += self.max_chars
        return out

    def candidates(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        pieces = self.chunks(doc)
        out: list[Candidate] = []
        for k in range(0, len(pieces), self.batch_size):
            batch = pieces[k:k + self.batch_size]
            inputs = [[ch for ch in text[s:e]] for s, e in batch]
            results = self.model(inputs) if inputs else []
            for (s, _), found in zip(batch, results):
                for item in _entities(found):
                    label, a, b = item
                    a, b = s + a, s + b
                    while a < b and _SKIP.match(text[a]):
                        a += 1
                    while b > a and _SKIP.match(text[b - 1]):
                        b -= 1
                    name = text[a:b]
                    if not (self.min_len <= len(name) <= self.max_len):
                        continue
                    ours = self.our_label(name, label)
                    if ours is not None:
                        out.append(Candidate(name, ours, a, b))
        return out


def _pretrained(hanlp: Any, ident: str) -> str:
    """A name of ``hanlp.pretrained.ner`` (MSRA_NER_ELECTRA_SMALL_ZH) to its URL; other
    identifiers (URLs) pass through."""
    try:
        import hanlp.pretrained.ner as ner_models
    except ImportError:  # pragma: no cover - hanlp without its catalogue
        return ident
    return getattr(ner_models, ident, ident)


def _entities(found: Any) -> Iterable[tuple[str, int, int]]:
    """(label, start, end) from a HanLP NER result for one input: tuples of
    (text, label, start, end) in character offsets, or a multi-task Document whose ``ner*``
    entries are such tuples."""
    if isinstance(found, dict):
        for key, value in found.items():
            if str(key).startswith("ner"):
                yield from _entities(value)
        return
    for item in found or ():
        if isinstance(item, (list, tuple)) and len(item) >= 4 and isinstance(item[2], int):
            yield str(item[1]), int(item[2]), int(item[3])
