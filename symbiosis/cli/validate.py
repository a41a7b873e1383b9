"""``symbiosis validate PARK``: check a park and summarise it."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from symbiosis.cli.analysis_common import echo_json, json_option
from symbiosis.cli.common import (
    annual,
    handle_errors,
    park_argument,
    parse_overrides,
    scenario_options,
    stderr,
    stdout,
)
from symbiosis.park import Park, load_park, scaling_warnings


@click.command()
@park_argument
@scenario_options
@json_option
@handle_errors
def validate(park: str, scenario: str | None, overrides: tuple[str, ...], as_json: bool) -> None:
    """Check PARK (a folder with park.yaml) and summarise its firms and streams.

    Every problem in the data is listed at once, each with file, line, firm, stream
    and field, what was found, what was expected and how to fix it (exit status 2).
    """
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    summary = _summary(loaded)
    if as_json:
        echo_json(summary)
        return
    firms = Table(title=f"{loaded.name}: {len(loaded.firms)} firms", title_justify="left")
    for column in ("firm", "name", "sector", "supplies", "demands"):
        firms.add_column(column)
    for row in summary["firms"]:
        firms.add_row(row["firm"], row["name"], row["sector"], str(row["supplies"]), str(row["demands"]))
    stdout.print(firms)

    carriers = Table(title="streams per carrier (surplus = supply, need = demand)", title_justify="left")
    for column in ("carrier", "supplies", "surplus", "demands", "need"):
        carriers.add_column(column, justify="right" if column != "carrier" else "left")
    for row in summary["carriers"]:
        carriers.add_row(row["carrier"], str(row["supplies"]), annual(row["surplus"], row["unit"]),
                         str(row["demands"]), annual(row["need"], row["unit"]))
    stdout.print(carriers)
    warnings = summary["warnings"]  # as optimize says them: the data load, but look odd
    stdout.print(f"[green]valid[/]: {len(loaded.streams)} streams, {len(loaded.routes)} routes, "
                 f"{len(loaded.technologies)} technologies, time {loaded.settings.time}, "
                 f"currency {loaded.currency}; no problems found"
                 + (f", {len(warnings)} warning{'s' * (len(warnings) > 1)} (stderr)." if warnings else "."))
    for warning in warnings:
        stderr.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def _summary(park: Park) -> dict:
    """The park's summary, as ``validate`` shows it and ``validate --json`` prints it: its firms,
    each carrier's supplies and demands (annual amounts in MWh or t a year), counts and the
    warnings."""
    firms = [{"firm": firm.id, "name": firm.name, "sector": firm.sector or "",
              "supplies": sum(s.is_supply for s in firm.streams),
              "demands": sum(not s.is_supply for s in firm.streams)} for firm in park.firms.values()]
    carriers = []
    for carrier in sorted({stream.carrier for stream in park.streams}, key=str):
        streams = [stream for stream in park.streams if stream.carrier == carrier]
        carriers.append({"carrier": str(carrier), "unit": carrier.annual_unit,
                         "supplies": sum(s.is_supply for s in streams),
                         "surplus": sum(s.annual_amount for s in streams if s.is_supply),
                         "demands": sum(not s.is_supply for s in streams),
                         "need": sum(s.annual_amount for s in streams if not s.is_supply)})
    return {"status": "valid", "park": park.name, "currency": park.currency, "time": str(park.settings.time),
            "streams": len(park.streams), "routes": len(park.routes), "technologies": len(park.technologies),
            "firms": firms, "carriers": carriers, "warnings": scaling_warnings(park)}
