"""Heat candidates: direct exchange where the supply is hot enough, else a heat pump."""

from __future__ import annotations

from collections.abc import Iterator

from symbiosis.candidates.pairs import make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate
from symbiosis.park import Park


def heat_pump_cop(carnot_efficiency: float, t_hot: float, t_cold: float) -> float:
    """COP = carnot_efficiency * T_hi / (T_hi - T_lo), temperatures in K (DESIGN section 2)."""
    return carnot_efficiency * t_hot / (t_hot - t_cold)


def heat_candidates(park: Park) -> Iterator[Candidate]:
    """A direct link wherever some heat can pass with the technology's minimum approach
    (the supply's hottest point minus the approach lies above the demand's coldest);
    a heat-pump link where the supply cannot reach the demand's top temperature directly."""
    direct_techs = technologies(park, "heat", "link")
    pump_techs = technologies(park, "heat", "heat_pump")
    for pair in pairs(park, {"heat"}):
        supply, demand = pair.supply, pair.demand
        reaches_top = False
        for tech in direct_techs:
            if supply.t_high - tech.min_approach > demand.t_low:
                candidate = make_candidate(park, pair, tech)
                if candidate is not None:
                    yield candidate
                reaches_top |= supply.t_high - tech.min_approach >= demand.t_high
        hub_pump_loop = (supply.firm in park.hubs and supply.id == "lifted_heat") or (
            demand.firm in park.hubs and demand.id == "collected_heat")
        if reaches_top or hub_pump_loop:
            continue  # no heat pump feeds a heat pump hub's loop, nor lifts its output again
        for tech in pump_techs:
            if tech.max_temperature is not None and demand.t_high > tech.max_temperature:
                continue  # hotter than heat pumps deliver
            t_hot = demand.t_high + tech.min_approach
            t_cold = supply.t_low - tech.min_approach
            if t_hot <= t_cold:
                continue
            cop = heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold)
            if cop <= 1:
                continue
            candidate = make_candidate(park, pair, tech, kind="heat_pump", cop=cop,
                                       note=f"COP {cop:.2f}")
            if candidate is not None:
                yield candidate
