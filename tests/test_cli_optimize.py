"""``symbiosis optimize`` and ``candidates`` through click's CliRunner."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import park_dict, write_park

from symbiosis.cli import cli

FIRMS = {
    "smelter": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "flue_gas": {"direction": "supply", "carrier": "heat", "temperature": "180 degC",
                     "target_temperature": "90 degC", "amount": "40 GWh/year", "current": "cooling_tower"}}},
    "district_heating": {"location": {"x": "800 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                    "target_temperature": "80 degC", "amount": "30 GWh/year", "current": "gas_boiler"}}},
}


def _park(tmp_path: Path) -> Path:
    return write_park(tmp_path / "park", park_dict(FIRMS, park={"carbon_price": "900 NOK/t"}))


def test_json_is_the_only_thing_on_stdout(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    for key in ("status", "objective", "total_cost", "baseline_cost", "saving", "emissions",
                "baseline_emissions", "currency", "exchanges", "routes", "firms"):
        assert key in document
    assert document["status"] == "optimal"
    assert document["currency"] == "NOK"
    (exchange,) = document["exchanges"]
    assert (exchange["from_firm"], exchange["to_firm"]) == ("smelter", "district_heating")
    assert exchange["capacity_unit"] == "MW" and exchange["amount_unit"] == "MWh"
    assert document["total_cost"] == pytest.approx(document["baseline_cost"] - document["saving"])


def test_terminal_output_names_the_exchange_and_the_firms(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "smelter.flue_gas" in result.stdout
    assert "district_heating" in result.stdout
    assert "saving" in result.stdout


def test_out_writes_result_and_refuses_to_overwrite(tmp_path: Path) -> None:
    park, out = _park(tmp_path), tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["optimize", str(park), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert {p.name for p in out.iterdir()} >= {"result.json", "exchanges.csv", "firms.csv", "result.xlsx"}
    before = (out / "result.json").read_text()
    second = runner.invoke(cli, ["optimize", str(park), "--out", str(out)])
    assert second.exit_code == 2
    assert "--force" in second.output
    assert (out / "result.json").read_text() == before
    third = runner.invoke(cli, ["optimize", str(park), "--out", str(out), "--force"])
    assert third.exit_code == 0


def test_unknown_solver_is_a_clear_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--solver", "nosuchsolver"])
    assert result.exit_code == 2
    assert "nosuchsolver" in result.output and "Traceback" not in result.output


def test_set_overrides_a_park_value(tmp_path: Path) -> None:
    park = _park(tmp_path)
    runner = CliRunner()
    cheap = json.loads(runner.invoke(cli, ["optimize", str(park), "--json"]).stdout)
    dear = json.loads(runner.invoke(cli, ["optimize", str(park), "--json",
                                          "--set", "park.carbon_price=1800 NOK/t"]).stdout)
    assert dear["baseline_cost"] > cheap["baseline_cost"]



@pytest.mark.parametrize("settings", [
    ("park.carbon_price=1800 NOK/t", "park.carbon_price=900 NOK/t"),
    ("park.time.typical_days=4", "park.time=annual"),
])
def test_a_value_set_twice_is_refused_not_half_dropped(tmp_path: Path, settings) -> None:
    """Found by an audit: the last of two --set of one key won and the first was dropped unsaid
    (sweep refused it already)."""
    arguments = [part for setting in settings for part in ("--set", setting)]
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--json", *arguments])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "set twice" in result.output or "lies inside 'park.time'" in result.output


def test_candidates_lists_links(tmp_path: Path) -> None:
    csv = tmp_path / "candidates.csv"
    result = CliRunner().invoke(cli, ["candidates", str(_park(tmp_path)), "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "hot_water_pipe" in result.stdout
    assert csv.read_text().count("\n") == 2  # header + one candidate


def test_candidates_lists_stores_and_hub_units_too() -> None:
    """Herøya's candidate tank and hub electrolyser were in no listing before a solve."""
    heroya = Path(__file__).resolve().parents[1] / "parks" / "heroya"
    result = CliRunner().invoke(cli, ["candidates", str(heroya)], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "2 candidate stores and hub units" in result.stdout
    assert "thermal_storage" in result.stdout and "electrolyser" in result.stdout


def test_values_show_what_streams_are_worth(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--values"])
    assert result.exit_code == 0, result.output
    assert "worth" in result.stdout
    assert "smelter.flue_gas" in result.stdout and "NOK/MWh" in result.stdout


def test_values_are_in_the_json_when_asked_for(tmp_path: Path) -> None:
    """--values --json printed the JSON without the values (only --out kept them)."""
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--values", "--json"])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)["values"]
    assert {"smelter.flue_gas", "district_heating.network"} <= {v["stream"] for v in values}
    assert all(isinstance(v["value"], float) for v in values)
    plain = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path / "again")), "--json"])
    assert "values" not in json.loads(plain.stdout)


def _no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every solving entry point of the CLI fail the test: checks must come before them."""
    def solved(*args, **kwargs):
        raise AssertionError("solved before checking --out")

    for module, name in (("optimize", "run_optimize"), ("sweep", "run_sweep"), ("pareto", "run_pareto")):
        monkeypatch.setattr(importlib.import_module(f"symbiosis.cli.{module}"), name, solved)


@pytest.mark.parametrize(("command", "mine"), [
    ("optimize", "exchanges.csv"), ("optimize", "result.xlsx"), ("optimize", "values.csv"),
    ("sweep", "runs.csv"), ("sweep", "exchanges.csv"), ("pareto", "pareto.png"),
])
def test_out_refuses_any_file_it_would_write_before_solving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            command: str, mine: str) -> None:
    """Only result.json (sweep.json, pareto.csv) was checked: a user's exchanges.csv, workbook or
    plot in --out was silently replaced. Any file the command writes is refused, before solving."""
    out = tmp_path / "out"
    out.mkdir()
    (out / mine).write_text("my own file\n")
    _no_solve(monkeypatch)
    result = CliRunner().invoke(cli, [command, str(_park(tmp_path)), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert mine in result.output and "--force" in result.output and "Traceback" not in result.output
    assert (out / mine).read_text() == "my own file\n"


def test_out_force_replaces_a_users_files(tmp_path: Path) -> None:
    """With --force the files are replaced (the user asked), the other files in DIR stay."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "exchanges.csv").write_text("my own file\n")
    (out / "minutes.txt").write_text("kept\n")
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "smelter" in (out / "exchanges.csv").read_text()
    assert (out / "minutes.txt").read_text() == "kept\n"


@pytest.mark.parametrize("command", ["optimize", "sweep", "pareto"])
def test_an_out_folder_that_cannot_be_made_is_refused_before_solving(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     command: str) -> None:
    """``--out afile/sub`` (afile a file) solved, then died with NotADirectoryError in Result.save."""
    (tmp_path / "afile").write_text("a file\n")
    _no_solve(monkeypatch)
    out = tmp_path / "afile" / "sub"
    result = CliRunner().invoke(cli, [command, str(_park(tmp_path)), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a /proc file system")
def test_an_out_folder_the_file_system_refuses_is_refused_before_solving(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out /proc/nope`` as root: the permission bits said yes (root may write anywhere), so
    the park was solved and then the folder could not be made. The check now makes a file."""
    _no_solve(monkeypatch)
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--out", "/proc/symbiosis-nope"])
    assert result.exit_code == 2, result.output
    assert "cannot write in /proc" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("value", ["{", "'abc", "!!python/name:os.system"])
@pytest.mark.parametrize("command", ["validate", "sweep"])
def test_a_set_value_that_is_not_yaml_is_a_clear_usage_error(tmp_path: Path, command: str,
                                                             value: str) -> None:
    """An open bracket, an unclosed quote or a ``!!python/`` tag in --set was a ruamel traceback."""
    result = CliRunner().invoke(cli, [command, str(_park(tmp_path)), "--set", f"park.carbon_price={value}"])
    assert result.exit_code == 2, result.output
    assert f"--set park.carbon_price: '{value}' is not a YAML value" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_candidates_csv_into_a_missing_folder_is_a_clear_usage_error(tmp_path: Path) -> None:
    """``--csv nodir/c.csv`` was a FileNotFoundError traceback from atomic_write, naming a temporary file."""
    csv = tmp_path / "nodir" / "c.csv"
    result = CliRunner().invoke(cli, ["candidates", str(_park(tmp_path)), "--csv", str(csv)])
    assert result.exit_code == 2, result.output
    assert "there is no folder" in result.output and "nodir" in result.output
    assert not isinstance(result.exception, OSError)


@pytest.mark.parametrize("value", ["nan", "inf", "-nan"])
@pytest.mark.parametrize(("command", "option"), [
    ("optimize", "--time-limit"), ("optimize", "--gap"), ("sweep", "--time-limit"), ("sweep", "--gap"),
    ("pareto", "--time-limit"), ("explain", "--gap"),
])
def test_time_limit_and_gap_refuse_what_is_not_a_finite_number(tmp_path: Path, command: str, option: str,
                                                               value: str) -> None:
    """click's FloatRange let NaN through every range check (``nan < 0`` is false)."""
    result = CliRunner().invoke(cli, [command, str(tmp_path), option, value])
    assert result.exit_code == 2, result.output
    assert "not a finite number" in result.output


def test_an_unknown_solver_leaves_stdout_json_only(tmp_path: Path) -> None:
    """Pyomo logged "WARNING: Failed to create solver ..." with a traceback on stdout (its handler
    holds the stdout of import time, so only a real process shows it): --json's stdout is JSON
    only, the error said as one JSON object (it was empty: a script's parser failed on it)."""
    run = subprocess.run([sys.executable, "-m", "symbiosis", "optimize", str(_park(tmp_path)), "--json",
                          "--solver", "nosuchsolver"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    said = json.loads(run.stdout)
    assert said["status"] == "error" and said["exit_code"] == 2 and "nosuchsolver" in said["error"]
    assert "nosuchsolver" in run.stderr and "Traceback" not in run.stderr


def test_piped_tables_keep_long_firm_and_stream_names_whole(tmp_path: Path) -> None:
    """To a pipe or file, tables were cut at 160 columns: long names ended in '…' in a saved file."""
    source, sink = "aluminium_smelter_with_a_long_name_" * 2, "municipal_district_heating_network_" * 2
    firms = {source: FIRMS["smelter"], sink: FIRMS["district_heating"]}
    park = write_park(tmp_path / "park", park_dict(firms, park={"carbon_price": "900 NOK/t"}))
    run = subprocess.run([sys.executable, "-m", "symbiosis", "optimize", str(park)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"{source}.flue_gas" in run.stdout and f"{sink}.network" in run.stdout
    # To a pipe or file the progress is plain lines (a spinner showed nothing: a cron log was empty).
    assert "finding candidate links\n" in run.stderr and "solving with highs" in run.stderr


def test_plain_progress_says_each_stage_once(capsys) -> None:
    """A Shapley split printed one line per coalition to a log (2,048 on Raufoss); each stage
    is said once, and its state again only after 30 s."""
    from symbiosis.cli.common import _PlainProgress

    progress = _PlainProgress("starting")
    for text in ("coalition {a}", "coalition {a, b}", "solving with highs: best 5 NOK",
                 "solving with highs: 4 NOK", "without hydro (1 of 2)", "without nammo (2 of 2)"):
        progress.update(text)
    said = capsys.readouterr().err.splitlines()
    assert said == ["starting", "coalition {a}", "solving with highs: best 5 NOK", "without hydro (1 of 2)",
                    "without nammo (2 of 2)"]


def test_output_into_a_closed_pipe_ends_as_a_unix_filter_does(tmp_path: Path) -> None:
    """`symbiosis candidates PARK | true` exited 1, the code of 'no solution', to a pipefail
    script; a reader that stops early now ends it by SIGPIPE, as it ends cat or grep (141)."""
    folder = write_park(tmp_path / "park", park_dict(FIRMS))
    script = f"{sys.executable} -m symbiosis candidates {folder} | true"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr


def test_progress_into_a_closed_pipe_does_not_lose_the_result(tmp_path: Path) -> None:
    """`symbiosis optimize PARK --out DIR 2>&1 | head` was killed by SIGPIPE at its first
    progress line once head had stopped reading, before it saved DIR: a long solve lost. Now
    progress into the closed pipe is dropped, the result is saved, and the command ends by
    141 when it writes its table to stdout, as a Unix filter does."""
    folder = write_park(tmp_path / "park", park_dict(FIRMS))
    out = tmp_path / "out"
    script = f"{sys.executable} -m symbiosis optimize {folder} --out {out} 2>&1 | true"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 141, done.stderr
    assert json.loads((out / "result.json").read_text())["summary"]["status"] == "optimal"


def test_an_optimal_answer_within_a_gap_says_its_gap(tmp_path: Path, capsys) -> None:
    """`--gap 0.01` on 20 firms printed 'optimal' for an answer 0.97 % from its bound."""
    from dataclasses import replace

    import symbiosis
    from symbiosis.cli.optimize import show

    result = symbiosis.optimize(symbiosis.load_park(_park(tmp_path)))

    def first_line(status: str, gap: float) -> str:
        summary = result.summary.copy()
        summary[["status", "gap"]] = [status, gap]
        capsys.readouterr()
        show(replace(result, summary=summary))
        return capsys.readouterr().out.splitlines()[0]

    assert first_line("optimal", 0.0097).endswith("optimal (gap 0.97%)")
    assert first_line("optimal", 1e-6).endswith("optimal")
    assert first_line("time_limit", 0.03).endswith("time_limit (gap 3.00%)")


def test_the_progress_line_says_ctrl_c_keeps_the_answer_once_there_is_one() -> None:
    from symbiosis.cli.optimize import with_stop_hint

    assert with_stop_hint("solving with highs: best 274,282,718 NOK, 0.6% from the bound (633 s)") == \
        "solving with highs: best 274,282,718 NOK, 0.6% from the bound (633 s) - Ctrl-C keeps it"
    waiting = "solving with highs: no answer yet (12 s)"
    assert with_stop_hint(waiting) == waiting
    assert with_stop_hint("building the model") == "building the model"


def test_validate_and_candidates_print_json_for_a_machine() -> None:
    """DESIGN: "--json where a machine reads it"; validate and candidates had none (an audit):
    a script checking a park, or listing its candidate links, parsed tables drawn for people."""
    parks = Path(__file__).parent.parent / "parks"
    run = CliRunner().invoke(cli, ["validate", str(parks / "mo_industripark"), "--json"])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout)
    assert summary["status"] == "valid" and summary["currency"] == "NOK" and summary["time"] == "annual"
    assert len(summary["firms"]) == 9 and summary["streams"] == 21 and summary["warnings"] == []
    heat = next(row for row in summary["carriers"] if row["carrier"] == "heat")
    assert heat["unit"] == "MWh" and heat["surplus"] > 0 and heat["need"] > 0
    listed = CliRunner().invoke(cli, ["candidates", str(parks / "mo_industripark"), "--json"])
    assert listed.exit_code == 0, listed.output
    document = json.loads(listed.stdout)
    assert len(document["links"]) == 41 and document["links"][0]["id"] == "L001"
    between = CliRunner().invoke(cli, ["candidates", str(parks / "mo_industripark"), "--json",
                                       "--between", "elkem", "ranfjord"])
    assert between.exit_code == 0, between.output
    assert {"L003"} <= {pair["candidate"] for pair in json.loads(between.stdout)["pairs"]}
    broken = CliRunner().invoke(cli, ["validate", str(parks / "mo_industripark"), "--json",
                                      "--set", "park.carbon_price=900 NOK"])
    assert broken.exit_code == 2 and json.loads(broken.stdout)["status"] == "error"


def test_pyomo_logs_go_to_stderr_not_into_the_json() -> None:
    """Pyomo's logger writes to stdout: a Ctrl-C while the model was built put "ERROR:
    Constructing component ... KeyboardInterrupt" into optimize --json's stdout (an audit). The
    command line sends Pyomo's lines to stderr."""
    import subprocess
    import sys

    code = ("import logging, pyomo.environ; from symbiosis.cli.common import _pyomo_logs_to_stderr; "
            "_pyomo_logs_to_stderr(); logging.getLogger('pyomo.core').error('Constructing component failed')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Constructing component failed" in run.stderr and run.stdout == ""
