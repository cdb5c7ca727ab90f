"""The built wheel carries patterns/ and works outside the repository."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(out), str(REPO)], capture_output=True, text=True)
    if proc.returncode != 0:
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(REPO)],
                              capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (whl,) = out.glob("policy_extract-*.whl")
    return whl


def test_wheel_contains_every_pattern_file(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("policy_extract/patterns/", 1)[1] for n in names if "policy_extract/patterns/" in n}
    in_repo = {p.relative_to(REPO / "patterns").as_posix() for p in (REPO / "patterns").rglob("*.yaml")}
    assert in_repo and in_repo <= shipped
    assert "policy_extract/py.typed" in names


def test_installed_wheel_extracts_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import policy_extract, pathlib; "
            "d = policy_extract.extract('到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。'); "
            "print(pathlib.Path(policy_extract.__file__).parent.parent); "
            "print([(t.indicator, t.value, t.unit) for t in d.targets])")
    env = dict(os.environ, PYTHONPATH=str(target))
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    where, targets = proc.stdout.strip().splitlines()
    assert Path(where) == target  # the wheel's copy, not the repository's
    assert "('地区生产总值', 2000.0, '亿元')" in targets
