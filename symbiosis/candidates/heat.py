"""Heat candidates: direct exchange where the supply is hot enough, else a heat pump.

The temperature rules are :mod:`symbiosis.park.exchange`'s, shared with park validation."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from symbiosis.candidates.pairs import Pair, Reject, make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate, fmt_temperature, share
from symbiosis.park import Park, Stream, Technology
from symbiosis.park.exchange import (
    delivers_top,
    direct_passes,
    heat_pump_cop,
    passes_directly,
    pump_cop,
    pump_lift,
    pump_may_help,
)


def heat_candidates(park: Park, *, only: Collection[str] | None = None,
                    reject: Reject | None = None) -> Iterator[Candidate]:
    """A direct link wherever some heat can pass with the technology's minimum approach
    (the supply's hottest point minus the approach lies above the demand's coldest) to a part
    of the demand below the technology's ``max_temperature``;
    a heat-pump link where the supply is too cold to reach the demand's top temperature directly,
    or part of the supply is too cold for it (``pump_may_help``)."""
    direct_techs = technologies(park, "heat", "link")
    pump_techs = technologies(park, "heat", "heat_pump")
    for pair in pairs(park, {"heat"}, only=only, reject=reject):
        supply, demand = pair.supply, pair.demand
        for tech in direct_techs:
            if direct_passes(supply, demand, tech):
                candidate = make_candidate(park, pair, tech, reject=reject)
                if candidate is not None:
                    yield candidate
            elif reject is not None:
                reject(supply, demand, tech.name, _no_direct_heat(supply, demand, tech))
        lifted_again = supply.firm in park.hubs and supply.id == "lifted_heat"
        pumped_loop = demand.firm in park.hubs and demand.id == "collected_heat"
        if lifted_again or pumped_loop or not pump_may_help(supply, demand, direct_techs, pair.length_km):
            # no heat pump feeds a heat pump hub's loop, nor lifts its output again
            for tech in pump_techs if reject is not None else ():
                reject(supply, demand, tech.name, _no_pump(pair, direct_techs, lifted_again, pumped_loop))
            continue
        for tech in pump_techs:
            cop = pump_cop(supply, demand, tech) if delivers_top(demand, tech) else None
            if cop is None:
                if reject is not None:  # hotter than heat pumps deliver, nothing to lift, or COP <= 1
                    reject(supply, demand, tech.name, _no_lift(supply, demand, tech))
                continue
            candidate = make_candidate(park, pair, tech, kind="heat_pump", cop=cop,
                                       note=f"COP {cop:.2f}", reject=reject)
            if candidate is not None:
                yield candidate


def _no_direct_heat(supply: Stream, demand: Stream, tech: Technology) -> str:
    """Why no heat passes from ``supply`` to ``demand`` through the direct technology ``tech``."""
    if not passes_directly(supply, demand, tech.min_approach):
        return (f"too cold: the supply's hottest point {fmt_temperature(supply.t_high)} less {tech.name}'s "
                f"min_approach {tech.min_approach:g} K is below the demand's coldest "
                f"{fmt_temperature(demand.t_low)}")
    return (f"too hot: the demand ({fmt_temperature(demand.t_low)} to {fmt_temperature(demand.t_high)}) "
            f"lies above what {tech.name} delivers (max_temperature {fmt_temperature(tech.max_temperature)})")


def _no_pump(pair: Pair, direct: list[Technology], lifted_again: bool, pumped_loop: bool) -> str:
    """Why no heat pump is proposed for ``pair`` before its lift is looked at."""
    if lifted_again:
        return f"{pair.supply.firm}'s lifted heat is not lifted again by another heat pump"
    if pumped_loop:
        return f"{pair.demand.firm}'s collecting loop is fed by direct links; its own heat pump lifts it"
    tech = next(t for t in direct if not pump_may_help(pair.supply, pair.demand, [t], pair.length_km))
    if delivers_top(pair.demand, tech):
        return (f"{tech.name} warms the demand to its top directly from every part of the supply, so no "
                "heat pump is proposed")
    return (f"the supply holds the heat to warm the demand to its top directly ({tech.name}'s approach), so "
            f"no heat pump is proposed; {tech.name} carries heat only up to its max_temperature "
            f"{fmt_temperature(tech.max_temperature)}: the demand above it needs a hotter carrier, a heat "
            "technology of your own without that limit (a steam or thermal-oil loop: technologies: {NAME: "
            "{carrier: heat, kind: link, ...}})")


def _no_lift(supply: Stream, demand: Stream, tech: Technology) -> str:
    """Why heat pump ``tech`` cannot lift ``supply`` to ``demand``."""
    if not delivers_top(demand, tech):
        return (f"too hot: the demand's top {fmt_temperature(demand.t_high)} is above what {tech.name} "
                f"delivers (max_temperature {fmt_temperature(tech.max_temperature)})")
    t_hot, t_cold = pump_lift(supply, demand, tech)
    if t_hot <= t_cold:
        return (f"nothing to lift: the supply's coldest point less {tech.name}'s min_approach "
                f"({fmt_temperature(t_cold)}) is at or above the demand's top plus it "
                f"({fmt_temperature(t_hot)})")
    cop = heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold)
    return (f"COP {cop:.2f}, at most 1: lifting from {fmt_temperature(t_cold)} to {fmt_temperature(t_hot)} "
            f"at carnot_efficiency {share(tech.carnot_efficiency)}")
