"""Sweeps on Dask: three carbon prices on a local cluster, one scenario broken on purpose.

Three hydrogen pairs (``analysis_parks.three_pairs``): pair k is built when 438 t x (500 + 10 x
carbon price) exceeds its capital CRF(7 %, 40) x 1.3 d_k MNOK (97,512, 487,559, 975,119 NOK), i.e.
pair 1 always, pair 2 above 61.3 NOK/t, pair 3 above 172.6 NOK/t. At 0, 100 and 200 NOK/t:
1, 2 and 3 exchanges.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest
from analysis_parks import PAIR_CAPITAL, pair_benefit, three_pairs
from click.testing import CliRunner
from conftest import PARKS, write_park

import symbiosis
from symbiosis import load_park
from symbiosis.analysis import expand_grid, grid_values, sweep
from symbiosis.analysis.sweep import SWEEP_FILES, SweepResult, chains_of, run_one
from symbiosis.cli import cli
from symbiosis.cli.sweep import parse_grid
from symbiosis.park import ParkError
from symbiosis.solvers import SolverNotAvailable


@pytest.fixture(scope="module")
def client():
    """One local cluster for the module (starting one takes a few seconds)."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The three pairs at 20 NOK/t, and a scenario that removes a firm the park does not have."""
    return write_park(tmp_path_factory.mktemp("sweep") / "pairs", three_pairs(),
                      files={"scenarios/broken.yaml": "remove_firms: [nobody]\n"})


def test_a_broken_scenario_or_key_is_refused_before_any_run(client, folder: Path) -> None:
    """A scenario that cannot load, a misspelt key or a wrong unit made a failed row in every
    run, after the cluster had started: now each scenario is loaded with the grid's first and
    last values before any run."""
    with pytest.raises(ParkError, match="nobody"):
        sweep(folder, scenarios=[None, "broken"], grid={"park.carbon_price": "0..200:100"}, client=client)
    with pytest.raises(ParkError, match="carbon_prize"):
        sweep(folder, grid={"park.carbon_prize": "0..200:100 NOK/t"}, client=client)
    with pytest.raises(ParkError, match="carbon_price"):
        sweep(folder, grid={"park.carbon_price": "0..200:100 NOK/MWh"}, client=client)


def test_a_sweep_of_carbon_prices_with_a_failing_run(client, folder: Path, tmp_path: Path) -> None:
    done = []
    prices = ["0 NOK/t", "100 NOK/t", "-5 NOK/t", "200 NOK/t"]
    result = sweep(folder, grid={"park.carbon_price": prices},
                   client=client, on_run=lambda count, total, row: done.append((count, total)))
    assert sorted(done) == [(k, 4) for k in range(1, 5)]
    runs = result.runs
    assert list(runs["run"]) == list(range(4))
    assert list(runs["park.carbon_price"]) == prices
    negative = runs["park.carbon_price"] == "-5 NOK/t"
    base, broken = runs[~negative], runs[negative]
    assert list(base["status"]) == ["optimal"] * 3
    assert list(base["exchanges"]) == [1, 2, 3]
    assert str(runs["exchanges"].dtype) == "Int64"  # counts, not 3.0, beside the failed run (an audit)
    # Two chains of two runs: the second run starts from the design before it (one pair fewer)
    # and still finds the pair more its price pays for; the failed run leaves the run after it
    # to start on its own.
    assert list(base["start"]) == ["", "design", ""]
    savings = [sum(pair_benefit(price) - capital for capital in PAIR_CAPITAL[:k])
               for price, k in ((0, 1), (100, 2), (200, 3))]
    assert list(base["saving"]) == pytest.approx(savings, rel=1e-6)
    assert list(broken["status"]) == ["failed"]
    assert all("carbon_price" in error for error in broken["error"])
    assert len(result.failed) == 1
    # An audit: the files did not say which exchanges each run built, nor of what park and currency.
    assert [built.count(" -> ") for built in base["built"]] == [1, 2, 3]
    assert base["built"].iloc[0].startswith("s1.") and broken["built"].isna().all()
    about = result.to_dict()
    assert about["currency"] == "NOK" and about["grid"] == {"park.carbon_price": str(prices)}
    assert about["objective"] == "cost" and about["scenarios"] == [""]

    exchanges = result.exchanges
    assert list(exchanges["from_firm"]) == ["s1", "s2", "s3"]
    assert list(exchanges["built_in"]) == [3, 2, 1] and set(exchanges["runs"]) == {3}
    assert list(exchanges["robustness"]) == pytest.approx([1, 2 / 3, 1 / 3])
    pair1 = exchanges.iloc[0]
    assert pair1["saving_min"] == pytest.approx(pair_benefit(0) - PAIR_CAPITAL[0], rel=1e-6)
    assert pair1["saving_max"] == pytest.approx(pair_benefit(200) - PAIR_CAPITAL[0], rel=1e-6)
    assert json.dumps(result.to_dict())  # plain data, NaN as null
    # DESIGN: "table and plots across scenarios"; and saved from Python as --out saves it (an audit:
    # neither could be had from the API)
    figure = symbiosis.plot_sweep(result)
    saving_ax, co2_ax, robust_ax = figure.axes
    (line,) = saving_ax.get_lines()  # one line (the park as it is) over the carbon price
    assert list(line.get_xdata()) == [-5, 0, 100, 200]
    assert saving_ax.get_xlabel() == "park.carbon_price, NOK/t"
    assert math.isnan(line.get_ydata()[0])  # the failed run (-5 NOK/t) is a gap
    assert robust_ax.get_xlabel() == "runs that build it, %"
    saved = result.save(tmp_path / "sweep")
    assert sorted(p.name for p in saved.iterdir()) == sorted(SWEEP_FILES)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        result.save(saved)


def test_a_loaded_park_sweeps_from_its_folder(client, folder: Path) -> None:
    """DESIGN's sweep(park, ...) takes a loaded Park too: the workers read its folder. A Park
    loaded with a scenario or overrides is refused (they would be lost on the way), and so is
    a misspelt objective (every run would fail)."""
    park = load_park(folder)
    result = sweep(park, grid={"park.carbon_price": "0..100:100"}, client=client)
    assert list(result.runs["status"]) == ["optimal"] * 2
    with pytest.raises(ValueError, match="not a Park loaded with them"):
        sweep(load_park(folder, overrides={"park.carbon_price": "50 NOK/t"}), client=client)
    with pytest.raises(ValueError, match="objective must be one of"):
        sweep(folder, objective="Emissions", client=client)


def test_cli_sweep_on_an_existing_scheduler(client, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    run = CliRunner().invoke(cli, ["sweep", str(folder), "--set", "park.carbon_price=0..200:200 NOK/t",
                                   "--scheduler", client.scheduler.address, "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert [r["exchanges"] for r in document["runs"]] == [1, 3]
    # each run's gap and bound (a run stopped at its time limit said nothing of how far it was)
    assert all(0 <= r["gap"] <= 1e-4 and r["bound"] <= r["total_cost"] + 1e-6 for r in document["runs"])
    assert all((out / name).is_file() for name in SWEEP_FILES)  # sweep.png with the tables
    # to a pipe (not a terminal) each run's end is a plain line: the bar drew nothing there
    assert "run 1 of 2 done" in run.stderr and "run 2 of 2 done" in run.stderr
    refused = CliRunner().invoke(cli, ["sweep", str(folder), "--scenario", "broken", "--base",
                                       "--no-warm-start", "--scheduler", client.scheduler.address])
    assert refused.exit_code == 2
    assert "nobody" in refused.output and "Traceback" not in refused.output


def test_runs_are_cut_into_consecutive_chains() -> None:
    assert chains_of(6, 2) == [range(0, 3), range(3, 6)]
    assert chains_of(5, 2) == [range(0, 2), range(2, 5)]
    assert chains_of(2, 4) == [range(0, 1), range(1, 2)]  # never more chains than runs
    assert [len(chain) for chain in chains_of(10, 3)] == [3, 4, 3]


def test_without_warm_start_every_run_starts_on_its_own(client, folder: Path) -> None:
    result = sweep(folder, grid={"park.carbon_price": "0..200:100"}, client=client, warm_start=False)
    assert list(result.runs["exchanges"]) == [1, 2, 3]
    assert list(result.runs["start"]) == ["", "", ""]


def test_ranges_keep_units_and_form_a_full_grid(folder: Path) -> None:
    assert grid_values("500..2000:500 NOK/t") == ["500 NOK/t", "1000 NOK/t", "1500 NOK/t", "2000 NOK/t"]
    assert grid_values("1.2..1.5:0.1") == [1.2, 1.3, 1.4, 1.5]  # decimal steps, no 1.3000000000000003
    assert grid_values("0..10:4") == [0, 4, 8]  # STOP only when a step lands on it
    assert grid_values("900 NOK/t") == ["900 NOK/t"]
    assert grid_values(["a", "b"]) == ["a", "b"]
    for wrong in ("5..1:1", "1..5:0", "1..5"):
        with pytest.raises(ValueError):
            grid_values(wrong)
    grid = expand_grid(folder, {"park.carbon_price": "0..100:100", "park.routing_factor": [1.2, 1.4]})
    assert grid == [{"park.carbon_price": p, "park.routing_factor": r}
                    for p in ("0 NOK/t", "100 NOK/t") for r in (1.2, 1.4)]


def test_cli_grid_reads_ranges_and_single_values() -> None:
    assert parse_grid(("park.carbon_price=500..2000:250 NOK/t", "park.routing_factor=1.4")) == {
        "park.carbon_price": "500..2000:250 NOK/t", "park.routing_factor": [1.4]}
    with pytest.raises(Exception, match="STEP must be positive"):
        parse_grid(("park.carbon_price=1..5:-1",))
    with pytest.raises(Exception, match="set twice"):
        parse_grid(("a=1", "a=2"))
    with pytest.raises(Exception, match="'park.time.typical_days' lies inside 'park.time'"):
        parse_grid(("park.time.typical_days=4", "park.time=annual"))


def test_a_unit_is_read_after_a_decimal_comma_or_digit_groups(tmp_path: Path) -> None:
    """A range without a unit takes the park's own; after '100,5 EUR/t' or '1_000 t/year' (numbers
    symbiosis reads) the unit was ',5 EUR/t' and '_000 t/year', and every run was refused."""
    from symbiosis.analysis.sweep import park_unit

    park = tmp_path / "park.yaml"
    park.write_text("routes:\n  landfill:\n    price: 100,5 EUR/t\nfirms:\n  a:\n    amount: 1_000 t/year\n"
                    "    share: 1,200.5 kg\n")
    assert park_unit(park, "routes.landfill.price") == "EUR/t"
    assert park_unit(park, "firms.a.amount") == "t/year"
    assert park_unit(park, "firms.a.share") == "kg"
    assert grid_values("100..200:100", unit_of=park_unit(park, "routes.landfill.price")) == \
        ["100 EUR/t", "200 EUR/t"]


def test_an_infeasible_run_says_why_and_links_running_today_are_not_proposed(client, tmp_path: Path,
                                                                             monkeypatch) -> None:
    """Pair 1 runs today (an existing pipe), so at 20 NOK/t nothing is proposed: the count was 1
    and the robustness table listed the pipe as 'built in 1 of 1'. A scenario that allows firm s1
    no partner cannot keep its existing pipe: it is refused before any run (the load names the
    rule). Should a run be infeasible all the same (here that load check is switched off, in this
    process), its row says why in sentences (it said only 'Infeasible') and it counts among the
    failed (the sweep counted 0 failed while exiting 1)."""
    data = three_pairs()
    data["existing"] = [{"from": "s1.hydrogen", "to": "d1.hydrogen", "technology": "hydrogen_pipe",
                         "capacity": "0.1 t/h"}]
    folder = write_park(tmp_path / "pairs", data,
                        files={"scenarios/alone.yaml": "firms: {s1: {rules: {max_partners: 0}}}\n"})
    with pytest.raises(ParkError, match="max_partners"):
        sweep(folder, scenarios=[None, "alone"], client=client)
    result = sweep(folder, client=client)
    base = result.runs.iloc[0]
    assert base["status"] == "optimal" and base["exchanges"] == 0 and base["error"] == ""
    assert result.exchanges.empty

    monkeypatch.setattr("symbiosis.park.convert.check_partners_of_existing", lambda *args: None)
    options = {"objective": "cost", "solver": "highs", "time_limit": None, "gap": 1e-4}
    answers = [run_one(str(folder), scenario, {}, options) for scenario in (None, "alone")]
    runs = pd.DataFrame([answer["row"] for answer in answers])
    alone = runs.iloc[1]
    assert alone["status"] == "infeasible" and "max_partners" in alone["error"]
    assert not alone["error"].startswith("[")  # the sentences, not a list's repr
    both = SweepResult(runs=runs, exchanges=result.exchanges)
    assert list(both.failed["scenario"]) == ["alone"]
    assert "1 with a solution, 1 failed" in repr(both)


def test_a_scenario_key_the_grid_also_sets_is_said_before_the_runs(client, tmp_path: Path) -> None:
    """A scenario of 300 NOK/t crossed with a carbon-price grid: the grid is applied over the
    scenario, so its runs were the base case's, without a word."""
    from symbiosis.analysis.sweep import ShadowedSetting, shadowed_settings

    dear = "description: dear carbon\npark:\n  carbon_price: 300 NOK/t\n"
    folder = write_park(tmp_path / "pairs", three_pairs(), files={"scenarios/dear.yaml": dear})
    grid = {"park.carbon_price": "0..200:200 NOK/t"}
    (said,) = shadowed_settings(folder, [None, "dear"], grid)
    assert "scenario 'dear' sets park.carbon_price, which the grid also sets" in said
    assert shadowed_settings(folder, [None, "dear"], {"park.discount_rate": [0.05]}) == []
    with pytest.warns(ShadowedSetting, match="'dear' sets park.carbon_price"):
        runs = sweep(folder, scenarios=["dear"], grid=grid, client=client).runs
    assert list(runs["exchanges"]) == [1, 3]  # 0 and 200 NOK/t: the grid's, not the scenario's 300
    run = CliRunner().invoke(cli, ["sweep", str(folder), "--scenario", "dear", "--set",
                                   "park.carbon_price=0..200:200 NOK/t", "--scheduler",
                                   client.scheduler.address])
    assert run.exit_code == 0, run.output
    assert "note: scenario 'dear' sets park.carbon_price" in run.stderr
    assert "ShadowedSetting" not in run.stderr


def test_runs_that_a_time_limit_left_without_a_solution_exit_1(tmp_path: Path) -> None:
    """``--time-limit 0``: both runs stop before any answer (status time_limit, no saving); the
    command said "2 runs, 2 failed" and exited 0, where the README promises exit code 1."""
    folder = write_park(tmp_path / "pairs", three_pairs())
    run = CliRunner().invoke(cli, ["sweep", str(folder), "--set", "park.carbon_price=100..125:25",
                                   "--time-limit", "0"])
    assert run.exit_code == 1, run.output


def test_a_range_with_decimal_commas_is_read_as_park_files_read_numbers() -> None:
    """'500,5..1000:499,5 NOK/t' was refused ("no range") though --set reads '500,5 NOK/t';
    '1,000..2,000:500' (thousands or decimals?) is refused as a park file refuses '1,000'."""
    assert grid_values("500,5..1000:499,5 NOK/t") == ["500.5 NOK/t", "1000 NOK/t"]
    assert grid_values("0.1..0.3:0.1") == [0.1, 0.2, 0.3]
    with pytest.raises(ValueError, match="thousands comma"):
        grid_values("1,000..2,000:500")


@pytest.mark.parametrize(("arguments", "error", "says"), [
    # Found by an audit: each started a Dask cluster and returned every run failed, or failed
    # deep inside pathlib or pandas.
    ({"time_limit": -1}, ValueError, "time_limit must be a number of seconds >= 0"),
    ({"gap": 5}, ValueError, "gap must be a relative MIP gap between 0 and 1"),
    ({"solver": "hihgs"}, SolverNotAvailable, "solver 'hihgs' is not available"),
    ({"scenarios": "high_carbon_price"}, TypeError, "scenarios must be a list of scenario names"),
    ({"client": "localhost"}, TypeError, "scheduler='tcp://host:8786'"),
    ({"grid": ["park.carbon_price"]}, TypeError, "grid must map keys to values or ranges"),
    ({"park_path": 42}, TypeError, "sweep expects a park folder"),
])
def test_a_sweep_refuses_what_no_run_can_mean_before_dask_starts(monkeypatch, arguments, error, says) -> None:
    import sys

    sweeping = sys.modules[SweepResult.__module__]  # the module (symbiosis.analysis.sweep is the function)

    def no_cluster(*args, **kwargs):
        raise AssertionError("the cluster was started")

    monkeypatch.setattr(sweeping, "_Cluster", no_cluster)
    park = arguments.pop("park_path", str(PARKS / "mo_industripark"))
    with pytest.raises(error, match=re.escape(says)):
        sweep(park, **arguments)


def test_a_grid_of_too_many_runs_is_refused_before_it_is_made(tmp_path: Path) -> None:
    """Found by an audit: two ranges of 10,000 values made 10^8 runs, and the command's memory
    ran away before any run started; now the count is said first and too many refused."""
    park = str(PARKS / "mo_industripark")
    with pytest.raises(ValueError, match=r"the grid makes 100,000,000 runs \(10,000 \(park.carbon_price\)"):
        expand_grid(park, {"park.carbon_price": "1..10000:1 NOK/t", "park.routing_factor": "1..10000:1"})
    refused = CliRunner().invoke(cli, ["sweep", park, "--set", "park.carbon_price=1..10000:1",
                                       "--set", "park.routing_factor=1..10000:1"])
    assert refused.exit_code == 2 and "more than 10,000: take larger steps" in refused.output
    assert "Traceback" not in refused.output


def test_a_failed_run_built_no_count_of_exchanges() -> None:
    """A failed run's exchanges were 0, so an average over the runs counted it as nothing built."""
    sweeping = sys.modules[SweepResult.__module__]
    assert sweeping._failed(None, {}, "broken")["row"]["exchanges"] is None


def test_the_sweeps_files_are_readable_as_optimizes_are(tmp_path: Path) -> None:
    """Found by an audit: the sweep's tables were written -rw------- (a temporary file's mode),
    beside optimize's -rw-r--r--: colleagues sharing the folder could not read them."""
    from symbiosis.results.result import atomic_write

    before = os.umask(0o022)
    try:
        atomic_write(tmp_path / "runs.csv", lambda path: Path(path).write_text("run\n"))
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "runs.csv").stat().st_mode) == 0o644


def test_a_range_without_a_unit_on_a_percentage_is_shares_as_a_single_value_is() -> None:
    """Found by an audit: '0.05..0.08:0.01' on Mo's 'discount_rate: 7 %' kept the park's '%' and
    ran 0.05 % to 0.08 %, where '--set park.discount_rate=0.05' is 5 %. Bare numbers are shares
    everywhere; other units are still kept ('500..1000:500' on a carbon price in NOK/t)."""
    park = str(PARKS / "mo_industripark")
    assert expand_grid(park, {"park.discount_rate": "0.05..0.06:0.01"}) == [
        {"park.discount_rate": 0.05}, {"park.discount_rate": 0.06}]
    assert expand_grid(park, {"park.discount_rate": "5..6:1 %"}) == [
        {"park.discount_rate": "5 %"}, {"park.discount_rate": "6 %"}]
    assert expand_grid(park, {"park.carbon_price": "500..1000:500"})[1] == {"park.carbon_price": "1000 NOK/t"}


def test_a_run_the_time_limit_ended_without_an_answer_says_so(tmp_path: Path, monkeypatch) -> None:
    """A sweep's failed run said only HiGHS's own words ('Time limit reached'); it now gives the
    reason `optimize` and the report give, with the flag that allows more time."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    monkeypatch.setattr(optimization, "solve", lambda model, options: SolveOutcome(Status.TIME_LIMIT, False))
    folder = write_park(tmp_path / "pairs", three_pairs())
    options = {"objective": "cost", "solver": "highs", "time_limit": 5, "gap": 1e-4}
    row = run_one(str(folder), None, {}, options)["row"]
    assert row["status"] == "time_limit"
    assert row["error"].startswith("The time limit ended the solve")
    assert "--time-limit SECONDS; time_limit= in Python)." in row["error"]
