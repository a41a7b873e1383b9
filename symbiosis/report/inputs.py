"""Checks that the tables a report is given beside its result (a Pareto front, the table of
``explain``) were made for that result's park, so that a report never shows another park's
front, or links of older park data as built, beside its own figures (found by an audit: Mo i
Rana's report showed Raufoss's front and why-table without a word)."""

from __future__ import annotations

import math

import pandas as pd

from symbiosis.analysis.explain import is_true
from symbiosis.results.result import Result

FRONT_TOLERANCE = 0.05
"""Largest relative distance of the result's total cost from its end of the front (the least-cost
end for a cost objective) for that front to count as this park's: the ends are solves of their
own, equal to the result within their gaps, not a 5 % apart."""


class NotOfThisResult(ValueError):
    """A table given to the report (``table``: ``pareto`` or ``why``) was made for other park data
    than its result."""

    def __init__(self, table: str, problem: str) -> None:
        super().__init__(problem)
        self.table = table


def check_why(why: pd.DataFrame, result: Result) -> None:
    """Every row of ``explain``'s table names a candidate of ``result`` by its id and ends, and
    says built as the result builds it."""
    candidates = result.candidates.set_index("id")
    ends = ["from_firm", "from_stream", "to_firm", "to_stream", "technology"]
    for row in why.itertuples(index=False):
        link = (f"{row.id} {row.from_firm}.{row.from_stream} -> {row.to_firm}.{row.to_stream} "
                f"({row.technology})")
        if row.id not in candidates.index:
            raise NotOfThisResult("why", f"{link} is no candidate of this park")
        here = candidates.loc[row.id]
        if [str(getattr(row, key)) for key in ends] != [str(here[key]) for key in ends]:
            ours = f"{here['from_firm']}.{here['from_stream']} -> {here['to_firm']}.{here['to_stream']}"
            raise NotOfThisResult("why", f"{link} is {row.id} {ours} ({here['technology']}) here")
        if is_true(row.built) != bool(here["built"]):
            raise NotOfThisResult("why", f"{link} is {_built(is_true(row.built))} there and "
                                  f"{_built(bool(here['built']))} in this result")


def check_front(front: pd.DataFrame, result: Result) -> None:
    """The result lies at its end of the front: the least-cost point for a cost objective, the
    least-emissions one for an emissions objective, its total cost within FRONT_TOLERANCE."""
    points = front.dropna(subset=["emissions", "total_cost"])
    if points.empty or not result.has_solution:
        return
    by_emissions = result.summary.get("objective_kind") == "emissions"
    end = points.loc[points["emissions"].idxmin() if by_emissions else points["total_cost"].idxmin()]
    cost = float(result.total_cost)
    if not math.isclose(float(end["total_cost"]), cost, rel_tol=FRONT_TOLERANCE):
        which = "least-emissions" if by_emissions else "least-cost"
        raise NotOfThisResult("pareto", f"the front's {which} point costs {end['total_cost']:,.0f} a year, "
                              f"this result {cost:,.0f}: more than {FRONT_TOLERANCE:.0%} apart")


def _built(built: bool) -> str:
    return "built" if built else "not built"
