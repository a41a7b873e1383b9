"""Heat candidates: direct exchange where the supply is hot enough, else a heat pump.

The temperature rules are :mod:`symbiosis.park.exchange`'s, shared with park validation."""

from __future__ import annotations

from collections.abc import Iterator

from symbiosis.candidates.pairs import make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate
from symbiosis.park import Park
from symbiosis.park.exchange import delivers_top, direct_passes, pump_cop, pump_may_help


def heat_candidates(park: Park) -> Iterator[Candidate]:
    """A direct link wherever some heat can pass with the technology's minimum approach
    (the supply's hottest point minus the approach lies above the demand's coldest) to a part
    of the demand below the technology's ``max_temperature``;
    a heat-pump link where the supply cannot reach the demand's top temperature directly."""
    direct_techs = technologies(park, "heat", "link")
    pump_techs = technologies(park, "heat", "heat_pump")
    for pair in pairs(park, {"heat"}):
        supply, demand = pair.supply, pair.demand
        for tech in direct_techs:
            if direct_passes(supply, demand, tech):
                candidate = make_candidate(park, pair, tech)
                if candidate is not None:
                    yield candidate
        hub_pump_loop = (supply.firm in park.hubs and supply.id == "lifted_heat") or (
            demand.firm in park.hubs and demand.id == "collected_heat")
        if hub_pump_loop or not pump_may_help(supply, demand, direct_techs):
            continue  # no heat pump feeds a heat pump hub's loop, nor lifts its output again
        for tech in pump_techs:
            cop = pump_cop(supply, demand, tech) if delivers_top(demand, tech) else None
            if cop is None:
                continue  # hotter than heat pumps deliver, nothing to lift, or COP <= 1
            candidate = make_candidate(park, pair, tech, kind="heat_pump", cop=cop,
                                       note=f"COP {cop:.2f}")
            if candidate is not None:
                yield candidate
