"""Why, and why not: how far each link is from changing the park's answer.

For a candidate that is **not built**, the park is re-solved with it built
(``fixed_links={id: True}``). The rise in total annual cost is the amount by which the link's
yearly cost must fall before it is built: a cut of more than that in its fixed yearly cost
(investment or fixed O&M) makes the forced answer the cheaper one. It is also given as a share
of the link's annualised investment (capital recovery of its investment at the size the forced
answer builds, as DESIGN section 2 names it; fixed O&M apart). A cut above the link's whole
fixed yearly cost (annualised investment plus fixed O&M, both in proportion to the investment)
cannot be had from the investment alone, and the explanation says so.

For an exchange that **is built**, the park is re-solved without it. The rise in total
annual cost is its margin: how much its saving could fall before it drops out.

Either re-solve may change other links too (a link built in its place, one pushed out); they
are listed. Existing links are never left out and are not explained.

>>> explain(park, result)                     # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from symbiosis.analysis.common import (
    Progress,
    Solve,
    check_least_cost,
    check_result,
    key_text,
    link_key,
    require_park,
)
from symbiosis.analysis.side_by_side import as_done, usable_workers, worker_park, workers_for
from symbiosis.candidates import find_candidates
from symbiosis.optimization import progress_of
from symbiosis.park import Park
from symbiosis.results import Result
from symbiosis.results.result import link_identity

EXPLAIN_COLUMNS = ["id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "built", "status",
                   "total_cost", "resolved_cost", "cost_increase", "required_cut", "margin", "investment",
                   "annualised_investment", "share_of_annualised_investment", "investment_cut", "saving",
                   "carries_nothing",
                   "other_changes", "explanation"]


def explain(
    park: Park,
    result: Result | None = None,
    links: Iterable[str] | None = None,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    threads: int | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """How much cheaper each unbuilt candidate must be, and how much each exchange may lose.

    Parameters
    ----------
    park, result
        The park and its cost-optimal result (solved here when not given).
    links
        Candidate ids to explain (``L001`` ...); default every candidate that is not an
        existing link. One re-solve each.
    solver, time_limit, gap, threads
        For every re-solve.
    workers
        Re-solves run side by side in this many worker processes, from ``SIDE_BY_SIDE_FROM``
        links, when the park was loaded from its folder without a scenario or overrides (the
        workers load it again). Worker processes are spawned: a script that asks for more than
        one must start under ``if __name__ == "__main__":``. ``symbiosis explain`` uses one a
        core, up to 4.

    Returns
    -------
    pandas.DataFrame
        One row a link: its key, ``built``, the re-solve's ``status``, the optimum's
        ``total_cost`` and the re-solve's ``resolved_cost``, ``cost_increase`` (their
        difference, currency/year), ``required_cut`` (not built: the yearly cost cut it needs)
        or ``margin`` (built: the yearly saving it may lose), ``investment`` and
        ``annualised_investment`` (as built, or as the forced answer builds it),
        ``share_of_annualised_investment`` (not built: the required cut's share of it), its
        ``saving`` in that answer, ``carries_nothing`` (not built: forced in, it would be built
        empty, so no cut in its fixed cost makes it pay; a cut in its cost per unit moved
        might; pandas' nullable boolean, missing for a built link), ``other_changes`` and a
        sentence, ``explanation``.
    """
    require_park(park, "explain")
    if isinstance(links, str):  # one id, not its letters
        links = [links]
    say = progress_of(progress)
    solve = Solve(solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    if links is not None:  # before the park's solve, not after it
        known = {link.id for link in find_candidates(park).links}
        _refuse_unknown([link for link in links if link not in known])
    if result is None:
        say("solving the park")
        result = solve(park)
    else:
        check_result(park, result)  # a result of other park data would be compared with this park
        check_least_cost(result, "each link's margin or required cut")
    if not result.has_solution:
        raise ValueError(f"the result has no solution ({result.status}): there is nothing to explain")
    table = result.candidates.set_index("id", drop=False)
    new_links = list(table.loc[~(table["existing_capacity"] > 0), "id"])
    wanted = list(dict.fromkeys(links)) if links is not None else new_links  # each link once
    _refuse_unknown([link for link in wanted if link not in table.index])
    candidates = [table.loc[link] for link in wanted]
    workers = usable_workers(park, workers) if len(candidates) >= SIDE_BY_SIDE_FROM else 1
    if workers > 1:
        rows = _side_by_side(park, result, candidates, solve, say, workers)
    else:
        rows = []
        for count, candidate in enumerate(candidates, start=1):
            say(f"{count} of {len(candidates)}: {candidate['id']} {key_text(link_key(candidate))}")
            rows.append(_explain_one(park, result, candidate, solve))
    table = pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
    # True or False for an unbuilt link, missing (pd.NA) for a built one: not objects mixed with NaN
    table["carries_nothing"] = table["carries_nothing"].astype("boolean")
    return table


# The re-solves are independent: from this many links they may run side by side (``workers``).
# On Raufoss 129 re-solves of about 4 s took 8.5 min one after the other; a worker process
# costs a few seconds to start (imports and the park's load).
SIDE_BY_SIDE_FROM = 8


def _side_by_side(park: Park, result: Result, candidates: list[pd.Series], solve: Solve, say: Progress,
                  workers: int) -> list[dict]:
    """:func:`_explain_one` of each candidate in worker processes, in the candidates' order."""
    rows: list[dict] = [{} for _ in candidates]
    say(f"{len(candidates)} re-solves, {workers} at a time")
    with workers_for(park, workers) as pool:
        futures = {pool.submit(_explain_in_worker, park.fingerprint, result, candidate, solve): i
                   for i, candidate in enumerate(candidates)}
        for count, (i, row) in enumerate(as_done(futures), start=1):
            rows[i] = row
            say(f"{count} of {len(candidates)}: {candidates[i]['id']} {key_text(link_key(candidates[i]))}")
    return rows


def _explain_in_worker(fingerprint: str, result: Result, candidate: pd.Series, solve: Solve) -> dict:
    return _explain_one(worker_park(fingerprint, "explain"), result, candidate, solve)


class UnknownLink(KeyError):
    """A link id that is no candidate of the park; the message as written (a KeyError quotes it)."""

    def __str__(self) -> str:
        return str(self.args[0])


def _refuse_unknown(unknown: list[str]) -> None:
    if unknown:
        raise UnknownLink(f"no candidate link {', '.join(map(str, unknown))}; see symbiosis candidates")


def is_true(value: object) -> bool:
    """A yes of the table, as it holds it (``True``, ``numpy.True_``) or as a CSV gives it back
    (``"True"``, or ``1``/``yes`` from a sheet)."""
    return str(value).strip().lower() in ("true", "1", "yes")


def state_in_words(built: object, carries_nothing: object, status: object) -> str:
    """A row of the table in words: ``built``, ``not built (would carry nothing)``, ``existing
    (kept, not explained)``; `` (re-solve stopped)`` after a re-solve the time limit cut short."""
    if str(status) == "existing":
        return "existing (kept, not explained)"
    nothing = " (would carry nothing)" if is_true(carries_nothing) else ""
    words = "built" if is_true(built) else "not built" + nothing
    return words + (" (re-solve stopped)" if str(status) == "time_limit" else "")


# A forced-in link that delivers no more than this a year (MWh or t) carries nothing.
CARRIES_NOTHING = 1e-6


def _explain_one(park: Park, result: Result, candidate: pd.Series, solve: Solve) -> dict:
    link, built = str(candidate["id"]), bool(candidate["built"])
    row = {column: candidate[column] for column in ("id", "from_firm", "from_stream", "to_firm", "to_stream",
                                                    "technology")}
    row |= {"built": built, "total_cost": result.total_cost, "other_changes": ""}
    if candidate["existing_capacity"] > 0:
        return row | {"status": "existing", "explanation": "an existing link: kept, not explained"}
    other = solve(park, fixed_links={link: not built})
    row["status"] = other.status
    if not other.has_solution:
        what = "cannot be built" if not built else "cannot be left out"
        return row | {"explanation": f"{what}: the park has no solution then ({other.status})"}
    increase = other.total_cost - result.total_cost
    row |= {"resolved_cost": other.total_cost, "cost_increase": increase,
            "other_changes": _changes(result, other, link)}
    where = result if built else other
    exchange = where.exchanges.set_index("id").loc[link] if link in set(where.exchanges["id"]) else None
    investment = float(exchange["investment"]) if exchange is not None else math.nan
    annualised = float(candidate["capital_recovery"]) * investment
    fixed_yearly = float(candidate["annuity"]) * investment  # what no investment at all would save
    row |= {"investment": investment, "annualised_investment": annualised,
            "saving": float(exchange["saving"]) if exchange is not None else math.nan,
            "share_of_annualised_investment": increase / annualised if annualised > 0 and not built
            else math.nan,
            # The share its investment must fall by: a cheaper investment cuts its capital recovery
            # and its fixed O&M (a share of the investment) alike. None above 1 (no cut will do).
            "investment_cut": increase / fixed_yearly if fixed_yearly > 0 and not built
            and increase <= fixed_yearly else math.nan}
    currency = park.currency
    if built:
        row["margin"] = increase
        row["explanation"] = (f"built: its saving could fall by {increase:,.0f} {currency}/year before it "
                              "drops out")
    else:
        row["required_cut"] = increase
        share = row["share_of_annualised_investment"]
        carries = float(exchange["annual_amount"]) if exchange is not None else 0.0
        row["carries_nothing"] = carries <= CARRIES_NOTHING
        if row["carries_nothing"]:  # no cut will do: what forcing it costs stays in cost_increase
            row["required_cut"] = row["share_of_annualised_investment"] = row["investment_cut"] = math.nan
            # Forced in, it is built at its smallest size and left empty: a unit moved is worth
            # less than it costs to move, or (where its investment grows with its size) than the
            # capacity to move it costs; no cut in its fixed cost makes it carry anything.
            if _sized_cost(candidate):
                row["explanation"] = ("not built: forced in at its smallest size, it would carry nothing: a "
                                      "unit of its capacity costs more than what it would carry saves, or "
                                      "its streams are worth more as they are used now; no cut in its fixed "
                                      "cost makes it pay, a lower cost per unit of capacity "
                                      "(investment_per_capacity, its cost curve) or per unit moved might")
            else:
                row["explanation"] = ("not built: forced in, it would carry nothing (a unit moved is worth "
                                      "less than its running or transport cost per unit, or its streams are "
                                      "worth more as they are used now), so no cut in its fixed cost "
                                      "(investment, fixed O&M) makes it pay; only a lower cost per unit "
                                      "moved could")
        else:
            cut = row["investment_cut"]
            tail = (f" ({share:.1%} of its annualised investment"
                    + (f": an investment {share_in_words(cut)} lower" if cut == cut else
                       "; more than its whole fixed yearly cost: a cut in investment alone will not do")
                    + ")") if share == share else ""
            row["explanation"] = (f"not built: its cost must fall by {increase:,.0f} {currency}/year "
                                  f"before it is built{tail}")
    if increase < -solve.gap * abs(result.total_cost) - 1e-6:
        row["explanation"] += "; the re-solve is cheaper than the result: the result was not optimal"
    return row


def _sized_cost(candidate: pd.Series) -> bool:
    """Whether the candidate's investment grows with its size (a cost per capacity or a curve)."""
    curve = str(candidate.get("cost_curve") or "").strip()
    per_capacity = pd.to_numeric(candidate.get("investment_per_capacity"), errors="coerce")
    return bool(per_capacity > 0) or curve not in ("", "[]", "()", "nan", "<NA>")


def share_in_words(share: float) -> str:
    """A share as a percentage to one decimal, or more where one would round a share below a
    whole up to it: Mo Industripark's pipe from Ferroglobe's cooling water to Ranfjord needs its
    investment 99.99 % lower, and "an investment 100.0% lower" read as "only if it were free"."""
    for decimals in range(1, 4):
        words = f"{share:.{decimals}%}"
        if not (share < 1 and words.startswith("100.")):
            return words
    return f"{math.floor(share * 1e5) / 1e3:.3f}%"  # 99.999%: closer still is not rounded up


def _changes(before: Result, after: Result, link: str) -> str:
    """Other exchanges the re-solve adds (+) or drops (-), by key."""
    def keys(result: Result) -> set:
        table = result.exchanges
        return {link_identity(row) for row in table.itertuples() if row.id != link}

    old, new = keys(before), keys(after)
    added = [f"+{key_text(k[:5])}" for k in sorted(new - old)]
    return "; ".join(added + [f"-{key_text(k[:5])}" for k in sorted(old - new)])
