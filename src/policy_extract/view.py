"""An HTML view of a document: the text with every record's span highlighted by type and a table
of the records beside it. Self-contained (inline CSS, no script, nothing fetched); everything from
the document is escaped.

>>> from policy_extract import extract
>>> from policy_extract.view import render_html
>>> text = "到2025年，全区地区生产总值达到2000亿元。"
>>> page = render_html(extract(text), text)        # a whole HTML page, save it or open it
>>> page.startswith("<!DOCTYPE html>")
True

``doc._repr_html_()`` (what a notebook shows) has no text to highlight, since a PolicyDocument does
not keep its input: it shows the summary and the records table. ``show(doc, text)`` gives an object
that a notebook displays with the highlighted text.
"""
from __future__ import annotations

import html
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .records import PolicyDocument

_COLOURS = {  # type: (background, label)
    "target": ("#ffe082", "target"),
    "statistic": ("#b3e5fc", "statistic"),
    "deadline": ("#c5e1a5", "deadline"),
    "project": ("#d1c4e9", "project"),
    "entity": ("#f8bbd0", "entity"),
    "heading": ("#eeeeee", "heading"),
}
_PRIORITY = list(_COLOURS)  # first wins where spans overlap
_KINDS = (("targets", "target"), ("statistics", "statistic"), ("deadlines", "deadline"),
          ("projects", "project"), ("entities", "entity"))

_CSS = """
.pe-view{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:14px;color:#222}
.pe-view .pe-meta{margin:0 0 8px 0}
.pe-view .pe-meta b{font-size:16px}
.pe-view .pe-legend span{display:inline-block;padding:1px 6px;margin:0 6px 6px 0;border-radius:3px}
.pe-view .pe-panes{display:flex;gap:12px;align-items:flex-start}
.pe-view .pe-text{flex:1 1 50%;white-space:pre-wrap;line-height:1.7;max-height:85vh;overflow:auto;
  border:1px solid #ddd;padding:8px;background:#fff}
.pe-view .pe-table{flex:1 1 50%;max-height:85vh;overflow:auto}
.pe-view table{border-collapse:collapse;width:100%;font-size:12px}
.pe-view th,.pe-view td{border:1px solid #ddd;padding:2px 4px;vertical-align:top;text-align:left}
.pe-view th{background:#f5f5f5;position:sticky;top:0}
.pe-view mark{padding:0 1px;border-radius:2px;color:inherit}
.pe-view mark.pe-multi{box-shadow:inset 0 -2px 0 #c62828}
.pe-view .pe-warn{color:#b71c1c}
.pe-view a{color:inherit;text-decoration:none}
""" + "".join(f".pe-view .pe-{k}{{background:{c}}}\n" for k, (c, _) in _COLOURS.items())


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    kind: str
    rid: str
    label: str


def _describe(kind: str, r: Any) -> str:
    if kind in ("target", "statistic"):
        value = f"{r.value:g}" + (f"–{r.value_max:g}" if r.value_max is not None else "")
        bits = [r.indicator or "?", "=", value + (r.unit or ""), f"({r.qualifier}, {r.kind})"]
        if r.year:
            bits.append(f"year {r.year}")
        return " ".join(bits)
    if kind == "deadline":
        return f"{r.text} → {r.start or '…'} .. {r.end or '…'}"
    if kind == "entity":
        return f"{r.label}: {r.text}" + (f" (also {', '.join(r.aliases)})" if r.aliases else "")
    if kind == "project":
        return r.name + "".join(f" [{x}]" for x in (r.column, r.category) if x)
    return str(getattr(r, "title", ""))


def _records(doc: PolicyDocument) -> list[tuple[str, str, Any]]:
    """(kind, record id, record) for every record, in document order per type."""
    out = []
    for field, kind in _KINDS:
        for i, r in enumerate(getattr(doc, field)):
            out.append((kind, f"{kind[0]}{i}", r))
    return out


def _marks(doc: PolicyDocument, length: int, headings: bool) -> list[_Mark]:
    marks = []
    for kind, rid, r in _records(doc):
        label = f"{kind} {rid}: {_describe(kind, r)}"
        spans = [r.span] + ([m.span for m in r.mentions] if kind == "entity" else [])
        for s in dict.fromkeys((s.start, s.end) for s in spans):
            if 0 <= s[0] < s[1] <= length:
                marks.append(_Mark(s[0], s[1], kind, rid, label))
    if headings:
        for i, h in enumerate(doc.outline.headings):
            if 0 <= h.span.start < h.span.end <= length:
                marks.append(_Mark(h.span.start, h.span.end, "heading", f"h{i}", f"{h.label} {h.title}"))
    return marks


def highlight(text: str, marks: Iterable[_Mark]) -> str:
    """``text`` escaped, each stretch covered by marks wrapped in one ``<mark>`` (overlaps split)."""
    marks = sorted(marks, key=lambda m: (m.start, -m.end))
    cuts = sorted({0, len(text), *itertools.chain.from_iterable((m.start, m.end) for m in marks)})
    starts_at: dict[int, list[_Mark]] = {}
    for m in marks:
        starts_at.setdefault(m.start, []).append(m)
    first: dict[str, int] = {}
    for m in marks:
        first.setdefault(m.rid, m.start)
    active: list[_Mark] = []
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        active = [m for m in active if m.end > a] + starts_at.get(a, [])
        for m in starts_at.get(a, []):
            if m.kind != "heading" and first.get(m.rid) == a:
                first.pop(m.rid)
                out.append(f'<a id="pe-{m.rid}"></a>')
        piece = html.escape(text[a:b], quote=True)
        if not active:
            out.append(piece)
            continue
        kinds = sorted({m.kind for m in active}, key=_PRIORITY.index)
        classes = f"pe-{kinds[0]}" + (" pe-multi" if len({m.rid for m in active}) > 1 else "")
        title = html.escape("\n".join(dict.fromkeys(m.label for m in active)), quote=True)
        out.append(f'<mark class="{classes}" title="{title}">{piece}</mark>')
    return "".join(out)


def _meta_html(doc: PolicyDocument) -> str:
    m = doc.meta
    period = f"{m.plan_period.name or ''} {m.plan_period.start_year}–{m.plan_period.end_year}" if m.plan_period else None
    parts = [f"<b>{html.escape(m.title or '(untitled)')}</b>"]
    for name, value in (("issuer", m.issuer), ("文号", m.doc_number), ("date", m.doc_date), ("period", period)):
        if value:
            parts.append(f"{name}: {html.escape(str(value))}")
    o = doc.outline
    parts.append(f"{doc.text_length} characters, {len(o.headings)} headings, {len(o.columns)} 专栏, "
                 f"{len(o.tables)} tables")
    return '<div class="pe-meta">' + " · ".join(parts) + "</div>"


def _legend_html(doc: PolicyDocument) -> str:
    spans = []
    for field, kind in _KINDS:
        spans.append(f'<span class="pe-{kind}">{kind} {len(getattr(doc, field))}</span>')
    if doc.warnings:
        spans.append(f'<span class="pe-warn">warnings {len(doc.warnings)}</span>')
    return '<div class="pe-legend">' + "".join(spans) + "</div>"


def records_table(doc: PolicyDocument, *, pages: Any = None, link: bool = True) -> str:
    """An HTML table of every record: type, what it says, section, span (and page), quote."""
    with_page = pages is not None and bool(getattr(pages, "page_starts", ()))
    head = ["#", "type", "record", "section", "span"] + (["page"] if with_page else []) + ["quote"]
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for kind, rid, r in _records(doc):
        rid_cell = f'<a href="#pe-{rid}">{rid}</a>' if link else rid
        cells = [rid_cell, f'<mark class="pe-{kind}">{kind}</mark>', html.escape(_describe(kind, r)),
                 html.escape(" > ".join(r.section)), f"{r.span.start}–{r.span.end}"]
        if with_page:
            cells.append(str(pages.page_of(r.span) or ""))
        cells.append(html.escape(r.quote))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if len(rows) == 1:
        rows.append(f'<tr><td colspan="{len(head)}">no records</td></tr>')
    warn = "".join(f'<div class="pe-warn">{html.escape(w.code)}: {html.escape(w.message)}</div>'
                   for w in doc.warnings)
    return "<table>" + "".join(rows) + "</table>" + warn


def render_fragment(doc: PolicyDocument, text: str | None = None, *, pages: Any = None,
                    headings: bool = True) -> str:
    """The view as an HTML fragment (what a notebook embeds); without ``text``, only the table."""
    parts = [f"<style>{_CSS}</style>", '<div class="pe-view">', _meta_html(doc), _legend_html(doc)]
    if text is None:
        parts.append(records_table(doc, pages=pages, link=False))
    else:
        if len(text) != doc.text_length:
            parts.append(f'<div class="pe-warn">this text has {len(text)} characters but the document was '
                         f'extracted from {doc.text_length}: highlights may be misplaced</div>')
        parts.append('<div class="pe-panes"><div class="pe-text">'
                     + highlight(text, _marks(doc, len(text), headings)) + "</div>"
                     + '<div class="pe-table">' + records_table(doc, pages=pages) + "</div></div>")
    parts.append("</div>")
    return "".join(parts)


def render_html(doc: PolicyDocument, text: str | None = None, *, title: str | None = None,
                pages: Any = None, headings: bool = True) -> str:
    """A whole self-contained HTML page of the view."""
    name = title or doc.meta.title or "policy_extract view"
    return ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(name)}</title></head><body>"
            + render_fragment(doc, text, pages=pages, headings=headings) + "</body></html>\n")


@dataclass(frozen=True)
class View:
    """A document with its text, for display in a notebook or saving as a file."""

    doc: PolicyDocument
    text: str
    pages: Any = None

    def _repr_html_(self) -> str:
        return render_fragment(self.doc, self.text, pages=self.pages)

    def html(self) -> str:
        return render_html(self.doc, self.text, pages=self.pages)

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        p.write_text(self.html(), encoding="utf-8")
        return p


def show(doc: PolicyDocument, text: str, *, pages: Any = None) -> View:
    """``show(doc, text)`` in a notebook cell displays the highlighted text beside the records."""
    return View(doc, text, pages)
