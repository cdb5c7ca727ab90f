"""The atheris harness runs by hand; in CI it only has to import and skip cleanly without atheris,
and its check must accept every seed it would start from."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def test_the_harness_exits_cleanly_when_atheris_is_absent() -> None:
    pytest.importorskip("policy_extract")
    try:
        import atheris  # noqa: F401
    except ImportError:
        done = subprocess.run([sys.executable, str(HERE / "fuzz_extract.py")], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0 and "pip install atheris" in done.stderr
    else:
        pytest.skip("atheris is installed: run the harness by hand")


def test_the_harness_check_accepts_the_hand_made_seeds() -> None:
    sys.path.insert(0, str(HERE))
    from fuzz_extract import check
    from inputs import HANDMADE

    for text in HANDMADE.values():
        check(text)
