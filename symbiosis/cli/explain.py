"""``symbiosis explain PARK``: why each link is, or is not, built, and by how much."""

from __future__ import annotations

import click
from rich.markup import escape

from symbiosis.analysis.explain import explain as run_explain
from symbiosis.analysis.explain import share_in_words, state_in_words
from symbiosis.candidates import find_candidates
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
    workers_option,
)
from symbiosis.cli.common import (
    check_out_file,
    handle_errors,
    no_solution,
    park_argument,
    parse_overrides,
    progress_status,
    scenario_options,
    stdout,
    write_output,
)
from symbiosis.optimization import optimize
from symbiosis.park import load_park
from symbiosis.results.result import write_csv

# Explanations the table's numbers do not show, printed beneath it.
NOTEWORTHY = ("will not do", "not optimal", "has no solution")


@click.command()
@park_argument
@scenario_options
@click.option("--link", "links", multiple=True, metavar="ID",
              help="a candidate id (L001 ...; see `symbiosis candidates`); repeat for several; default all")
@click.option("--out", "out_csv", type=click.Path(dir_okay=False), default=None,
              help="also write the table to this CSV file (for `symbiosis report --why`)")
@click.option("--force", is_flag=True, help="replace the --out file if it exists")
@workers_option("re-solves")
@json_option
@solve_options
@handle_errors
def explain(park: str, scenario: str | None, overrides: tuple[str, ...], links: tuple[str, ...],
            out_csv: str | None, force: bool, workers: int, as_json: bool, time_limit: float | None,
            gap: float, threads: int | None, solver: str) -> None:
    """For each candidate of PARK not built, how much cheaper it must be before it is; for each
    exchange built, how much of its saving it may lose before it drops out (one solve each)."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    if out_csv:
        check_out_file(out_csv, force=force)
    known = {link.id for link in find_candidates(loaded).links}  # before the solve, not after it
    unknown = [link for link in links if link not in known]
    if unknown:
        raise click.BadParameter(f"no candidate {', '.join(unknown)}; the park's candidates are "
                                 f"{', '.join(sorted(known)) or 'none'}", param_hint="--link")
    with progress_status() as status:
        result = optimize(loaded, solver=solver, time_limit=time_limit, gap=gap, threads=threads,
                          progress=status.update, keep_on_interrupt=False)
        if not result.has_solution:
            no_solution(result.status, "there is nothing to explain", as_json, result.why_no_solution)
        with refusals_as_usage():
            table = run_explain(loaded, result, list(links) or None, solver=solver, time_limit=time_limit,
                                gap=gap, threads=threads, progress=status.update,
                                workers=workers)
    if out_csv:
        write_output(out_csv, write_csv(table), force=force)
    if as_json:
        echo_json({"park": loaded.name, "currency": loaded.currency, "total_cost": result.total_cost,
                   "links": frame_json(table)})
        return
    if table.empty:  # an empty table said nothing of why (an audit)
        stdout.print(f"{loaded.name}: no new candidate links, so nothing to explain (see symbiosis "
                     "candidates --between A B for why two firms have none)", highlight=False)
        return
    cash = money(loaded.currency)
    shown = table.assign(link=[f"{r.from_firm}.{r.from_stream} -> {r.to_firm}.{r.to_stream}"
                               for r in table.itertuples()],
                         state=[state_in_words(r.built, r.carries_nothing, r.status)
                                for r in table.itertuples()])
    show_table(shown, [("id", "id", text), ("link", "link", text), ("technology", "technology", text),
                       ("state", "state", text), ("required_cut", "required cut", cash),
                       ("margin", "margin", cash),
                       ("investment_cut", "investment cut",
                        lambda value: percent(value, share_in_words)),
                       ("saving", "saving (built, or forced in)", cash),
                       ("other_changes", "other changes", text)]
               + ([("status", "re-solve", text)] if (table["status"] == "time_limit").any() else []),
               title=f"{loaded.name}: required cut = yearly cost cut before a link is built; margin = yearly "
                     "saving an exchange may lose before it drops out")
    stopped = int((table["status"] == "time_limit").sum())
    if stopped:
        stdout.print(f"note: {stopped} re-solve{'s' if stopped > 1 else ''} stopped at the time limit: "
                     "their cuts and margins are bounds, not the least; give a longer --time-limit",
                     highlight=False)
    for row in table.itertuples():  # what the table's numbers cannot say
        if any(words in str(row.explanation) for words in NOTEWORTHY):
            stdout.print(f"note: {row.id}: {escape(str(row.explanation))}", highlight=False)
