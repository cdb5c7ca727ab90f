"""The policy-extract command: every command has --help; extract writes json, jsonl, csv, html and
summary; batch, eval and schema run end to end (serve is tested through the app in test_service)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from policy_extract import PolicyDocument
from policy_extract.cli import main

PLAN = "第一章 发展目标\n到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。\n"


@pytest.fixture()
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode("gb18030"))
    return path


@pytest.mark.parametrize("command", [[], ["extract"], ["batch"], ["serve"], ["eval"], ["schema"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: policy-extract" in capsys.readouterr().out


def test_extract_json(plan: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["extract", str(plan), "--doc-date", "2021-06-30"]) == 0
    doc = PolicyDocument.model_validate_json(capsys.readouterr().out)
    assert doc.text_length == len(PLAN) and doc.meta.doc_date.isoformat() == "2021-06-30"


def test_extract_several_files_as_json_is_one_valid_list(plan: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    other = tmp_path / "other.txt"
    other.write_text(PLAN, encoding="utf-8")
    assert main(["extract", str(plan), str(other)]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [Path(i["path"]).name for i in items] == ["plan.txt", "other.txt"]


def test_extract_jsonl(plan: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["extract", str(plan), "--format", "jsonl"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["path"] == str(plan) and line["encoding"] == "gb18030"
    PolicyDocument.model_validate(line["document"])


def test_extract_csv(plan: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["extract", str(plan), "--format", "csv"]) == 0
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert {"record_type", "span_start", "span_end", "quote", "indicator", "value"} <= set(reader.fieldnames or [])
    for row in reader:
        assert PLAN[int(row["span_start"]):int(row["span_end"])] == row["quote"]


def test_extract_html_to_a_file(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    assert main(["extract", str(plan), "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "发展目标" in page


def test_extract_html_of_several_files_into_a_folder(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(PLAN, encoding="utf-8")
    assert main(["extract", str(plan), str(other), "--format", "html"]) == 2  # needs -o FOLDER
    assert main(["extract", str(plan), str(other), "--format", "html", "-o", str(tmp_path / "views")]) == 0
    assert sorted(p.name for p in (tmp_path / "views").iterdir()) == ["other.html", "plan.html"]


def test_extract_summary(plan: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["extract", str(plan), "--format", "summary"]) == 0
    assert capsys.readouterr().out.startswith(f"# {plan}  ({len(PLAN)} characters)")


def test_an_unreadable_file_is_reported_and_the_others_still_come_out(plan: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["extract", str(empty), str(plan), "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert f"{empty}: the file is empty" in captured.err
    assert [json.loads(x)["path"] for x in captured.out.splitlines()] == [str(plan)]


@pytest.mark.parametrize("args", [["extract", "x.txt", "--doc-date", "30/06/2021"],
                                  ["extract", "x.txt", "--format", "xml"],
                                  ["batch", "dir", "-o", "o.jsonl", "--workers", "0"],
                                  ["batch", "dir"]])
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_batch_command(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "broken.docx").write_bytes(b"no zip")
    out = tmp_path / "out" / "batch.jsonl"
    assert main(["batch", str(tmp_path), "-o", str(out), "--workers", "1", "--no-progress"]) == 0
    assert "2 inputs: 1 extracted, 1 errors (1 DocumentReadError), 0 skipped" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "-o", str(out), "--workers", "1", "--no-progress"]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "-o", str(out), "--resume", "--no-progress"]) == 0
    assert "2 skipped" in capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_batch_with_no_inputs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["batch", str(tmp_path / "nothing-*.txt"), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "no input files" in capsys.readouterr().err


def test_schema(capsys: pytest.CaptureFixture) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "PolicyDocument"


def test_installed_entry_point_runs(plan: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "policy_extract", "extract", str(plan), "--format", "summary"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "characters" in done.stdout
