"""Evaluate: precision, recall and F1 per record type on any corpus in the gold format.

A corpus folder holds ``texts/<doc_id>.txt`` and ``gold/<doc_id>.json`` (see the project's
GOLD_FORMAT.md). The matching rules are the project's scoring rules:

- items are compared as sets of distinct items, matched greedily one to one (each gold item takes
  the best unused prediction);
- targets and statistics: the same value once units are brought to a base (亿元 = 1e8 元, counters
  such as 家/个/项 are one unit, a bare 亿 matches any unit, a fraction matches its per cent), the
  gold year when gold gives one, and indicator similarity ≥ 0.5 (containment, else the Dice
  coefficient of character bigrams, after dropping a leading 全区/全市/我市 ...); "loose" drops the
  year and similarity conditions;
- projects, parks and enterprises: names equal after removing spaces and punctuation (and a
  trailing 等); an entity's ``text`` and each of its ``aliases`` count as surface forms;
- deadlines: texts that contain one another or are similar, with the gold start and end years.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

FIELDS = ("targets", "statistics", "projects", "parks", "enterprises", "deadlines")

# ---------------------------------------------------------------- normalising text, names, units
_STRIP = re.compile(r"[\s" + re.escape("“”\"'‘’「」『』《》〈〉()（）[]【】、，,。.;；:：·・-—–_~") + "]+")
_PLACE_PREFIX = re.compile("^(?:全区|全市|全省|高新区|济南高新区|我区|我市|区内|园区)")
_MAGNITUDES = (("万亿", 1e12), ("千亿", 1e11), ("百亿", 1e10), ("亿", 1e8), ("千万", 1e7), ("百万", 1e6),
               ("万", 1e4), ("千", 1e3), ("百", 1e2))
_COUNTER_UNITS = frozenset("家个所项座处户条只款件台套支名人位次")
ANY_UNIT = "*"


def clean(text: str | None) -> str:
    """Text without spaces and punctuation (full-width brackets count as punctuation)."""
    return _STRIP.sub("", text or "").strip()


def clean_name(name: str | None) -> str:
    s = clean(name)
    return s[:-1] if len(s) > 2 and s.endswith("等") else s


def base_unit(unit: str | None) -> tuple[float, str]:
    """(multiplier, base): 亿元 → (1e8, 元); % → (1, %); 个百分点 → (1, pp); 家/个/人 → (1, #);
    a bare magnitude (亿, 个亿) → (1e8, *), which matches any base."""
    u = clean(unit).replace("％", "%").replace("百分之", "%")
    if u in ("", "none", "null"):
        return 1.0, ""
    if u == "%":
        return 1.0, "%"
    if u in ("个百分点", "百分点"):
        return 1.0, "pp"
    if len(u) > 1 and u[0] == "个" and u[1] in "万亿千百":
        u = u[1:]
    factor = 1.0
    for prefix, value in _MAGNITUDES:
        if u.startswith(prefix):
            factor, u = value, u[len(prefix):]
            break
    u = u.lstrip("余多")
    if factor != 1.0 and not u:
        return factor, ANY_UNIT
    return factor, "#" if u in _COUNTER_UNITS else u


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def same_amount(gold: dict, pred: dict) -> bool:
    """The same quantity once both are expressed in base units."""
    gv, pv = _number(gold.get("value")), _number(pred.get("value"))
    if gv is None or pv is None:
        return False
    (gf, gu), (pf, pu) = base_unit(gold.get("unit")), base_unit(pred.get("unit"))
    if {gu, pu} == {"", "%"}:  # 0.125 and 12.5%
        if gu == "":
            gf, gu = gf * 100, "%"
        else:
            pf, pu = pf * 100, "%"
    if gu != pu and ANY_UNIT not in (gu, pu):
        return False
    a, b = gv * gf, pv * pf
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _pairs(s: str) -> set[str]:
    if len(s) < 2:
        return {s} if s else set()
    return {s[i:i + 2] for i in range(len(s) - 1)}


def similarity(a: str | None, b: str | None) -> float:
    """1.0 when one contains the other, else the Dice coefficient of character bigrams."""
    x, y = _PLACE_PREFIX.sub("", clean(a)), _PLACE_PREFIX.sub("", clean(b))
    if not (x and y):
        return 0.0
    if x in y or y in x:
        return 1.0
    px, py = _pairs(x), _pairs(y)
    return 2 * len(px & py) / (len(px) + len(py))


def year(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    m = re.match(r"\d{4}", str(value))
    return int(m.group()) if m else None


# ---------------------------------------------------------------- matching
Scorer = Callable[[Any, Any], "float | None"]


@dataclasses.dataclass
class Match:
    gold: int
    pred: int
    tp: int
    missed: list = dataclasses.field(default_factory=list)
    spurious: list = dataclasses.field(default_factory=list)
    tp_loose: int | None = None


def greedy_match(gold: Sequence, pred: Sequence, score: Scorer) -> Match:
    """Each gold item, in order, takes the unused prediction it scores best with (first on ties)."""
    taken: set[int] = set()
    missed = []
    for g in gold:
        choice, best = None, None
        for j, p in enumerate(pred):
            if j in taken:
                continue
            s = score(g, p)
            if s is not None and (best is None or s > best):
                choice, best = j, s
        if choice is None:
            missed.append(g)
        else:
            taken.add(choice)
    spurious = [p for j, p in enumerate(pred) if j not in taken]
    return Match(len(gold), len(pred), len(gold) - len(missed), missed, spurious)


def quantity_scorer(strict: bool) -> Scorer:
    def score(g: dict, p: dict) -> float | None:
        if not same_amount(g, p):
            return None
        sim = similarity(g.get("indicator"), p.get("indicator"))
        if not strict:
            return sim
        if g.get("year") is not None and year(p.get("year")) != int(g["year"]):
            return None
        return sim if sim >= 0.5 else None
    return score


def name_scorer(g: str, p: str) -> float | None:
    return 1.0 if clean_name(g) == clean_name(p) else None


def deadline_scorer(g: dict, p: dict) -> float | None:
    gt, pt = clean(g.get("text")), clean(p.get("text"))
    if not (gt and pt):
        return None
    sim = similarity(gt, pt)
    if not (gt in pt or pt in gt or sim >= 0.5):
        return None
    for end in ("start", "end"):
        gy = year(g.get(end))
        if gy is not None and year(p.get(end)) != gy:
            return None
    return sim


def distinct_quantities(items: Iterable[dict]) -> list[dict]:
    """One item per (indicator, value in base units, base unit, year)."""
    out: dict[tuple, dict] = {}
    for it in items:
        factor, unit = base_unit(it.get("unit"))
        value = _number(it.get("value"))
        key = (clean(it.get("indicator")), None if value is None else round(value * factor, 6), unit,
               year(it.get("year")))
        out.setdefault(key, it)
    return list(out.values())


def distinct_names(names: Iterable[str | None]) -> list[str]:
    out: dict[str, str] = {}
    for n in names:
        key = clean_name(n)
        if key:
            out.setdefault(key, n)  # type: ignore[arg-type]
    return list(out.values())


def distinct_deadlines(items: Iterable[dict]) -> list[dict]:
    out: dict[tuple, dict] = {}
    for it in items:
        out.setdefault((clean(it.get("text")), year(it.get("start")), year(it.get("end"))), it)
    return list(out.values())


# ---------------------------------------------------------------- documents
def prediction_of(document: Any) -> dict[str, list]:
    """The scored view of a PolicyDocument (or its JSON form)."""
    d = document.model_dump(mode="json") if hasattr(document, "model_dump") else dict(document)
    entities = d.get("entities") or []

    def forms(label: str) -> list[str]:
        out: list[str] = []
        for e in entities:
            if e.get("label") != label:
                continue
            out.append(e.get("text"))
            for a in e.get("aliases") or []:
                out.append(a if isinstance(a, str) else (a or {}).get("text"))
        return [x for x in out if x]

    return {"targets": d.get("targets") or [], "statistics": d.get("statistics") or [],
            "projects": [p.get("name") for p in d.get("projects") or []],
            "parks": forms("park"), "enterprises": forms("enterprise"), "deadlines": d.get("deadlines") or []}


def score_document(gold: dict, pred: dict[str, list]) -> dict[str, Match]:
    """Matches per field between one gold file and one prediction (see :func:`prediction_of`)."""
    out: dict[str, Match] = {}
    for field in ("targets", "statistics"):
        g, p = distinct_quantities(gold.get(field) or []), distinct_quantities(pred.get(field) or [])
        m = greedy_match(g, p, quantity_scorer(strict=True))
        m.tp_loose = greedy_match(g, p, quantity_scorer(strict=False)).tp
        out[field] = m
    gold_projects = (x["name"] if isinstance(x, dict) else x for x in gold.get("projects") or [])
    out["projects"] = greedy_match(distinct_names(gold_projects), distinct_names(pred.get("projects") or []),
                                   name_scorer)
    for field in ("parks", "enterprises"):
        out[field] = greedy_match(distinct_names(gold.get(field) or []), distinct_names(pred.get(field) or []),
                                  name_scorer)
    out["deadlines"] = greedy_match(list(gold.get("deadlines") or []),
                                    distinct_deadlines(pred.get("deadlines") or []), deadline_scorer)
    return out


def prf(tp: int, gold: int, pred: int) -> tuple[float, float, float]:
    """Precision, recall, F1; nothing predicted and nothing expected counts as perfect."""
    precision = tp / pred if pred else float(gold == 0)
    recall = tp / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclasses.dataclass
class FieldScore:
    gold: int = 0
    pred: int = 0
    tp: int = 0
    tp_loose: int = 0

    @property
    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp, self.gold, self.pred)

    @property
    def f1_loose(self) -> float:
        return prf(self.tp_loose, self.gold, self.pred)[2]


@dataclasses.dataclass
class DocumentScore:
    doc_id: str
    matches: dict[str, Match]
    seconds: float
    chars: int
    error: str | None = None


@dataclasses.dataclass
class Report:
    documents: list[DocumentScore]

    @property
    def totals(self) -> dict[str, FieldScore]:
        out = {f: FieldScore() for f in FIELDS}
        for d in self.documents:
            for f, m in d.matches.items():
                t = out[f]
                t.gold += m.gold
                t.pred += m.pred
                t.tp += m.tp
                t.tp_loose += m.tp if m.tp_loose is None else m.tp_loose
        return out

    @property
    def macro_f1(self) -> float:
        return sum(t.prf[2] for t in self.totals.values()) / len(FIELDS)

    @property
    def chars_per_second(self) -> float:
        seconds = sum(d.seconds for d in self.documents)
        return sum(d.chars for d in self.documents) / seconds if seconds else 0.0

    def as_dict(self) -> dict:
        out: dict[str, Any] = {}
        for f, t in self.totals.items():
            p, r, f1 = t.prf
            out[f] = {"P": round(p, 4), "R": round(r, 4), "F1": round(f1, 4), "F1_loose": round(t.f1_loose, 4),
                      "gold": t.gold, "pred": t.pred, "tp": t.tp, "tp_loose": t.tp_loose}
        out["macro_F1"] = round(self.macro_f1, 4)
        out["chars_per_s"] = round(self.chars_per_second)
        out["documents"] = len(self.documents)
        out["crashes"] = [f"{d.doc_id}: {d.error}" for d in self.documents if d.error]
        return out

    def text(self, *, per_document: bool = True, misses: str | None = None) -> str:
        lines = []
        if per_document:
            for d in self.documents:
                cells = "  ".join(f"{f[:5]} {m.tp}/{m.gold}g/{m.pred}p" for f, m in d.matches.items())
                lines.append(f"{d.doc_id:24s} {cells}" + (f"  CRASH {d.error}" if d.error else ""))
                if misses:
                    m = d.matches[misses]
                    lines += ["   MISSED   " + json.dumps(x, ensure_ascii=False)[:200] for x in m.missed]
                    lines += ["   SPURIOUS " + json.dumps(x, ensure_ascii=False)[:200] for x in m.spurious]
            lines.append("")
        lines.append(f"{'field':12s} {'gold':>5s} {'pred':>5s} {'tp':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}  loose-F1")
        for f, t in self.totals.items():
            p, r, f1 = t.prf
            lines.append(f"{f:12s} {t.gold:5d} {t.pred:5d} {t.tp:5d} {p:6.3f} {r:6.3f} {f1:6.3f}  {t.f1_loose:6.3f}")
        lines.append(f"macro-F1 {self.macro_f1:.3f}  docs {len(self.documents)}  "
                     f"chars {sum(d.chars for d in self.documents)}  extract() {self.chars_per_second:,.0f} chars/s")
        return "\n".join(lines)


def evaluate(corpus: str | Path, *, extract_fn: Callable[..., Any] | None = None, doc: str | None = None,
             **options: Any) -> Report:
    """Score ``extract_fn`` (default: ``policy_extract.extract`` with ``options``) on a corpus folder."""
    from .errors import InputError

    folder = Path(corpus)
    gold_dir, text_dir = folder / "gold", folder / "texts"
    if not gold_dir.is_dir() or not text_dir.is_dir():
        raise InputError(f"{folder} is not a corpus folder: it needs gold/<doc_id>.json and texts/<doc_id>.txt")
    if extract_fn is None:
        from . import extract

        def extract_fn(text: str, **kw: Any) -> Any:
            return extract(text, **kw, **options)
    docs = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        if doc and gold_path.stem != doc:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (text_dir / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        kwargs = {"doc_date": dt.date.fromisoformat(gold["doc_date"])} if gold.get("doc_date") else {}
        error = None
        start = time.perf_counter()
        try:
            pred = prediction_of(extract_fn(text, **kwargs))
            seconds = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - a crash scores zero for the document
            pred, seconds, error = {f: [] for f in FIELDS}, 0.0, f"{type(exc).__name__}: {exc}"
        docs.append(DocumentScore(gold_path.stem, score_document(gold, pred), seconds, len(text), error))
    return Report(docs)
