"""Shared fixtures. Real documents stay in ../shared; tests that need them skip without it."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DEV = REPO.parent / "shared" / "corpora" / "dev"
PROJECT_CORPORA = REPO / "corpora"


def corpus_docs(folder: Path) -> list[tuple[str, str, dict]]:
    """(doc_id, text, gold) for every gold file of a corpus folder."""
    out = []
    for gold_path in sorted((folder / "gold").glob("*.json")):
        text_path = folder / "texts" / f"{gold_path.stem}.txt"
        out.append((gold_path.stem, text_path.read_text(encoding="utf-8"),
                    json.loads(gold_path.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="session")
def shared_dev() -> Path:
    if not (SHARED_DEV / "gold").is_dir():
        pytest.skip("../shared/corpora/dev is not beside this checkout")
    return SHARED_DEV


@pytest.fixture(scope="session")
def doc_003(shared_dev: Path) -> str:
    return (shared_dev / "texts" / "003_c8c838cd66009828.txt").read_text(encoding="utf-8")


def gold_date(gold: dict) -> dt.date | None:
    return dt.date.fromisoformat(gold["doc_date"]) if gold.get("doc_date") else None
