"""Stage 0, load: files to text.

``load(path)`` returns a :class:`LoadedText` (the text, the format, the encoding and, for PDF, a
page map); ``read_text(path)`` returns only the text. Supported: plain text in UTF-8 (with or
without BOM), UTF-16/32 (BOM or not), GB18030/GBK/GB2312 and Big5; HTML (main content only,
tables one cell per line); DOCX (paragraphs and tables in document order); PDF (text and tables,
one cell per line, with the page of every character).

Anything that cannot be read raises :class:`~policy_extract.errors.DocumentReadError` naming the
file and the reason: empty, binary, an unknown encoding, a truncated or encrypted PDF, a .docx
that is not a zip, a zip bomb, XML with entity declarations. Memory stays bounded by ``max_bytes``.
"""
from __future__ import annotations

import bisect
import codecs
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal

from .errors import DocumentReadError

Format = Literal["txt", "html", "docx", "pdf"]

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest file read at all (default of ``max_bytes``)."""
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size of a .docx package."""
MAX_ZIP_RATIO = 200
"""A .docx member that inflates more than this many times (and past 1 MB) is treated as a bomb."""

SUFFIXES: dict[str, Format] = {
    ".txt": "txt", ".text": "txt", ".md": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".docx": "docx", ".pdf": "pdf",
}


@dataclass(frozen=True)
class LoadedText:
    """A file read as text. ``page_starts[i]`` is the offset where page ``i + 1`` begins."""

    text: str
    path: str
    format: Format
    encoding: str | None = None
    page_starts: tuple[int, ...] = field(default=())

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset`` (None without a page map)."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def page_of(self, item: Any) -> int | None:
        """The page where a record, a Span or an offset starts."""
        if isinstance(item, int):
            return self.page_at(item)
        span = getattr(item, "span", item)
        return self.page_at(span.start)

    def page_range(self, item: Any) -> tuple[int, int] | None:
        """First and last page of a record or Span (a span may cross a page break)."""
        if not self.page_starts:
            return None
        span = getattr(item, "span", item)
        return self.page_at(span.start), self.page_at(max(span.start, span.end - 1))


# ---------------------------------------------------------------- entry points
def load(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> LoadedText:
    """Read ``path`` as text; the format comes from the suffix, else from the content."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise DocumentReadError(p, "is a directory, not a file")
        if size > max_bytes:
            raise DocumentReadError(p, f"file has {size} bytes, more than the limit of {max_bytes}")
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentReadError(p, exc.strerror or str(exc)) from exc
    return load_bytes(data, p.name, path=str(p), max_bytes=max_bytes)


def read_text(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of ``path`` (see :func:`load`)."""
    return load(path, max_bytes=max_bytes).text


def load_bytes(data: bytes, filename: str = "<bytes>", *, path: str | None = None,
               max_bytes: int = MAX_FILE_BYTES) -> LoadedText:
    """Read the bytes of a file called ``filename`` (an upload, an archive member ...)."""
    name = path or filename
    if len(data) > max_bytes:
        raise DocumentReadError(name, f"{len(data)} bytes, more than the limit of {max_bytes}")
    if not data.strip():
        raise DocumentReadError(name, "the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise DocumentReadError(name, "an old binary Office file (.doc/.xls); save it as .docx first")
    fmt = sniff_format(data, filename)
    try:
        if fmt == "pdf":
            text, pages = _read_pdf(data, name)
            return LoadedText(_check_text(text, name, "pdf"), name, "pdf", None, pages)
        if fmt == "docx":
            return LoadedText(_check_text(_read_docx(data, name), name, "docx"), name, "docx")
        if fmt == "html":
            markup, encoding = _decode_html(data, name)
            return LoadedText(_check_text(html_to_text(markup), name, "html"), name, "html", encoding)
        text, encoding = decode_detect(data, name)
        return LoadedText(_check_text(text, name), name, "txt", encoding)
    except DocumentReadError:
        raise
    except MemoryError as exc:
        raise DocumentReadError(name, "the file needs more memory than is available") from exc
    except RecursionError as exc:
        raise DocumentReadError(name, "the file is nested too deeply to read") from exc
    except Exception as exc:  # noqa: BLE001 - a parser's own failure names the file, never escapes raw
        raise DocumentReadError(name, f"cannot read as {fmt}: {type(exc).__name__}: {exc}") from exc


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(data: bytes, filename: str = "") -> Format:
    """The format by content first (magic bytes), then by suffix; text when unsure."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    by_suffix = SUFFIXES.get(suffix)
    if by_suffix in ("pdf", "docx"):
        return by_suffix  # magic bytes missing: the reader says why it cannot be read
    if by_suffix == "html":
        return "html"
    lowered = head[:512].lower()
    if by_suffix is None and (lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html")
                              or b"<html" in lowered[:200]):
        return "html"
    return "txt"


def _check_text(text: str, name: str, fmt: Format = "txt") -> str:
    if not text.strip():
        if fmt == "pdf":
            raise DocumentReadError(name, "the PDF has no text layer (a scanned PDF needs OCR first)")
        raise DocumentReadError(name, f"no text in the {fmt} file")
    return text


# ---------------------------------------------------------------- plain text and encodings
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CJK_FALLBACKS = ("gb18030", "big5", "cp950", "big5hkscs")
_SAMPLE_CHARS = 200_000


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bytes of text whose encoding is unknown (see :func:`decode_detect`)."""
    return decode_detect(data, name)[0]


def decode_detect(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """(text, encoding): BOM, then strict UTF-8, then the most plausible of GB18030, Big5, UTF-16
    and charset-normalizer's guess. Big5 bytes also decode as GB18030 (into rare characters), so
    candidates are compared by how much of the result is common Chinese text."""
    if not data:
        raise DocumentReadError(name, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DocumentReadError(name, f"starts with a {enc} byte-order mark but is not {enc}: "
                                        f"{exc.reason} at byte {exc.start}") from exc
    nul = data.count(b"\x00", 0, 65536)
    if not nul:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _not_binary(text, name), "utf-8"
    candidates: list[tuple[str, str]] = []
    if nul:
        encodings: Iterable[str] = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    else:
        encodings = _CJK_FALLBACKS
    for enc in encodings:
        try:
            candidates.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    guess = _charset_normalizer_guess(data)
    if guess and guess not in {c[1] for c in candidates}:
        try:
            candidates.append((data.decode(guess), guess))
        except (UnicodeDecodeError, LookupError):
            pass
    if not candidates:
        what = "binary data" if nul else "text in an encoding that could not be detected"
        raise DocumentReadError(name, f"{what} (tried UTF-8, UTF-16, GB18030, Big5)")
    scored = [(plausibility(text), -i, text, enc) for i, (text, enc) in enumerate(candidates)]
    score, _, text, enc = max(scored)
    if score < 0.6:
        raise DocumentReadError(name, f"does not look like text (best guess {enc}, "
                                f"{score:.0%} plausible characters); binary file?")
    return text, enc


def _not_binary(text: str, name: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    if sample and controls / len(sample) > 0.05:
        raise DocumentReadError(name, "binary data, not text (many control characters)")
    return text


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: pip install 'policy_extract[io]'
        return None
    best = from_bytes(data[:262_144]).best()
    return best.encoding if best is not None else None


@functools.lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """The level-1 characters of GB2312 (3,755 simplified) and Big5 (5,401 traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        lead, trail = divmod(code, 256)
        if 0x40 <= trail <= 0x7E or 0xA1 <= trail <= 0xFE:
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of the (non-space) characters that are ordinary: ASCII, CJK punctuation, full-width
    forms, common Chinese characters. Wrongly decoded Chinese scores far lower."""
    common = _common_hanzi()
    good = total = 0
    for ch in text[:_SAMPLE_CHARS]:
        if ch.isspace():
            continue
        total += 1
        o = ord(ch)
        if 0x20 < o < 0x7F or ch in common or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E \
                or 0x2010 <= o <= 0x2027 or 0x00B7 == o or 0x2460 <= o <= 0x24FF:
            good += 1
    return good / total if total else 0.0


# ---------------------------------------------------------------- HTML
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950"}


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return decode_detect(data, name)
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        enc = _ENCODING_ALIASES.get(declared, declared)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead
    return decode_detect(data, name)


_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe",
              "svg", "canvas", "button", "select", "object", "embed", "head")
_DROP_SELECTORS = ('[role="navigation"]', '[role="contentinfo"]', '[role="banner"]', '[role="search"]',
                   '[aria-hidden="true"]', '[hidden]')
_NOISE_NAME = re.compile(r"(?:^|[\s_\-])(nav|navbar|menu|footer|foot|breadcrumbs?|crumbs?|share|sharing|"
                         r"sidebar|copyright|toolbar|topbar|pager|pagination|comment|comments)(?:$|[\s_\-\d])",
                         re.I)
_MAIN_SELECTORS = ("main", '[role="main"]', "article")
_BLOCK_TAGS = frozenset("""p div section article main header h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
    blockquote pre figure figcaption address hr center table caption tbody thead tfoot""".split())
_CELL_TAGS = frozenset(("td", "th"))
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")


def html_to_text(markup: str) -> str:
    """The readable main content of an HTML page: no script, style, navigation or footer; a
    table becomes one cell per line (its caption first), every block element its own line."""
    try:
        from selectolax.lexbor import LexborHTMLParser as Parser
    except ImportError:  # pragma: no cover - older selectolax
        try:
            from selectolax.parser import HTMLParser as Parser
        except ImportError as exc:
            from .errors import BackendUnavailable
            raise BackendUnavailable("reading HTML needs selectolax: pip install 'policy_extract[io]'") from exc
    tree = Parser(markup)
    root = tree.body or tree.root
    if root is None:
        return ""
    for tag in _DROP_TAGS:
        for node in root.css(tag):
            node.decompose()
    for sel in _DROP_SELECTORS:
        for node in root.css(sel):
            node.decompose()
    total = len(_WS.sub("", root.text(separator="") or ""))
    for node in root.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _NOISE_NAME.search(names) and node.tag not in ("body", "html"):
            # a wrapper that merely carries such a name (class="page nav-open") holds the page: keep it
            if len(_WS.sub("", node.text(separator="") or "")) <= 0.5 * total:
                node.decompose()
    main = _main_node(root)
    lines = _render_lines(main)
    if main is not root:
        title = _page_heading(root, main)
        if title and (not lines or title not in lines[0]):
            lines.insert(0, title)
    return "\n".join(lines).strip("\n") + "\n"


def _main_node(root: Any) -> Any:
    body_len = len(_WS.sub("", root.text(separator="") or ""))
    best, best_len = root, 0
    for sel in _MAIN_SELECTORS:
        for node in root.css(sel):
            n = len(_WS.sub("", node.text(separator="") or ""))
            if n > best_len:
                best, best_len = node, n
    # a <main>/<article> that holds most of the page's text is the content; otherwise keep it all
    return best if best is not root and best_len >= 0.3 * body_len else root


def _page_heading(root: Any, main: Any) -> str | None:
    for node in root.css("h1"):
        text = _WS.sub(" ", node.text(separator="") or "").strip()
        if text:
            return text
    return None


def _render_lines(root: Any) -> list[str]:
    """Walk the tree without recursion (deep nesting must not overflow the stack)."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _WS.sub(" ", "".join(buf)).strip()
        buf.clear()
        if line:
            lines.append(line)

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in _BLOCK_TAGS or tag in _CELL_TAGS or tag == "tr":
                flush()
                if tag == "table":
                    lines.append("")
            continue
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag in ("-comment", "!doctype"):
            continue
        if tag == "br":
            flush()
            continue
        if tag in _BLOCK_TAGS or tag in _CELL_TAGS or tag == "tr":
            flush()
            if tag == "table":
                lines.append("")
        if tag == "pre":
            flush()
            lines.extend(ln.rstrip() for ln in (node.text(deep=True, separator="") or "").splitlines())
            continue
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, False))
    flush()
    out: list[str] = []
    for line in lines:  # at most one blank line in a row
        if line or (out and out[-1]):
            out.append(line)
    return out


# ---------------------------------------------------------------- DOCX
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentReadError(name, f"not a .docx (not a zip package: {exc})") from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES:
            raise DocumentReadError(name, f"the package unzips to {total} bytes, more than "
                                    f"{MAX_UNZIPPED_BYTES} (zip bomb?)")
        try:
            info = zf.getinfo("word/document.xml")
        except KeyError:
            raise DocumentReadError(name, "not a .docx (no word/document.xml in the package)") from None
        if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(1, info.compress_size):
            raise DocumentReadError(name, f"word/document.xml inflates {info.file_size // max(1, info.compress_size)}"
                                    " times (zip bomb?)")
        xml = _read_member(zf, info, name)
    root = _parse_xml(xml, name)
    body = root.find(f"{_W}body")
    if body is None:
        raise DocumentReadError(name, "word/document.xml has no body")
    lines: list[str] = []
    _docx_blocks(body, lines)
    return "\n".join(lines).strip("\n") + "\n"


_CHUNK = 1 << 20


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, read 1 MB at a time: zipfile inflates at most the requested amount per
    read and stops at the declared size, so a header that lies about the size cannot make this
    inflate more than ``MAX_UNZIPPED_BYTES`` (one big ``read(n)`` would inflate up to ``n``)."""
    parts: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_UNZIPPED_BYTES:
                raise DocumentReadError(name, f"{info.filename} is too large (zip bomb?)")
            parts.append(chunk)
    return b"".join(parts)


def _parse_xml(xml: bytes, name: str) -> Any:
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring
    except ImportError as exc:
        from .errors import BackendUnavailable
        raise BackendUnavailable("reading .docx needs defusedxml: pip install 'policy_extract[io]'") from exc
    try:
        return fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DocumentReadError(name, f"word/document.xml declares a DTD or entities ({type(exc).__name__}); "
                                "refused for safety") from exc
    except Exception as exc:  # noqa: BLE001 - ParseError and friends
        raise DocumentReadError(name, f"word/document.xml is not well-formed XML: {exc}") from exc


def _docx_blocks(container: Any, lines: list[str]) -> None:
    """Paragraphs and tables of a body, a cell or a content control, in document order."""
    stack: list[Any] = [iter(list(container))]
    while stack:
        try:
            el = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        tag = el.tag
        if tag == f"{_W}p":
            lines.append(_docx_paragraph(el))
        elif tag == f"{_W}tbl":
            _docx_table(el, lines)
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            stack.append(iter(list(el)))


def _docx_paragraph(p: Any) -> str:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{_W}t" and el.text:
            parts.append(el.text)
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _docx_table(tbl: Any, lines: list[str]) -> None:
    """One cell per line (a cell's paragraphs joined by a space); nested tables follow their cell."""
    lines.append("")
    for tr in tbl.findall(f"{_W}tr"):
        for tc in tr.findall(f"{_W}tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                continue  # the continuation of a vertically merged cell: its text is above
            texts, nested = [], []
            for el in tc:
                if el.tag == f"{_W}p":
                    t = _docx_paragraph(el).strip()
                    if t:
                        texts.append(t)
                elif el.tag == f"{_W}tbl":
                    nested.append(el)
            lines.append(" ".join(texts).replace("\n", " "))
            for inner in nested:
                _docx_table(inner, lines)
    lines.append("")


# ---------------------------------------------------------------- PDF
def _read_pdf(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """Text of every page (tables one cell per line, in reading order) and the page map."""
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as exc:
        from .errors import BackendUnavailable
        raise BackendUnavailable("reading PDF needs pdfplumber: pip install 'policy_extract[io]'") from exc
    if not data.lstrip().startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise DocumentReadError(name, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-8192:]:
        raise DocumentReadError(name, "truncated PDF (no %%EOF marker at the end)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
    except Exception as exc:  # noqa: BLE001
        if _is_encryption_error(exc):
            raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
        raise DocumentReadError(name, f"damaged PDF: {type(exc).__name__}: {exc}") from exc
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    with pdf:
        try:
            pages = list(pdf.pages)
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
        for page in pages:
            try:
                text = _pdf_page_text(page)
            except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
                raise DocumentReadError(name, "encrypted PDF (a password is needed)") from exc
            finally:
                page.close()
            starts.append(offset)
            text = text.rstrip("\n") + "\n"
            parts.append(text)
            offset += len(text)
    return "".join(parts), tuple(starts)


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors: look through the wrapper's args and its chain."""
    seen: list[object] = [exc]
    while seen:
        e = seen.pop()
        if not isinstance(e, BaseException):
            continue
        if "password" in type(e).__name__.lower() or "encrypt" in type(e).__name__.lower() \
                or "password" in str(e).lower():
            return True
        seen.extend(a for a in e.args if isinstance(a, BaseException))
        seen.extend(x for x in (e.__cause__, e.__context__) if x is not None and x is not e)
    return False


def _pdf_page_text(page: Any) -> str:
    """Lines of text outside tables and the tables' cells, ordered by their top on the page."""
    tables = page.find_tables()
    blocks: list[tuple[float, list[str]]] = []
    rest = page
    for table in tables:
        x0, top, x1, bottom = table.bbox
        rest = rest.outside_bbox((max(x0, 0), max(top, 0), min(x1, page.width), min(bottom, page.height)),
                                 strict=False)
        cells = [("" if c is None else " ".join(c.split())) for row in table.extract() for c in row]
        blocks.append((top, ["", *[c for c in cells if c], ""]))
    for line in rest.extract_text_lines(return_chars=False):
        blocks.append((line["top"], [line["text"]]))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(ln for _, block in blocks for ln in block)
