"""The README's first example runs and prints what the README says it prints."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_use_it_example_prints_what_the_readme_shows():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Use it\s+```python\n(.*?)```", text, re.S).group(1)
    runnable = block.split("\ndoc = extract(text, doc_date")[0]  # the rest needs the reader's text
    expected = [line[2:] for line in runnable.splitlines() if line.startswith("# ")]
    code = "\n".join(line for line in runnable.splitlines() if not line.startswith("# "))
    # a bare expression line is shown as the REPL would show it
    code = re.sub(r"^(doc\.targets\[0\]\.base_value.*)$", r"print((\1))", code, flags=re.M)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().splitlines() == expected
