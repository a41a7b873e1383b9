"""Reliability: solver faults (time limits, no solver, Ctrl-C), nothing lost or leaked (atomic
writes, no overwriting, safe YAML, paths, escaping), and load (a 200-run sweep, 20 processes
recording into one history at once)."""

from __future__ import annotations

import copy
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import park_dict, write_park
from ruamel.yaml.error import YAMLError

import symbiosis
from symbiosis.cli import cli
from symbiosis.park import ParkError
from symbiosis.report.document import build_report
from symbiosis.report.history import History, Run
from symbiosis.report.html import render_html
from symbiosis.results import Result
from symbiosis.results.result import ResultFileError
from symbiosis.solvers import SolveOptions, SolverNotAvailable, solve

SMELTER = {"location": {"x": "0 m", "y": "0 m"}, "streams": {
    "flue_gas": {"direction": "supply", "carrier": "heat", "temperature": "180 degC",
                 "target_temperature": "90 degC", "amount": "40 GWh/year", "current": "cooling_tower"}}}
TOWN = {"location": {"x": "800 m", "y": "0 m"}, "streams": {
    "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                "target_temperature": "80 degC", "amount": "30 GWh/year", "current": "gas_boiler"}}}


def tiny(folder: Path, **park: str) -> Path:
    return write_park(folder, park_dict({"smelter": SMELTER, "town": TOWN}, park={"carbon_price": "900 NOK/t",
                                                                                  **park}))


def tangle(folder: Path, firms: int = 15, seed: int = 1) -> Path:
    """A park HiGHS cannot finish in seconds: ``firms`` firms on a 4 km square, each with waste heat
    at 90 or 120 degC and a heat demand from 40 or 50 degC, most limited to one to three partners;
    hundreds of pipes with a fixed cost, many nearly as good as each other."""
    rng = random.Random(seed)
    found = {}
    for i in range(firms):
        hot, cold = rng.choice([90, 120]), rng.choice([40, 50])
        found[f"f{i}"] = {
            "location": {"x": f"{rng.uniform(0, 4000):.0f} m", "y": f"{rng.uniform(0, 4000):.0f} m"},
            "rules": {"max_partners": rng.choice([1, 2, 3])},
            "streams": {
                "waste_heat": {"direction": "supply", "carrier": "heat", "temperature": f"{hot} degC",
                               "target_temperature": f"{hot - 40} degC", "current": "cooling_tower",
                               "amount": f"{rng.uniform(5, 40):.1f} GWh/year"},
                "process_heat": {"direction": "demand", "carrier": "heat", "temperature": f"{cold} degC",
                                 "target_temperature": f"{cold + 30} degC", "current": "gas_boiler",
                                 "amount": f"{rng.uniform(5, 40):.1f} GWh/year"}}}
    return write_park(folder, park_dict(found, park={"carbon_price": "900 NOK/t"}))


def files_in(folder: Path) -> list[str]:
    """Every file and folder under ``folder`` (hidden ones too), relative."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# -- 5. solver faults -----------------------------------------------------------------------------
def test_a_time_limit_returns_the_best_solution_found_with_its_gap(tmp_path: Path) -> None:
    park = symbiosis.load_park(tangle(tmp_path / "tangle"))
    for limit in (0.5, 1, 2, 4, 8):  # 0.5 s finds one on a laptop; a slower (or busy) machine gets more
        result = symbiosis.optimize(park, time_limit=limit)
        assert result.status == "time_limit", f"{limit} s: {result.status}"
        if result.has_solution and len(result.exchanges):  # not only the first, empty design
            break
    assert result.has_solution, "no solution found within 8 s"
    gap = float(result.summary["gap"])
    assert math.isfinite(gap) and gap > 1e-4
    assert result.summary["audit"] == "passed"
    assert len(result.exchanges) > 0
    assert result.total_cost < float(result.summary["baseline_cost"])
    assert float(result.summary["bound"]) <= result.total_cost
    document = json.loads(result.to_json())
    assert document["status"] == "time_limit" and document["summary"]["gap"] == pytest.approx(gap)


@pytest.mark.parametrize("limit", [0, 1e-3])
def test_no_solution_within_the_time_limit_says_so(tmp_path: Path, limit: float) -> None:
    folder = tangle(tmp_path / "tangle")
    result = symbiosis.optimize(symbiosis.load_park(folder), time_limit=limit)
    assert result.status == "time_limit" and not result.has_solution
    assert result.summary["audit"] == "no solution to audit"
    assert len(result.exchanges) == 0
    run = CliRunner().invoke(cli, ["optimize", str(folder), "--time-limit", str(limit)])
    assert run.exit_code == 1, run.output
    assert "no solution" in run.stdout and "time limit" in run.stdout.lower()
    assert "--time-limit" in run.stdout  # and says what to do
    as_json = CliRunner().invoke(cli, ["optimize", str(folder), "--time-limit", str(limit), "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["status"] == "time_limit"


def test_a_missing_solver_says_how_to_install_it(tmp_path: Path, monkeypatch) -> None:
    import pyomo.environ as pyo

    class Missing:
        def available(self, exception_flag: bool = False) -> bool:
            return False

    monkeypatch.setattr(pyo, "SolverFactory", lambda name: Missing())
    model = pyo.ConcreteModel()
    model.x = pyo.Var(bounds=(0, 1))
    model.o = pyo.Objective(expr=model.x)
    with pytest.raises(SolverNotAvailable) as caught:
        solve(model, SolveOptions(solver="glpk"))
    assert "solver 'glpk' is not available" in str(caught.value)
    assert "apt-get install glpk-utils" in str(caught.value) and "--solver highs" in str(caught.value)
    run = CliRunner().invoke(cli, ["optimize", str(tiny(tmp_path / "park")), "--solver", "cbc"])
    assert run.exit_code == 2
    assert "coinor-cbc" in run.output and "--solver highs" in run.output and "Traceback" not in run.output


def _start_optimize(folder: Path, out: Path, temp: Path, err, *more: str) -> subprocess.Popen:
    """``symbiosis optimize FOLDER --out OUT --time-limit 120 MORE`` in a process of its own,
    its temporary files in ``temp`` and its stderr into ``err``."""
    return subprocess.Popen(
        [sys.executable, "-c", "from symbiosis.cli import main; main()", "optimize", str(folder),
         "--out", str(out), "--time-limit", "120", *more], stdout=subprocess.PIPE, stderr=err, text=True,
        env={**os.environ, "TMPDIR": str(temp)},
        # Ctrl-C's default action in the child even when this test runs as a background job of
        # a shell without job control, whose children inherit SIGINT ignored (POSIX).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(process: subprocess.Popen, ready, seconds: float = 110) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None and not ready():
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    assert ready(), "the run never got there"


def test_ctrl_c_while_solving_keeps_the_best_answer_found(tmp_path: Path) -> None:
    """``optimize --out DIR`` on a park that takes minutes, Ctrl-C once the progress line shows
    an answer: the search stops within seconds and that answer (or a better one) is shown and
    saved whole, saying it was stopped (JSON status ``time_limit``, exit code 0); the stream
    values asked for are left out, saying why."""
    folder, out, temp = tangle(tmp_path / "tangle", firms=25), tmp_path / "out", tmp_path / "temp"
    temp.mkdir()
    log = tmp_path / "stderr.txt"
    with open(log, "w") as err:
        process = _start_optimize(folder, out, temp, err, "--values")
        try:
            _wait_for(process, lambda: "solving with highs: best" in log.read_text())
            shown = [line for line in log.read_text().splitlines() if "solving with highs: best" in line]
            process.send_signal(signal.SIGINT)
            sent = time.monotonic()
            stdout, _ = process.communicate(timeout=60)
            waited = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()  # reaped: a live child left to the collector failed the next test
    assert process.returncode == 0, log.read_text()
    assert waited < 15, f"Ctrl-C took {waited:.0f} s to stop the search"
    assert "stopped by Ctrl-C (gap " in stdout and "Traceback" not in log.read_text()
    assert "no stream values: Ctrl-C stopped the solve" in stdout
    result = Result.load(out)
    assert result.status == "time_limit" and result.summary["solver_message"] == "Stopped by Ctrl-C"
    best_shown = float(shown[0].split("best ")[1].split(" ")[0].replace(",", ""))
    assert result.summary["objective"] <= best_shown + 1
    assert 0 < result.summary["gap"] < 1 and not list(temp.iterdir())  # no log or folder left


def test_ctrl_c_twice_stops_at_once_and_leaves_no_half_written_file(tmp_path: Path) -> None:
    """Ctrl-C once HiGHS runs (its log file appears), and again a moment later (while the
    answer is read or saved, or in the solve before the park's): the run ends within seconds
    and DIR holds nothing or a complete result, never part of one."""
    folder, out, temp = tangle(tmp_path / "tangle", firms=25), tmp_path / "out", tmp_path / "temp"
    temp.mkdir()
    with open(tmp_path / "stderr.txt", "w") as err:
        process = _start_optimize(folder, out, temp, err)
        try:
            _wait_for(process, lambda: any(temp.glob("symbiosis-highs-*.log")))
            time.sleep(0.5)
            process.send_signal(signal.SIGINT)
            sent = time.monotonic()
            time.sleep(0.2)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
            waited = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()  # reaped: a live child left to the collector failed the next test
    err = (tmp_path / "stderr.txt").read_text()
    assert process.returncode in (0, 1, 130), err
    assert "Traceback" not in err
    assert waited < 15, f"Ctrl-C took {waited:.0f} s to stop the run"
    written = files_in(out)
    assert written == [] or "result.json" in written, written
    assert not [name for name in written if name.startswith(".")], written
    if written:
        Result.load(out)


def _solved(tmp_path: Path) -> Result:
    return symbiosis.optimize(symbiosis.load_park(tiny(tmp_path / "park")))


# -- 6. nothing lost, nothing leaked ---------------------------------------------------------------
@pytest.mark.parametrize("fault", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_save_leaves_nothing_behind(tmp_path: Path, monkeypatch, fault: BaseException) -> None:
    result, out = _solved(tmp_path), tmp_path / "out"

    def broken(self, path):  # the CSVs are written by now; the workbook fails
        raise fault

    monkeypatch.setattr(Result, "to_excel", broken)
    with pytest.raises(type(fault)):
        result.save(out)
    assert files_in(out) == []


def test_a_failed_overwrite_keeps_the_old_result_whole(tmp_path: Path, monkeypatch) -> None:
    result, out = _solved(tmp_path), tmp_path / "out"
    result.save(out)
    before = {name: (out / name).read_bytes() for name in files_in(out)}
    assert "result.json" in before and not [name for name in before if name.startswith(".")]
    calls = []
    original = pd.DataFrame.to_csv

    def fails_third(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fails_third)
    with pytest.raises(OSError):
        result.save(out, overwrite=True)
    assert {name: (out / name).read_bytes() for name in files_in(out)} == before
    monkeypatch.undo()
    with pytest.raises(FileExistsError):
        result.save(out)
    result.save(out, overwrite=True)
    assert sorted(files_in(out)) == sorted(before)
    assert Result.load(out).total_cost == pytest.approx(result.total_cost)


def test_a_failed_history_write_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    good = Run.of(_solved(tmp_path))
    history.record(good)
    with pytest.raises(sqlite3.Error):
        history.record(Run(park="broken", scenario="", fingerprint="", time="now", status="optimal",
                           saving=object()))  # type: ignore[arg-type]  # cannot be stored
    assert [run.park for run in history.runs()] == [good.park]
    assert history.integrity() == "ok"
    assert history.record(good) == 2  # and it goes on working


def test_candidates_csv_and_explain_out_do_not_overwrite_without_force(tmp_path: Path) -> None:
    park = str(tiny(tmp_path / "park"))
    runner = CliRunner()
    for command in (["candidates", park, "--csv"], ["explain", park, "--out"]):
        mine = tmp_path / f"{command[0]}.csv"
        mine.write_text("my own file\n")
        refused = runner.invoke(cli, [*command, str(mine)])
        assert refused.exit_code == 2, refused.output
        assert "--force" in refused.output and mine.read_text() == "my own file\n"
        replaced = runner.invoke(cli, [*command, str(mine), "--force"])
        assert replaced.exit_code == 0, replaced.output
        assert "smelter" in mine.read_text()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("mine", ["exchanges.csv", "values.csv", "result.xlsx"])
def test_save_refuses_any_file_it_would_write(tmp_path: Path, mine: str) -> None:
    """Result.save checked only result.json: a user's exchanges.csv or workbook in the folder was
    replaced without asking. Now any of its files is refused unless ``overwrite``."""
    result, out = _solved(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / mine).write_text("my own file\n")
    with pytest.raises(FileExistsError, match=mine):
        result.save(out)
    assert files_in(out) == [mine] and (out / mine).read_text() == "my own file\n"
    result.save(out, overwrite=True)
    assert Result.load(out).total_cost == pytest.approx(result.total_cost)


def test_a_table_longer_than_an_excel_sheet_goes_on_over_more_sheets(tmp_path: Path, monkeypatch) -> None:
    """An hourly park of 120 streams has 1,051,200 rows of values, more than an Excel sheet's
    1,048,576: saving raised openpyxl's 'sheet is too large' after the solve and nothing was
    kept. A long table now goes on over sheets values_2 ...; shown with 1-row sheets."""
    import symbiosis.results.result as result_module

    result, out = _solved(tmp_path), tmp_path / "out"
    monkeypatch.setattr(result_module, "EXCEL_ROWS", 1)
    result.save(out)
    sheets = pd.read_excel(out / "result.xlsx", sheet_name=None)
    longest = max(result_module.TABLES, key=lambda name: len(getattr(result, name)))
    table = getattr(result, longest)
    parts = [name for name in sheets if name == longest or name.startswith(f"{longest}_")]
    assert parts == [longest] + [f"{longest}_{k}" for k in range(2, len(parts) + 1)]
    assert len(parts) == len(table) > 1
    together = pd.concat([sheets[name] for name in parts], ignore_index=True)
    assert len(together) == len(table)
    assert list(together.columns) == list(table.columns)


@pytest.mark.parametrize("theirs", ["create table contacts(name text)",
                                    "create table runs(id integer primary key, athlete text, km real)"])
def test_report_refuses_a_database_of_something_else_before_writing(tmp_path: Path, theirs: str) -> None:
    """``report --history user.db`` on a user's own SQLite file added the tables runs,
    sqlite_sequence and an index to it and switched it to WAL for good; one with a 'runs' table of
    its own was refused, but only after the switch. Now it is refused before anything is solved or
    written, byte for byte untouched; an empty file is a new history."""
    park, mine = str(tiny(tmp_path / "park")), tmp_path / "user.db"
    with sqlite3.connect(mine) as connection:
        connection.execute(theirs)
    connection.close()
    before = mine.read_bytes()
    out = str(tmp_path / "reports")
    run = CliRunner().invoke(cli, ["report", park, "--out", out, "--history", str(mine)])
    assert run.exit_code == 2, run.output
    assert "database of something else" in run.output and "--history" in run.output
    assert mine.read_bytes() == before
    listed = CliRunner().invoke(cli, ["history", park, "--history", str(mine)])  # the listing too
    assert listed.exit_code == 2 and "is not a run history" in listed.output
    assert mine.read_bytes() == before
    (tmp_path / "new.sqlite").touch()
    History(tmp_path / "new.sqlite").record(Run.of(_solved(tmp_path / "solved")))
    with sqlite3.connect(tmp_path / "new.sqlite") as connection:  # SQLite's own sqlite_stat1: still a history
        connection.execute("ANALYZE")
    connection.close()
    assert History(tmp_path / "new.sqlite").runs()


def test_history_of_a_file_that_is_no_database_or_no_park_is_a_clear_usage_error(tmp_path: Path) -> None:
    """``history PARK --history notes.txt`` was a sqlite3.DatabaseError traceback (the command had no
    handle_errors); ``history afile`` (a text file) said "string indices must be integers"."""
    park = str(tiny(tmp_path / "park"))
    notes, afile = tmp_path / "notes.txt", tmp_path / "afile"
    notes.write_text("minutes of the meeting\n" * 50)
    afile.write_text("just some text\n")
    runner = CliRunner()
    run = runner.invoke(cli, ["history", park, "--history", str(notes)])
    assert run.exit_code == 2, run.output
    assert "is not a run history" in run.output and not isinstance(run.exception, sqlite3.Error)
    assert notes.read_text() == "minutes of the meeting\n" * 50
    (tmp_path / "empty.sqlite").touch()
    run = runner.invoke(cli, ["history", str(afile), "--history", str(tmp_path / "empty.sqlite")])
    assert run.exit_code == 2, run.output
    assert "is not a park file" in run.output and "string indices" not in run.output


@pytest.mark.parametrize(("fault", "said"), [
    (PermissionError(13, "Permission denied", "reports/x.csv"), "reports/x.csv: Permission denied"),
    (NotADirectoryError(20, "Not a directory", "afile/x"), "afile/x: Not a directory"),
    (sqlite3.DatabaseError("file is not a database"), "file is not a database"),
    (pd.errors.EmptyDataError("No columns to parse from file"), "No columns to parse"),
    (pd.errors.ParserError("Error tokenizing data"), "Error tokenizing data"),
    (YAMLError("mapping values are not allowed here"), "mapping values are not allowed"),
])
def test_handle_errors_turns_file_database_csv_and_yaml_faults_into_exit_2(tmp_path: Path, monkeypatch,
                                                                          fault: Exception,
                                                                          said: str) -> None:
    """OSError, sqlite3.DatabaseError, pandas' CSV errors and YAML errors were tracebacks."""
    import symbiosis.cli.candidates as command

    def broken(*args, **kwargs):
        raise fault

    monkeypatch.setattr(command, "find_candidates", broken)
    run = CliRunner().invoke(cli, ["candidates", str(tiny(tmp_path / "park"))])
    assert run.exit_code == 2, run.output
    assert "error:" in run.output and said in run.output and isinstance(run.exception, SystemExit)


@pytest.mark.parametrize("where", [
    "top",  # a key of its own
    "list",  # a list where the park file wants a list
    "scalar",  # a text where the park file wants a text
])
def test_yaml_that_would_run_a_command_is_refused_and_nothing_runs(tmp_path: Path, monkeypatch,
                                                                   where: str) -> None:
    monkeypatch.chdir(tmp_path)
    evil = '!!python/object/apply:os.system ["touch PWNED"]'
    text = (tiny(tmp_path / "park") / "park.yaml").read_text(encoding="utf-8")
    if where == "top":
        text += f"pwned: {evil}\n"
    elif where == "list":
        harmless_list = evil.replace("touch PWNED", "thermal_storage")
        text = text.replace("  smelter:\n", f"  smelter:\n    storage: {harmless_list}\n", 1)
    else:
        text = text.replace("name: test park", "name: !!python/name:os.system", 1)
    (tmp_path / "park" / "park.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParkError) as caught:
        symbiosis.load_park(tmp_path / "park")
    problem = caught.value.problems[0]
    assert "YAML tag '!!python/" in problem.found and problem.line is not None
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "park" / "PWNED").exists()
    run = CliRunner().invoke(cli, ["validate", str(tmp_path / "park")])
    assert run.exit_code == 2 and "!!python/" in run.output


def test_a_profile_linked_to_a_file_outside_the_park_is_refused(tmp_path: Path) -> None:
    """Paths leaving the folder (``../``, absolute) are tested in test_park_errors; a symbolic link
    inside the park that points outside is refused the same way."""
    (tmp_path / "secret.csv").write_text("1\n" * 24)
    data = copy.deepcopy(park_dict({"smelter": SMELTER, "town": TOWN}))
    data["firms"]["smelter"]["streams"]["flue_gas"]["profile"] = "profiles/link.csv"
    folder = write_park(tmp_path / "park", data)
    (folder / "profiles").mkdir()
    (folder / "profiles" / "link.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(ParkError) as caught:
        symbiosis.load_park(folder)
    (problem,) = caught.value.problems
    assert problem.field == "profile" and problem.expected == "a file inside the park folder"


def test_every_name_from_the_park_file_is_escaped_in_the_html(tmp_path: Path) -> None:
    """test_report checks a firm's name in a browser; here every kind of text a park file holds."""
    script = "<script>alert(1)</script>"
    data = copy.deepcopy(park_dict(
        {"smelter": {**SMELTER, "name": script, "sector": f"<b>{script}</b>", "source": script},
         "town": {**TOWN, "name": "<img src=x onerror=alert(2)>"}},
        park={"name": f"Park {script}", "description": script, "carbon_price": "900 NOK/t"}))
    data["firms"]["smelter"]["streams"]["flue_gas"]["source"] = script
    data["routes"]["gas_boiler"]["source"] = script
    park = symbiosis.load_park(write_park(tmp_path / "park", data))
    html = render_html(build_report(symbiosis.optimize(park), park))
    assert "<script" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html


# -- 7. load -----------------------------------------------------------------------------------------
def test_a_sweep_of_200_runs_loses_none(tmp_path: Path) -> None:
    folder = tiny(tmp_path / "park")
    started = time.monotonic()
    result = symbiosis.sweep(folder, grid={"park.carbon_price": "0..1990:10 NOK/t"})
    assert time.monotonic() - started < 90
    runs = result.runs
    assert len(runs) == 200 and sorted(runs["run"]) == list(range(200))
    assert len(result.failed) == 0 and (runs["status"] == "optimal").all()
    assert runs["park.carbon_price"].tolist() == [f"{10 * i} NOK/t" for i in range(200)]
    for i in (0, 90, 199):  # spot checks against a solve in this process
        price = {"park.carbon_price": f"{10 * i} NOK/t"}
        direct = symbiosis.optimize(symbiosis.load_park(folder, overrides=price))
        assert runs.loc[runs["run"] == i, "total_cost"].item() == pytest.approx(direct.total_cost, rel=1e-9)
    saving = runs.sort_values("run")["saving"].to_numpy()
    assert (saving[1:] >= saving[:-1] - 1e-6 * abs(saving).max()).all()  # a higher carbon price saves more


RECORDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import symbiosis
    from symbiosis.report.history import History, Run
    park, database, go, number, times = sys.argv[1:]
    result = symbiosis.optimize(symbiosis.load_park(park))
    history = History(database)
    while not Path(go).exists():  # every process is ready: now all write at once
        time.sleep(0.01)
    for i in range(int(times)):
        run = Run.of(result, result_path=f"process {number}, write {i}")
        history.record(run)
""")


def test_20_processes_recording_at_once_lose_no_record(tmp_path: Path) -> None:
    folder, database, go = tiny(tmp_path / "park"), tmp_path / "history.sqlite", tmp_path / "go"
    expected = _solved(tmp_path)
    processes, writes = 20, 5
    started = time.monotonic()
    children = [subprocess.Popen([sys.executable, "-c", RECORDER, str(folder), str(database), str(go), str(n),
                                  str(writes)], stderr=subprocess.PIPE, text=True) for n in range(processes)]
    try:
        while not database.exists() and time.monotonic() - started < 60:
            time.sleep(0.05)
        time.sleep(1.0)
        go.touch()
        errors = [child.communicate(timeout=120)[1] for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    # No wall-clock bound here (a busy machine is slow, not wrong); communicate's timeout above
    # catches a writer that hangs on the lock.
    assert [child.returncode for child in children] == [0] * processes, errors
    history = History(database)
    assert history.integrity() == "ok"
    runs = history.runs()
    assert len(runs) == processes * writes
    assert sorted(run.result_path for run in runs) == sorted(  # each as its writer resolved it
        str(Path(f"process {n}, write {i}").resolve()) for n in range(processes) for i in range(writes))
    assert sorted(run.id for run in runs) == list(range(1, processes * writes + 1))
    for run in runs:
        assert run.status == "optimal" and run.saving == pytest.approx(expected.saving, rel=1e-9)


def test_api_mistakes_of_a_new_user_get_a_message_that_says_what_to_pass(tmp_path: Path) -> None:
    """An audit of a consultant's first notebook: find_candidates('park') was an AttributeError on
    'str'; load_park(overrides=['k=v']) one on 'list'; load_park(None) pathlib's TypeError;
    optimize(gap=True) ran at a 100 % gap and time_limit=True for 1 s; progress=1 failed inside."""
    folder = tiny(tmp_path / "park")
    park = symbiosis.load_park(folder)
    with pytest.raises(TypeError, match="find_candidates expects a Park"):
        symbiosis.find_candidates(str(folder))
    with pytest.raises(TypeError, match=r"overrides must map keys to values, e\.g\."):
        symbiosis.load_park(folder, overrides=["park.carbon_price=1800 NOK/t"])
    with pytest.raises(TypeError, match="load_park expects the path of a park folder"):
        symbiosis.load_park(None)
    with pytest.raises(ValueError, match="gap must be"):
        symbiosis.optimize(park, gap=True)
    with pytest.raises(ValueError, match="time_limit must be"):
        symbiosis.optimize(park, time_limit=True)
    with pytest.raises(TypeError, match="progress must be a function"):
        symbiosis.optimize(park, progress=1)
    # a key that is no text was an AttributeError ('int' object has no attribute 'split')
    with pytest.raises(TypeError, match="overrides' keys are dotted paths in the park file"):
        symbiosis.load_park(folder, overrides={1: "x"})


def test_a_park_goes_to_other_processes(tmp_path: Path) -> None:
    """A park could not be pickled or deep-copied (its tables were mappingproxy objects), so
    concurrent.futures' process pools, the standard library's way to solve parks side by side,
    raised TypeError. It still refuses to be changed."""
    import copy
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    park = symbiosis.load_park(tiny(tmp_path / "park"))
    assert pickle.loads(pickle.dumps(park)) == park
    assert copy.deepcopy(park) == park
    with pytest.raises(TypeError):
        park.firms["new"] = park.firms[next(iter(park.firms))]
    with ProcessPoolExecutor(max_workers=1) as pool:
        other = pool.submit(symbiosis.optimize, park).result()
    assert other.total_cost == pytest.approx(symbiosis.optimize(park).total_cost, rel=1e-9)


def test_result_excel_and_load_mistakes_are_refused_by_name(tmp_path: Path) -> None:
    """Result.to_excel replaced a user's file without asking; Result.load let pandas' EmptyDataError,
    a UnicodeDecodeError, a NotADirectoryError (given result.json) and a bare FileNotFoundError
    (given the park folder) through. The file of result.json is its folder."""
    result, out = _solved(tmp_path), tmp_path / "out"
    mine = tmp_path / "mywork.xlsx"
    mine.write_text("my precious notes\n")
    with pytest.raises(FileExistsError, match="mywork.xlsx"):
        result.to_excel(mine)
    assert mine.read_text() == "my precious notes\n"
    result.to_excel(mine, overwrite=True)
    result.save(out)
    assert Result.load(out / "result.json").total_cost == pytest.approx(result.total_cost)
    with pytest.raises(ResultFileError, match="holds no result.json: give a folder written by Result.save"):
        Result.load(tmp_path / "park")
    (out / "firms.csv").write_text("")
    with pytest.raises(ResultFileError, match="firms.csv is not a table"):
        Result.load(out)
    with pytest.raises(NotADirectoryError, match="is a file: give Result.save a folder"):
        result.save(mine)
    with pytest.raises(TypeError, match="plot.pareto takes the frame"):
        result.plot.pareto(None)
    (out / "result.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ResultFileError, match="result.json is not JSON"):
        Result.load(out)


def test_a_result_changed_in_memory_is_not_saved_as_the_answer(tmp_path: Path) -> None:
    """A firm's saving set in memory was saved with fresh digests and loaded back as the solver's
    answer, its audit still 'passed' (an audit of the API): save refuses figures that no longer
    add up (saving = baseline - total = the firms' = the exchanges' savings)."""
    result = _solved(tmp_path)
    firms = result.firms.copy()
    result.firms.loc[result.firms.index[0], "saving"] = 1.0
    with pytest.raises(ValueError, match=r"the firms' savings .*save would record it as the solver's answer"):
        result.save(tmp_path / "edited")
    assert not (tmp_path / "edited" / "result.json").exists()
    result.firms[:] = firms
    result.summary["saving"] = 5.0
    with pytest.raises(ValueError, match="baseline_cost - total_cost"):
        result.save(tmp_path / "edited")
    result.summary["saving"] = float(result.summary["baseline_cost"]) - float(result.summary["total_cost"])
    result.save(tmp_path / "as_solved")  # the figures restored: saved


def test_a_result_table_edited_after_saving_is_refused(tmp_path: Path) -> None:
    """A firm's saving changed by hand in firms.csv (or a firm renamed) was loaded, and
    ``symbiosis report --result`` published it as the answer: a firm saving 100 M in a park
    saving 61 M. result.json keeps each table's SHA-256; a folder saved without them (before
    they were written) still loads."""
    result, out = _solved(tmp_path), tmp_path / "out"
    result.save(out)
    assert Result.load(out).total_cost == pytest.approx(result.total_cost)
    firms = (out / "firms.csv").read_text()
    (out / "firms.csv").write_text(firms.replace(",", ",9", 1))
    with pytest.raises(ResultFileError, match="firms.csv was changed after Result.save wrote it"):
        Result.load(out)
    (out / "firms.csv").write_text(firms)
    (out / "values.csv").unlink()  # the one table a result may be without
    with pytest.raises(ResultFileError, match="values.csv is missing"):
        Result.load(out)
    result.save(out, overwrite=True)
    saved = json.loads((out / "result.json").read_text())
    # An audit: the saving edited in result.json headed a published report; and deleting the
    # table digests let an edited table through. result.json keeps a digest of its own figures.
    edits = ({"saving": 999e6, "summary": {**saved["summary"], "saving": 999e6}}, {"table_digests": None})
    for edit in edits:
        (out / "result.json").write_text(json.dumps({key: value for key, value in {**saved, **edit}.items()
                                                     if value is not None}))
        with pytest.raises(ResultFileError, match="result.json was changed after Result.save wrote it"):
            Result.load(out)
    old = {key: value for key, value in saved.items() if key not in ("table_digests", "figures_digest")}
    (out / "result.json").write_text(json.dumps(old))  # as saved before the digests were written
    (out / "firms.csv").write_text(firms.replace(",", ",9", 1))
    assert Result.load(out).total_cost == pytest.approx(result.total_cost)


def test_only_a_single_solve_keeps_its_answer_on_ctrl_c(tmp_path: Path, monkeypatch) -> None:
    """``optimize`` asks HiGHS to keep its answer on Ctrl-C; the analyses (pareto, share, risk,
    explain, through ``Solve``) and sweep runs pass ``keep_on_interrupt=False``, so that Ctrl-C
    ends the whole analysis rather than one of its many solves."""
    import symbiosis.optimization as optimization
    from symbiosis.analysis.common import Solve

    asked = []
    real = optimization.solve
    monkeypatch.setattr(optimization, "solve",
                        lambda model, options: asked.append(options) or real(model, options))
    park = symbiosis.load_park(tiny(tmp_path / "park"))
    symbiosis.optimize(park)
    single = [options.stop_keeps_answer for options in asked]
    asked.clear()
    Solve()(park)
    analysis = [options.stop_keeps_answer for options in asked]
    assert True in single and analysis and True not in analysis, (single, analysis)


def test_an_analysis_re_solve_computes_no_stream_values(tmp_path: Path, monkeypatch) -> None:
    """``optimize`` adds the stream values (an LP with duals) to a small park's answer; the
    re-solves of explain, pareto, risk and share read none of them, so they skip that LP
    (0.5 s of each 6.6 s re-solve on Herøya)."""
    import symbiosis.optimization as optimization
    from symbiosis.analysis.common import Solve

    asked = []
    real = optimization.solve
    monkeypatch.setattr(optimization, "solve",
                        lambda model, options: asked.append(options.duals) or real(model, options))
    park = symbiosis.load_park(tiny(tmp_path / "park"))
    assert len(symbiosis.optimize(park).values) and True in asked
    asked.clear()
    assert Solve()(park).values.empty
    assert asked and True not in asked


def test_a_read_only_file_system_is_said_with_what_to_do() -> None:
    """A report into a read-only mount said only '.symbiosis.lock: Read-only file system', with
    none of the advice the other refusals give (an audit)."""
    import errno

    from symbiosis.cli.common import os_message

    said = os_message(OSError(errno.EROFS, "Read-only file system", "/srv/reports/.symbiosis.lock"))
    assert said.startswith("/srv/reports/.symbiosis.lock: Read-only file system; ")
    assert "choose a place you may write in" in said
