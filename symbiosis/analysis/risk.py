"""Partner risk: what the park loses when one firm closes or leaves.

For each firm with built exchanges, the park is taken without it (its streams, its candidate
links and its existing links go; the rest is as loaded) and re-solved twice:

- **sunk**: the exchanges built between the remaining firms are kept (fixed in; their
  investment is spent) and new links may be added. The exchanges of the leaving firm are
  *stranded*: their flow stops, but their capital (capital recovery of the investment; fixed
  O&M stops) is still paid by the park.
- **long run**: re-optimised from scratch, as if nothing had been built yet.

With ``S`` the park's saving in the result, ``s_f`` the leaving firm's own saving there (as
``Result.firms`` books it: half of each of its exchanges' savings), ``S_sunk`` the remaining
park's saving in the sunk re-solve, ``C`` the stranded capital and ``S_free`` the long-run
saving, both savings against the other firms' baseline costs in the result (today's park, with
the leaving firm's existing links: what the others pay today), so that ``loss_to_others`` is
what the others pay more a year than they do in the result:

    saving_after            = S_sunk - C
    loss                    = S - saving_after             (the park as a whole, the firm's own part included)
    loss_to_others          = S - s_f - saving_after       (what the firms that stay lose: the exposure)
    loss_to_others_long_run = S - s_f - S_free

Kept exchanges between two firms stay as they were built: in the sunk re-solve they are
existing links of their built capacity (a pipe is not enlarged; more flow needs a second one
laid beside it, with its own fixed cost), and their yearly cost (capital recovery and fixed
O&M of their investment in the result) is added to that re-solve's cost. Links to or from a
hub are fixed in but sized anew, and stores and hub units are decided anew (a hub unit cannot
be an existing asset). A hub whose built links all serve the leaving firm is left idle: its
units' capital is stranded with the firm's exchanges (counted in ``stranded_capital``). A hub
that serves several firms is resized in the re-solve; what it no longer needs is not counted.
Firms without a built exchange with another site cannot strand anything; their rows are zero
without a solve.

Each new exchange built between two sites is stranded when either of its firms leaves; its
``exposure`` = its saving + its capital: the yearly amount the park goes from gaining to paying.
Links running today are not listed: their risk is today's, counted in the firms' rows.

>>> risk = partner_risk(park, result)         # doctest: +SKIP
>>> risk.firms, risk.exchanges                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from symbiosis.analysis.common import (
    Progress,
    Solve,
    annualised_investment,
    candidate_ids,
    check_least_cost,
    check_result,
    has_nothing_to_build,
    link_key,
    records,
    require_park,
)
from symbiosis.analysis.side_by_side import as_done, usable_workers, worker_park, workers_for
from symbiosis.candidates.pairs import yearly_shares
from symbiosis.optimization import progress_of
from symbiosis.park import Park
from symbiosis.park.model import ExistingLink, frozen_mapping
from symbiosis.results import Result
from symbiosis.results.result import NOT_LINKS

FIRM_COLUMNS = ["firm", "name", "exchanges", "partners", "stranded_investment", "stranded_capital",
                "own_saving", "saving_before", "saving_sunk", "saving_after", "saving_long_run", "loss",
                "loss_to_others", "loss_to_others_long_run", "status"]
EXCHANGE_COLUMNS = ["id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "investment",
                    "annual_capital", "saving", "exposure", "stranded_by"]


@dataclass(frozen=True)
class PartnerRisk:
    """Firms ranked by ``loss_to_others`` and exchanges by ``exposure`` (see the module's text)."""

    firms: pd.DataFrame
    exchanges: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {"firms": records(self.firms), "exchanges": records(self.exchanges)}


def without_firms(park: Park, firms: Iterable[str]) -> Park:
    """The park without ``firms``: their streams and existing links go, as with a scenario's
    ``remove_firms``; other firms' ``exclude_partners`` drop the names that left."""
    gone = set(firms)
    unknown = gone - set(park.firms)
    if unknown:
        raise KeyError(f"no firm {', '.join(sorted(unknown))} in the park")
    kept = {}
    for firm_id, firm in park.firms.items():
        if firm_id in gone:
            continue
        rules = replace(firm.rules, exclude_partners=firm.rules.exclude_partners - gone)
        kept[firm_id] = replace(firm, rules=rules)
    existing = tuple(link for link in park.existing if not {link.from_firm, link.to_firm} & gone)
    return replace(park, firms=frozen_mapping(kept), existing=existing,
                   fingerprint=f"{park.fingerprint}-without-{'-'.join(sorted(gone))}")


def partner_risk(
    park: Park,
    result: Result | None = None,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    threads: int | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> PartnerRisk:
    """What the park loses if each firm leaves, and which exchanges each departure strands.

    Parameters
    ----------
    park, result
        The park and its result (solved here when not given).
    solver, time_limit, gap, threads
        For the two re-solves of each firm with exchanges.
    workers
        The firms' re-solves run side by side in this many worker processes, when the park was
        loaded from its folder without a scenario or overrides (the workers load it again); the
        same table as one by one. Worker processes are spawned: a script that asks for more than
        one must start under ``if __name__ == "__main__":``. ``symbiosis risk`` uses one a core,
        up to 4.
    """
    require_park(park, "partner_risk")
    say = progress_of(progress)
    solve = Solve(solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    if result is None:
        say("solving the park")
        result = solve(park)
    else:
        check_result(park, result)  # a result of other park data would be compared with this park
        check_least_cost(result, "what a departure costs")
    if not result.has_solution:
        raise ValueError(f"the result has no solution ({result.status}): nothing is at risk")
    exchanges = _exchanges(park, result)
    own = dict(zip(result.firms["firm"], result.firms["saving"], strict=True))
    rows = []
    # a boolean Series, not a list: an empty list would select no columns, not no rows
    ends = exchanges["stranded_by"].str.split(", ")
    stranded_by = {firm_id: exchanges[ends.map(lambda firms, f=firm_id: f in firms).astype(bool)]
                   for firm_id in park.firms}
    idle_units = _idle_hub_units(park, result)
    involved = [firm_id for firm_id, stranded in stranded_by.items() if not stranded.empty]
    took = sum(float(result.summary.get(key) or 0.0) for key in ("build_s", "solve_s", "results_s"))
    resolved = _resolve_each(park, result, involved, solve, say, workers, took)
    for firm_id, firm in park.firms.items():
        stranded = stranded_by[firm_id]
        partners = (set(stranded["from_firm"]) | set(stranded["to_firm"])) - {firm_id}
        row = {"firm": firm_id, "name": firm.name, "exchanges": len(stranded),
               "partners": ", ".join(sorted(partners)),
               "stranded_investment": float(stranded["investment"].sum()) + idle_units[firm_id][0],
               "stranded_capital": float(stranded["annual_capital"].sum()) + idle_units[firm_id][1],
               "own_saving": float(own.get(firm_id, 0.0)), "saving_before": result.saving}
        if stranded.empty:
            rest = result.saving - row["own_saving"]  # the others' exchanges do not depend on it
            row |= {"saving_sunk": rest, "saving_long_run": rest, "status": "no exchanges with others"}
        else:
            row |= resolved[firm_id]
        row["saving_after"] = row["saving_sunk"] - row["stranded_capital"]
        row["loss"] = row["saving_before"] - row["saving_after"]
        row["loss_to_others"] = row["saving_before"] - row["own_saving"] - row["saving_after"]
        row["loss_to_others_long_run"] = row["saving_before"] - row["own_saving"] - row["saving_long_run"]
        rows.append(row)
    firms = pd.DataFrame(rows, columns=FIRM_COLUMNS)
    firms = firms.sort_values(["loss_to_others", "loss"], ascending=False, kind="stable")
    # A link running today is no exposure of the proposal: its saving against today is 0, or
    # negative where the proposal moves flow off it, which read as nothing at stake or as a gain
    # if a partner left (an audit); its risk is today's, in the firms' rows.
    running = set(result.exchanges.loc[result.exchanges["existing"].astype(bool), "id"])
    proposed = exchanges[~exchanges["id"].isin(running)].reset_index(drop=True)
    return PartnerRisk(firms=firms.reset_index(drop=True), exchanges=proposed)


def _idle_hub_units(park: Park, result: Result) -> dict[str, tuple[float, float]]:
    """(investment, yearly capital) of the hub units each firm's leaving leaves idle: those of a
    hub whose built links all serve that one firm. (A unit serving several firms is resized in
    the re-solve, not counted: the module's text.)"""
    idle = dict.fromkeys(park.firms, (0.0, 0.0))
    exchanges = result.exchanges
    for hub in park.hubs:
        links = exchanges[~exchanges["kind"].isin(NOT_LINKS)
                          & ((exchanges["from_firm"] == hub) != (exchanges["to_firm"] == hub))]
        served = (set(links["from_firm"]) | set(links["to_firm"])) - {hub}
        if len(served) != 1 or not served <= set(park.firms):
            continue
        (firm,) = served
        units = exchanges[exchanges["kind"].isin(NOT_LINKS) & (exchanges["from_firm"] == hub)]
        investment = float(units["investment"].sum())
        capital = sum(annualised_investment(park, unit.technology, unit.investment)
                      for unit in units.itertuples())
        idle[firm] = (idle[firm][0] + investment, idle[firm][1] + capital)
    return idle


def _exchanges(park: Park, result: Result) -> pd.DataFrame:
    """Built exchanges between two sites, with the firms whose leaving strands them (links
    running today too: a firm's leaving stops them as well)."""
    rows = []
    for row in result.exchanges.itertuples():
        if row.kind in NOT_LINKS or row.from_firm == row.to_firm:
            continue
        capital = annualised_investment(park, row.technology, row.investment)
        ends = [end for end in (row.from_firm, row.to_firm) if end in park.firms]
        rows.append({"id": row.id, "from_firm": row.from_firm, "from_stream": row.from_stream,
                     "to_firm": row.to_firm, "to_stream": row.to_stream, "technology": row.technology,
                     "investment": row.investment, "annual_capital": capital, "saving": row.saving,
                     "exposure": row.saving + capital, "stranded_by": ", ".join(ends)})
    frame = pd.DataFrame(rows, columns=EXCHANGE_COLUMNS)
    return frame.sort_values("exposure", ascending=False, kind="stable").reset_index(drop=True)


def _resolve_each(park: Park, result: Result, firms: list[str], solve: Solve, say: Progress, workers: int,
                  took: float) -> dict[str, dict[str, Any]]:
    """:func:`_resolve` of each of ``firms``: side by side in worker processes when ``workers`` > 1
    and the park can be loaded again from its folder, else one by one."""
    workers = usable_workers(park, workers) if len(firms) > 1 else 1
    if workers < 2:
        resolved = {}
        for order, firm in enumerate(firms, start=1):
            say(f"without {firm} ({order} of {len(firms)} re-solves, each about {took:.0f} s)")
            resolved[firm] = _resolve(park, result, firm, solve)
        return resolved
    say(f"{len(firms)} firms' re-solves, {workers} at a time")
    resolved = {}
    with workers_for(park, workers) as pool:
        futures = {pool.submit(_resolve_in_worker, park.fingerprint, result, firm, solve): firm
                   for firm in firms}
        for count, (firm, row) in enumerate(as_done(futures), start=1):
            resolved[firm] = row
            say(f"without {firm} ({count} of {len(firms)} re-solves)")
    return resolved


def _resolve_in_worker(fingerprint: str, result: Result, firm: str, solve: Solve) -> dict[str, Any]:
    return _resolve(worker_park(fingerprint, "risk"), result, firm, solve)


def _resolve(park: Park, result: Result, firm: str, solve: Solve) -> dict[str, Any]:
    """The remaining park's saving with the others' exchanges kept (sunk), and from scratch,
    both against the other firms' baseline in ``result`` (today's park, the leaving firm's
    existing links included): against the remaining park's own baseline, which loses those
    links too, a firm whose existing pipes others depend on looked like the safest partner."""
    rest = without_firms(park, [firm])
    others = result.firms[result.firms["firm"] != firm]
    baseline = float(others["baseline_cost"].sum())
    kept_cost = 0.0
    if has_nothing_to_build(rest):
        sunk = free = solve(rest)  # no link left: the remaining park as it is, one solve
    else:
        built, kept_cost, as_built = _as_built(rest, result, firm)
        ids = candidate_ids(built)
        new = result.exchanges[~result.exchanges["existing"].astype(bool)]  # existing links stay anyway
        hub_links = {ids[key]: True for key in map(link_key, new.itertuples())
                     if key in ids and firm not in (key[0], key[2]) and key not in as_built}
        sunk = solve(built, fixed_links=hub_links)
        free = solve(rest)
    status = sunk.status if sunk.status != "optimal" else free.status
    sunk_cost = sunk.total_cost + kept_cost
    return {"saving_sunk": baseline - sunk_cost if sunk.has_solution else float("nan"),
            "saving_long_run": baseline - free.total_cost if free.has_solution else float("nan"),
            "status": status}


def _as_built(rest: Park, result: Result, firm: str) -> tuple[Park, float, set[tuple]]:
    """``rest`` with the new exchanges ``result`` built between its firms as existing links of
    their built capacity (those of one key merged with an existing link of that key: parallel
    pipes of one technology carry as one of their summed size), and the yearly cost of those
    exchanges (capital recovery and fixed O&M of their investment), which the park still pays;
    with the keys of the links so made."""
    capacity: dict[tuple, float] = {link_key(link): link.capacity for link in rest.existing}
    kept_cost, as_built = 0.0, set()
    for row in result.exchanges.itertuples():
        ends = {row.from_firm, row.to_firm}
        if row.kind in NOT_LINKS or bool(row.existing) or firm in ends or not ends <= set(rest.firms) \
                or not row.capacity > 0:
            continue
        key = link_key(row)
        as_built.add(key)
        capacity[key] = capacity.get(key, 0.0) + float(row.capacity)
        kept_cost += yearly_shares(rest.technologies[row.technology], rest)["annuity"] * float(row.investment)
    existing = tuple(ExistingLink(*key, capacity=amount) for key, amount in capacity.items())
    return replace(rest, existing=existing, fingerprint=f"{rest.fingerprint}-as-built"), kept_cost, as_built
