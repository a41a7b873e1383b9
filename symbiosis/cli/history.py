"""``symbiosis history PARK``: the recorded runs of a park, newest first."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

import click
from rich.table import Table

from symbiosis.cli.common import EXIT_USAGE, handle_errors, stderr, stdout
from symbiosis.report.history import History, default_path
from symbiosis.report.numbers import gap as gap_text
from symbiosis.report.numbers import money, number, status_words

# The history keeps each run's exchanges with those running today among them (the report's
# headline says "8 proposed exchanges and 5 running today" where this column says 13).
RUNNING_INCLUDED = "exchanges incl. running"


def park_name(park: str) -> str:
    """The park's name from a park folder or ``park.yaml``; anything else is taken as the name."""
    path = Path(park)
    if path.is_dir():
        path = path / "park.yaml"
    if not path.is_file():
        return park
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    remedy = "give a park folder, its park.yaml, or the park's name"
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:  # its history is still there, by name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise click.BadParameter(f"cannot read the park's name from {path} ({problem}); {remedy}",
                                 param_hint="PARK") from None
    park = data.get("park") if isinstance(data, dict) else None
    name = park.get("name") if isinstance(park, dict) else None
    if name is None or isinstance(name, dict | list) or not str(name).strip():
        raise click.BadParameter(f"{path} is not a park file: it has no 'park: name:'; {remedy}",
                                 param_hint="PARK")
    return str(name)


@click.command()
@click.argument("park")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), default=None, metavar="DB",
              help="the SQLite run history")
@click.option("--out", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="the --out folder of `symbiosis report`: reads DIR/../history.sqlite")
@click.option("--scenario", default=None, metavar="NAME", help="only runs of this scenario ('' for the base)")
@click.option("--all", "all_parks", is_flag=True, help="runs of every park in the history")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="the runs as JSON, nothing else")
@handle_errors
def history(park: str, history_path: str | None, out: str | None, scenario: str | None, all_parks: bool,
            limit: int, as_json: bool) -> None:
    """List the recorded runs of PARK (a park folder, or the park's name), newest first."""
    if history_path is None and out is None:
        stderr.print("[bold red]error:[/] say where the history is: --history DB, or --out DIR as given to "
                     "`symbiosis report`", markup=True)
        sys.exit(EXIT_USAGE)
    path = Path(history_path) if history_path else default_path(out)
    if not path.is_file():
        stderr.print(f"[bold red]error:[/] no run history at {path}", markup=True, highlight=False)
        sys.exit(EXIT_USAGE)
    name = None if all_parks else park_name(park)
    try:
        every = History(path).runs(name, scenario)
    except sqlite3.DatabaseError as exc:
        option = "--history" if history_path else "--out"
        raise click.BadParameter(f"{path} is not a run history ({exc}); give the history.sqlite written by "
                                 "`symbiosis report`", param_hint=option) from None
    runs = every[:limit]
    if as_json:
        click.echo(json.dumps([asdict(run) for run in runs], indent=2))
        return
    of_park = History(path).runs(name) if not every and name is not None and scenario is not None else []
    if of_park:
        scenarios = sorted({run.scenario or "(base)" for run in of_park})
        stderr.print(f"no runs of '{name}' with scenario '{scenario}' in {path}; its runs have the "
                     f"scenarios {', '.join(scenarios)}", highlight=False)
    elif not every and name is not None:  # a name the history does not know: say which it knows
        known = sorted({run.park for run in History(path).runs()})
        stderr.print(f"no runs of '{name}' in {path}" + (f"; it holds runs of {', '.join(known)}: give that "
                     "park's folder or name, or --all" if known else ""), highlight=False)
    shown = f"the newest {len(runs)} of {len(every)} runs" if len(runs) < len(every) else \
        f"{len(every)} run{'' if len(every) == 1 else 's'}, newest first"
    table = Table(title=f"{name or 'all parks'}: {shown} ({path})", title_justify="left")
    columns = ["id", "time", "park", "scenario", "status", "saving/yr", "CO2 avoided t/yr", "investment",
               RUNNING_INCLUDED, "gap", "data", "folder"]
    if name is not None:
        columns.remove("park")
    for column in columns:
        table.add_column(column, justify="right" if column in ("id", "saving/yr", "CO2 avoided t/yr",
                                                               "investment", RUNNING_INCLUDED, "gap")
                         else "left")
    for i, run in enumerate(runs):
        older = next((r for r in runs[i + 1:] if r.series == run.series), None)
        changed = "" if older is None or older.fingerprint == run.fingerprint else " (changed)"
        cells = {"id": str(run.id), "time": run.time[:16].replace("T", " "), "park": run.park,
                 "scenario": (run.scenario or "-") + (f" --set {run.overrides}" if run.overrides else "")
                 + (f" (least {run.minimised})" if run.minimised != "cost" else ""),
                 "status": status_words(run.status, run.has_solution),
                 "saving/yr": money(run.saving, run.currency), "CO2 avoided t/yr": number(run.co2_avoided),
                 "investment": money(run.investment, run.currency),
                 RUNNING_INCLUDED: number(run.exchanges) if run.has_solution else "-",
                 "gap": gap_text(run.gap),
                 "data": run.fingerprint[:8] + changed,
                 "folder": _folder(run.result_path)}
        table.add_row(*(cells[c] for c in columns))
    stdout.print(table)


def _folder(path: str) -> str:
    """A run's report folder by name, marked when it was deleted since."""
    if not path:
        return "-"
    return Path(path).name + ("" if Path(path).is_dir() else " (deleted)")
