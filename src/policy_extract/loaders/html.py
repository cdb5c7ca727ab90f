"""HTML: the declared charset (else detection), then the main content as lines, tables one cell
per line, navigation, scripts and other page furniture dropped."""
from __future__ import annotations

import re
from typing import Any

from .encoding import _BOMS, decode_detect

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
            from ..errors import BackendUnavailable
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
