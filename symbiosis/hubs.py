"""Park hubs: shared sites that no single firm owns. A hub's electrolyser buys electricity
and offers hydrogen, its low-temperature heat and oxygen as supplies that links may carry.
A heat pump hub pools the firms' low-temperature surplus in a collecting loop (a demand
that links may feed) and lifts it into a delivered loop (a supply that links may carry).

Hub output streams are ordinary ``Stream`` objects whose ``firm`` is the hub id and whose
amount is the largest the hub can make (the model decides how much it makes); what no link
takes is vented at no cost (route ``vent``).
"""

from __future__ import annotations

from dataclasses import dataclass

from symbiosis.park.exchange import heat_pump_cop
from symbiosis.park.model import HUB_VENT_ROUTE, Carrier, Location, Park, Rules, Stream, Technology
from symbiosis.units import HYDROGEN_LHV_MWH_PER_T

# Stoichiometry of water electrolysis: 2 H2O -> 2 H2 + O2, so 32.00 / (2 x 2.016) = 7.94 t O2 per t H2.
OXYGEN_PER_HYDROGEN = 7.94
# Purity of electrolyser oxygen after drying (typical vendor figure for PEM and alkaline: 99.5 %).
OXYGEN_PURITY = 0.995
DEFAULT_HUB_CAPACITY_MW = 100.0


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
            common = {
                "firm": hub,
                "id": output,
                "direction": "supply",
                "amount": gain * capacity,
                "current": HUB_VENT_ROUTE,
            }
            if output == "hydrogen":
                streams.append(
                    Stream(carrier=Carrier.HYDROGEN, purity=tech.purity, pressure=tech.pressure, **common)
                )
            elif output == "oxygen":
                streams.append(Stream(carrier=Carrier.OXYGEN, purity=OXYGEN_PURITY, **common))
            else:
                streams.append(
                    Stream(
                        carrier=Carrier.HEAT,
                        temperature=tech.heat_temperature,
                        target_temperature=tech.heat_return_temperature,
                        **common,
                    )
                )
    return streams + _heat_pump_streams(park)


def heat_pumps(park: Park) -> list[tuple[str, Technology, float, float]]:
    """(hub id, technology, largest heat output in MW, COP) of every heat pump hub.

    COP = carnot_efficiency x T_hi / (T_hi - T_lo), T_hi = the delivered loop's top + the heat
    pump's min_approach, T_lo = the collecting loop's bottom - min_approach (as for links).
    """
    found = []
    for hub in park.hubs.values():
        if hub.collect is None or hub.deliver is None:
            continue
        for name in hub.technologies:
            tech = park.technologies[name]
            if tech.kind == "heat_pump" and tech.enabled:
                t_hot = max(hub.deliver) + tech.min_approach
                t_cold = min(hub.collect) - tech.min_approach
                if t_hot <= t_cold:
                    continue
                cop = heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold)
                if cop > 1:
                    found.append(
                        (hub.id, tech, float(hub.max_capacity.get(name, DEFAULT_HUB_CAPACITY_MW)), cop)
                    )
    return found


def _heat_pump_streams(park: Park) -> list[Stream]:
    """A heat pump hub's pooled loop (a demand the firms' surplus warms) and its delivered heat."""
    streams = []
    for hub_id, _tech, capacity, cop in heat_pumps(park):
        hub = park.hubs[hub_id]
        streams.append(
            Stream(
                firm=hub_id,
                id="collected_heat",
                direction="demand",
                carrier=Carrier.HEAT,
                amount=capacity * (cop - 1) / cop,
                current=HUB_VENT_ROUTE,
                temperature=hub.collect[0],
                target_temperature=hub.collect[1],
            )
        )
        streams.append(
            Stream(
                firm=hub_id,
                id="lifted_heat",
                direction="supply",
                carrier=Carrier.HEAT,
                amount=capacity,
                current=HUB_VENT_ROUTE,
                temperature=hub.deliver[0],
                target_temperature=hub.deliver[1],
            )
        )
    return streams


def all_streams(park: Park) -> list[Stream]:
    """The firms' streams and the hubs' output streams."""
    return [*park.streams, *hub_streams(park)]


def unit_sides(unit) -> tuple[float, float]:
    """What a hub unit (a converter candidate or its model data) takes and makes per unit of
    its power: an electrolyser takes its electricity (MW) and makes hydrogen (t/h); a heat pump
    takes the collecting loop's heat and delivers its lifted heat (its power, MW)."""
    if unit.inputs:
        made = next((gain for key, gain in unit.outputs if key.endswith(".lifted_heat")), 0.0)
        return sum(gain for _, gain in unit.inputs), made
    return unit.electricity, next((gain for key, gain in unit.outputs if key.endswith(".hydrogen")), 0.0)


def hub_parts(savings: list[float], gain: float) -> list[float]:
    """The part of a hub's yearly result (``gain``: its units' results and its half of each of
    its links' savings) that passes to the firm on each of its built links (``savings``, the
    links' savings); the parts add up to 1.

    A hub is no firm, so its result passes to the firms it serves and feeds. When the hub gains,
    it first makes good the firms whose own half of their link's saving is a loss (a firm piping
    its low-grade heat to a heat-pump hub saves only the cooling it no longer buys, less its
    half of the pipe; the hub's gain is what its heat is worth), so no firm on a hub that pays
    is worse off; the rest goes in proportion to the links' savings (evenly when none saves).
    A hub that loses passes its loss on in proportion to the links' savings."""
    count = len(savings)
    saving_parts = [max(s, 0.0) for s in savings]
    total_saving = sum(saving_parts)
    by_saving = [s / total_saving if total_saving > 0 else 1.0 / count for s in saving_parts]
    if gain <= 0:
        return by_saving
    losses = [max(-s / 2, 0.0) for s in savings]
    total_loss = sum(losses)
    made_good = min(gain, total_loss)  # shared among the losing firms in proportion to their losses
    rest = gain - made_good
    paid = [(made_good * loss / total_loss if total_loss > 0 else 0.0) + rest * part
            for loss, part in zip(losses, by_saving, strict=True)]
    return [amount / gain for amount in paid]
