"""The README's Python API example runs as written (an audit found one of its lines failing:
it forbade store 'S001', which Raufoss does not have)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO


def _python_blocks_of(section: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.DOTALL)


def test_the_python_api_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example, *_) = _python_blocks_of("The Python API")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "parks").symlink_to(REPO / "parks")
    names: dict = {}
    exec(compile(example, "README.md: The Python API", "exec"), names)  # noqa: S102 - our own README
    result, again = names["result"], names["again"]
    assert "L003" in set(result.exchanges["id"]) and "L005" not in set(result.exchanges["id"])
    # read back from the files, which hold 12 significant digits
    pd.testing.assert_frame_equal(again.exchanges, result.exchanges, check_exact=False, rtol=1e-11)
