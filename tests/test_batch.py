"""Batch: one line per input, bad files become error lines, resume never duplicates, a torn last
line is dropped; the same run on a local pool, in-process, and on a Dask LocalCluster."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_extract.batch import find_inputs, process_path, run_batch, scan_output
from policy_extract.errors import ConfigError

PLAN = "第一章 发展目标\n到2025年，全区地区生产总值达到2000亿元，高新技术企业达2500家以上。\n"


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    """A folder of good and bad files, in a subfolder too."""
    folder = tmp_path / "archive"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(PLAN, encoding="utf-8")
    (folder / "b.txt").write_bytes(PLAN.encode("gb18030"))
    (folder / "sub" / "c.html").write_text(f"<html><body><p>{PLAN}</p><script>x()</script></body></html>",
                                           encoding="utf-8")
    (folder / "sub" / "d.txt").write_text(PLAN.replace("2000", "3000"), encoding="utf-16")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>")
    (folder / "notes.bin").write_bytes(b"\x00\x01")  # not a supported suffix: not an input
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.txt").write_text(PLAN, encoding="utf-8")
    return folder


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_inputs_from_a_folder_a_glob_and_a_list(archive: Path) -> None:
    names = [Path(p).name for p in find_inputs(archive)]
    assert names == ["a.txt", "b.txt", "broken.pdf", "empty.txt", "c.html", "d.txt"]
    assert [Path(p).name for p in find_inputs(str(archive / "**" / "*.html"))] == ["c.html"]
    assert len(find_inputs([archive / "a.txt", str(archive / "*.txt"), archive / "a.txt"])) == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_one_line_per_input_and_errors_do_not_stop_the_batch(tmp_path: Path, archive: Path, workers: int) -> None:
    out = tmp_path / "out.jsonl"
    summary = run_batch(archive, out, workers=workers, progress=False)
    lines = _lines(out)
    assert sorted(Path(x["path"]).name for x in lines) == ["a.txt", "b.txt", "broken.pdf", "c.html", "d.txt",
                                                           "empty.txt"]
    by_name = {Path(x["path"]).name: x for x in lines}
    for good in ("a.txt", "b.txt", "c.html", "d.txt"):
        assert "error" not in by_name[good]
        assert by_name[good]["document"]["text_length"] > 0
    assert by_name["b.txt"]["encoding"] == "gb18030" and by_name["c.html"]["format"] == "html"
    assert by_name["empty.txt"]["error"] == {"type": "DocumentReadError", "reason": "the file is empty"}
    assert by_name["broken.pdf"]["error"]["type"] == "DocumentReadError"
    assert (summary.inputs, summary.ok, summary.errors, summary.skipped) == (6, 4, 2, 0)
    assert "6 inputs: 4 extracted, 2 errors" in summary.text()


def test_resume_skips_done_files_and_never_duplicates(tmp_path: Path, archive: Path) -> None:
    out = tmp_path / "out.jsonl"
    files = find_inputs(archive)
    run_batch(files[:2], out, workers=1, progress=False)
    summary = run_batch(archive, out, workers=1, resume=True, progress=False)
    assert (summary.skipped, summary.processed) == (2, 4)
    again = run_batch(archive, out, workers=1, resume=True, progress=False)
    assert (again.skipped, again.processed) == (6, 0)
    paths = [x["path"] for x in _lines(out)]
    assert sorted(paths) == sorted(files) and len(paths) == len(set(paths))


def test_resume_drops_a_torn_last_line(tmp_path: Path, archive: Path) -> None:
    out = tmp_path / "out.jsonl"
    files = find_inputs(archive)
    run_batch(files[:2], out, workers=1, progress=False)
    whole = out.read_bytes()
    torn = process_path(files[2]).encode("utf-8")[:40]  # killed while writing the third line
    out.write_bytes(whole + torn)
    assert scan_output(out) == set(files[:2])
    assert out.read_bytes() == whole  # the torn tail is gone
    run_batch(archive, out, workers=1, resume=True, progress=False)
    paths = [x["path"] for x in _lines(out)]
    assert sorted(paths) == sorted(files)


def test_an_existing_output_is_not_overwritten_by_accident(tmp_path: Path, archive: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_batch(archive / "a.txt", out, workers=1, progress=False)
    with pytest.raises(ConfigError, match="--resume"):
        run_batch(archive, out, workers=1, progress=False)
    run_batch(archive, out, workers=1, overwrite=True, progress=False)
    assert len(_lines(out)) == 6


def test_unknown_engine(tmp_path: Path, archive: Path) -> None:
    with pytest.raises(ConfigError, match="engine"):
        run_batch(archive, tmp_path / "o.jsonl", engine="spark")


def test_parquet_tables_of_the_whole_output(tmp_path: Path, archive: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "out.jsonl"
    run_batch(archive, out, workers=1, progress=False, parquet_dir=tmp_path / "pq")
    documents = pd.read_parquet(tmp_path / "pq" / "documents.parquet")
    assert len(documents) == 6 and documents.error.notna().sum() == 2
    for kind in ("targets", "statistics", "deadlines", "entities", "projects"):
        frame = pd.read_parquet(tmp_path / "pq" / f"{kind}.parquet")
        assert {"path", "span_start", "span_end", "page", "quote"} <= set(frame.columns)
        assert len(frame) == int(documents[kind].fillna(0).sum())


def test_a_pdf_line_carries_its_page_map(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "two_pages.pdf"
    c = canvas.Canvas(str(pdf))
    for words in ("First page of the plan.", "Second page of the plan."):
        c.drawString(72, 750, words)
        c.showPage()
    c.save()
    line = json.loads(process_path(str(pdf)))
    assert line["format"] == "pdf" and line["pages"] == [0, len("First page of the plan.\n")]


def test_dask_engine_on_a_local_cluster(tmp_path: Path, archive: Path) -> None:
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "out.jsonl"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        summary = run_batch(archive, out, engine="dask", scheduler=cluster.scheduler_address, progress=False)
    assert (summary.ok, summary.errors) == (4, 2)
    assert sorted(x["path"] for x in _lines(out)) == sorted(find_inputs(archive))


def test_the_same_documents_from_every_engine(tmp_path: Path, archive: Path) -> None:
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    results = {}
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        for name, kwargs in {"inline": {"workers": 1}, "pool": {"workers": 2},
                             "dask": {"engine": "dask", "scheduler": cluster.scheduler_address}}.items():
            out = tmp_path / f"{name}.jsonl"
            run_batch(archive, out, progress=False, **kwargs)
            results[name] = sorted(out.read_text(encoding="utf-8").splitlines())
    assert results["inline"] == results["pool"] == results["dask"]


def test_a_pool_worker_leaves_what_it_inherited_out_of_garbage_collection(tmp_path: Path, archive: Path) -> None:
    """Each worker of the local pool starts by freezing what it inherited (a full collection
    would walk the warmed Pipeline's objects again and again); the caller's process is left
    as it was."""
    import gc
    import subprocess
    import sys

    code = ("import gc\nfrom policy_extract import extract\nfrom policy_extract.batch import _worker_started\n"
            "extract('济南高新区建设软件园。')\nbefore = gc.get_freeze_count()\n_worker_started()\n"
            "print(before, gc.get_freeze_count(), len(gc.get_objects(generation=2)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, frozen, left = map(int, out.stdout.split())
    assert before == 0 and frozen > 10_000 and left < 100
    caller_frozen = gc.get_freeze_count()
    summary = run_batch(archive, tmp_path / "out.jsonl", workers=2, progress=False)
    assert summary.ok > 0
    assert gc.get_freeze_count() == caller_frozen
