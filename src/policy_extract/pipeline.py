"""The Pipeline: load → normalise → structure → (segment on demand) → extract → link → records.

A Pipeline is built once (patterns loaded and compiled, segmenter chosen, extractors built) and
then called on many texts. ``extract()`` keeps one default Pipeline per option set.

It never raises on a ``str``: a stage that fails becomes a warning on the document and the
stages after it still run on what there is. Input limits: a text longer than ``max_chars`` is
cut there (a ``truncated`` warning; nothing beyond it is read); a stage that runs longer than
``stage_timeout`` seconds is stopped (a ``stage_timeout`` warning; its partial records are kept).
"""
from __future__ import annotations

import datetime as dt
import ctypes
import threading
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable

from .document import Doc
from .errors import ConfigError, InputError
from .extract import build_extractors
from .link import link
from .normalize import Normalizer
from .patterns import load_patterns
from .records import DocumentMeta, ExtractionWarning, Outline, PlanPeriod, PolicyDocument
from .segment import make_segmenter, words_of
from .structure import structure

DEFAULT_MAX_CHARS = 20_000_000


class Pipeline:
    """A configured, reusable extraction run.

    Parameters
    ----------
    segmenter:
        ``"jieba-rs"`` (jieba's dictionary and POS tags through rjieba, 10-20x faster than
        jieba), ``"jieba"``, ``"pkuseg"`` or ``"char"``. The default (``None``) is jieba-rs,
        or jieba where rjieba cannot be imported.
    segmenter_options:
        passed to the backend, e.g. ``{"model": "/path/to/pkuseg_model"}``.
    extractors:
        names of the extractors to run (default: all registered ones, in order).
    disable:
        names of extractors to switch off.
    patterns_dirs:
        extra folders of pattern files merged over the built-in ``patterns/``.
    user_dict:
        a dictionary file (one word per line, optionally ``word freq pos``).
    max_chars:
        longer texts are cut to this length with a ``truncated`` warning (nothing beyond it is
        extracted; spans still index the caller's full string).
    stage_timeout:
        seconds one stage (normalise excepted) may run; a stage over it is interrupted and
        becomes a ``stage_timeout`` warning, and the stages after it still run. ``None`` (the
        default): no limit. Pure-Python work stops within a few milliseconds of the budget; a
        single call into C (one regex search) is stopped when it returns.
    ner:
        ``"hanlp"`` adds a HanLP NER model's organisations and locations to the rule entities
        (``pip install 'policy_extract[hanlp]'``); None (default) uses the rules only.
    ner_model:
        a HanLP NER identifier or a local model folder (default: HanLP's small Chinese model).
    """

    def __init__(
        self,
        *,
        segmenter: str | None = None,
        segmenter_options: dict[str, Any] | None = None,
        extractors: Iterable[str] | None = None,
        disable: Iterable[str] = (),
        patterns_dirs: Iterable[str | Path] = (),
        user_dict: str | Path | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        stage_timeout: float | None = None,
        ner: str | None = None,
        ner_model: str | None = None,
    ) -> None:
        self.patterns = load_patterns(patterns_dirs)
        self.normalizer = Normalizer(self.patterns)
        self.segmenter_name = segmenter
        self._segmenter_options = dict(segmenter_options or {})
        self._user_dict = user_dict
        self._segmenter = None
        self._segmenter_lock = threading.Lock()
        if segmenter is not None:  # fail early on a backend that is not there
            self.segmenter
        self.extractors = build_extractors(
            self.patterns, None if extractors is None else list(extractors), tuple(disable))
        if ner is not None:
            if ner != "hanlp":
                raise ConfigError(f"unknown ner backend {ner!r}; available: ['hanlp']")
            from .extract.hanlp_ner import HanLPEntityExtractor

            names = [e.name for e in self.extractors]
            at = names.index("entities") + 1 if "entities" in names else len(names)
            self.extractors.insert(at, HanLPEntityExtractor(self.patterns, model=ner_model))
        self.max_chars = max_chars
        self.stage_timeout = stage_timeout

    @property
    def segmenter(self):
        with self._segmenter_lock:
            if self._segmenter is None:
                self._segmenter = make_segmenter(self.segmenter_name, self.patterns, self._user_dict,
                                                 **self._segmenter_options)
        return self._segmenter

    @property
    def extractor_names(self) -> list[str]:
        return [e.name for e in self.extractors]

    # ------------------------------------------------------------------------------
    def __call__(self, text: str, *, doc_date: dt.date | None = None) -> PolicyDocument:
        if not isinstance(text, str):
            raise InputError(f"extract() takes a str, not {type(text).__name__}; "
                             "use extract_file() for files and bytes")
        if doc_date is not None and not isinstance(doc_date, dt.date):
            raise InputError("doc_date must be a datetime.date")
        if isinstance(doc_date, dt.datetime):
            doc_date = doc_date.date()
        warnings: list[ExtractionWarning] = []
        source = text
        if len(text) > self.max_chars:
            warnings.append(ExtractionWarning(
                code="truncated", stage="load",
                message=f"text has {len(text)} characters; only the first {self.max_chars} were read "
                        "(raise Pipeline(max_chars=...) to read more)"))
            text = text[: self.max_chars]
        try:
            doc = self.make_doc(text, source, doc_date)
        except Exception as exc:  # noqa: BLE001 - never raise on a str
            warnings.append(_failure("normalise", exc))
            return PolicyDocument(warnings=warnings, text_length=len(source))
        doc.warnings.extend(warnings)
        self._run("structure", structure, doc)
        self._resolve_doc_date(doc)
        for extractor in self.extractors:
            self._run(extractor.name, extractor, doc)
        self._run("link", link, doc)
        return self._build(doc)

    def make_doc(self, text: str, source: str | None = None, doc_date: dt.date | None = None) -> Doc:
        normalised, offsets, script, marks = self.normalizer(text)
        doc = Doc(source=source if source is not None else text, text=normalised, offsets=offsets,
                  patterns=self.patterns, normalized=normalised, script=script, marks=marks)
        doc.segmenter = _LazySegmenter(self)
        if doc_date is not None:
            doc.doc_date, doc.doc_date_source = doc_date, "argument"
        return doc

    def _run(self, stage: str, fn: Callable[[Doc], None], doc: Doc) -> None:
        budget = _Budget(self.stage_timeout) if self.stage_timeout else None
        try:
            if budget is None:
                fn(doc)
            else:
                with budget:
                    fn(doc)
        except StageTimeout:
            doc.warnings.append(ExtractionWarning(
                code="stage_timeout", stage=stage,
                message=f"{stage} stopped after {self.stage_timeout:g}s (Pipeline(stage_timeout=...)); "
                        "records it found before are kept, the other stages still ran"))
        except Exception as exc:  # noqa: BLE001 - a failing stage is a warning, not a crash
            doc.warnings.append(_failure(stage, exc))

    @staticmethod
    def _resolve_doc_date(doc: Doc) -> None:
        if doc.doc_date is not None:
            return
        for key, source in (("issued_date", "issued"), ("signed_date", "issued"),
                            ("published_date", "published")):
            if doc.meta.get(key):
                doc.doc_date, doc.doc_date_source = doc.meta[key], source
                return

    def _build(self, doc: Doc) -> PolicyDocument:
        meta = doc.meta
        period = meta.get("plan_period")
        try:
            doc_meta = DocumentMeta(
                title=meta.get("title"), issuer=meta.get("issuer"), doc_number=meta.get("doc_number"),
                issued_date=meta.get("issued_date") or meta.get("signed_date"),
                published_date=meta.get("published_date"), doc_date=doc.doc_date,
                doc_date_source=doc.doc_date_source,
                plan_period=PlanPeriod(start_year=period[0], end_year=period[1], name=period[2]) if period else None,
            )
        except Exception as exc:  # noqa: BLE001
            doc.warnings.append(_failure("records", exc))
            doc_meta = DocumentMeta()
        r = doc.records
        return PolicyDocument(
            meta=doc_meta,
            outline=doc.outline or Outline(),
            targets=r.get("targets", []),
            statistics=r.get("statistics", []),
            deadlines=r.get("deadlines", []),
            entities=r.get("entities", []),
            projects=r.get("projects", []),
            warnings=doc.warnings,
            text_length=len(doc.source),
        )


class _LazySegmenter:
    """Builds the pipeline's segmenter the first time a stage asks for tokens."""

    name = "lazy"

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._backend = None  # the pipeline's segmenter, once asked for (its property locks)

    def _built(self):
        backend = self._backend
        if backend is None:
            backend = self._backend = self._pipeline.segmenter
        return backend

    def cut(self, text: str):
        return self._built().cut(text)

    def words(self, text: str):
        return words_of(self._built(), text)


class StageTimeout(BaseException):
    """Raised inside a stage that overran ``stage_timeout`` (a BaseException, so that a stage's
    own ``except Exception`` cannot swallow it); the pipeline turns it into a warning."""


class _Budget:
    """``with _Budget(seconds):`` raises StageTimeout in this thread once ``seconds`` have passed.

    A timer thread delivers the exception with ``PyThreadState_SetAsyncExc``; it is raised at the
    thread's next bytecode. Firing and disarming share one lock, and ``__exit__`` clears an
    exception that fired but was not raised yet and raises it itself: a timeout can never
    surface after the block, in another stage or in the caller."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._armed = self._fired = False
        self._thread_id = 0
        self._timer: threading.Timer | None = None

    def __enter__(self) -> "_Budget":
        self._thread_id = threading.get_ident()
        self._armed = True
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def _fire(self) -> None:
        with self._lock:
            if self._armed:
                self._armed, self._fired = False, True
                _set_async_exc(self._thread_id, ctypes.py_object(StageTimeout))

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        with self._lock:
            self._armed = False
            fired = self._fired
        if self._timer is not None:
            self._timer.cancel()
        if fired:
            _set_async_exc(self._thread_id, ctypes.c_void_p(None))  # NULL: drop it if still pending
            if exc_type is None:
                raise StageTimeout


def _set_async_exc(thread_id: int, exc: object) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), exc)


def _failure(stage: str, exc: BaseException) -> ExtractionWarning:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return ExtractionWarning(code="stage_failed", stage=stage,
                             message=f"{stage} failed: {type(exc).__name__}: {exc}{at}; "
                                     "records from other stages are kept")
