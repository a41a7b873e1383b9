"""Steam, hydrogen, oxygen and electricity candidates: pressure and purity decide.

A supply serves a demand at equal or lower pressure and equal or lower purity, and steam
at an equal or lower temperature (letting steam down through a valve never heats it; a steam
supply that gives only its pressure is at least at its saturation temperature).
Where the demand states a requirement that the supply does not state, no link is
proposed: an unknown purity is not assumed to be good enough.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from symbiosis.candidates.pairs import Reject, make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate, fmt_temperature, share
from symbiosis.park import Park, Stream
from symbiosis.park.steam import saturation_temperature

CARRIERS = ("steam", "hydrogen", "oxygen", "electricity")


def _meets(supplied: float | None, required: float | None) -> bool:
    if required is None:
        return True
    return supplied is not None and supplied >= required - 1e-12


def _requirements(supply: Stream, demand: Stream) -> tuple:
    """(field, what the supply has, what the demand asks for at least, how to show a value)."""
    return (("pressure", supply.pressure, demand.pressure, lambda value: f"{value:g} bar"),
            ("purity", supply.purity, demand.purity, share),
            ("temperature", steam_temperature(supply), demand.temperature, fmt_temperature))


def steam_temperature(supply: Stream) -> float | None:
    """A steam supply's temperature (K): as written, else the least it has at its pressure, where
    water boils (10 bar steam is at least 179.9 degC and serves a 150 degC demand)."""
    if supply.temperature is not None or supply.pressure is None or supply.carrier != "steam":
        return supply.temperature
    return saturation_temperature(supply.pressure)


def compatible(supply: Stream, demand: Stream) -> bool:
    """Pressure and purity (and, for steam, temperature) of the supply at least those the
    demand requires."""
    return all(_meets(supplied, required) for _, supplied, required, _ in _requirements(supply, demand))


def unmet(supply: Stream, demand: Stream) -> str:
    """Which requirements of the demand the supply does not meet ('' if it meets them all)."""
    return "; ".join(f"the demand asks for {field} {shown(required)} or more, the supply "
                     f"{'does not state it' if supplied is None else f'has {shown(supplied)}'}"
                     for field, supplied, required, shown in _requirements(supply, demand)
                     if not _meets(supplied, required))


def gas_candidates(park: Park, *, only: Collection[str] | None = None,
                   reject: Reject | None = None) -> Iterator[Candidate]:
    for carrier in CARRIERS:
        techs = technologies(park, carrier, "link")
        for pair in pairs(park, {carrier}, only=only, reject=reject):
            if not compatible(pair.supply, pair.demand):
                if reject is not None:
                    reject(pair.supply, pair.demand, "", unmet(pair.supply, pair.demand)
                           + _hub_oxygen_pressure(park, pair.supply, pair.demand))
                continue
            for tech in techs:
                candidate = make_candidate(park, pair, tech, reject=reject)
                if candidate is not None:
                    yield candidate


def _hub_oxygen_pressure(park: Park, supply: Stream, demand: Stream) -> str:
    """What to do where a hub electrolyser's oxygen meets a demand that states its pressure: the
    hub's oxygen states none (it leaves the stack at about atmospheric pressure)."""
    if supply.firm not in park.hubs or supply.carrier != "oxygen" or demand.pressure is None \
            or supply.pressure is not None:
        return ""
    return (f" (a hub electrolyser's oxygen leaves at about atmospheric pressure; for a link that compresses "
            f"it, leave {demand.key}'s pressure out and charge the compression on the oxygen pipe's "
            "running_cost, about 0.1 MWh of electricity a tonne, as parks/heroya does)")
