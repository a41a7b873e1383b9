"""``symbiosis pareto PARK``: total cost against emissions, with the abatement cost of each step."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from symbiosis.analysis.pareto import pareto as run_pareto
from symbiosis.analysis.pareto import plot_pareto
from symbiosis.cli.analysis_common import (
    echo_json,
    frame_json,
    json_option,
    money,
    percent,
    refusals_as_usage,
    show_table,
    solve_options,
    text,
    tonnes,
    workers_option,
)
from symbiosis.cli.common import (
    check_out_folder,
    handle_errors,
    no_solution,
    park_argument,
    parse_overrides,
    progress_status,
    scenario_options,
    stdout,
)
from symbiosis.park import load_park
from symbiosis.results.result import atomic_write, write_csv

PARETO_FILES = ("pareto.png", "pareto.csv")  # as written: pareto.csv last


@click.command()
@park_argument
@scenario_options
@click.option("--steps", type=click.IntRange(min=2), default=5, show_default=True,
              help="points on the front, both ends included")
@click.option("--out", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="write pareto.csv and pareto.png into this folder")
@click.option("--force", is_flag=True, help="replace the files of a front already in --out")
@workers_option("solves")
@json_option
@solve_options
@handle_errors
def pareto(park: str, scenario: str | None, overrides: tuple[str, ...], steps: int, out: str | None,
           force: bool, workers: int, as_json: bool, time_limit: float | None, gap: float,
           threads: int | None, solver: str) -> None:
    """The least total annual cost of PARK at each emission cap, from the least-cost answer to
    the least-emissions one, and what each step costs per tonne of CO2."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    if out:
        check_out_folder(out, PARETO_FILES, force=force)
    with progress_status() as status, refusals_as_usage():
        front = run_pareto(loaded, steps, solver=solver, time_limit=time_limit, gap=gap, threads=threads,
                           progress=status.update, workers=workers)
    if pd.isna(front["total_cost"].iloc[0]):
        no_solution(front["status"].iloc[0], "there is no front: the least-cost answer is its start", as_json)
    if out:
        folder = Path(out)
        check_out_folder(folder, PARETO_FILES, force=force)  # again: a file may have come meanwhile
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / "pareto.png", lambda path: plot_pareto(front).savefig(
            path, dpi=150, bbox_inches="tight", facecolor="white"))
        atomic_write(folder / "pareto.csv", write_csv(front))  # last: the marker
    currency = loaded.currency
    if as_json:
        echo_json({"park": loaded.name, "currency": currency, "carbon_price": loaded.settings.carbon_price,
                   "points": frame_json(front)})
    else:
        cash = money(currency)
        co2 = front_tonnes(front)
        show_table(front, [("step", "step", text), ("emissions_cap", "cap t/yr", co2),
                           ("emissions", "emissions t/yr", co2), ("total_cost", "total cost", cash),
                           ("saving", "saving", cash), ("abatement_cost", f"abatement {currency}/t", cash),
                           ("exchanges", "exchanges", text), ("status", "status", text),
                           ("gap", "gap", percent)],
                   title=f"{loaded.name}: cost against CO2 (carbon price {loaded.settings.carbon_price:,.0f} "
                         f"{currency}/t; abatement = the carbon price at which the step pays)")
        if len(front) == 1 and steps > 1:
            stdout.print("note: one point: the least-cost answer already has the least emissions the park "
                         "can reach (no design emits less), so there is no trade-off to show",
                         highlight=False)
        stopped = int(((front["status"] == "time_limit") & front["total_cost"].notna()).sum())
        if stopped:
            stdout.print(f"note: {stopped} point{'s' if stopped > 1 else ''} stopped at the time limit: "
                         "their costs are upper bounds (gap column; no gap: the cost was not minimised at "
                         "all), so the abatement costs beside them are estimates; give a longer --time-limit",
                         highlight=False)
        if out:
            stdout.print(f"written: {out}/pareto.csv, {out}/pareto.png")


def front_tonnes(front: pd.DataFrame) -> Callable[[Any], str]:
    """Tonnes of the front's caps and emissions, to as many decimals as its steps need (two
    significant digits of the mean step between points, up to 6 decimals):
    whole tonnes hid a front narrower than a tonne (Mo Industripark's spans 0.34 t, trucks against
    conveyors), whose every row read 49,717 t while its cost rose by 4.8 MNOK at an abatement
    cost of 15.8 MNOK/t."""
    emissions = pd.to_numeric(front["emissions"], errors="coerce").dropna()
    span = float(emissions.max() - emissions.min()) if len(emissions) > 1 else 0.0
    step = span / max(len(front) - 1, 1)
    decimals = min(6, max(0, math.ceil(-math.log10(step)) + 1)) if step > 0 else 0
    return functools.partial(tonnes, decimals=decimals)
