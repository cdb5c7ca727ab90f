"""The records a caller gets back: Pydantic v2 models, frozen, strict about their invariants.

Field names are a contract (``../shared/corpora/score.py`` and users read them). Offsets are
half-open code-point offsets into the exact string given to ``extract()``: for every record,
``text[record.span.start:record.span.end] == record.quote``.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

Kind = Literal["level", "growth_rate", "share", "count", "multiple", "rank"]
Qualifier = Literal["eq", "ge", "le", "approx", "range"]
Attribute = Literal["预期性", "约束性"]
EntityLabel = Literal["park", "enterprise", "institution", "platform", "government", "project"]

MIN_YEAR, MAX_YEAR = 1900, 2100


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Model):
    """Half-open ``[start, end)`` character offsets into the caller's string."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


def _check_year(value: int | None, name: str) -> None:
    if value is not None and not (MIN_YEAR <= value <= MAX_YEAR):
        raise ValueError(f"{name} {value} is outside {MIN_YEAR}..{MAX_YEAR}")


class Record(_Model):
    """What every extracted record carries: where it is, what it quotes, who found it."""

    span: Span
    quote: str
    section: list[str] = Field(default_factory=list, description="heading path, outermost first")
    extractor: str

    @model_validator(mode="after")
    def _quote_fits_span(self) -> "Record":
        if len(self.quote) != self.span.end - self.span.start:
            raise ValueError("quote length does not match its span")
        return self


class Quantity(Record):
    """A number with its unit and what it measures; base of Target and Statistic."""

    indicator: str | None = None
    indicator_id: str | None = Field(None, description="id in patterns/indicators.yaml, when known")
    value: float
    value_max: float | None = None
    unit: str | None = Field(None, description="as written: 亿元, %, 家, 万人 ...")
    base_value: float | None = Field(None, description="value x magnitude, in base_unit")
    base_unit: str | None = Field(None, description="元, 美元, %, 人, 家 ... (magnitude removed)")
    year: int | None = None
    kind: Kind = "level"
    qualifier: Qualifier = "eq"
    baseline_value: float | None = None
    baseline_year: int | None = None
    attribute: Attribute | None = None
    cumulative: bool = False

    @model_validator(mode="after")
    def _sane(self) -> "Quantity":
        _check_year(self.year, "year")
        _check_year(self.baseline_year, "baseline_year")
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError(f"value_max {self.value_max} is below value {self.value}")
        if self.qualifier == "range" and self.value_max is None:
            raise ValueError("a range needs value_max")
        return self


class Target(Quantity):
    """A numeric goal set for the future."""

    deadline: str | None = Field(None, description="text of the time expression that governs it")


class Statistic(Quantity):
    """A reported actual figure."""


class Deadline(Record):
    """A time expression that bounds goals, normalised to a date range (ISO dates)."""

    text: str
    start: dt.date | None = None
    end: dt.date | None = None
    relative: bool = Field(False, description="resolved against the document date (今年, 力争3年 ...)")
    resolved: bool = Field(True, description="False when relative and the document date is unknown")

    @model_validator(mode="after")
    def _range(self) -> "Deadline":
        for d in (self.start, self.end):
            if d is not None:
                _check_year(d.year, "date year")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"deadline ends {self.end} before it starts {self.start}")
        return self


class Mention(_Model):
    text: str
    span: Span


class Entity(Record):
    """A named park, enterprise, institution, platform or government body."""

    text: str = Field(description="canonical (longest) name")
    label: EntityLabel
    aliases: list[str] = Field(default_factory=list, description="every other surface form")
    mentions: list[Mention] = Field(default_factory=list)


class Project(Record):
    """A named project or platform: a 专栏 list item or a project named in prose."""

    name: str
    category: str | None = Field(None, description="the list heading: 重点项目, 重大平台 ...")
    column: str | None = Field(None, description="the 专栏 it belongs to, e.g. 专栏4")
    zone: str | None = None
    components: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- document structure
HeadingKind = Literal["chapter", "section", "item", "subitem", "part"]


class Heading(_Model):
    kind: HeadingKind
    label: str = Field(description="the numbering as written: 第一章, 第二节, (一), 一、")
    number: int | None = None
    title: str
    level: int = Field(ge=1)
    span: Span


class ColumnList(_Model):
    category: str | None
    items: list[str]
    span: Span


class Column(_Model):
    """A 专栏 box."""

    label: str = Field(description="专栏4")
    number: int | None = None
    title: str
    zone: str | None = None
    span: Span
    lists: list[ColumnList] = Field(default_factory=list)


class TableCell(_Model):
    text: str
    span: Span


class TableRow(_Model):
    cells: list[TableCell]
    category: str | None = Field(None, description="the category row above it (经济高质量 ...)")
    parent: str | None = Field(None, description="for sub-rows: the row label above (亩产效益)")


class Table(_Model):
    label: str | None = Field(None, description="表2")
    number: int | None = None
    title: str
    span: Span
    layout: Literal["flattened", "grid"] = "flattened"
    header: list[str] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Figure(_Model):
    label: str
    caption: str
    span: Span


class Outline(_Model):
    headings: list[Heading] = Field(default_factory=list)
    columns: list[Column] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    boilerplate: list[Span] = Field(default_factory=list, description="web noise that was skipped")

    def of_kind(self, kind: HeadingKind) -> list[Heading]:
        return [h for h in self.headings if h.kind == kind]


class PlanPeriod(_Model):
    name: str | None = Field(None, description="十四五")
    start_year: int
    end_year: int


class DocumentMeta(_Model):
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = Field(None, description="文号, e.g. 济高管发〔2021〕3号")
    issued_date: dt.date | None = Field(None, description="成文日期")
    published_date: dt.date | None = Field(None, description="发布日期")
    doc_date: dt.date | None = Field(None, description="the date relative expressions resolve against")
    doc_date_source: Literal["argument", "issued", "published", "text", "none"] = "none"
    plan_period: PlanPeriod | None = None


class ExtractionWarning(_Model):
    code: str
    message: str
    span: Span | None = None
    stage: str | None = None


class PolicyDocument(_Model):
    """Everything extracted from one document."""

    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    outline: Outline = Field(default_factory=Outline)
    targets: list[Target] = Field(default_factory=list)
    statistics: list[Statistic] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    warnings: list[ExtractionWarning] = Field(default_factory=list)
    text_length: int = 0

    def to_frames(self, **kwargs: object) -> dict:
        """pandas DataFrames per record type (targets, statistics, deadlines, entities, projects)
        with span columns; see :func:`policy_extract.frames.to_frames`."""
        from .frames import to_frames

        return to_frames(self, **kwargs)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        """The notebook view: summary, legend and the table of records (see policy_extract.view)."""
        from .view import render_fragment

        return render_fragment(self)


M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=None)
def _list_of(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_all(model: type[M], items: list[dict]) -> list[M]:
    """``[model(**item) for item in items]`` in one validation call (a record at a time costs
    about half as much again). Where an item is invalid, the error raised is the one that
    comprehension raises: the first invalid item's."""
    try:
        return _list_of(model).validate_python(items)
    except ValueError:
        return [model.model_validate(item) for item in items]


def validate_each(model: type[M], items: list[dict]) -> list[M | None]:
    """:func:`validate_all`, with None in place of each invalid item and the others kept."""
    try:
        return _list_of(model).validate_python(items)
    except ValueError:
        out: list[M | None] = []
        for item in items:
            try:
                out.append(model.model_validate(item))
            except ValueError:
                out.append(None)
        return out


def json_schema() -> dict:
    """The JSON Schema of PolicyDocument (also written by ``policy-extract schema``)."""
    return PolicyDocument.model_json_schema()


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


SCHEMA_FILE = "policy_document.schema.json"
"""The schema as shipped next to this module (tests fail when it drifts from the models)."""
