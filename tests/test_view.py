"""Out for analysts: DataFrames per record type, CSV/JSON/Parquet writers and the HTML view.

The documents here are built by hand (records with known spans), so these tests pin the interface
whatever the extractors currently find."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from policy_extract import Deadline, Entity, PolicyDocument, Project, Span, Statistic, Target, extract
from policy_extract.records import DocumentMeta, Mention
from policy_extract.view import View, highlight, render_fragment, render_html, show

TEXT = ("济南高新区“十四五”规划\n第一章 发展目标\n"
        "到2025年，全区地区生产总值达到2000亿元，浪潮集团营业收入增长10%。\n"
        "2020年实现地区生产总值1291.5亿元。建设齐鲁软件园项目，支持浪潮发展。\n"
        "<script>alert('x')</script> & “引号”\n")


def _at(quote: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(quote, start + 1)
    return Span(start=start, end=start + len(quote))


def sample_doc() -> PolicyDocument:
    section = ["第一章 发展目标"]
    target = Target(span=_at("地区生产总值达到2000亿元"), quote="地区生产总值达到2000亿元", section=section,
                    extractor="test", indicator="地区生产总值", value=2000, unit="亿元", year=2025,
                    qualifier="eq", kind="level", deadline="到2025年")
    growth = Target(span=_at("营业收入增长10%"), quote="营业收入增长10%", section=section, extractor="test",
                    indicator="营业收入", value=10, unit="%", year=2025, kind="growth_rate")
    stat = Statistic(span=_at("地区生产总值1291.5亿元"), quote="地区生产总值1291.5亿元", section=section,
                     extractor="test", indicator="地区生产总值", value=1291.5, unit="亿元", year=2020)
    deadline = Deadline(span=_at("到2025年"), quote="到2025年", section=section, extractor="test",
                        text="到2025年", end=dt.date(2025, 12, 31))
    company = Entity(span=_at("浪潮集团"), quote="浪潮集团", extractor="test", text="浪潮集团", label="enterprise",
                     aliases=["浪潮"], mentions=[Mention(text="浪潮集团", span=_at("浪潮集团")),
                                                 Mention(text="浪潮", span=_at("浪潮", 1))])
    park = Entity(span=_at("齐鲁软件园"), quote="齐鲁软件园", extractor="test", text="齐鲁软件园", label="park")
    project = Project(span=_at("齐鲁软件园项目"), quote="齐鲁软件园项目", extractor="test", name="齐鲁软件园项目",
                      category="重点项目", column="专栏4", components=["一期", "二期"])
    return PolicyDocument(meta=DocumentMeta(title="济南高新区“十四五”规划", doc_date=dt.date(2021, 6, 30)),
                          targets=[target, growth], statistics=[stat], deadlines=[deadline],
                          entities=[company, park], projects=[project], text_length=len(TEXT))


@pytest.fixture()
def doc() -> PolicyDocument:
    return sample_doc()


def test_every_record_quote_is_its_span(doc: PolicyDocument) -> None:
    for kind in ("targets", "statistics", "deadlines", "entities", "projects"):
        for r in getattr(doc, kind):
            assert TEXT[r.span.start:r.span.end] == r.quote


# ---------------------------------------------------------------- frames
@pytest.fixture()
def pd():
    return pytest.importorskip("pandas")


def test_to_frames_gives_one_frame_per_record_type_with_span_columns(doc: PolicyDocument, pd) -> None:
    frames = doc.to_frames()
    assert list(frames) == ["targets", "statistics", "deadlines", "entities", "projects"]
    assert [len(f) for f in frames.values()] == [2, 1, 1, 2, 1]
    for kind, frame in frames.items():
        assert {"record_id", "span_start", "span_end", "quote", "section", "extractor"} <= set(frame.columns)
        for _, row in frame.iterrows():
            assert TEXT[row.span_start:row.span_end] == row.quote
    t = frames["targets"].iloc[0]
    assert (t.indicator, t.value, t.unit, t.year, t.section) == ("地区生产总值", 2000.0, "亿元", 2025,
                                                                 "第一章 发展目标")
    e = frames["entities"].set_index("text").loc["浪潮集团"]
    assert (e.aliases, e.mention_count) == ("浪潮", 2)
    assert frames["projects"].iloc[0].components == "一期; 二期"


def test_frames_of_an_empty_document_keep_their_columns(pd) -> None:
    frames = PolicyDocument().to_frames()
    assert all(len(f) == 0 for f in frames.values())
    assert {"indicator", "value", "unit", "year", "span_start"} <= set(frames["targets"].columns)
    assert {"text", "label", "aliases", "mention_count"} <= set(frames["entities"].columns)


def test_frames_with_a_page_map(doc: PolicyDocument, pd) -> None:
    from policy_extract.loaders import LoadedText

    second_line = TEXT.index("2020年")
    pages = LoadedText(TEXT, "x.pdf", "pdf", page_starts=(0, second_line))
    frames = doc.to_frames(pages=pages)
    assert frames["targets"].page.tolist() == [1, 1]
    assert frames["statistics"].page.tolist() == [2]


# ---------------------------------------------------------------- writers
def test_csv_has_every_record_with_its_type(doc: PolicyDocument) -> None:
    from policy_extract.writers import to_csv

    rows = list(csv.DictReader(io.StringIO(to_csv(doc))))
    assert [r["record_type"] for r in rows] == ["targets", "targets", "statistics", "deadlines", "entities",
                                                "entities", "projects"]
    assert rows[0]["indicator"] == "地区生产总值" and rows[0]["value"] == "2000.0"
    assert rows[3]["end"] == "2025-12-31"
    for r in rows:
        assert TEXT[int(r["span_start"]):int(r["span_end"])] == r["quote"]


def test_json_and_jsonl_round_trip(doc: PolicyDocument) -> None:
    from policy_extract.writers import result_line, to_json

    assert PolicyDocument.model_validate_json(to_json(doc)) == doc
    line = json.loads(result_line("a.txt", doc))
    assert line["path"] == "a.txt" and PolicyDocument.model_validate(line["document"]) == doc
    error = json.loads(result_line("b.pdf", error={"type": "DocumentReadError", "reason": "encrypted PDF"}))
    assert error == {"path": "b.pdf", "error": {"type": "DocumentReadError", "reason": "encrypted PDF"}}


def test_parquet_tables(tmp_path: Path, doc: PolicyDocument, pd) -> None:
    pytest.importorskip("pyarrow")
    from policy_extract.writers import write_parquet

    files = write_parquet(doc, tmp_path / "pq", path="plan.txt")
    assert sorted(files) == ["deadlines", "documents", "entities", "projects", "statistics", "targets"]
    targets = pd.read_parquet(files["targets"])
    assert targets.indicator.tolist() == ["地区生产总值", "营业收入"]
    assert set(targets.path) == {"plan.txt"}
    documents = pd.read_parquet(files["documents"])
    assert documents.iloc[0].title == "济南高新区“十四五”规划" and documents.iloc[0].targets == 2
    assert len(pd.read_parquet(files["projects"])) == 1


# ---------------------------------------------------------------- HTML view
def test_view_is_a_self_contained_page(doc: PolicyDocument) -> None:
    page = render_html(doc, TEXT)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)  # nothing fetched
    assert "<script" not in page and "&lt;script&gt;" in page  # the text's markup is escaped
    assert "&amp;" in page


def test_view_highlights_every_span_by_type(doc: PolicyDocument) -> None:
    page = render_html(doc, TEXT)
    text_pane = page.split('<div class="pe-text">')[1].split('<div class="pe-table">')[0]
    # the text survives intact once the markup is removed
    assert _unescape(re.sub(r"<[^>]+>", "", text_pane)).startswith(TEXT.rstrip("\n")[:20])
    assert _unescape(re.sub(r"<[^>]+>", "", text_pane)) == TEXT
    for kind in ("target", "statistic", "deadline", "entity", "project"):
        assert f'class="pe-{kind}' in text_pane
    for rid in ("t0", "t1", "s0", "d0", "e0", "e1", "p0"):
        assert page.count(f'id="pe-{rid}"') == 1  # one anchor per record
        assert f'href="#pe-{rid}"' in page  # linked from its table row
    assert "2000亿元" in page and "1291.5" in page


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


@pytest.mark.parametrize(("spans", "pieces"), [
    ([], ["ABCDEF"]),
    ([(1, 3)], ["A", "<BC>", "DEF"]),
    ([(1, 4), (2, 5)], ["A", "<B>", "<CD>*", "<E>", "F"]),  # overlap: split, both titles on the shared part
    ([(0, 6), (2, 3)], ["<AB>", "<C>*", "<DEF>"]),  # nested
])
def test_highlight_splits_overlapping_spans(spans: list[tuple[int, int]], pieces: list[str]) -> None:
    from policy_extract.view import _Mark

    marks = [_Mark(a, b, "target", f"t{i}", f"t{i}") for i, (a, b) in enumerate(spans)]
    out = re.sub(r'<a id="[^"]+"></a>', "", highlight("ABCDEF", marks))
    got = []
    for m in re.finditer(r'<mark class="([^"]+)"[^>]*>([^<]*)</mark>|([^<]+)', out):
        if m.group(3):
            got.append(m.group(3))
        else:
            got.append(f"<{m.group(2)}>" + ("*" if "pe-multi" in m.group(1) else ""))
    assert got == pieces


def test_repr_html_without_text_shows_the_records(doc: PolicyDocument) -> None:
    fragment = doc._repr_html_()
    assert '<div class="pe-view">' in fragment and "<html" not in fragment
    assert "地区生产总值" in fragment and "齐鲁软件园项目" in fragment
    assert 'class="pe-text"' not in fragment


def test_show_gives_a_notebook_object_and_a_file(tmp_path: Path, doc: PolicyDocument) -> None:
    view = show(doc, TEXT)
    assert isinstance(view, View) and 'class="pe-text"' in view._repr_html_()
    saved = view.save(tmp_path / "v.html")
    assert saved.read_text(encoding="utf-8") == render_html(doc, TEXT)


def test_view_warns_when_the_text_is_not_the_documents(doc: PolicyDocument) -> None:
    assert "highlights may be misplaced" in render_fragment(doc, TEXT + "more")


def test_view_of_a_real_extraction() -> None:
    text = "第一章 发展目标\n到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。\n"
    document = extract(text)
    page = render_html(document, text)
    assert "发展目标" in page and "highlights may be misplaced" not in page


def test_the_analyst_notebook_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pd) -> None:
    """Every code cell of corpora/notebooks/analyst_walkthrough.ipynb, in order, in one namespace."""
    import tempfile

    notebook = Path(__file__).resolve().parents[1] / "corpora" / "notebooks" / "analyst_walkthrough.ipynb"
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert cells
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        exec(compile(source, f"{notebook.name} cell", "exec"), namespace)  # noqa: S102 - our own notebook
    assert isinstance(namespace["view"], View)
    assert namespace["summary"].errors == 1  # the empty file it writes on purpose
