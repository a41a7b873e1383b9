"""Park hubs: shared sites that no single firm owns. A hub's electrolyser buys electricity
and offers hydrogen, its low-temperature heat and oxygen as supplies that links may carry.

Hub output streams are ordinary ``Stream`` objects whose ``firm`` is the hub id and whose
amount is the largest the hub can make (the model decides how much it makes); what no link
takes is vented at no cost (route ``vent``).
"""

from __future__ import annotations

from dataclasses import dataclass

from symbiosis.park.model import Carrier, Location, Park, Rules, Stream, Technology
from symbiosis.units import HYDROGEN_LHV_MWH_PER_T

# Stoichiometry of water electrolysis: 2 H2O -> 2 H2 + O2, so 32.00 / (2 x 2.016) = 7.94 t O2 per t H2.
OXYGEN_PER_HYDROGEN = 7.94
# Purity of electrolyser oxygen after drying (typical vendor figure for PEM and alkaline: 99.5 %).
OXYGEN_PURITY = 0.995
DEFAULT_HUB_CAPACITY_MW = 100.0
VENT = "vent"


@dataclass(frozen=True)
class Site:
    """Where a firm or a hub is, and the rules its links obey."""

    id: str
    location: Location
    rules: Rules
    is_hub: bool = False


def sites(park: Park) -> dict[str, Site]:
    found = {firm.id: Site(firm.id, firm.location, firm.rules) for firm in park.firms.values()}
    found |= {hub.id: Site(hub.id, hub.location, Rules(), is_hub=True) for hub in park.hubs.values()}
    return found


def electrolysers(park: Park) -> list[tuple[str, Technology, float]]:
    """(hub id, technology, largest capacity in MW of electricity) of every hub electrolyser."""
    found = []
    for hub in park.hubs.values():
        for name in hub.technologies:
            tech = park.technologies[name]
            if tech.kind == "electrolyser" and tech.enabled:
                found.append((hub.id, tech, float(hub.max_capacity.get(name, DEFAULT_HUB_CAPACITY_MW))))
    return found


def output_yields(tech: Technology) -> dict[str, float]:
    """Output per MWh of electricity: hydrogen t, heat MWh, oxygen t."""
    hydrogen = tech.efficiency / HYDROGEN_LHV_MWH_PER_T
    yields = {"hydrogen": hydrogen, "oxygen": hydrogen * OXYGEN_PER_HYDROGEN}
    if tech.heat_recovery > 0 and tech.heat_temperature is not None:
        yields["heat"] = tech.heat_recovery
    return yields


def hub_streams(park: Park) -> list[Stream]:
    """The supplies hub electrolysers can offer, at their largest."""
    streams = []
    for hub, tech, capacity in electrolysers(park):
        for output, gain in output_yields(tech).items():
            common = {"firm": hub, "id": output, "direction": "supply", "amount": gain * capacity,
                      "current": VENT}
            if output == "hydrogen":
                streams.append(Stream(carrier=Carrier.HYDROGEN, purity=tech.purity, pressure=tech.pressure,
                                      **common))
            elif output == "oxygen":
                streams.append(Stream(carrier=Carrier.OXYGEN, purity=OXYGEN_PURITY, **common))
            else:
                streams.append(Stream(carrier=Carrier.HEAT, temperature=tech.heat_temperature,
                                      target_temperature=tech.heat_return_temperature, **common))
    return streams


def all_streams(park: Park) -> list[Stream]:
    """The firms' streams and the hubs' output streams."""
    return [*park.streams, *hub_streams(park)]
