"""The Pareto front of cost against emissions, and the abatement cost of each step.

Three hydrogen pairs (``analysis_parks.three_pairs``, carbon price 20 NOK/t): pair k saves
438 t x (500 + 20 x 10) = 306,600 NOK a year and 4380 t CO2, and costs CRF(7 %, 40) x 1000 NOK/m
x 1300 d_k m (d = 1, 5, 10 km): 97,512, 487,559 and 975,119 NOK. Only pair 1 pays. Its abatement
cost without the carbon price is (capital - 438 x 500) / 4380 t: 61.31 NOK/t for pair 2,
172.63 NOK/t for pair 3.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_parks import PAIR_CAPITAL, PAIR_TONNES, pair_benefit, three_pairs
from click.testing import CliRunner
from conftest import count_worker_pools, write_park

import symbiosis
from symbiosis.analysis import pareto, plot_pareto
from symbiosis.cli import cli

BASELINE = 3 * PAIR_TONNES * 500 + 20 * 3 * PAIR_TONNES * 10  # 919,800 NOK
MAC = [(capital - PAIR_TONNES * 500) / (PAIR_TONNES * 10) for capital in PAIR_CAPITAL]


@pytest.fixture
def park(tmp_path: Path):
    return symbiosis.load_park(write_park(tmp_path / "pairs", three_pairs()))


def test_front_ends_are_the_cost_and_emissions_optima_and_each_step_its_abatement_cost(park) -> None:
    """Step 0: pair 1 only, 8760 t; step 1 (cap 4380 t): pair 2 joins; step 2: all three, 0 t."""
    assert abs(BASELINE - 919_800) < 1e-6
    assert MAC[1] == pytest.approx(61.31, abs=0.01) and MAC[2] == pytest.approx(172.63, abs=0.01)
    said: list[str] = []
    front = pareto(park, steps=3, progress=said.append)
    # progress names each point by its step in the table (it said "step 1 of 3" for step 0)
    assert said == ["step 0 (solve 1 of 3): least cost", "step 2 (solve 2 of 3): least emissions",
                    "step 1 (solve 3 of 3): least cost at most 4,380 t CO2/year"]
    assert list(front.columns) == ["step", "emissions_cap", "emissions", "total_cost", "saving",
                                   "abatement_cost", "exchanges", "status", "gap"]
    assert list(front["status"]) == ["optimal"] * 3
    assert (front["gap"] <= 1e-4).all()
    assert list(front["exchanges"]) == [1, 2, 3]

    cheapest, cleanest = symbiosis.optimize(park), symbiosis.optimize(park, objective="emissions")
    assert front["total_cost"].iloc[0] == pytest.approx(cheapest.total_cost, rel=1e-9)
    assert front["emissions"].iloc[0] == pytest.approx(cheapest.summary["emissions"], rel=1e-9)
    assert front["total_cost"].iloc[-1] == pytest.approx(cleanest.total_cost, rel=1e-9)
    assert front["emissions"].iloc[-1] == pytest.approx(cleanest.summary["emissions"], abs=1e-3)

    totals = [BASELINE + sum(PAIR_CAPITAL[:k]) - k * pair_benefit(20) for k in (1, 2, 3)]
    assert list(front["total_cost"]) == pytest.approx(totals, rel=1e-6)
    assert list(front["emissions"]) == pytest.approx([2 * PAIR_TONNES * 10, PAIR_TONNES * 10, 0], abs=1e-3)
    assert list(front["emissions_cap"]) == pytest.approx([8760, 4380, 0], abs=1e-3)
    assert math.isnan(front["abatement_cost"].iloc[0])
    assert list(front["abatement_cost"].iloc[1:]) == pytest.approx(MAC[1:], rel=1e-6)
    assert front.attrs["carbon_price"] == 20 and front.attrs["currency"] == "NOK"


def test_steps_between_the_same_point_have_no_abatement_cost(park) -> None:
    """Caps 6570 and 4380 t both build pair 2 (whole: its flow saves money), so step 2 avoids nothing."""
    front = pareto(park, steps=5)
    assert list(front["exchanges"]) == [1, 2, 2, 3, 3]
    assert front["abatement_cost"].iloc[1] == pytest.approx(MAC[1], rel=1e-6)
    assert math.isnan(front["abatement_cost"].iloc[2])
    assert front["abatement_cost"].iloc[3] == pytest.approx(MAC[2], rel=1e-6)


def test_a_front_needs_two_steps(park) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        pareto(park, steps=1)
    with pytest.raises(ValueError, match="whole number"):  # "3" met a TypeError deep inside
        pareto(park, steps="3")
    with pytest.raises(TypeError, match="load_park"):  # a path met an AttributeError deep inside
        pareto("parks/raufoss", steps=3)
    with pytest.raises(ValueError, match="whole number"):
        pareto(park, steps=True)


def test_steps_may_be_a_numpy_integer(park) -> None:
    """np.int64(2) was refused as 'not a whole number' (from np.arange or a table column)."""
    assert len(pareto(park, steps=np.int64(2))) == 2


def test_plot_has_the_front_and_the_abatement_bars(park) -> None:
    figure = plot_pareto(pareto(park, steps=3))
    front_ax, mac_ax = figure.axes
    assert "emissions" in front_ax.get_xlabel() and "NOK/t" in mac_ax.get_ylabel()
    assert len(mac_ax.patches) == 2
    with pytest.raises(ValueError, match="emissions and total_cost"):
        plot_pareto(pd.DataFrame({"cost": [1.0]}))


def test_cli_pareto_writes_csv_and_png_and_json(tmp_path: Path) -> None:
    folder = write_park(tmp_path / "pairs", three_pairs())
    out = tmp_path / "front"
    run = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "3", "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert [point["exchanges"] for point in document["points"]] == [1, 2, 3]
    assert document["points"][0]["abatement_cost"] is None
    assert (out / "pareto.png").stat().st_size > 0
    assert list(pd.read_csv(out / "pareto.csv")["exchanges"]) == [1, 2, 3]
    again = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "3", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    table = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "3"])
    assert table.exit_code == 0 and "61.3 NOK" in table.stdout



def test_a_front_of_one_point_says_why(tmp_path: Path) -> None:
    """At a carbon price of 1,000 NOK/t every pair pays (the dearest abates at 172.63 NOK/t), so
    the least-cost answer builds all three and has the least emissions: the front is one point,
    which the table printed without a word (an audit)."""
    folder = write_park(tmp_path / "pairs", three_pairs())
    priced = ["--set", "park.carbon_price=1000 NOK/t"]
    run = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "4", *priced], terminal_width=250)
    assert run.exit_code == 0, run.output
    said = " ".join(run.stdout.split())
    assert "note: one point: the least-cost answer already has the least emissions" in said
    plain = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "3"], terminal_width=250)
    assert "note: one point" not in plain.stdout


def test_points_a_time_limit_stopped_are_said_to_be_bounds(tmp_path, monkeypatch) -> None:
    """Under --time-limit the front printed points whose cost was not minimised, and abatement
    costs from them, with nothing to say so: the gap column and a note beneath the table do."""
    import dataclasses

    from click.testing import CliRunner

    import symbiosis.optimization as optimization
    from symbiosis.cli import cli
    from symbiosis.solvers import Status

    real = optimization.solve
    monkeypatch.setattr(optimization, "solve", lambda model, options: dataclasses.replace(
        real(model, options), status=Status.TIME_LIMIT, gap=0.02))
    folder = write_park(tmp_path / "pairs", three_pairs())
    # one worker: the stopped solves are this process's (the patch does not reach worker processes)
    run = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "3", "--time-limit", "60",
                                   "--workers", "1"], terminal_width=250)
    said = " ".join(run.output.split())
    assert "note: 3 points stopped at the time limit" in said and "time_limit │ 2.0%" in said


def test_points_solved_side_by_side_give_the_same_front(park, tmp_path: Path, monkeypatch) -> None:
    """The two ends, then the steps between, are solved in worker processes (each point is one
    solve of the park, minutes on an hourly one): the same front as one by one; a park loaded
    with --set stays in this process (the workers load the folder as it is)."""
    import importlib

    module = importlib.import_module("symbiosis.analysis.pareto")  # the package's `pareto` is the function
    pools = count_worker_pools(monkeypatch, module)
    said: list[str] = []
    together = pareto(park, steps=4, workers=2, progress=said.append)
    assert pools == [2]
    assert said == ["step 0 (solve 1 of 4): least cost; "
                    "step 3 (solve 2 of 4): least emissions (2 side by side)",
                    "step 1 (solve 3 of 4): least cost at most 5,840 t CO2/year; "
                    "step 2 (solve 4 of 4): least cost at most 2,920 t CO2/year (2 side by side)"]
    pd.testing.assert_frame_equal(together, pareto(park, steps=4))

    overridden = symbiosis.load_park(tmp_path / "pairs", overrides={"park.carbon_price": "30 NOK/t"})
    pareto(overridden, steps=3, workers=2)
    assert pools == [2]  # not reloadable: solved here


def test_a_front_of_two_columns_is_drawn_and_other_input_refused() -> None:
    """Found by an audit: a front of emissions and total_cost alone (which the error message said
    was enough) raised AttributeError 'step'; a Park raised AttributeError 'columns'."""
    figure = plot_pareto(pd.DataFrame({"emissions": [4300.0, 3800.0], "total_cost": [268e6, 310e6]}))
    (front, _) = figure.axes
    assert [text.get_text() for text in front.texts] == ["0", "1"]
    with pytest.raises(TypeError, match="plot_pareto takes the frame of symbiosis.pareto"):
        plot_pareto("front.csv")


def test_workers_below_one_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="workers must be a whole number of processes >= 1"):
        pareto(symbiosis.load_park(write_park(tmp_path / "park", three_pairs())), steps=3, workers=0)


def test_a_point_without_an_answer_keeps_its_step_and_no_count_of_exchanges(park, monkeypatch) -> None:
    """Both ends unsolved: the least-emissions end was numbered step 1 (progress said step 4) and
    showed 0 exchanges, where nothing is known."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    monkeypatch.setattr(optimization, "solve", lambda model, options: SolveOutcome(Status.TIME_LIMIT, False))
    front = pareto(park, steps=5, time_limit=5, workers=1)
    assert list(front["step"]) == [0, 4]
    assert front["exchanges"].isna().all() and front["total_cost"].isna().all()


def test_a_progress_that_is_no_function_is_refused_before_any_solve(park, monkeypatch) -> None:
    """``pareto(park, progress=3)`` solved both ends, then failed calling 3 ('int' object is not
    callable); every analysis refuses it first, as ``optimize`` does (an audit of the README)."""
    import symbiosis.optimization as optimization

    monkeypatch.setattr(optimization, "solve", lambda model, options: pytest.fail("solved"))
    for analysis in (lambda: pareto(park, progress=3, workers=1),
                     lambda: symbiosis.explain(park, None, progress=3),
                     lambda: symbiosis.partner_risk(park, None, progress=3),
                     lambda: symbiosis.fair_shares(park, None, progress=3)):
        with pytest.raises(TypeError, match="progress must be a function of one text"):
            analysis()


def test_a_front_narrower_than_a_tonne_shows_its_steps_apart(tmp_path: Path, monkeypatch) -> None:
    """Found by an audit of what-if answers: Mo Industripark's front spans 0.34 t (trucks against
    conveyors), and the table rounded every cap and emission to whole tonnes, so each row read
    49,717 t while the cost rose by 4.8 MNOK at 15.8 MNOK/t: a step that cuts 0.12 t looked like
    one that cuts nothing. The tonnes get as many decimals as the steps need (two significant
    digits of the mean step: 0.11 t here)."""
    import symbiosis.cli.pareto as command

    emissions = [49717.0332703, 49716.9173269, 49716.8140115, 49716.6980753]
    front = pd.DataFrame({"step": [0, 1, 2, 3],
                          "emissions_cap": [49717.0332703, 49716.921, 49716.810, 49716.6980753],
                          "emissions": emissions,
                          "total_cost": [99579434.0, 101412914.0, 102541189.0, 104374669.0],
                          "saving": [93124883.0, 91291403.0, 90163128.0, 88329648.0],
                          "abatement_cost": [math.nan, 15814480.0, 10921585.0, 15814248.0],
                          "exchanges": [8, 8, 8, 8], "status": ["optimal"] * 4, "gap": [0.0] * 4})
    monkeypatch.setattr(command, "run_pareto", lambda *args, **kwargs: front)
    folder = write_park(tmp_path / "pairs", three_pairs())
    run = CliRunner().invoke(cli, ["pareto", str(folder), "--steps", "4"], terminal_width=250)
    assert run.exit_code == 0, run.output
    for shown in ("49,717.03 t", "49,716.92 t", "49,716.81 t", "49,716.70 t"):
        assert shown in run.stdout
    # a front of hundreds of tonnes a step keeps whole tonnes
    wide = command.front_tonnes(front.assign(emissions=[4291.2, 4153.3, 4024.6, 3759.5]))
    assert wide(4291.16836534) == "4,291 t" and wide(float("nan")) == "-"
