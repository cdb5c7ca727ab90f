"""Inputs that try to break the pipeline: seed texts, mutations, and adversarial generators.

Shared by ``tests/test_robustness.py``, the atheris harness ``tests/fuzz/fuzz_extract.py`` and
``benchmarks/adversarial.py`` (one definition of every case, so the benchmark measures what the
tests check). Everything here is deterministic given a ``random.Random``.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

import regex

REPO = Path(__file__).resolve().parents[2]
PROJECT_TEXTS = REPO / "corpora" / "texts"
SHARED_TEXTS = REPO.parent / "shared" / "corpora" / "dev" / "texts"


def seed_texts(*, shared: bool = True) -> dict[str, str]:
    """The real documents: the project's corpus, plus ../shared/corpora/dev when it is there."""
    folders = [PROJECT_TEXTS] + ([SHARED_TEXTS] if shared and SHARED_TEXTS.is_dir() else [])
    return {p.name: p.read_text(encoding="utf-8") for folder in folders for p in sorted(folder.glob("*.txt"))}


# ---------------------------------------------------------------- mutations of real text
_ODD = ["\x00", "\x07", "\x1b", "\x7f", "\u0085", "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e", "\ud800",
        "\udfff", "\U0001f600", "\U0001f1e8\U0001f1f3", "\u0301", "\uffff", "\U0010ffff", "\r", "\r\n", "\t",
        "\u3000", "０", "％", "亿元", "万", "第", "章", "专栏", "、", "（", "）", "《", "》", "“", "：", "\n",
        "<br>", "&nbsp;", "&#", "<", "2025年", "1.5", "%", "〇", "兆", "零", "·"]


def mutate(text: str, rng: random.Random, edits: int = 8) -> str:
    """Delete, duplicate, swap and insert pieces (odd characters and pattern trigger words)."""
    chars = list(text)
    for _ in range(edits):
        if not chars:
            chars = list(rng.choice(_ODD))
            continue
        i = rng.randrange(len(chars))
        j = min(len(chars), i + rng.randint(1, 40))
        op = rng.randrange(6)
        if op == 0:
            del chars[i:j]
        elif op == 1:
            chars[i:i] = chars[i:j] * rng.randint(2, 30)
        elif op == 2:
            chars[i:i] = list(rng.choice(_ODD) * rng.randint(1, 5))
        elif op == 3:
            k = rng.randrange(len(chars))
            chars[i], chars[k] = chars[k], chars[i]
        elif op == 4:
            chars[i:j] = [chr(rng.choice((0x4E00 + rng.randrange(0x5000), rng.randrange(0x20, 0x7F))))
                          for _ in range(j - i)]
        else:  # cut mid-sentence: a document that ends abruptly
            del chars[j:]
    return "".join(chars)


def fuzz_corpus(rng: random.Random, per_seed: int = 3) -> dict[str, str]:
    """Named hand-made cases plus ``per_seed`` mutations of every seed text (and of excerpts)."""
    cases: dict[str, str] = dict(HANDMADE)
    for name, text in seed_texts().items():
        for k in range(per_seed):
            start = rng.randrange(max(1, len(text) - 3000))
            excerpt = text[start:start + rng.randint(50, 3000)]
            cases[f"{name}:mutated{k}"] = mutate(excerpt, rng, edits=rng.randint(1, 30))
    return cases


HANDMADE: dict[str, str] = {
    "empty": "",
    "one space": " ",
    "newlines only": "\n" * 1000,
    "nul bytes": "\x00" * 100 + "到2025年达到100亿元" + "\x00" * 100,
    "all C0 controls": "".join(chr(c) for c in range(32)) * 20,
    "C1 controls": "".join(chr(c) for c in range(0x80, 0xA0)) * 20,
    "lone surrogates": "\ud800到2025年\udc00，全区地区生产总值达到2000亿元\udfff。",
    "surrogate pairs as code units": "\ud83d\ude00" * 50,
    "emoji": "🚀到2025年，🏭高新技术企业达2500家以上🎉，产值达到1000亿元👍。" * 5,
    "flags and ZWJ": "🇨🇳👨‍👩‍👧‍👦" * 100 + "到2025年增长10%",
    "combining marks": "到2025年\u0301\u0301\u0301，地区生产总值达到2000\u0308亿元",
    "bidi controls": "\u202e到2025年\u202c，\u2066产值\u2069达到100亿元",
    "mixed scripts": "Bis 2025 soll das BIP 2000亿元 erreichen; к 2025 году 产值达到١٢٣亿元; 2025年までに１０００億円",
    "arabic-indic digits": "到٢٠٢٥年，产值达到٢٠٠٠亿元",
    "full-width everything": "到２０２５年，全区地区生产总值达到２０００亿元，增长１２．５％。",
    "traditional": "到2025年，全區地區生產總值達到2000億元，高新技術企業達2500家以上。",
    "max code point": "\U0010ffff" * 1000,
    "private use": "\ue000\uf8ff" * 500 + "第一章 总则",
    "noncharacters": "\ufffe\uffff" * 500,
    "replacement chars": "\ufffd" * 2000,
    "html soup": "<div><p>到2025年<br>产值&nbsp;达到&amp;100亿元</p><script>x</script>" * 50,
    "unclosed markup": "<" * 3000 + "&" * 3000 + "&#" * 1000,
    "crlf lines": "第一章 总则\r\n到2025年，产值达到100亿元。\r\n" * 200,
    "lone carriage returns": "第一章 总则\r到2025年，产值达到100亿元。\r" * 200,
    "huge number": "产值达到" + "9" * 5000 + "亿元",
    "huge decimal": "增长" + "0." + "0" * 5000 + "1%",
    "exponent-like": "达到1e308亿元，1e-400%，NaN亿元，inf万吨",
    "chinese numeral soup": "一二三四五六七八九十百千万亿兆零〇两壹贰叁肆伍陆柒捌玖拾佰仟" * 50,
    "year soup": "".join(f"{y}年" for y in range(0, 3000, 7)),
    "dates out of range": "到9999年12月31日，0000年0月0日，2025年13月45日，2月30日",
    "heading soup": "第一章\n第二节\n一、\n（一）\n1.\n(1)\n①\n专栏\n表\n图\n" * 200,
    "only punctuation": "，。、；：？！“”‘’（）《》【】—…·" * 300,
    "table without body": "表1 主要指标\n指标\n2020年\n2025年\n" * 50,
    "column without items": "专栏1 重点项目\n重点项目：\n等。\n" * 100,
}


# ---------------------------------------------------------------- adversarial generators
# Each takes a size in characters (approximately) and returns a text of about that size.
Generator = Callable[[int], str]


def _repeat(unit: str) -> Generator:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def column_list(items: int) -> str:
    """One 专栏 whose single list line names ``items`` projects."""
    return "专栏1  重大项目\n\n重点项目：" + "、".join(f"某某{i}号产业园建设项目" for i in range(items)) + "等。\n"


def _column_list(n: int) -> str:
    return column_list(max(1, n // 15))


def _nested_brackets(n: int) -> str:
    half = n // 2
    return "（" * (half // 2) + "(" * (half - half // 2) + ")" * (half - half // 2) + "）" * (half // 2)


ADVERSARIAL: dict[str, Generator] = {
    "digits": _repeat("1"),
    "digits with separators": _repeat("1,"),
    "decimal points": _repeat("1."),
    "percent run": _repeat("1.5%"),
    "dunhao 、": _repeat("、"),
    "dunhao list of numbers": _repeat("12、"),
    "nested brackets": _nested_brackets,
    "open brackets": _repeat("（"),
    "第一章 lines": _repeat("第一章 总则\n"),
    "heading ladder": _repeat("第一章 总则\n第一节 目标\n一、任务\n（一）重点\n1.措施\n"),
    "专栏 list": _column_list,
    "专栏 lines": lambda n: "专栏1 重大项目\n" + _repeat("某某产业园建设项目\n")(n),
    "chinese numerals": _repeat("一二三四五六七八九十百千万亿"),
    "years": _repeat("2025年"),
    "到…达到": _repeat("到2025年达到"),
    "amounts": _repeat("100亿元"),
    "han run": _repeat("发"),
    "long line of prose": _repeat("推动高新技术企业高质量发展"),
    "spaces": _repeat(" "),
    "ideographic spaces": _repeat("\u3000"),
    "newlines": _repeat("\n"),
    "blank lines between han": _repeat("发\n \n"),
    "commas": _repeat("，"),
    "colons": _repeat("："),
    "quotes": _repeat("“"),
    "book titles": _repeat("《"),
    "markup": _repeat("<p>"),
    "entities": _repeat("&nbsp;"),
    "table cells": lambda n: "表1 主要指标\n" + _repeat("1291.5\n")(n),
    "company suffixes": _repeat("有限公司"),
    "park suffixes": _repeat("高新区"),
}


def class_runs(patterns, alphabet: str | None = None) -> dict[str, str]:
    """One representative character per distinct character class used by the compiled patterns
    (``[...]``, ``\\d``, ``\\p{Han}`` ...): ``{class: character}``. Long runs of each are adversarial
    inputs for quantifiers over that class."""
    classes: set[str] = set()
    for pattern, _flags in list(patterns._compiled):
        expanded = patterns.expand(pattern)
        classes.update(regex.findall(r"\[(?:\\.|[^\]\\])+\]|\\[dDwWsS]|\\p\{\w+\}|\\P\{\w+\}", expanded))
    alphabet = alphabet or _alphabet(patterns)
    out: dict[str, str] = {}
    for cls in sorted(classes):
        try:
            rx = regex.compile(cls)
        except regex.error:
            continue
        ch = next((c for c in alphabet if rx.fullmatch(c)), None)
        if ch is not None:
            out[cls] = ch
    return out


def _alphabet(patterns) -> str:
    """Characters the patterns mention, then ASCII and some CJK: candidates for class members."""
    seen: dict[str, None] = {}
    for pattern, _flags in list(patterns._compiled):
        for c in patterns.expand(pattern):
            if not c.isascii():
                seen[c] = None
    ascii_ = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n"
    return "".join(seen) + ascii_ + "的一是发展国中产业０１％．、。，；：（）《》“”\u3000"
