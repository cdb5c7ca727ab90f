"""What can be read off a regular expression before it runs, from the standard library's own
parser: the characters a match can begin with, how far past its start an attempt may read,
and whether the standard library's engine (``re``, quicker at scanning) matches it exactly as
the ``regex`` module does. Every answer is either exact or "not known" (None), and callers then
do the slow, general thing. Used to search only where a rule can match (structure, anchors)
and to run plain patterns on ``re`` (numbers, quantities)."""
from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any

import regex

try:
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre_parse  # type: ignore[no-redef]

DEFAULT_FLAGS = regex.compile("").flags
JOINABLE_FLAGS = DEFAULT_FLAGS | regex.IGNORECASE | regex.MULTILINE | regex.DOTALL
"""flags under which a rule's pattern may be read (and joined with others) here"""


# ---------------------------------------------------------------- first characters
# Which characters a match of a rule can begin with, read from the rule's own pattern (so there
# is no list to keep in step with it): a line whose first character is not one of them cannot
# match, and needs no regex call; a scan for the line starts where a rule may match looks for
# those characters alone. The pattern is read with the standard library's parser; a construct
# it does not read as the regex module does, or any that can start with many characters
# (\d, \w, ., [^...], \p{...}) or match case-insensitively, gives "not known" (None), and
# the callers then try every line as before.
_REGEX_ONLY = regex.compile(r"\[:\^?[a-z]+:\]|\{(?![0-9]*,?[0-9]*\})|\\[NXLmMGKhHV]|\(\?[VwfbreL|(R0-9&]")
# \p{...} / \P{...} (a property: many characters) read as \d, which gives "not known" where
# the first characters depend on it (an escaped backslash is skipped, not read as one)
_PROPERTY = regex.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])|\\.", regex.DOTALL)
_MAX_RANGE = 1024  # a class range wider than this (a script) is not spelt out
_BLANKS = frozenset(" \t")


def _first_of(items) -> tuple[set[str], bool] | None:
    """(the characters a match of the parsed ``items`` can begin with, whether it can be
    empty); None when not known."""
    first: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            got: tuple[set[str], bool] | None = ({chr(av)}, False)
        elif name == "IN":
            chars: set[str] = set()
            for item_op, item in av:
                item_name = str(item_op)
                if item_name == "LITERAL":
                    chars.add(chr(item))
                elif item_name == "RANGE" and item[1] - item[0] < _MAX_RANGE:
                    chars.update(map(chr, range(item[0], item[1] + 1)))
                else:  # NEGATE, CATEGORY, a wide range
                    return None
            got = (chars, False)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            got = (set(), True)  # zero-width: reading past it is a superset
        elif name == "SUBPATTERN":
            got = None if av[1] & re.IGNORECASE else _first_of(av[3])
        elif name == "ATOMIC_GROUP":
            got = _first_of(av)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            inner = _first_of(av[2])
            got = None if inner is None else (inner[0], inner[1] or av[0] == 0)
        elif name == "BRANCH":
            chars, empty = set(), False
            for seq in av[1]:
                branch = _first_of(seq)
                if branch is None:
                    return None
                chars |= branch[0]
                empty = empty or branch[1]
            got = (chars, empty)
        else:  # a back reference, a conditional, ANY, NOT_LITERAL, CATEGORY ...
            return None
        if got is None:
            return None
        first |= got[0]
        if not got[1]:
            return first, False
    return first, True


@lru_cache(maxsize=256)
def _first_chars(pattern: str, flags: int, past_blanks: bool = False) -> frozenset[str] | None:
    """The characters a match of ``pattern`` (fragments expanded; regex-module ``flags``) can
    begin with; None when not known or when it can match the empty string.

    ``past_blanks``: of a match at a line start, the first character after the spaces and tabs
    a leading ``[ \t]*`` reads (that set then need not hold them): a match there is blanks
    followed by one of the characters."""
    if flags & ~JOINABLE_FLAGS or flags & regex.IGNORECASE:
        return None
    pattern = _PROPERTY.sub(lambda m: r"\d" if m.group()[1] in "pP" else m.group(), pattern)
    if _REGEX_ONLY.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = _sre_parse.parse(pattern, flags & (re.MULTILINE | re.DOTALL))
        if tree.state.flags & re.IGNORECASE:
            return None
        items = list(tree)
        if past_blanks:
            i = 0
            while i < len(items) and str(items[i][0]) in ("AT", "ASSERT", "ASSERT_NOT"):
                i += 1
            if i < len(items) and _is_blank_run(items[i]):
                items = items[:i] + items[i + 1:]
        got = _first_of(items)
    except Exception:  # noqa: BLE001 - a pattern the parser does not read: not known
        return None
    if got is None or got[1] or not got[0]:
        return None
    return frozenset(got[0])


def _is_blank_run(item) -> bool:
    """``[ \t]*`` (or ``[ ]*``, ``\t*?`` ...): an optional run of spaces and tabs."""
    op, av = item
    if str(op) not in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") or av[0] != 0 or len(av[2]) != 1:
        return False
    inner = _first_of(av[2])
    return inner is not None and not inner[1] and inner[0] <= _BLANKS


def rule_first_chars(pats, rule, past_blanks: bool = False) -> frozenset[str] | None:
    """``_first_chars`` of a rule of ``pats``."""
    rx = pats.compile_rule(rule)
    return _first_chars(pats.expand(rule.pattern), rx.flags, past_blanks)


# an escape both engines read as the one character it stands for
_PLAIN_ESCAPE = regex.compile(r"\\(?:[^A-Za-z0-9]|[tnrfv]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


_INLINE_FLAGS = regex.compile(r"\(\?([a-zA-Z-]+)[:)]")


def standard_engine(pattern: str) -> re.Pattern | None:
    """``pattern`` compiled by the standard library's engine (quicker at scanning), when it
    provably matches the same there: no flags, no escape but a plain character's (no
    \\d, \\s, \\w, \\b, \\p, back references ...), no syntax only the regex module reads
    (its POSIX classes, fuzzy matching, version flags); else None."""
    if _REGEX_ONLY.search(pattern) or "\\" in _PLAIN_ESCAPE.sub("", pattern):  # (\p is no plain escape)
        return None
    if any(set(f) - set("ms-") for f in _INLINE_FLAGS.findall(pattern)):
        return None  # case-insensitive (or other) matching may differ between the engines
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


_FLAG_LETTERS = ((regex.IGNORECASE, "i"), (regex.MULTILINE, "m"), (regex.DOTALL, "s"))


def scoped(pattern: str, flags: int) -> str:
    """``pattern`` as a group that carries its own ignorecase/multiline/dotall ``flags``
    (``(?ms:...)``), so that it can be joined with patterns compiled under other flags."""
    letters = "".join(letter for flag, letter in _FLAG_LETTERS if flags & flag)
    return f"(?{letters}:{pattern})" if letters else f"(?:{pattern})"


def faster(rx: regex.Pattern):
    """``rx`` compiled by ``re`` where that provably matches the same (:func:`standard_engine`,
    same groups), else ``rx`` itself. Multiline and dotall are written inline, where both
    engines read them alike; ignorecase and other flags keep ``rx``."""
    if rx.flags & ~JOINABLE_FLAGS or rx.flags & regex.IGNORECASE:
        return rx
    fast = standard_engine(rx.pattern if rx.flags == DEFAULT_FLAGS else scoped(rx.pattern, rx.flags))
    return fast if fast is not None and fast.groupindex == rx.groupindex else rx


def reach(rx: regex.Pattern) -> int | None:
    """How far past its start a match attempt of ``rx`` may read; None when that is not known
    (a repeat without bound, a pattern that can match nothing, syntax the standard library's
    parser cannot read, ignorecase)."""
    if rx.flags & regex.IGNORECASE:
        return None  # full case folding may match more characters than the pattern spells
    try:
        w = _width(_sre_parse.parse(rx.pattern))
    except Exception:  # noqa: BLE001 - any failure just means "not known"
        return None
    return None if w is None or w[0] == 0 else w[1] + 2


def _width(items: Any) -> tuple[int, int] | None:
    """(fewest, most) characters a parsed pattern reads from where it starts, lookarounds counted
    as if they consumed (an upper bound); None when unbounded or unknown."""
    lo = hi = 0
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY"):
            lo, hi = lo + 1, hi + 1
            continue
        if name == "AT":
            hi += 1  # \b and the like peek at the next character
            continue
        if name == "BRANCH":
            parts = [_width(b) for b in av[1]]
        elif name == "SUBPATTERN":
            parts = [_width(av[-1])]
        elif name == "ATOMIC_GROUP":
            parts = [_width(av)]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            w = _width(sub)
            if w is None or high > 65535:
                return None
            parts = [(low * w[0], high * w[1])]
        elif name in ("ASSERT", "ASSERT_NOT"):
            w = _width(av[1])
            parts = None if w is None else [(0, w[1])]
        elif name == "GROUPREF_EXISTS":
            parts = [_width(av[1]), _width(av[2]) if av[2] is not None else (0, 0)]
        else:
            return None
        if parts is None or any(w is None for w in parts):
            return None
        lo += min(w[0] for w in parts)
        hi += max(w[1] for w in parts)
    return lo, hi
