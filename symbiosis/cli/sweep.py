"""``symbiosis sweep PARK``: scenarios crossed with a grid of values, run on Dask."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from symbiosis.analysis.sweep import (
    RANGE,
    SWEEP_FILES,
    ShadowedSetting,
    SweepResult,
    expand_grid,
    grid_values,
    shadowed_settings,
)
from symbiosis.analysis.sweep import sweep as run_sweep
from symbiosis.cli.analysis_common import echo_json, json_option, money, percent, show_table, text, tonnes
from symbiosis.cli.common import (
    EXIT_NO_SOLUTION,
    FiniteFloatRange,
    UsageProblem,
    check_out_folder,
    handle_errors,
    park_argument,
    refuse_set_twice,
    stderr,
    stdout,
    yaml_value,
)


@click.command()
@park_argument
@click.option("--scenario", "scenarios", multiple=True, metavar="NAME",
              help="run scenarios/NAME.yaml (repeat for several); without it, the park as it is")
@click.option("--base", is_flag=True, help="also run the park as it is, beside the scenarios")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="a value, or a range START..STOP:STEP [unit], e.g. "
                   "--set park.carbon_price='500..2000:250 NOK/t'; several --set form a full grid")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="an existing Dask scheduler (tcp://host:8786); default a local cluster of 2 processes")
@click.option("--out", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="write runs.csv, exchanges.csv and sweep.json into this folder")
@click.option("--force", is_flag=True, help="replace the files of a sweep already in --out")
@click.option("--objective", type=click.Choice(["cost", "emissions"]), default="cost", show_default=True)
@click.option("--time-limit", type=FiniteFloatRange(min=0), default=None, metavar="SECONDS",
              help="for each run")
@click.option("--gap", type=FiniteFloatRange(min=0, max=1), default=1e-4, show_default=True)
@click.option("--solver", default="highs", show_default=True)
@click.option("--warm-start/--no-warm-start", default=True, show_default=True,
              help="start each run from the design of the run before it (same answers, less time)")
@click.option("--no-memory-check", is_flag=True,
              help="build the models even if their estimated memory exceeds what the machine has")
@json_option
@handle_errors
def sweep(park: str, scenarios: tuple[str, ...], base: bool, settings: tuple[str, ...], scheduler: str | None,
          out: str | None, force: bool, objective: str, time_limit: float | None, gap: float, solver: str,
          warm_start: bool, no_memory_check: bool, as_json: bool) -> None:
    """Solve PARK for every scenario and every combination of the --set values, on Dask; show
    each run and, for each exchange, in how many runs it is built."""
    grid = parse_grid(settings)
    if out:
        check_out_folder(out, SWEEP_FILES, force=force)
    chosen: list[str | None] = [*([None] if base or not scenarios else []), *scenarios]
    for message in shadowed_settings(park, chosen, grid):  # said here, before the runs
        stderr.print(f"note: {message}", highlight=False, markup=False)
    try:
        runs = len(chosen) * len(expand_grid(park, grid))
    except ValueError as exc:  # a grid of more runs than a sweep makes
        raise UsageProblem(str(exc)) from None
    stderr.print(f"{runs:,} run{'' if runs == 1 else 's'}", highlight=False, markup=False)
    columns = [TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    # A bar on a terminal; to a file or pipe (cron), one plain line as each run ends.
    with Progress(*columns, console=stderr, transient=True, disable=not stderr.is_terminal) as bar:
        task = bar.add_task("starting the Dask cluster", total=None)
        if not stderr.is_terminal:
            stderr.print("starting the Dask cluster", highlight=False)

        def done(count: int, total: int, row: dict[str, Any]) -> None:
            what = f"{row['scenario'] or 'park'} {row['overrides']}: {row['status']}"
            bar.update(task, completed=count, total=total, description=what)
            if not stderr.is_terminal:
                stderr.print(f"run {count} of {total} done: {what}", markup=False, highlight=False)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ShadowedSetting)  # noted above
            result = run_sweep(park, chosen, grid, scheduler=scheduler, objective=objective, solver=solver,
                               time_limit=time_limit, gap=gap, on_run=done, warm_start=warm_start,
                               check_memory=not no_memory_check)
    if out:
        _write(result, Path(out), force=force)
    if as_json:
        echo_json(result.to_dict())
    else:
        _show(result, list(grid))
        if out:
            stdout.print(f"written: {', '.join(f'{out}/{name}' for name in SWEEP_FILES)}")
    if len(result.failed):  # a run without a solution (a time limit that ran out included)
        sys.exit(EXIT_NO_SOLUTION)


def parse_grid(settings: tuple[str, ...]) -> dict[str, Any]:
    """``KEY=START..STOP:STEP [unit]`` stays a range (resolved by the sweep, with the park's unit);
    any other value is read as YAML, like ``optimize --set``."""
    grid: dict[str, Any] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"'{setting}' is not KEY=VALUE", param_hint="--set")
        refuse_set_twice(key, grid)
        if RANGE.match(value) or ".." in value:
            try:
                grid_values(value)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--set") from None
            grid[key] = value
        else:
            grid[key] = [yaml_value(key, value)]
    return grid


def _write(result: SweepResult, folder: Path, *, force: bool) -> None:
    check_out_folder(folder, SWEEP_FILES, force=force)  # again: a file may have come during the sweep
    result.save(folder, overwrite=True)


def _show(result: SweepResult, keys: list[str]) -> None:
    runs = result.runs.assign(scenario=result.runs["scenario"].replace("", "(park)"),
                              error=[_last_line(error) for error in result.runs["error"]])
    cash = money("")
    show_table(runs, [("run", "run", text), ("scenario", "scenario", text), *[(k, k, text) for k in keys],
                      ("status", "status", text), ("total_cost", "total cost", cash),
                      ("saving", "saving", cash), ("emissions", "emissions t/yr", tonnes),
                      ("gap", "gap", percent), ("exchanges", "exchanges", text), ("error", "error", text)],
               title=f"{len(runs)} runs, {len(result.failed)} failed (money in "
                     f"{result.about.get('currency', 'the park currency')} per year)")
    if len(result.exchanges):
        show_table(result.exchanges, [
            ("from_firm", "from", text), ("from_stream", "stream", text), ("to_firm", "to", text),
            ("to_stream", "stream", text), ("technology", "technology", text), ("built_in", "built in", text),
            ("robustness", "robustness", percent), ("saving_min", "saving min", cash),
            ("saving_max", "saving max", cash)],
            title="exchanges: in how many runs with a solution each is built")


def _last_line(error: object) -> str:
    """The last line of an error message (a park error lists its problems one a line)."""
    lines = str(error or "").strip().splitlines()
    return lines[-1].strip().removeprefix("- ") if lines else ""
