"""Stage 3, segment: a ``Segmenter`` protocol and backends chosen by name.

Backends are imported lazily (like spaCy's Chinese tokenizer) and say how to install
themselves when missing:

``jieba-rs`` (default; also called ``rjieba``)
    jieba-rs through ``rjieba``: jieba's dictionary and POS tag set, its own ``rjieba.Jieba()``
    instance, 10-20x faster than jieba.posseg. Where rjieba cannot be imported the default is
    ``jieba``;
``jieba``
    jieba with part-of-speech tags, its own ``Tokenizer`` instance (never the global one);
``pkuseg``
    ``spacy_pkuseg`` loading a model from a local folder (``model=PATH``). Its pretrained models
    are downloaded from the internet on first use; here, give a path;
``char``
    one token per character: no dependency, useful as a baseline.

Every backend adds the domain dictionary of ``patterns/dictionary.yaml`` and the user's
dictionary file (one word per line, optionally ``word freq pos`` as in jieba).

Segmentation is only run where an extractor asks for tokens (``Doc.tokens``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Protocol, runtime_checkable

from .errors import BackendUnavailable, ConfigError
from .memo import BoundedMemo
from .patterns import PatternSet


class Token(NamedTuple):
    """A word of a segmenter (a named tuple: cheap to make, as segmenters make many)."""

    text: str
    start: int
    end: int
    pos: str | None = None

    def shifted(self, offset: int) -> "Token":
        return Token(self.text, self.start + offset, self.end + offset, self.pos)


@runtime_checkable
class Segmenter(Protocol):
    name: str

    def cut(self, text: str) -> list[Token]:
        """Tokens covering ``text`` in order, with offsets into ``text``."""
        ...


def words_of(segmenter: Segmenter, text: str) -> list[Token]:
    """Word boundaries without POS tags where the backend can give them more cheaply."""
    words = getattr(segmenter, "words", None)
    return words(text) if words is not None else segmenter.cut(text)


def _tokens_from_words(words: Iterable[str], pos: Iterable[str | None] | None = None) -> list[Token]:
    out, i = [], 0
    tags = iter(pos) if pos is not None else None
    for w in words:
        tag = next(tags) if tags is not None else None
        out.append(Token(w, i, i + len(w), tag))
        i += len(w)
    return out


@dataclass(frozen=True)
class DictionaryWord:
    word: str
    freq: int | None = None
    pos: str | None = None


def domain_words(patterns: PatternSet, user_dict: str | Path | None = None) -> list[DictionaryWord]:
    """The built-in domain dictionary plus the user's dictionary file."""
    out = [
        DictionaryWord(str(e["word"]), e.get("freq"), e.get("pos"))
        for e in patterns.entries("dictionary")
    ]
    for pos, words in patterns.file("dictionary").words.items():
        out.extend(DictionaryWord(w, None, pos) for w in words)
    if user_dict is not None:
        path = Path(user_dict)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"user dictionary {path}: {exc}") from exc
        for line in lines:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            pos = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            out.append(DictionaryWord(parts[0], freq, pos))
    return out


class CharSegmenter:
    name = "char"

    def __init__(self, words: list[DictionaryWord] | None = None) -> None:
        pass

    def cut(self, text: str) -> list[Token]:
        return [Token(c, i, i + 1) for i, c in enumerate(text)]


class JiebaSegmenter:
    """jieba with POS tags; a private Tokenizer so user words never leak between pipelines."""

    name = "jieba"

    def __init__(self, words: list[DictionaryWord] | None = None, pos: bool = True) -> None:
        try:
            import jieba
            import jieba.posseg
        except ImportError as exc:  # pragma: no cover - jieba is a core dependency
            raise BackendUnavailable("jieba is not installed: pip install jieba") from exc
        jieba.setLogLevel(60)
        self._tokenizer = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._words = words or []
        self._ready = False
        self._pos = pos
        self._posseg_cls = jieba.posseg.POSTokenizer

    def _init(self) -> None:
        with self._lock:
            if self._ready:
                return
            self._tokenizer.initialize()
            for w in self._words:
                self._tokenizer.add_word(w.word, w.freq, w.pos)
            self._posseg = _posseg_for(self._tokenizer, self._posseg_cls)
            for w in self._words:  # posseg keeps its own word->tag table
                if w.pos:
                    self._posseg.word_tag_tab[w.word] = w.pos
            _memoise_unknown_runs(self._posseg)
            self._ready = True

    def words(self, text: str) -> list[Token]:
        """Word boundaries only (no POS tagging: several times cheaper)."""
        if not self._ready:
            self._init()
        return _tokens_from_words(self._tokenizer.cut(text, HMM=True))

    def cut(self, text: str) -> list[Token]:
        if not self._ready:
            self._init()
        if self._pos:
            pairs = list(self._posseg.cut(text, HMM=True))
            return _tokens_from_words([p.word for p in pairs], [p.flag for p in pairs])
        return _tokens_from_words(self._tokenizer.cut(text, HMM=True))


def _posseg_for(tokenizer, cls):
    """A POSTokenizer over our private ``tokenizer``. jieba reads its word->tag table from
    dict.txt (~0.4 s) in every POSTokenizer, and once already when ``jieba.posseg`` is
    imported; with jieba's own dictionary we copy that table instead of reading it again
    (half of the cold start)."""
    import jieba.posseg

    shared = getattr(jieba.posseg, "dt", None)
    table = getattr(shared, "word_tag_tab", None)
    if table is None or getattr(shared.tokenizer, "dictionary", None) != tokenizer.dictionary:
        return cls(tokenizer)
    posseg = cls.__new__(cls)
    posseg.tokenizer = tokenizer
    posseg.word_tag_tab = dict(table)  # a copy: our domain words must not reach jieba's global
    return posseg


_HMM_CACHE_SIZE = 20_000
_NEG_INF = float("-inf")
_MIN_FLOAT = -3.14e100  # jieba's floor for an unseen emission


def _memoise_unknown_runs(posseg) -> None:
    """Tag runs of unknown characters faster, with exactly jieba's answers.

    posseg tags a run of characters its dictionary does not know (章锦, 科创城) with a Viterbi
    pass over ~250 joint word/POS states; that pass is most of the cost of POS segmentation.
    Two things make it cheaper without changing a single tag: :func:`_viterbi` looks only at
    the states that can precede each state (jieba's loop tries every previous state), and the
    answer is kept per run in a bounded table (every window cut around a name holds the name).
    """
    if not hasattr(posseg, "_POSTokenizer__cut"):  # pragma: no cover - another jieba version
        return
    from jieba.posseg import pair

    tagger = _unknown_run_tagger()
    posseg._POSTokenizer__cut = lambda sentence: iter([pair(w, t) for w, t in tagger(sentence)])


_TAGGER: list = []
_TAGGER_LOCK = threading.Lock()


def _posseg_tables() -> tuple:
    """jieba.posseg's HMM tables (start, transition, emission, character->states), read from
    its modules without importing ``jieba.posseg`` itself where it is not loaded yet (that
    import reads jieba's whole word->tag table, ~0.25 s)."""
    import sys

    loaded = sys.modules.get("jieba.posseg")
    if loaded is not None:
        return loaded.start_P, loaded.trans_P, loaded.emit_P, loaded.char_state_tab_P
    import importlib.util

    import jieba

    folder = Path(jieba.__file__).parent / "posseg"
    out = []
    for mod, attr in (("prob_start", "P"), ("prob_trans", "P"), ("prob_emit", "P"),
                      ("char_state_tab", "P")):
        spec = importlib.util.spec_from_file_location(f"_policy_extract_posseg_{mod}", folder / f"{mod}.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        out.append(getattr(module, attr))
    return tuple(out)


def _unknown_run_tagger() -> Callable[[str], list[tuple[str, str]]]:
    """jieba.posseg's tagging of a run of Han characters its dictionary does not know (its
    joint word/POS HMM: 以|汉峪金 as p + nr), as ``(word, tag)`` pairs; built once per process,
    answers kept per run in a bounded table."""
    if _TAGGER:
        return _TAGGER[0]
    with _TAGGER_LOCK:
        if _TAGGER:
            return _TAGGER[0]
        start_P, trans_P, emit_P, char_state_tab_P = _posseg_tables()
        into: dict = {}
        for y0, nexts in trans_P.items():
            for y, p in nexts.items():
                into.setdefault(y, {})[y0] = p
        cache: BoundedMemo[str, list] = BoundedMemo(_HMM_CACHE_SIZE)
        dense = _DenseViterbi.build(start_P, trans_P, emit_P, char_state_tab_P)

        def tag(sentence: str) -> list:
            route = dense.viterbi(sentence) if dense is not None and len(sentence) > 1 else None
            if route is None:
                route = _viterbi(sentence, char_state_tab_P, start_P, trans_P, emit_P, into)
            out, begin, nexti = [], 0, 0
            for i, char in enumerate(sentence):  # as jieba's POSTokenizer.__cut
                b = route[i][0]
                if b == "B":
                    begin = i
                elif b == "E":
                    out.append((sentence[begin:i + 1], route[i][1]))
                    nexti = i + 1
                elif b == "S":
                    out.append((char, route[i][1]))
                    nexti = i + 1
            if nexti < len(sentence):
                out.append((sentence[nexti:], route[nexti][1]))
            return out

        def cut(sentence: str) -> list:
            hit = cache.get(sentence)
            if hit is None:
                hit = cache.keep(sentence, tag(sentence))
            return hit

        _TAGGER.append(cut)
    return cut


def _viterbi(obs: str, states: dict, start_p: dict, trans_p: dict, emit_p: dict, into: dict) -> list:
    """jieba.posseg.viterbi's best route, found by trying for each state only the previous
    states that have a transition into it (``into``). Where none of them has a finite score,
    jieba's own expression over all previous states decides, so ties and dead ends come out
    as in jieba."""
    all_states = trans_p.keys()
    succ = into.get(_SUCC)
    if succ is None:  # set-ups derived from jieba's tables, kept with ``into``
        succ = into[_SUCC] = {x: frozenset(nexts) for x, nexts in trans_p.items()}
        into[_CHAR_STATES] = {}
    char_states = into[_CHAR_STATES]
    c = obs[0]
    V = {y: start_p[y] + emit_p[y].get(c, _MIN_FLOAT) for y in states.get(c, all_states)}
    paths: list[dict] = [dict.fromkeys(V, "")]
    for t in range(1, len(obs)):
        c = obs[t]
        prev = [x for x in V if trans_p[x]]
        expect = set().union(*[succ[x] for x in prev])
        allowed = char_states.get(c)
        if allowed is None:
            allowed = char_states[c] = frozenset(states.get(c, all_states))
        now = allowed & expect
        if not now:
            now = expect if expect else all_states
        newV: dict = {}
        path: dict = {}
        for y in now:
            em = emit_p[y].get(c, _MIN_FLOAT)
            ry = into.get(y)
            best = None
            if ry:
                cands = [(V[y0] + ry[y0] + em, y0) for y0 in prev if y0 in ry]
                if cands:
                    best = max(cands)
            if best is None or best[0] == _NEG_INF:
                best = max((V[y0] + trans_p[y0].get(y, _NEG_INF) + em, y0) for y0 in prev)
            newV[y], path[y] = best
        V = newV
        paths.append(path)
    _, state = max((V[y], y) for y in paths[-1])
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = paths[i][state]
    return route


class _DenseViterbi:
    """:func:`_viterbi` with numpy: each step's scores are one (current × previous states)
    matrix of jieba's log-probabilities, summed in jieba's order ((V + transition) + emission;
    float addition is commutative, so transition + V is the same float), so the numbers are the
    same floats. States are numbered in descending order, so that ``argmax`` (the first
    maximum) picks what ``max`` over ``(score, state)`` tuples picks on a tie: the greater
    state. The same route as :func:`_viterbi`, 3-5x faster on unknown characters (which may be
    in any of ~250 states).

    Most runs are short (two or three characters: a name, or a function word and a name), and
    on matrices of a few hundred numbers each numpy call costs more than its arithmetic; so
    what a step needs of a character is made once, and a step is four to six numpy calls (see
    :meth:`viterbi`)."""

    def __init__(self, np, start_p: dict, trans_p: dict, emit_p: dict, states: dict) -> None:
        self.np = np
        self.names = sorted(trans_p, reverse=True)
        index = {y: i for i, y in enumerate(self.names)}
        n = len(self.names)
        trans = np.full((n, n), -np.inf)
        for y0, nexts in trans_p.items():
            for y, prob in nexts.items():
                trans[index[y0], index[y]] = prob
        # the transitions (current × previous) as one flat array: a step's block is one take
        # at (current state × n + previous state), and a state's candidates are a row
        self._into = np.ascontiguousarray(trans.T).ravel()
        self.start = np.array([start_p.get(y, -np.inf) for y in self.names])
        self._emit_by_number = [emit_p[y] for y in self.names]
        self.all_states = np.arange(n)
        self._all_offsets = (self.all_states * n)[:, None]
        # characters outside jieba's tables, as they are met (4 kB each)
        self._emission: BoundedMemo[str, tuple] = BoundedMemo(4_000)
        # every character of jieba's char_state_tab, made once per process (~6,600 characters):
        # its states as ascending numbers, where their rows begin in ``_into`` (a column), its
        # emissions in them (a column, added to a step's rows) and its scores as a run's first
        # character (start + emission); views into flat arrays, so a few numpy calls in all
        chars = list(states)
        numbers = [sorted([index[y] for y in states[c]]) for c in chars]
        flat = np.array([i for at in numbers for i in at], dtype=np.intp)
        emission = np.array([self._emit_by_number[i].get(c, _MIN_FLOAT)
                             for c, at in zip(chars, numbers) for i in at])
        offsets, column, first = (flat * n)[:, None], emission[:, None], self.start[flat] + emission
        self._allowed: dict[str, tuple] = {}
        begin = 0
        for c, at in zip(chars, numbers):
            end = begin + len(at)
            self._allowed[c] = (flat[begin:end], offsets[begin:end], column[begin:end], first[begin:end])
            begin = end

    @classmethod
    def build(cls, start_p: dict, trans_p: dict, emit_p: dict, states: dict) -> "_DenseViterbi | None":
        try:
            import numpy as np
        except ImportError:  # the pure-Python viterbi gives the same routes
            return None
        return cls(np, start_p, trans_p, emit_p, states)

    def _char(self, c: str) -> tuple:
        """What a step needs of character ``c`` (see ``_allowed``); a character outside
        jieba's tables may be in any state (a bounded cache)."""
        got = self._allowed.get(c)
        if got is not None:
            return got
        got = self._emission.get(c)
        if got is None:
            em = self.np.array([e.get(c, _MIN_FLOAT) for e in self._emit_by_number])
            got = self._emission.keep(c, (self.all_states, self._all_offsets, em[:, None], self.start + em))
        return got

    def viterbi(self, obs: str) -> list:
        """The best route through ``obs`` (two characters or more: a single character is never
        an unknown run): every step scores all of a character's states (a state no previous
        state reaches scores -inf and never wins, where :func:`_viterbi` drops it); None where
        no state at all is reachable, for :func:`_viterbi` to decide.

        A step is an index sum, a take and two in-place additions; only the steps before the
        last keep each state's best previous state (``argmax`` along the rows) and its score.
        The last step needs just the best (current, previous) pair: the first maximum of its
        matrix in row order, which is the current state ``max`` picks (the first with the best
        score) and the previous state ``argmax`` would keep for it (its first best). A run of
        two characters is thus one matrix and one ``argmax``."""
        char = self._char
        now, _, _, V = char(obs[0])
        into = self._into
        rows = self.all_states
        last = len(obs) - 1
        backs: list = []
        nows: list = [now]
        for t in range(1, last + 1):
            idx, offsets, emission, _ = char(obs[t])
            scores = into.take(offsets + now)
            scores += V
            scores += emission
            if t < last:
                best = scores.argmax(axis=1)
                backs.append(best)
                V = scores[rows[:len(idx)], best]  # the scores argmax found (cheaper than max)
            nows.append(idx)
            now = idx
        k, previous = divmod(int(scores.argmax()), len(nows[-2]))
        if scores[k, previous] == _NEG_INF:  # no route at all: jieba's own fallbacks decide
            return None  # type: ignore[return-value]
        names = self.names
        route = [None] * len(obs)
        route[last] = names[now[k]]
        k = previous
        for i in range(last - 1, -1, -1):
            route[i] = names[nows[i][k]]
            if i:
                k = backs[i - 1][k]
        return route


_SUCC, _CHAR_STATES = "\0succ", "\0chars"  # keys of ``into`` that are no state (states are tuples)


class JiebaRsSegmenter:
    """jieba-rs through ``rjieba``: jieba's dictionary and tag set, POS tags included, 10-20x
    faster than jieba.posseg. Its own ``rjieba.Jieba()`` instance (never the module's global
    one), so domain and user words never leak between pipelines.

    Tags agree with jieba.posseg on ~97% of tokens; the differences are numbers kept whole with
    their % or unit letters (15%, 5G) and a few splits of unknown words."""

    name = "jieba-rs"

    def __init__(self, words: list[DictionaryWord] | None = None, pos: bool = True) -> None:
        try:
            import rjieba
        except ImportError as exc:
            raise BackendUnavailable(
                "the jieba-rs segmenter needs rjieba: pip install rjieba") from exc
        if not hasattr(rjieba, "Jieba"):  # pragma: no cover - rjieba < 0.2
            raise BackendUnavailable("the jieba-rs segmenter needs rjieba>=0.2.2: pip install -U rjieba")
        self._rjieba = rjieba
        self._words = words or []
        self._pos = pos
        self._lock = threading.Lock()
        self._jieba = None
        # jieba-rs's add_word keeps the tag a word already has in its dictionary (高新区 nr);
        # jieba.posseg takes the added tag (ns): these words are re-tagged after tagging
        self._tags = {w.word: w.pos for w in self._words if w.pos}

    def _init(self):
        with self._lock:
            if self._jieba is None:
                jb = self._rjieba.Jieba()  # ~0.1 s: built on first use, not when configured
                for w in self._words:
                    jb.add_word(w.word, w.freq, w.pos)
                self._jieba = jb
        return self._jieba

    def words(self, text: str) -> list[Token]:
        """Word boundaries only (no POS tagging: several times cheaper)."""
        jb = self._jieba or self._init()
        return _tokens_from_words(jb.cut(text, True))

    def cut(self, text: str) -> list[Token]:
        jb = self._jieba or self._init()
        if not self._pos:
            return _tokens_from_words(jb.cut(text, True))
        # jieba.posseg's own procedure: dictionary words from jieba-rs (no HMM), and runs of
        # single Han characters that are no word tagged by posseg's joint word/POS HMM, which
        # splits off function words (以|汉峪金谷, 由|赫瑞特) where the plain HMM keeps them.
        # The entity stage cuts hundreds of short windows (a few words each), so the loop is
        # lean: tokens made by tuple.__new__ (Token's own __new__ is a Python function, twice
        # the cost), and a run of one character (the most common) emitted here, not in _flush
        tags = self._tags
        token = tuple.__new__
        out: list[Token] = []
        append = out.append
        pairs = jb.tag(text, False)
        i = 0
        first = -1  # where in ``pairs`` the current run of single Han characters begins
        for k, (w, tag) in enumerate(pairs):
            if len(w) == 1 and _HAN_FIRST <= w <= _HAN_LAST:
                if first < 0:
                    first = k
                continue
            if first >= 0:
                if k - first == 1:  # (a one-character domain word keeps jieba's tag)
                    char, char_tag = pairs[first]
                    append(token(Token, (char, i, i + 1, char_tag or "x")))
                    i += 1
                else:
                    i = self._flush(jb, text, i, pairs, first, k, out)
                first = -1
            j = i + len(w)
            if tags:
                tag = tags.get(w, tag)
            append(token(Token, (w, i, j, tag or "x")))  # a word added without a tag: jieba's "x"
            i = j
        if first >= 0:
            self._flush(jb, text, i, pairs, first, len(pairs), out)
        return out

    @staticmethod
    def _flush(jb, text: str, start: int, pairs: list, first: int, stop: int, out: list[Token]) -> int:
        """The run of single Han characters ``pairs[first:stop]`` at ``start`` in ``text``, as
        jieba.posseg tags it; returns where the run ends."""
        end = start + stop - first
        buf = text[start:end]
        token = tuple.__new__
        if end - start == 1 or jb.has_word(buf):
            for w, tag in pairs[first:stop]:  # (a one-character domain word keeps jieba's tag)
                out.append(token(Token, (w, start, start + 1, tag or "x")))
                start += 1
            return end
        for w, tag in _unknown_run_tagger()(buf):
            out.append(token(Token, (w, start, start + len(w), tag)))
            start += len(w)
        return end


_HAN_FIRST, _HAN_LAST = "\u4e00", "\u9fd5"  # jieba's Han range (re_han_detail)


def default_segmenter(words: list[DictionaryWord] | None = None, **options) -> Segmenter:
    """jieba-rs where rjieba can be imported, else jieba (same dictionary and tag set)."""
    try:
        return JiebaRsSegmenter(words, **options)
    except BackendUnavailable:
        return JiebaSegmenter(words, **options)


class PkusegSegmenter:
    """spacy-pkuseg with a model loaded from a local folder (``model=PATH``)."""

    name = "pkuseg"

    def __init__(self, words: list[DictionaryWord] | None = None, model: str | Path | None = None) -> None:
        try:
            import spacy_pkuseg
        except ImportError as exc:
            raise BackendUnavailable(
                "the pkuseg segmenter needs spacy-pkuseg: pip install 'policy_extract[pkuseg]'") from exc
        if model is None:
            raise BackendUnavailable(
                "the pkuseg segmenter needs a model folder (segmenter_options={'model': PATH}); "
                "pretrained pkuseg models are downloaded from the internet, which is not done here")
        path = Path(model)
        if not path.is_dir():
            raise BackendUnavailable(f"pkuseg model folder {path} does not exist")
        user = [w.word for w in words or []]
        try:
            self._seg = spacy_pkuseg.pkuseg(model_name=str(path), user_dict=user or "default")
        except Exception as exc:  # the library raises bare Exceptions on bad models
            raise BackendUnavailable(f"pkuseg could not load the model in {path}: {exc}") from exc

    def cut(self, text: str) -> list[Token]:
        return _tokens_from_words(self._seg.cut(text))


SEGMENTERS: dict[str, Callable[..., Segmenter]] = {
    "default": default_segmenter,
    "jieba-rs": JiebaRsSegmenter,
    "rjieba": JiebaRsSegmenter,  # the former name of jieba-rs
    "jieba": JiebaSegmenter,
    "pkuseg": PkusegSegmenter,
    "char": CharSegmenter,
}


def make_segmenter(name: str | None, patterns: PatternSet, user_dict: str | Path | None = None,
                   **options) -> Segmenter:
    """The backend called ``name``; ``None`` or ``"default"``: jieba-rs, or jieba where rjieba
    is not installed."""
    if name is None:
        name = "default"
    try:
        factory = SEGMENTERS[name]
    except KeyError:
        raise ConfigError(f"unknown segmenter {name!r}; choose one of {sorted(SEGMENTERS)}") from None
    return factory(domain_words(patterns, user_dict), **options)
