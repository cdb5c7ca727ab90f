"""policy_extract: Chinese policy documents in, validated structured records out.

>>> from policy_extract import extract
>>> doc = extract("到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。")
>>> [(t.indicator, t.value, t.unit, t.year) for t in doc.targets]
[('地区生产总值', 2000.0, '亿元', 2025), ('高新技术企业', 2500.0, '家', 2025)]
"""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from .errors import (BackendUnavailable, ConfigError, DocumentReadError, InputError, PatternError,
                     PolicyExtractError)
from .pipeline import Pipeline
from .records import (Deadline, Entity, PolicyDocument, Project, Span, Statistic, Target,
                      json_schema)

__version__ = "0.1.0"

__all__ = [
    "extract", "extract_file", "Pipeline", "PolicyDocument", "Target", "Statistic", "Deadline",
    "Entity", "Project", "Span", "json_schema", "PolicyExtractError", "InputError", "ConfigError",
    "PatternError", "BackendUnavailable", "DocumentReadError", "__version__",
]


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set)):
        return tuple(_freeze(v) for v in value)
    return value


@functools.lru_cache(maxsize=8)
def _pipeline(frozen_options: tuple) -> Pipeline:
    options = {k: (dict(v) if k == "segmenter_options" else list(v) if isinstance(v, tuple) else v)
               for k, v in frozen_options}
    return Pipeline(**options)


def get_pipeline(**options: Any) -> Pipeline:
    """The shared Pipeline for these options (built once, then reused)."""
    return _pipeline(_freeze(options))


def extract(text: str, *, doc_date: dt.date | None = None, **options: Any) -> PolicyDocument:
    """Extract targets, statistics, deadlines, entities and projects from ``text``.

    ``options`` are those of :class:`Pipeline` (``segmenter``, ``disable``, ``patterns_dirs``,
    ``user_dict`` ...). Never raises on a ``str``: problems become ``warnings``.
    """
    return get_pipeline(**options)(text, doc_date=doc_date)


def extract_file(path: str | Path, *, doc_date: dt.date | None = None, **options: Any) -> PolicyDocument:
    """Read a file (encoding detected) and extract from it; raises DocumentReadError if unreadable."""
    from .loaders import read_text

    return extract(read_text(path), doc_date=doc_date, **options)
