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
    values = {"fingerprint": "abc", "total_cost": 1.0, "saving": 5.0,
              "time": "2025-01-01T06:00:00+01:00"} | values
    return Run(park=park, scenario=scenario, status=status, **values)


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


def _saved_result(tmp_path: Path) -> Path:
    """A folder holding a result (its result.json), as a report leaves it."""
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "result.json").write_text("{}")
    return kept


def test_previous_is_the_same_park_and_scenario_with_a_result(tmp_path: Path) -> None:
    history, kept = History(tmp_path / "h.sqlite"), _saved_result(tmp_path)
    wanted = history.record(_run(result_path=str(kept)))
    history.record(_run(scenario="high_carbon_price", result_path=str(kept)))
    history.record(_run(park="Another park", result_path=str(kept)))
    history.record(_run(status="infeasible", total_cost=None, result_path=str(kept)))  # no solution
    history.record(_run(result_path=str(tmp_path / "deleted")))  # result files gone
    assert history.previous("Park", "").id == wanted
    assert history.previous("Park", "high_carbon_price").scenario == "high_carbon_price"
    assert history.previous("Nobody", "") is None


def test_previous_prefers_runs_from_the_same_park_folder(tmp_path: Path) -> None:
    """A copy of a park folder keeps the park's name: its report compared with the copy's run
    (a consultant's variant) instead of the folder's own. A moved folder still finds its runs."""
    history, kept = History(tmp_path / "h.sqlite"), _saved_result(tmp_path)
    own = history.record(_run(result_path=str(kept), park_path="/parks/tiny"))
    copy = history.record(_run(result_path=str(kept), park_path="/parks/tiny_variant"))
    assert history.previous("Park", "", park_path="/parks/tiny").id == own
    assert history.previous("Park", "", park_path="/parks/tiny_variant").id == copy
    assert history.previous("Park", "", park_path="/elsewhere/tiny").id == copy  # moved: the latest
    assert history.previous("Park", "").id == copy


def test_a_run_for_least_emissions_is_another_series(tmp_path: Path) -> None:
    """A one-off `report --objective emissions` became the baseline of the next scheduled
    (least-cost) report: 7 exchanges added and 27 dropped, and "the park data are unchanged"
    (an audit of the reports). Rows of an older history, without the column, are least-cost
    runs. ``on_or_before`` picks the latest run of the series up to a meeting's date."""
    import sqlite3

    history, kept = History(tmp_path / "h.sqlite"), _saved_result(tmp_path)
    cost = history.record(_run(result_path=str(kept), time="2026-11-02T06:00:00+01:00"))
    emissions = history.record(_run(result_path=str(kept), objective="emissions"))
    assert history.previous("Park", "").id == cost
    assert history.previous("Park", "", objective="emissions").id == emissions
    with sqlite3.connect(history.path) as connection:  # as a history of an older version wrote it
        connection.execute("UPDATE runs SET objective = '' WHERE id = ?", [cost])
    assert history.previous("Park", "").id == cost
    later = history.record(_run(result_path=str(kept), time="2026-12-01T06:00:00+01:00"))
    assert history.previous("Park", "").id == later
    assert history.previous("Park", "", on_or_before="2026-11-30").id == cost
    assert history.previous("Park", "", on_or_before="2026-11-01") is None
    assert history.run(later).time.startswith("2026-12-01") and history.run(999) is None
    assert history.in_folder(kept).id == later


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
    listed = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out)], terminal_width=250)
    assert listed.exit_code == 0, listed.output
    assert "01234567" in listed.output and "optimal" in listed.output
    assert "1 run, newest first" in listed.output  # it said "1 runs"
    # a name the history does not know (the report folder's, not the park's) said "0 runs" only
    unknown = runner.invoke(cli, ["history", "raufoss", "--out", str(out)], terminal_width=250)
    assert "no runs of 'raufoss'" in unknown.output
    assert "it holds runs of Raufoss industripark" in unknown.output
    from_folder = runner.invoke(cli, ["history", str(Path(__file__).parent.parent / "parks" / "raufoss"),
                                      "--history", str(default_path(out)), "--json"])
    if (Path(__file__).parent.parent / "parks" / "raufoss" / "park.yaml").is_file():
        assert from_folder.exit_code == 0, from_folder.output
    # A run with --set shows its overrides, and is compared only with runs of the same ones:
    # the plain run below it has other data but is no "(changed)" of it.
    history.record(_run(park="Raufoss industripark", fingerprint="fedcba9876543210",
                        overrides="park.carbon_price=1800 NOK/t"))
    listed = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out)], terminal_width=250)
    assert "--set park.carbon_price=1800 NOK/t" in listed.output
    assert "(changed)" not in listed.output
    limited = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out), "--limit", "1"],
                            terminal_width=250)
    assert "the newest 1 of 2 runs" in limited.output  # it said "1 runs" of the two
    # a scenario the park has no runs of: said as such (it said the park had no runs, and named it)
    scenario = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out),
                                   "--scenario", "nope"], terminal_width=250)
    assert "with scenario 'nope'" in scenario.output and "(base)" in scenario.output
    assert "it holds runs of" not in scenario.output
    assert "exchanges incl. running" in listed.output  # the count the report splits into 8 and 5
    missing = runner.invoke(cli, ["history", "x", "--history", str(tmp_path / "nothing.sqlite")])
    assert missing.exit_code == 2 and "no run history" in missing.output
    # A run for least emissions is marked, and is no "(changed)" of the least-cost runs; a report
    # folder deleted since is said so (an audit of the reports)
    history.record(_run(park="Raufoss industripark", fingerprint="aaaa000011112222", objective="emissions",
                        result_path=str(tmp_path / "deleted")))
    listed = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out)], terminal_width=250)
    assert "(least emissions)" in listed.output and "(changed)" not in listed.output
    assert "deleted (deleted)" in listed.output
    history.record(_run(park="Raufoss industripark", status="time_limit", total_cost=None, exchanges=0))
    listed = runner.invoke(cli, ["history", "Raufoss industripark", "--out", str(out)], terminal_width=250)
    assert "stopped at the time limit (no answer)" in listed.output
    nowhere = runner.invoke(cli, ["history", "x"])
    assert nowhere.exit_code == 2


OLD_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, park TEXT NOT NULL, scenario TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL DEFAULT '', time TEXT NOT NULL, status TEXT NOT NULL, saving REAL,
    co2_avoided REAL, investment REAL, total_cost REAL, baseline_cost REAL, emissions REAL,
    exchanges INTEGER, gap REAL, currency TEXT NOT NULL DEFAULT '', result_path TEXT NOT NULL DEFAULT '',
    report_path TEXT NOT NULL DEFAULT '', park_path TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_by_park ON runs (park, scenario, id);
INSERT INTO runs (park, time, status, saving, total_cost) VALUES ('Park', '2024-01-01', 'optimal', 7.0, 1.0);
"""


def test_a_history_of_the_version_before_overrides_still_opens(tmp_path: Path) -> None:
    """Runs are now told apart by their --set overrides too (a new column): a database written
    before it opens, gains the column, keeps its runs (as runs without overrides) and records."""
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(OLD_SCHEMA)
    history = History(path)
    (old,) = history.runs("Park")
    assert old.overrides == "" and old.saving == 7.0
    history.record(_run(overrides="park.carbon_price=1800 NOK/t"))
    assert history.previous("Park", "").id == old.id
    assert history.previous("Park", "", "park.carbon_price=1800 NOK/t").id != old.id
    assert History(path).integrity() == "ok"  # opened again: nothing more to add


def test_replacing_a_folder_keeps_the_earlier_figures(tmp_path: Path) -> None:
    """A run written into a folder an earlier run had written (`--name --force`) takes the folder:
    the earlier row keeps its figures but loses its paths, so it is never compared by files that
    are not its own; and a row without a path is not taken as a result in the working folder."""
    history = History(tmp_path / "h.sqlite")
    board = tmp_path / "board"
    board.mkdir()
    (board / "result.json").write_text("{}")
    first = history.record(_run(result_path=str(board), report_path=str(board / "report.html")))
    other = history.record(_run(park="Other", result_path=str(tmp_path / "elsewhere")))
    second = history.record(_run(saving=9.0, result_path=str(board)), replaces=True)
    runs = {r.id: r for r in history.runs()}
    assert runs[first].result_path == runs[first].report_path == "" and runs[first].saving == 5.0
    assert runs[second].result_path == str(board) and runs[other].result_path == str(tmp_path / "elsewhere")
    assert history.previous("Park", "").id == second
    assert history.previous("Park", "", before=second).id == first  # figures only


def test_the_same_data_written_two_ways_is_one_fingerprint_and_one_set_of_overrides() -> None:
    """A monthly report whose --set changed from '300 EUR/t' to '300.0 EUR / t' lost its
    comparison: the fingerprint hashed the text as written, and the history matched the text of
    the overrides. Both are now of the numbers; another number is another run."""
    import symbiosis
    from symbiosis.report.history import overrides_text

    raufoss = Path(__file__).parent.parent / "parks" / "raufoss"
    parks = [symbiosis.load_park(raufoss, overrides={"park.carbon_price": price})
             for price in ("300 EUR/t", "300.0 EUR / t", "3e2 EUR/t", "301 EUR/t")]
    fingerprints = [park.fingerprint for park in parks]
    assert fingerprints[0] == fingerprints[1] == fingerprints[2] != fingerprints[3]
    texts = [overrides_text(dict(park.overrides)) for park in parks]
    assert texts[:3] == ["park.carbon_price=300 EUR/t"] * 3 and texts[3] == "park.carbon_price=301 EUR/t"
    assert overrides_text({"park.routing_factor": 1.0}) == "park.routing_factor=1"


def test_a_value_rewritten_in_other_units_keeps_the_fingerprint() -> None:
    """Raufoss's grid price rewritten from NOK/kWh to NOK/MWh, the discount rate from '7 %' to
    0.07, a distance in m for km: the same data, but another fingerprint, so a report said "the
    park data changed" (an audit of units). Another value is still another fingerprint."""
    import symbiosis

    raufoss = Path(__file__).parent.parent / "parks" / "raufoss"
    base = symbiosis.load_park(raufoss)
    price = base.routes["grid"].price  # NOK/MWh
    alike = {"routes.grid.price": f"{price / 1000!r} NOK/kWh", "park.discount_rate": 0.07}
    assert symbiosis.load_park(raufoss, overrides=alike).fingerprint == \
        symbiosis.load_park(raufoss, overrides={"routes.grid.price": f"{price!r} NOK/MWh",
                                                "park.discount_rate": "7 %"}).fingerprint
    other = symbiosis.load_park(raufoss, overrides={"routes.grid.price": f"{price + 1!r} NOK/MWh"})
    assert other.fingerprint != base.fingerprint
    # A yearly rate written per year, as cost sheets do, is the same share.
    assert symbiosis.load_park(raufoss, overrides={"park.discount_rate": "7 %/year"}).fingerprint == \
        symbiosis.load_park(raufoss, overrides={"park.discount_rate": "7 %"}).fingerprint


def test_a_result_saved_before_the_fingerprint_of_values_is_still_of_its_park(tmp_path: Path) -> None:
    """Since 2026-12-05 the fingerprint hashes values in SI base units; a result saved before
    records the fingerprint of the values as written, and explain, risk, share and report
    --result refused it as "of other park data". The park keeps that fingerprint too
    (``fingerprint_as_written``, as the code of 26d2165 made it) and knows it as its own."""
    import dataclasses

    import symbiosis
    from symbiosis.analysis import ResultMismatch, check_result

    mo = Path(__file__).parent.parent / "parks" / "mo_industripark"
    park = symbiosis.load_park(mo)
    assert park.fingerprint_as_written and park.fingerprint_as_written != park.fingerprint
    result = symbiosis.optimize(park)
    as_written = park.fingerprint_as_written
    older = dataclasses.replace(result, summary={**result.summary, "fingerprint": as_written})
    check_result(park, older)  # no refusal
    assert park.has_fingerprint(park.fingerprint_as_written) and not park.has_fingerprint("")
    other = dataclasses.replace(result, summary={**result.summary, "fingerprint": "0123456789abcdef"})
    try:
        check_result(park, other)
    except ResultMismatch as refused:
        assert "fingerprint" in str(refused)
    else:
        raise AssertionError("a result of other data was taken")


def test_a_tree_of_reports_moved_or_copied_whole_keeps_its_runs_files(tmp_path: Path) -> None:
    """The history stored each run's folder as an absolute path: a reports tree moved to a new
    server said every earlier report was gone, and a copy compared with, and linked to, the
    original's files (an audit). Folders inside the database's folder are stored relative to it;
    a database of an older version has its absolute ones made relative when opened."""
    import shutil

    tree = tmp_path / "reports"
    folder = tree / "park" / "2026-01-01_060000"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html></html>")
    run = _run(result_path=str(folder), report_path=str(folder / "report.html"))
    History(tree / "history.sqlite").record(run)
    moved = tmp_path / "elsewhere" / "reports"
    moved.parent.mkdir()
    shutil.move(tree, moved)
    (run,) = History(moved / "history.sqlite").runs()
    assert run.result_path == str(moved / "park" / "2026-01-01_060000")
    assert Path(run.report_path).is_file()
    copy = tmp_path / "copy"
    shutil.copytree(moved, copy)
    (copied,) = History(copy / "history.sqlite").runs()
    assert copied.result_path == str(copy / "park" / "2026-01-01_060000")
    # an older version's row, absolute: relative once opened, so a later move keeps it
    with sqlite3.connect(copy / "history.sqlite") as connection:
        connection.execute("UPDATE runs SET result_path = ?", [str(copy / "park" / "2026-01-01_060000")])
    History(copy / "history.sqlite")
    with sqlite3.connect(copy / "history.sqlite") as connection:
        assert connection.execute("SELECT result_path FROM runs").fetchone()[0] == "park/2026-01-01_060000"
