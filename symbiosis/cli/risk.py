"""``symbiosis risk PARK``: what the park loses when a firm closes or leaves."""

from __future__ import annotations

import click

from symbiosis.analysis.risk import partner_risk
from symbiosis.cli.analysis_common import (
    echo_json,
    json_option,
    money,
    refusals_as_usage,
    show_table,
    solve_options,
    text,
    workers_option,
)
from symbiosis.cli.common import (
    handle_errors,
    no_solution,
    park_argument,
    parse_overrides,
    progress_status,
    scenario_options,
    stdout,
)
from symbiosis.optimization import optimize
from symbiosis.park import load_park


@click.command()
@park_argument
@scenario_options
@workers_option("re-solves")
@json_option
@solve_options
@handle_errors
def risk(park: str, scenario: str | None, overrides: tuple[str, ...], workers: int, as_json: bool,
         time_limit: float | None, gap: float, threads: int | None, solver: str) -> None:
    """Rank the firms of PARK by what the others lose if that firm leaves (its exchanges'
    investment sunk, theirs kept), and the exchanges by what the park loses if they are stranded."""
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    with progress_status() as status:
        result = optimize(loaded, solver=solver, time_limit=time_limit, gap=gap, threads=threads,
                          progress=status.update, keep_on_interrupt=False)
        if not result.has_solution:
            no_solution(result.status, "nothing is at risk", as_json, result.why_no_solution)
        with refusals_as_usage():
            found = partner_risk(loaded, result, solver=solver, time_limit=time_limit, gap=gap,
                                 threads=threads, progress=status.update,
                                 workers=workers)
    if as_json:
        echo_json({"park": loaded.name, "currency": loaded.currency, "saving": result.saving,
                   **found.to_dict()})
        return
    cash = money(loaded.currency)
    show_table(found.firms, [("firm", "firm", text), ("partners", "partners", text),
                             ("stranded_capital", "stranded capital", cash),
                             ("saving_before", "before", cash),
                             ("saving_after", "after", cash), ("loss", "loss", cash),
                             ("loss_to_others", "loss to others", cash),
                             ("loss_to_others_long_run", "loss to others, long run", cash),
                             ("status", "status", text)],
               title=f"{loaded.name}: if the firm leaves (per year; after = the rest of the park, its links "
                     "kept, less the stranded capital; long run = re-optimised from scratch, nothing "
                     "stranded)")
    firms = found.firms
    gaining = [f"{row.firm}{'' if row.loss_to_others < 0 else ', long run'}" for row in firms.itertuples()
               if row.loss_to_others < 0 or row.loss_to_others_long_run < 0]
    if gaining:  # reads as "the others are better off without it" (an audit of risk on Mo i Rana)
        stdout.print(f"A negative loss to others ({'; '.join(gaining)}): the firms that stay can replace "
                     "what it gives them for less than the half of each exchange's saving it is paid; "
                     "the park as a whole still loses its 'loss'.", highlight=False)
    negative = [row.firm for row in firms.itertuples() if row.loss < 0]
    if negative:  # an audit: "the park still loses its loss" beside a negative loss
        stdout.print(f"A negative loss ({', '.join(negative)}): in today's costs the firm is paid half the "
                     "saving of its existing links (its baseline, which leaves with it), more than the firms "
                     "that stay pay to replace them; 'loss to others' is what they pay more.",
                     highlight=False)
    if len(found.exchanges):
        show_table(found.exchanges, [
            ("id", "id", text), ("from_firm", "from", text), ("to_firm", "to", text),
            ("technology", "technology", text), ("investment", "investment", cash),
            ("annual_capital", "capital/yr", cash), ("saving", "saving", cash),
            ("exposure", "exposure", cash),
            ("stranded_by", "stranded if leaving", text)],
            title="exchanges: exposure = saving lost + capital still paid if stranded")
