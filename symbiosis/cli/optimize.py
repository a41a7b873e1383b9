"""``symbiosis optimize PARK``: propose exchanges and show what they give each firm."""

from __future__ import annotations

import math
import sys

import click
from rich.markup import escape
from rich.table import Table

from symbiosis.cli.common import (
    EXIT_NO_SOLUTION,
    FiniteFloatRange,
    annual,
    check_out_folder,
    exchanges_text,
    handle_errors,
    park_argument,
    parse_overrides,
    progress_status,
    quantity,
    scenario_options,
    stderr,
    stdout,
)
from symbiosis.optimization import START_WORDS, VALUES_MISSING
from symbiosis.optimization import optimize as run_optimize
from symbiosis.park import load_park
from symbiosis.report.numbers import worse_off_note, years
from symbiosis.results import Result
from symbiosis.results.result import SAVED_FILES
from symbiosis.results.values import yearly_values
from symbiosis.solvers.status import STOPPED_MESSAGE


@click.command()
@park_argument
@scenario_options
@click.option("--json", "as_json", is_flag=True,
              help="print the JSON result contract on stdout, nothing else")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="write result.json, CSV tables and result.xlsx into this folder")
@click.option("--force", is_flag=True, help="replace the files of a result already in --out")
@click.option("--objective", type=click.Choice(["cost", "emissions"]), default="cost", show_default=True)
@click.option("--time-limit", type=FiniteFloatRange(min=0), default=None, metavar="SECONDS",
              help="for the run after the park is loaded: finding candidates and building count against it "
                   "but are not cut short; the solves share what is left; writing comes on top")
@click.option("--gap", type=FiniteFloatRange(min=0, max=1), default=1e-4, show_default=True,
              help="relative MIP gap at which to stop")
@click.option("--threads", type=click.IntRange(min=1), default=None)
@click.option("--solver", default="highs", show_default=True, help="highs, or any Pyomo solver by name")
@click.option("--start", type=click.Choice(START_WORDS), default="auto",
              show_default=True,
              help="HiGHS MIPs: first answer from the LP relaxation, or from the design of the park solved "
                   "as one annual step (auto: coarse for time-resolved MIPs of 20,000 columns, from 100 "
                   "binaries or, without stores, fewer; else "
                   "relaxation from 100 binaries, on annual parks at a gap under 1 % from 1,000)")
@click.option("--log", "show_log", is_flag=True, help="show the solver's log on stderr")
@click.option("--values", "show_values", is_flag=True,
              help="also show what each stream is worth to the park (dual prices)")
@click.option("--no-memory-check", is_flag=True,
              help="build the model even if its estimated memory exceeds what the machine has")
@handle_errors
def optimize(park: str, scenario: str | None, overrides: tuple[str, ...], as_json: bool, out: str | None,
             force: bool, objective: str, time_limit: float | None, gap: float, threads: int | None,
             solver: str, start: str, show_log: bool, show_values: bool, no_memory_check: bool) -> None:
    """Find the exchanges that make PARK cheapest (or least emitting) per year."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    if out:
        check_out_folder(out, SAVED_FILES, force=force)
    with progress_status() as status:
        result = run_optimize(loaded, objective=objective, solver=solver, time_limit=time_limit, gap=gap,
                              threads=threads, log=show_log,
                              progress=lambda stage: status.update(with_stop_hint(stage)),
                              values=True if show_values else None, start=start,
                              check_memory=not no_memory_check)
    for warning in result.summary.get("warnings", []):
        stderr.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if out:
        result.save(out, overwrite=force)
    if as_json:
        click.echo(result.to_json(values=show_values))
    else:
        show(result)
        if show_values:
            show_values_table(result)
        if out:
            stdout.print(f"written: {out}/result.json, CSV tables, result.xlsx")
    if not result.has_solution:
        sys.exit(EXIT_NO_SOLUTION)


def show(result: Result) -> None:
    """The summary and the ranked exchanges, for a person at a terminal."""
    s = result.summary
    currency = s["currency"]
    status = s["status"]
    gap = s["gap"]
    # An answer proven only within a gap says so, optimal included (--gap 0.01 stops at 1 %).
    shown_gap = gap == gap and (status == "time_limit" or (status == "optimal" and gap >= 5e-5))
    stopped = _stopped(result)
    of = {"cost": " of the cost at the least CO2", "emissions": " of the CO2"}.get(str(s.get("gap_of")), "") \
        if s.get("objective_kind") == "emissions" else ""
    status_text = ("stopped by Ctrl-C" if stopped else status) \
        + (f" (gap {gap:.2%}{of})" if shown_gap else "")
    stdout.print(f"[bold]{s['park']}[/]{' / ' + s['scenario'] if s['scenario'] else ''}: {status_text}")
    if not result.has_solution:
        stdout.print(f"[red]no solution[/]: the solver said {s['solver_message']}")
        for sentence in result.why_no_solution:
            stdout.print(f"  - {escape(sentence)}")
        return
    stdout.print(
        f"annual cost {quantity(s['baseline_cost'], currency)} -> {quantity(s['total_cost'], currency)}: "
        f"saving [bold green]{quantity(s['saving'], currency)}[/] per year; "
        f"CO2 {quantity(s['baseline_emissions'], 't')} -> {quantity(s['emissions'], 't')} per year; "
        f"investment {quantity(s['investment'], currency)}")
    title = exchanges_text(result) + (" (their change from today)" if result.running_today else "")
    table = Table(title=f"{title}, best first", title_justify="left")
    for column in ("from", "to", "technology", "capacity", "per year", "investment", "saving/yr",
                   "CO2 avoided", "payback"):
        table.add_column(column, justify="left" if column in ("from", "to", "technology") else "right")
    for row in result.exchanges.itertuples():
        tech = row.technology + (f" (COP {row.cop:.2f})" if row.kind == "heat_pump" else "")
        tech += " \\[existing]" if row.existing else ""  # escaped: rich would read [existing] as markup
        table.add_row(f"{row.from_firm}.{row.from_stream}", f"{row.to_firm}.{row.to_stream}", tech,
                      quantity(row.capacity, row.capacity_unit), annual(row.annual_amount, row.amount_unit),
                      quantity(row.investment, currency), quantity(row.saving, currency),
                      quantity(row.co2_avoided, "t"),
                      years(row.payback_years) if math.isfinite(row.payback_years) else "-")
    stdout.print(table)
    firms = Table(title="per firm, annual cost (each exchange's net saving shared half and half)",
                  title_justify="left")
    for column in ("firm", "today", "with exchanges", "saving"):
        firms.add_column(column, justify="left" if column == "firm" else "right")
    for row in result.firms.itertuples():
        firms.add_row(row.firm, quantity(row.baseline_cost, currency), quantity(row.total_cost, currency),
                      quantity(row.saving, currency))
    stdout.print(firms)
    note = worse_off_note(result.worse_off, currency, result.saving)
    if note:
        stdout.print(f"note: {escape(note)}", highlight=False)


def with_stop_hint(stage: str) -> str:
    """The progress line, with how to end the wait once there is an answer (a time-resolved park
    at the default gap may take many minutes to prove its last 0.1 %): Ctrl-C keeps the best
    answer found, as a time limit would."""
    return f"{stage} - Ctrl-C keeps it" if "from the bound" in stage and "best " in stage else stage


def _stopped(result: Result) -> bool:
    """Whether Ctrl-C stopped the solve (``optimize(keep_on_interrupt=True)``)."""
    return result.summary.get("solver_message") == STOPPED_MESSAGE


def show_values_table(result: Result) -> None:
    """What one more unit of each supply (or one less of each demand) would save the park."""
    values = result.values
    if values.empty:
        missing = any(w.startswith(VALUES_MISSING) for w in result.summary.get("warnings", []))
        why = "Ctrl-C stopped the solve" if _stopped(result) else "see the warning above" if missing \
            else "the solve has no solution, or the solver gives no duals"
        stdout.print(f"no stream values: {why}")
        return
    keys = ["stream", "direction", "unit"]
    summary = values.groupby(keys, sort=False).agg(low=("value", "min"), high=("value", "max"))
    summary["mean"] = yearly_values(values, keys)
    title = "what each stream is worth to the park (per unit; supply: one more, demand: one less)"
    if result.summary.get("objective_kind") == "emissions":
        title += "; the least-CO2 design run at the park's prices"
    table = Table(title=title, title_justify="left")
    for column in ("stream", "direction", "over the year", "lowest step", "highest step"):
        table.add_column(column, justify="left" if column in ("stream", "direction") else "right")
    for (stream, direction, unit), row in summary.iterrows():
        table.add_row(stream, direction, quantity(row["mean"], unit),
                      quantity(row["low"], unit), quantity(row["high"], unit))
    stdout.print(table)
