"""Files in: every supported format and encoding reads to the same text; anything unreadable
raises one DocumentReadError naming the file and the reason. Every file here is made by the test."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from policy_extract import extract_file
from policy_extract.errors import DocumentReadError
from policy_extract.loaders import load, load_bytes, plausibility, read_text

SIMPLIFIED = ("济南高新区“十四五”发展规划\n第一章 发展基础\n"
              "到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。\n")
TRADITIONAL = ("臺北市產業發展計畫\n第一章 發展基礎\n"
               "到2025年，全區地區生產總值達到2000億元，高新技術企業達2500家以上。\n")


# ---------------------------------------------------------------- plain text encodings
@pytest.mark.parametrize(("text", "encoding"), [
    (SIMPLIFIED, "utf-8"),
    (SIMPLIFIED, "utf-8-sig"),
    (SIMPLIFIED, "gb18030"),
    (SIMPLIFIED, "gbk"),
    (SIMPLIFIED, "utf-16"),
    (SIMPLIFIED, "utf-16-le"),
    (SIMPLIFIED, "utf-16-be"),
    (SIMPLIFIED, "utf-32"),
    (TRADITIONAL, "big5"),
    (TRADITIONAL, "cp950"),
    (TRADITIONAL, "gb18030"),
    (TRADITIONAL, "utf-8"),
])
def test_text_files_decode_to_the_original_text(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / f"doc.{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    loaded = load(path)
    assert loaded.text == text
    assert loaded.format == "txt"
    assert read_text(path) == text


def test_big5_is_not_mistaken_for_gb18030(tmp_path: Path) -> None:
    # Big5 bytes decode without error as GB18030, into rare characters: plausibility decides
    data = TRADITIONAL.encode("big5")
    assert plausibility(data.decode("gb18030")) < 0.7 < plausibility(TRADITIONAL)
    path = tmp_path / "big5.txt"
    path.write_bytes(data)
    assert load(path).encoding in ("big5", "cp950", "big5hkscs")


def test_extract_file_reads_a_gb18030_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    doc = extract_file(path)
    assert doc.text_length == len(SIMPLIFIED)
    assert any(h.title.startswith("发展基础") for h in doc.outline.headings)


# ---------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>规划 - 某某政府网</title>
<style>.x {{ color: red }}</style><script>var secret = "脚本内容";</script></head>
<body>
<nav><a href="/">首页</a> <a href="/zwgk">政务公开</a></nav>
<div class="top-menu">导航菜单</div>
<div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<div id="content">
  <h1>济南高新区“十四五”发展规划</h1>
  <p>第一章 发展基础</p>
  <p>到2025年，全区地区生产总值达到<b>2000</b>亿元，
     高新技术企业达2500家以上。</p>
  <table><caption>表1 主要指标</caption>
    <tr><th>指标</th><th>2020年</th><th>2025年</th></tr>
    <tr><td>地区生产总值（亿元）</td><td>1291.5</td><td>2000</td></tr>
  </table>
  <p>第二行<br>第三行</p>
</div>
<footer>版权所有 © 某某政府 联系我们</footer>
<script>document.write("尾部脚本")</script>
</body></html>"""


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gb2312", "gb18030"),
                                                   ("GBK", "gb18030"), ("utf-8", "gb18030")])
def test_html_keeps_main_content_and_tables(tmp_path: Path, charset: str, encoding: str) -> None:
    # the last case declares utf-8 but is GB18030: the wrong declaration is overruled by detection
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(charset=charset).encode(encoding))
    text = read_text(path)
    lines = text.splitlines()
    for noise in ("脚本", "color", "首页", "政务公开", "导航菜单", "当前位置", "版权所有", "尾部"):
        assert noise not in text
    assert lines[0] == "济南高新区“十四五”发展规划"
    assert "到2025年，全区地区生产总值达到2000亿元， 高新技术企业达2500家以上。" in lines
    # a table: its caption line, then one cell per line
    i = lines.index("表1 主要指标")
    assert lines[i + 1:i + 7] == ["指标", "2020年", "2025年", "地区生产总值（亿元）", "1291.5", "2000"]
    assert "第二行" in lines and "第三行" in lines


@pytest.mark.parametrize("meta", ['<meta charset="big5">', ""])
def test_big5_html_with_or_without_a_declaration(tmp_path: Path, meta: str) -> None:
    path = tmp_path / "big5.html"
    page = f"<html><head>{meta}</head><body><p>{TRADITIONAL}</p></body></html>"
    path.write_bytes(page.encode("big5"))
    assert read_text(path).strip() == TRADITIONAL.replace("\n", " ").strip()


def test_html_with_main_element_takes_the_main_content_and_the_h1(tmp_path: Path) -> None:
    page = ("<html><body><header><h1>规划标题</h1><div>站点横幅</div></header>"
            "<div>侧边推荐文章列表</div><main><p>" + "正文内容。" * 20 + "</p></main></body></html>")
    path = tmp_path / "main.htm"
    path.write_text(page, encoding="utf-8")
    text = read_text(path)
    assert text.splitlines()[0] == "规划标题"
    assert "正文内容。" in text and "侧边推荐" not in text


def test_html_wrapper_with_a_noisy_class_name_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.html"
    path.write_text('<html><body><div class="page nav-open"><div class="menu">菜单</div>'
                    "<p>" + "正文内容。" * 20 + "</p></div></body></html>", encoding="utf-8")
    text = read_text(path)
    assert "正文内容。" in text and "菜单" not in text


def test_html_sniffed_without_a_suffix(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text("<!doctype html><html><body><p>正文</p><script>x()</script></body></html>", "utf-8")
    loaded = load(path)
    assert loaded.format == "html" and loaded.text.strip() == "正文"


def test_deeply_nested_html_does_not_overflow(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 20000 + "深处的正文" + "</div>" * 20000 + "</body></html>")
    assert "深处的正文" in read_text(path)


# ---------------------------------------------------------------- DOCX
def _make_docx(path: Path) -> None:
    docx = pytest.importorskip("docx", reason="python-docx writes the test .docx files")
    document = docx.Document()
    document.add_heading("济南高新区“十四五”发展规划", level=1)
    document.add_paragraph("第一章 发展基础")
    document.add_paragraph("到2025年，全区地区生产总值达到2000亿元。")
    document.add_paragraph("表1 主要指标")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("指标", "2020年", "2025年"), ("地区生产总值（亿元）", "1291.5", "2000")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("第二章 发展目标")
    document.save(path)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    _make_docx(path)
    loaded = load(path)
    assert loaded.format == "docx"
    lines = [ln for ln in loaded.text.splitlines() if ln]
    assert lines == ["济南高新区“十四五”发展规划", "第一章 发展基础", "到2025年，全区地区生产总值达到2000亿元。",
                     "表1 主要指标", "指标", "2020年", "2025年", "地区生产总值（亿元）", "1291.5", "2000",
                     "第二章 发展目标"]
    doc = extract_file(path)
    assert [t.label for t in doc.outline.tables] == ["表1"] or doc.outline.tables == []
    assert doc.text_length == len(loaded.text)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


_ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("binary.txt", bytes(range(256)) * 64, "binary"),
    ("nul.txt", b"\x00\x01\x02\x03" * 500, "text"),
    ("notzip.docx", "这不是压缩包".encode("utf-8") * 10, "zip"),
    ("nodoc.docx", _zip({"hello.txt": b"hi"}), "word/document.xml"),
    ("entities.docx", _zip({"word/document.xml": _ENTITY_BOMB}), "DTD"),
    ("bomb.docx", _zip({"word/document.xml": b"<a>" + b" " * 50_000_000 + b"</a>"}), "zip bomb"),
    ("badxml.docx", _zip({"word/document.xml": b"<w:document><unclosed>"}), "XML"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("fake.pdf", b"just some words, not a pdf", "not a PDF"),
])
def test_unreadable_files_raise_one_typed_error(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentReadError) as info:
        load(path)
    assert info.value.path == str(path)
    assert reason.lower() in info.value.reason.lower()
    assert str(path) in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match="No such file"):
        load(tmp_path / "missing.txt")
    with pytest.raises(DocumentReadError, match="directory"):
        load(tmp_path)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("规划" * 1000, encoding="utf-8")
    with pytest.raises(DocumentReadError, match="limit"):
        load(path, max_bytes=100)


# ---------------------------------------------------------------- PDF
def _make_pdf(path: Path, *, encrypt: str | None = None) -> None:
    pytest.importorskip("reportlab", reason="reportlab writes the test PDF files")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a CJK font PDF readers know; no file needed
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=11, leading=16)
    table = Table([["指标", "2020年", "2025年"], ["地区生产总值（亿元）", "1291.5", "2000"]])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("第一章 发展基础", style), Paragraph("到2025年，全区地区生产总值达到2000亿元。", style),
             Paragraph("表1 主要指标", style), table, Paragraph("表后的说明文字。", style), PageBreak(),
             Paragraph("第二章 发展目标", style), Paragraph("高新技术企业达2500家以上。", style)]
    SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt).build(story)


@pytest.fixture()
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.pdf"
    _make_pdf(path)
    return path


def test_pdf_text_tables_and_page_map(pdf_path: Path) -> None:
    loaded = load(pdf_path)
    assert loaded.format == "pdf" and loaded.pages == 2
    lines = [ln for ln in loaded.text.splitlines() if ln]
    assert lines == ["第一章 发展基础", "到2025年，全区地区生产总值达到2000亿元。", "表1 主要指标",
                     "指标", "2020年", "2025年", "地区生产总值（亿元）", "1291.5", "2000", "表后的说明文字。",
                     "第二章 发展目标", "高新技术企业达2500家以上。"]
    assert loaded.page_at(loaded.text.index("第一章")) == 1
    assert loaded.page_at(loaded.text.index("表后")) == 1
    assert loaded.page_at(loaded.text.index("第二章")) == 2
    assert loaded.page_at(len(loaded.text) - 1) == 2


def test_a_records_page_comes_from_its_span(pdf_path: Path) -> None:
    from policy_extract import Span, extract

    loaded = load(pdf_path)
    doc = extract(loaded.text)
    heading = next(h for h in doc.outline.headings if h.title.startswith("发展目标"))
    assert loaded.page_of(heading) == 2
    assert loaded.page_of(Span(start=0, end=3)) == 1
    assert loaded.page_range(Span(start=0, end=len(loaded.text))) == (1, 2)
    for record in [*doc.targets, *doc.statistics, *doc.deadlines]:
        assert loaded.page_of(record) in (1, 2)


def test_plain_text_has_no_page_map(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    loaded = load(path)
    assert loaded.pages == 0 and loaded.page_at(5) is None and loaded.page_range(range(0, 1)) is None


def test_truncated_pdf(pdf_path: Path) -> None:
    data = pdf_path.read_bytes()
    with pytest.raises(DocumentReadError, match="truncated"):
        load_bytes(data[: len(data) // 2], "half.pdf")


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _make_pdf(path, encrypt="secret")
    with pytest.raises(DocumentReadError, match="encrypted"):
        load(path)


def test_pdf_sniffed_by_content(pdf_path: Path) -> None:
    assert load_bytes(pdf_path.read_bytes(), "upload.bin").format == "pdf"
