"""Stage 4, extract: extractors register here by name and can be switched on or off.

An extractor is a class with a ``name``, the record fields it ``produces`` and
``__call__(doc) -> None`` that appends records to ``doc.records[field]``. It is built once
per Pipeline from the PatternSet (compile patterns in ``__init__``, never per document).
"""
from __future__ import annotations

from typing import Callable, ClassVar, Protocol

from ..document import Doc
from ..errors import ConfigError
from ..patterns import PatternSet


class Extractor(Protocol):
    name: ClassVar[str]
    produces: ClassVar[tuple[str, ...]]

    def __call__(self, doc: Doc) -> None: ...


ExtractorFactory = Callable[[PatternSet], Extractor]
EXTRACTORS: dict[str, ExtractorFactory] = {}
DEFAULT_ORDER: list[str] = []


def register(name: str, default: bool = True) -> Callable[[type], type]:
    """Class decorator: ``@register("targets")``. Users may register their own extractors."""

    def deco(cls: type) -> type:
        EXTRACTORS[name] = cls
        if default and name not in DEFAULT_ORDER:
            DEFAULT_ORDER.append(name)
        return cls

    return deco


def build_extractors(patterns: PatternSet, enable: list[str] | None, disable: list[str] | tuple[str, ...]) -> list[Extractor]:
    _load_builtin()
    names = list(DEFAULT_ORDER) if enable is None else list(enable)
    for n in list(names) + list(disable):
        if n not in EXTRACTORS:
            raise ConfigError(f"unknown extractor {n!r}; available: {sorted(EXTRACTORS)}")
    return [EXTRACTORS[n](patterns) for n in names if n not in disable]


def _load_builtin() -> None:
    # registration order is the default run order: deadlines first (targets read them)
    from . import time  # noqa: F401
    from . import quantities  # noqa: F401
    from . import projects  # noqa: F401
    from . import entities  # noqa: F401
