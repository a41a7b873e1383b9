"""The run history: records, the previous run of a park and scenario, runs at the same time."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from symbiosis.cli import cli
from symbiosis.report.history import History, Run, default_path

WRITES = 40


def _run(park: str = "Park", scenario: str = "", status: str = "optimal", **values) -> Run:
    values = {"fingerprint": "abc", "total_cost": 1.0, "saving": 5.0} | values
    return Run(park=park, scenario=scenario, time="2025-01-01T06:00:00+01:00", status=status, **values)


def _write_many(path: str, writer: int, start) -> None:
    """One of two processes recording at the same time."""
    start.wait()
    history = History(path)
    for i in range(WRITES):
        history.record(_run(park=f"writer {writer}", fingerprint=str(i)))


def test_record_and_list_newest_first(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    first = history.record(_run(fingerprint="one"))
    second = history.record(_run(fingerprint="two"))
    assert second > first
    assert [r.fingerprint for r in history.runs("Park")] == ["two", "one"]
    assert history.runs("Other") == []
    assert list(history.table("Park")["fingerprint"]) == ["two", "one"]


def test_previous_is_the_same_park_and_scenario_with_a_result(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "result.json").write_text("{}")
    wanted = history.record(_run(result_path=str(kept)))
    history.record(_run(scenario="high_carbon_price", result_path=str(kept)))
    history.record(_run(park="Another park", result_path=str(kept)))
    history.record(_run(status="infeasible", total_cost=None, result_path=str(kept)))  # no solution
    history.record(_run(result_path=str(tmp_path / "deleted")))  # result files gone
    assert history.previous("Park", "").id == wanted
    assert history.previous("Park", "high_carbon_price").scenario == "high_carbon_price"
    assert history.previous("Nobody", "") is None


def test_two_processes_recording_at_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    History(path)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=_write_many, args=(str(path), n, start)) for n in (1, 2)]
    for w in writers:
        w.start()
    start.set()
    for w in writers:
        w.join(timeout=120)
        assert w.exitcode == 0
    history = History(path)
    assert len(history.runs("writer 1")) == len(history.runs("writer 2")) == WRITES
    assert history.integrity() == "ok"
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_history_command_lists_runs(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "park"
    history = History(default_path(out))
    history.record(_run(park="Raufoss industripark", fingerprint="0123456789abcdef"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out)])
    assert listed.exit_code == 0, listed.output
    assert "01234567" in listed.output and "optimal" in listed.output
    from_folder = runner.invoke(cli, ["history", str(Path(__file__).parent.parent / "parks" / "raufoss"),
                                      "--history", str(default_path(out)), "--json"])
    if (Path(__file__).parent.parent / "parks" / "raufoss" / "park.yaml").is_file():
        assert from_folder.exit_code == 0, from_folder.output
    missing = runner.invoke(cli, ["history", "x", "--history", str(tmp_path / "nothing.sqlite")])
    assert missing.exit_code == 2 and "no run history" in missing.output
    nowhere = runner.invoke(cli, ["history", "x"])
    assert nowhere.exit_code == 2
