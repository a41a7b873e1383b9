"""``symbiosis candidates PARK``: the candidate links, before any solve."""

from __future__ import annotations

import click
import pandas as pd
from rich.table import Table

from symbiosis.candidates import Candidates, find_candidates
from symbiosis.candidates.between import UnknownSite, candidates_between
from symbiosis.cli.analysis_common import echo_json, frame_json, json_option
from symbiosis.cli.common import (
    check_out_file,
    handle_errors,
    park_argument,
    parse_overrides,
    quantity,
    scenario_options,
    stdout,
    write_output,
)
from symbiosis.park import Carrier, Park, load_park
from symbiosis.results.result import write_csv


@click.command()
@park_argument
@scenario_options
@click.option("--between", nargs=2, metavar="A B", default=None,
              help="only the links between A and B (each a firm, a hub or firm.stream), both ways, "
                   "and why each other pair of their streams got none")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="also write the table to this CSV file (every column)")
@click.option("--force", is_flag=True, help="replace the --csv file if it exists")
@json_option
@handle_errors
def candidates(park: str, scenario: str | None, overrides: tuple[str, ...], between: tuple[str, str] | None,
               csv_path: str | None, force: bool, as_json: bool) -> None:
    """List every candidate link of PARK: which supply could serve which demand, with
    which technology, over what length, at what cost and largest size; then the candidate
    stores and hub units. With --between A B: the candidates between two firms and why their
    other streams got none (too far, too cold, the firms' rules ...)."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    if csv_path:
        check_out_file(csv_path, force=force, option="--csv")
    found = find_candidates(loaded)
    if as_json:  # the tables as --csv writes them; with --between, each pair and why it has none
        if between:
            pairs = _between(loaded, found, *between)
            echo_json({"park": loaded.name, "between": list(between), "pairs": frame_json(pairs)})
        else:
            echo_json({"park": loaded.name, "currency": loaded.currency, "links": frame_json(found.table),
                       "assets": frame_json(found.assets_table)})
        if csv_path:
            write_output(csv_path, write_csv(pairs if between else found.table), force=force, option="--csv")
        return
    if between:
        _show_between(loaded, found, *between, csv_path=csv_path, force=force)
        return
    table = Table(title=f"{loaded.name}: {len(found)} candidate links", title_justify="left",
                  caption="largest size: the most its two streams allow (with a store beside them), at "
                          "least the technology's min_capacity; the temperatures may let a heat link carry "
                          "less", caption_justify="left")
    numbers = ("length", "largest size", "fixed investment")
    for column in ("id", "from", "to", "carrier", "technology", *numbers, "note"):
        table.add_column(column, justify="right" if column in numbers else "left")
    for c in found.links:
        largest = quantity(c.max_capacity, Carrier(c.carrier).rate_unit)
        table.add_row(c.id, f"{c.from_firm}.{c.from_stream}", f"{c.to_firm}.{c.to_stream}", c.carrier,
                      c.technology, f"{c.length_km:.2f} km", largest,
                      quantity(c.investment_fixed, loaded.currency), c.note)
    stdout.print(table)
    assets = found.assets_table
    if len(assets):
        stores = Table(title=f"{len(assets)} candidate stores and hub units", title_justify="left")
        for column in ("id", "site", "stream", "technology", "largest size"):
            stores.add_column(column, justify="right" if column == "largest size" else "left")
        for row in assets.itertuples():
            stores.add_row(row.id, row.site, row.stream, row.technology,
                           quantity(row.max_capacity, row.capacity_unit))
        stdout.print(stores)
    if csv_path:
        write_output(csv_path, write_csv(found.table), force=force,
                     option="--csv")
        stdout.print(f"written: {csv_path}")


def _between(park: Park, found: Candidates, first: str, second: str) -> pd.DataFrame:
    try:
        return candidates_between(park, first, second, found.table)
    except UnknownSite as unknown:
        raise click.BadParameter(str(unknown), param_hint="--between") from None


def _show_between(park: Park, found: Candidates, first: str, second: str, csv_path: str | None,
                  force: bool) -> None:
    table = _between(park, found, first, second)
    links = table[table["candidate"].notna()]
    others = len(table) - len(links)
    shown = Table(title=f"{park.name}: {len(links)} candidate link{'' if len(links) == 1 else 's'} between "
                  f"{first} and {second}; {others} "
                  f"{'pair and technology' if others == 1 else 'pairs and technologies'} without one",
                  title_justify="left")
    for column in ("from", "to", "technology", "candidate", "note / why not"):
        shown.add_column(column, overflow="fold")
    for row in table.itertuples():
        shown.add_row(row.supply, row.demand, row.technology or "any",
                      row.candidate if pd.notna(row.candidate) else "-",
                      row.note if pd.notna(row.candidate) else row.reason)
    stdout.print(shown)
    if table.empty:
        stdout.print(f"{first} and {second} have no supply on one side and demand of its carrier on the "
                     "other (a hub whose technologies are all disabled offers nothing)")
    if csv_path:
        write_output(csv_path, write_csv(table), force=force, option="--csv")
        stdout.print(f"written: {csv_path}")
