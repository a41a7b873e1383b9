"""The size of a model known before it is built, and a park too large for the machine refused
with a clear message instead of running out of memory."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from click.testing import CliRunner
from conftest import PARKS

import symbiosis
from symbiosis.candidates import find_candidates
from symbiosis.cli import cli
from symbiosis.memory import GIB, ModelTooLarge, available_memory, check_fits, memory_needed
from symbiosis.models import build_model
from symbiosis.models.size import ModelSize, model_size
from symbiosis.problem import to_model_data
from symbiosis.time import time_steps

optimization = pytest.importorskip("symbiosis.optimization")


def _built_size(data) -> ModelSize:
    model = build_model(data)
    variables = list(model.component_data_objects(pyo.Var))
    rows = sum(1 for _ in model.component_data_objects(pyo.Constraint))
    return ModelSize(columns=len(variables), rows=rows,
                     integers=sum(1 for v in variables if v.is_integer() and not v.fixed))


def test_the_size_of_a_time_resolved_model_is_known_from_one_and_two_steps() -> None:
    # Hofors-Borlänge at 8 typical days (192 steps, heat cascade, no store): exact.
    park = symbiosis.load_park(PARKS / "hofors_borlange", overrides={"park.time": {"typical_days": 8}})
    data = to_model_data(park, find_candidates(park), time_steps(park))
    assert len(data.weights) == 192
    assert model_size(data) == _built_size(data)
    assert model_size(data).integers > 0  # a MIP: its build decisions


def test_the_size_counts_a_store_carried_across_typical_days() -> None:
    # Herøya: 8 typical days (7 distinct here) and a candidate hot-water tank with standing
    # loss, whose content at the start of each of the 365 days is a column with one row, and
    # is bounded at each of the 24 steps of each day (2 x 8,760 rows). All counted exactly.
    park = symbiosis.load_park(PARKS / "heroya")
    data = to_model_data(park, find_candidates(park), time_steps(park))
    assert len(data.storages) == 1 and data.day_order is not None
    periods = len(set(data.period.tolist()))
    estimate, built = model_size(data), _built_size(data)
    assert periods > 1 and data.storages[0].standing_loss > 0
    assert estimate == built


def test_memory_needed_grows_with_rows_and_columns() -> None:
    small, large = ModelSize(10_000, 10_000), ModelSize(10_000_000, 10_000_000)
    assert memory_needed(small) < 0.3 * GIB  # mostly the interpreter
    # 20 M rows plus columns of an LP at about 2 KiB each (Pyomo's model and HiGHS's copy)
    assert memory_needed(large) == pytest.approx(20e6 * 2 * 1024, rel=0.01)
    # a MIP needs more: a second HiGHS searches beside branch and bound
    assert memory_needed(ModelSize(10_000_000, 10_000_000, integers=5_000)) > 1.5 * memory_needed(large)
    assert available_memory() > 0.1 * GIB


def test_a_model_larger_than_the_memory_left_is_refused_with_what_to_do() -> None:
    size = ModelSize(columns=30_000_000, rows=28_000_000)
    with pytest.raises(ModelTooLarge) as refused:
        check_fits(size, "park X at 8,760 time steps (hourly)", available=16 * GIB)
    message = str(refused.value)
    for words in ("park X at 8,760 time steps", "30.0 M columns", "28.0 M rows", "GiB", "16.0 GiB available",
                  "typical_days", "--no-memory-check"):
        assert words in message
    check_fits(size, "park X", available=200 * GIB)  # enough: nothing raised


def test_optimize_refuses_before_building_and_builds_when_told_to(monkeypatch) -> None:
    park = symbiosis.load_park(PARKS / "hofors_borlange", overrides={"park.time": {"typical_days": 2}})
    built = []
    monkeypatch.setattr(optimization, "build_model", lambda *a, **k: built.append(1) or build_model(*a, **k))
    monkeypatch.setattr("symbiosis.memory.available_memory", lambda: 0.1 * GIB)
    with pytest.raises(ModelTooLarge, match=r"park.time: \{typical_days: 2\}, 48 time steps"):
        symbiosis.optimize(park)
    assert not built  # refused before the model was built
    stages: list[str] = []
    result = symbiosis.optimize(park, check_memory=False, progress=stages.append)
    assert result.has_solution and built
    # the progress line says how large the model will be before building it
    building = next(stage for stage in stages if stage.startswith("building the model"))
    candidates = find_candidates(park)
    size = model_size(to_model_data(park, candidates, time_steps(park, candidates)))
    assert f"about {size.total:,} rows and columns" in building and "GiB" in building


def test_the_command_line_says_the_model_is_too_large_without_a_traceback(monkeypatch) -> None:
    monkeypatch.setattr("symbiosis.memory.available_memory", lambda: 0.1 * GIB)
    runner = CliRunner()
    args = ["optimize", str(PARKS / "hofors_borlange"), "--set", "park.time={typical_days: 2}"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output and "GiB of memory" in refused.output
    forced = runner.invoke(cli, [*args, "--no-memory-check"])
    assert forced.exit_code == 0, forced.output


def test_a_report_is_refused_the_same_way_and_forced_the_same_way(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("symbiosis.memory.available_memory", lambda: 0.1 * GIB)
    runner = CliRunner()
    args = ["report", str(PARKS / "hofors_borlange"), "--set", "park.time={typical_days: 2}",
            "--out", str(tmp_path / "reports"), "--name", "board", "--history", str(tmp_path / "h.sqlite")]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2 and "GiB of memory" in refused.output
    assert not (tmp_path / "reports" / "board" / "report.html").exists()
    forced = runner.invoke(cli, [*args, "--no-memory-check"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "reports" / "board" / "report.html").exists()



def test_a_sweep_is_refused_before_its_cluster_starts(monkeypatch) -> None:
    """A sweep of a park too large for memory started its Dask cluster and made each run a
    failed row saying so (exit 1, its fix naming --no-memory-check, which sweep lacked); it is
    refused as optimize refuses it, before any run (exit 2), and --no-memory-check exists."""
    import importlib

    sweep_module = importlib.import_module("symbiosis.analysis.sweep")  # the module, not the function
    monkeypatch.setattr("symbiosis.memory.available_memory", lambda: 0.1 * GIB)
    started = []
    monkeypatch.setattr(sweep_module, "_Cluster", lambda *a: started.append(1))
    args = ["sweep", str(PARKS / "hofors_borlange"), "--set", "park.time={typical_days: 2}",
            "--set", "park.carbon_price=100..200:100 EUR/t"]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2, refused.output
    assert "GiB of memory" in refused.output and "Traceback" not in refused.output
    assert not started
    with pytest.raises(ModelTooLarge):  # the time resolution swept is checked too
        symbiosis.sweep(PARKS / "hofors_borlange", grid={"park.time": ["annual", {"typical_days": 2}]})
    assert not started
    assert "--no-memory-check" in CliRunner().invoke(cli, ["sweep", "--help"]).output


def test_doctor_exits_1_when_the_default_solver_fails(monkeypatch) -> None:
    """doctor always exited 0, so a script could not use it as a check."""
    from symbiosis.cli import doctor as command

    monkeypatch.setattr(command, "check_solver", lambda name: (name != "highs", "simulated"))
    run = CliRunner().invoke(cli, ["doctor"])
    assert run.exit_code == 1 and "HiGHS, the default solver, does not work" in run.output
    monkeypatch.setattr(command, "check_solver", lambda name: (name == "highs", "simulated"))
    assert CliRunner().invoke(cli, ["doctor"]).exit_code == 0


def test_doctor_says_how_large_a_model_fits(monkeypatch) -> None:
    from symbiosis.cli.doctor import memory_line

    monkeypatch.setattr("symbiosis.cli.doctor.available_memory", lambda: 8 * GIB)
    line = memory_line()
    # (8 GiB - 0.2 GiB) / 3.5 KiB = 2.34 M rows and columns of a MIP, / 2 KiB = 4.09 M of an LP
    assert "8.0 GiB available" in line and "about 2.3 M rows and columns" in line and "about 4.1 M" in line
