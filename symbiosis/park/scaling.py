"""Badly scaled park data: valid numbers that are probably a mistake, said before solving.

A solver keeps about six significant digits between the numbers of one model, so a 1 W stream
next to a 1 GW stream of the same carrier is either a wrong unit or lost in the tolerances; and
a price above 10,000 EUR per MWh (50,000 EUR per t), in the park's currency at its rate, is a
unit or a decimal point gone astray. These are warnings, not errors: the park still loads and
solves (``result.summary["warnings"]``, and on stderr in the command line).
"""

from __future__ import annotations

import math
from dataclasses import replace

from symbiosis.park.model import Carrier, Park, Stream, straight_distance
from symbiosis.park.problems import did_you_mean
from symbiosis.units import HYDROGEN_LHV_MWH_PER_T

SPAN = 1e6
"""Largest ratio between the amounts of two streams of one carrier without a warning."""
ENERGY_PRICE_EUR = 10_000.0
"""Largest energy route price without a warning, EUR per MWh (hydrogen per MWh of its lower
heating value), in the park's currency at its rate: over twice the price cap of Europe's
day-ahead electricity market (4,000 EUR/MWh since 2022, SDAC's harmonised maximum clearing
price), so a kWh written as Wh (0.55 NOK/Wh: 550,000 NOK/MWh) is caught."""
MASS_PRICE_EUR = 50_000.0
"""Largest material or oxygen route price without a warning, EUR per t: above base and battery
metals (cobalt, nickel, lithium salts), so that a kg written as g is caught (a 100 EUR/t
by-product at 0.10 EUR/g: 100,000 EUR/t); precious metals are warned of, to be checked."""


CHEAPEST_EUR = {Carrier.HEAT: 1.0, Carrier.STEAM: 1.0, Carrier.ELECTRICITY: 1.0, Carrier.HYDROGEN: 10.0}
"""Lowest price of a route a demand buys from without a warning, EUR per MWh (hydrogen per MWh of
its heating value: 10 EUR/MWh is 0.33 EUR/kg, below any hydrogen made): below any fuel, heat or
power bought over a year, so a kWh price written per MWh (0.55 NOK/MWh for 0.55 NOK/kWh) is
caught; it made every exchange look worthless (an audit: a park's saving 9.6 -> 3.7 M NOK)."""

MOST_EMITTED = 2.0
"""Largest emission factor of an energy route without a warning, t CO2 per MWh (hydrogen per MWh
of its lower heating value): lignite power, the most emitting, is about 1.2 t per MWh of
electricity (IPCC AR5 WG3 Annex III, life-cycle median 820 g/kWh for coal); 19 t/MWh is a
kg/kWh written as t/kWh."""
HOTTEST = 2000.0 + 273.15
"""Hottest stream without a warning, K: steel is tapped at about 1,600 degC."""
COLDEST = -200.0 + 273.15
"""Coldest stream or heat route without a warning, K: below the coldest common industrial heat
(LNG vaporised from -162 degC, liquid nitrogen at -196 degC); '40 K' written for 40 degC is -233 degC,
and a demand read so reaches down to it, letting any surplus heat its lower part (an audit:
a 35 degC surplus then heated a '40 K -> 60 degC' district heating, 35 % of saving that is none)."""


OVERSIZED = 2.0
"""Largest ratio of an existing link's capacity to the larger of its streams' peaks without a
warning (a link can carry no more than its streams; larger is usually a unit gone astray)."""
LOWEST_DISCOUNT_RATE = 0.01
"""Lowest discount rate without a warning: below it is most likely a share written twice over
('0,07 %' for 7 %); public and industrial rates of the Nordic countries lie at 3-10 % (Norway's
public rate is 4 %)."""

SHORTEST_LIFETIME = 1.0
"""Shortest technology lifetime in years without a warning: pipes, heat pumps, electrolysers,
stores and trucks last 10-50 years; a lifetime of days is most likely a unit slip."""


def scaling_warnings(park: Park) -> list[str]:
    """Warnings about amounts of one carrier spanning more than :data:`SPAN`, route prices
    above :data:`ENERGY_PRICE_EUR` or :data:`MASS_PRICE_EUR`, purchases at a negative price,
    energy routes emitting more than :data:`MOST_EMITTED`, streams of no amount or hotter than
    :data:`HOTTEST`, a carbon price not given where routes emit, existing links
    :data:`OVERSIZED` for their streams, technologies lasting less than :data:`SHORTEST_LIFETIME`,
    sites out of every link's reach and routes a scenario adds that nothing uses; an empty list for
    a well-scaled park."""
    found: list[str] = []
    by_carrier: dict[Carrier, list[Stream]] = {}
    for stream in park.streams:
        if stream.amount > 0:
            by_carrier.setdefault(stream.carrier, []).append(stream)
    for carrier, streams in by_carrier.items():
        small = min(streams, key=lambda stream: stream.amount)
        large = max(streams, key=lambda stream: stream.amount)
        if large.amount > SPAN * small.amount:
            found.append(
                f"{carrier} amounts span a factor of {large.amount / small.amount:.2g}: {small.key} has "
                f"{_rate(small.amount, carrier)} and {large.key} {_rate(large.amount, carrier)}; check their "
                f"units (a solver keeps about 6 digits between the numbers of one model)")
    currency = park.currency
    for route in park.routes.values():
        price, per = route.price, route.carrier.annual_unit
        if route.carrier is Carrier.HYDROGEN:
            price, per = route.price / HYDROGEN_LHV_MWH_PER_T, "MWh"
        most = (ENERGY_PRICE_EUR if per == "MWh" else MASS_PRICE_EUR) * park.settings.per_eur
        if abs(price) > most:
            found.append(
                f"route '{route.id}' has a price of {price:,.0f} {currency}/{per}, more than "
                f"{most:,.0f} {currency}/{per}; check the number and its unit")
    bought = {stream.current for stream in park.streams if stream.direction == "demand" and stream.amount > 0}
    for route in (park.routes[name] for name in sorted(bought) if name in park.routes):
        per_mwh = route.price / (HYDROGEN_LHV_MWH_PER_T if route.carrier is Carrier.HYDROGEN else 1.0)
        least = CHEAPEST_EUR.get(route.carrier, 0.0) * park.settings.per_eur
        if 0 < per_mwh < least:
            found.append(
                f"route '{route.id}' sells at {per_mwh:,.3g} {currency}/MWh, less than {least:,.3g} "
                f"{currency}/MWh, below any {route.carrier.value} bought over a year; check the unit (a "
                "price per kWh written per MWh?)")
    for stream in park.streams:  # a purchase at a negative price: a gate fee, or a sign slipped
        route = park.routes.get(stream.current)
        if stream.direction == "demand" and route is not None and route.price < 0 and stream.amount > 0:
            found.append(
                f"{stream.key} buys from route '{route.id}' at a negative price ({route.price:,.6g} "
                f"{currency}/{route.carrier.annual_unit}): the firm is paid for what it takes today, and "
                "an exchange that replaces it gives that up; right for a gate fee, else check the sign")
    for route in park.routes.values():
        per_mwh = route.emissions / (HYDROGEN_LHV_MWH_PER_T if route.carrier is Carrier.HYDROGEN else 1.0)
        if (route.carrier.is_energy or route.carrier is Carrier.HYDROGEN) and per_mwh > MOST_EMITTED:
            found.append(
                f"route '{route.id}' emits {per_mwh:,.3g} t CO2 per MWh, more than the most emitting power "
                f"plant ({MOST_EMITTED:g} t/MWh); check the unit (a kg/kWh written as t/kWh?)")
    found += _ids_differing_in_case_alone(park)
    electricity = park.routes.get(park.settings.electricity or "")
    if electricity is not None and electricity.price < 0:
        found.append(
            f"park.electricity route '{electricity.id}' has a negative price ({electricity.price:,.6g} "
            f"{currency}/MWh): heat pumps, electrolysers and hubs would be paid to run on it all year; "
            "right for a tariff that pays, else check the sign")
    cold = [(f"route '{route.id}'", route.temperature) for route in park.routes.values()]
    cold += [(stream.key, t) for stream in park.streams
             for t in (stream.temperature, stream.target_temperature)]
    for name, kelvin in cold:
        if kelvin is not None and kelvin < COLDEST:
            found.append(f"{name} reaches {kelvin - 273.15:,.0f} degC, colder than any industrial process: "
                         f"'{kelvin:g} K' is absolute; write degC if that was meant")
    for stream in park.streams:
        if stream.amount == 0:
            found.append(f"{stream.key} has an amount of 0: it takes part in no exchange; give its amount, "
                         "or remove it")
        hottest = max((t for t in (stream.temperature, stream.target_temperature) if t is not None),
                      default=0.0)
        if hottest > HOTTEST:
            found.append(f"{stream.key} reaches {hottest - 273.15:,.0f} degC, hotter than any industrial "
                         "process (steel is tapped at about 1,600 degC); check the number and its unit")
    for key, number, unit in park.points_in_thousands:
        whole = number.replace(".", "")
        spaced = f"{int(whole):,}".replace(",", " ")
        found.append(f"{key}: '{number} {unit}' is read as {float(number):g} {unit} (a decimal point); if "
                     f"{whole} was meant, write '{whole} {unit}' or '{spaced} {unit}'")
    if 0 < park.settings.discount_rate < LOWEST_DISCOUNT_RATE:
        found.append(f"park.discount_rate is {park.settings.discount_rate:.2%}: a share written '0,07 %' or "
                     "'0.07 %' is 0.07 %, not 7 %; write '7 %' (or 0.07 without %) if that was meant")
    for tech in park.technologies.values():
        if 0 < tech.lifetime < SHORTEST_LIFETIME:
            days = tech.lifetime * 365.25
            found.append(f"technology '{tech.name}' has a lifetime of {days:,.3g} days: its investment is "
                         "paid back within that, so it is hardly ever built; write the lifetime in years "
                         "(e.g. '20 year') if that was meant")
    emitting = [route.id for route in park.routes.values() if route.emissions > 0]
    if not park.settings.carbon_price_given and emitting:
        found.append(
            f"park.carbon_price is not given, so CO2 is free in this model (0 {currency}/t) although "
            f"route '{emitting[0]}' emits: the exchanges are chosen on money saved alone; give the price "
            f"the firms pay, e.g. 'carbon_price: 900 {currency}/t', or 'carbon_price: 0 {currency}/t' to "
            "say it is none")
    streams = {stream.key: stream for stream in park.streams}
    for link in park.existing:
        ends = [streams.get(f"{link.from_firm}.{link.from_stream}"),
                streams.get(f"{link.to_firm}.{link.to_stream}")]
        if None in ends:  # an end at a hub: its rates are the model's to decide
            continue
        largest = max(stream.peak for stream in ends)
        if largest > 0 and link.capacity > OVERSIZED * largest:
            found.append(
                f"existing link {ends[0].key} -> {ends[1].key} ({link.technology}) has a capacity of "
                f"{_rate(link.capacity, ends[0].carrier)}, more than {OVERSIZED:g} times the larger of its "
                f"streams' peaks ({_rate(largest, ends[0].carrier)}); check its unit")
    found += _far_sites(park)
    found += _unused_routes(park)
    return found


def _unused_routes(park: Park) -> list[str]:
    """Routes a scenario or ``--set`` added that no stream names as its current one and that
    are not the park's electricity: they change nothing, which is mostly a mistyped name (``gird``
    for ``grid`` is read as a new route, and the run is silently the base case). A park file may
    keep routes of its own for what-ifs; those are not said."""
    used = {stream.current for stream in park.streams} | {park.settings.electricity}
    added_by = " or ".join(part for part in (park.scenario and f"scenario {park.scenario}",
                                             park.overrides and "--set") if part) or "a scenario or --set"
    found = []
    for route_id in park.added_routes:
        if route_id in used:
            continue
        meant = did_you_mean(route_id, sorted(used - {None}))
        fix = meant if meant.startswith("did you mean") else "name it in a stream's 'current', or remove it"
        found.append(f"route '{route_id}', added by {added_by}, is the current route of no stream and not "
                     f"park.electricity: it changes nothing; {fix}")
    return found


def _far_sites(park: Park) -> list[str]:
    """Firms and hubs farther from every other site than any technology reaches: they can have no
    link, which is right for a firm studied alone but more often a slip (lat and lon swapped put
    a firm at Raufoss off East Africa, and it silently had no candidate)."""
    sites = {site.id: site.location for site in (*park.firms.values(), *park.hubs.values())}
    reach = max((t.max_distance for t in park.technologies.values()
                 if t.enabled and t.kind in ("link", "heat_pump")), default=math.inf)  # stores stay put
    if len(sites) < 2 or math.isinf(reach):
        return []
    factor = park.settings.routing_factor
    found = []
    for site, here in sites.items():
        others = {other: there for other, there in sites.items() if other != site
                  and here.is_geographic == there.is_geographic}
        if not others:
            continue
        nearest = min(others, key=lambda other: straight_distance(here, others[other]))
        length = factor * straight_distance(here, others[nearest])
        if length <= reach:
            continue
        swapped = ""
        if here.is_geographic and abs(here.lon) <= 90:
            turned = replace(here, lat=here.lon, lon=here.lat)
            if factor * min(straight_distance(turned, there) for there in others.values()) <= reach:
                swapped = f" (lat and lon swapped? lat {here.lon:g}, lon {here.lat:g} lies within reach)"
        found.append(
            f"{site} lies {length:,.0f} km (by the routing factor) from the nearest other site, {nearest}, "
            f"farther than any technology reaches ({reach:,.0f} km): it can have no link; check its "
            f"location{swapped}")
    return found


def _rate(amount: float, carrier: Carrier) -> str:
    """A rate in a readable unit: ``1 W``, ``250 kW``, ``1.2 GW``; ``3 kg/h``, ``40 t/h``."""
    units = ([(1e3, "GW"), (1.0, "MW"), (1e-3, "kW"), (1e-6, "W")] if carrier.is_energy
             else [(1e3, "kt/h"), (1.0, "t/h"), (1e-3, "kg/h")])
    size, unit = next(((size, unit) for size, unit in units if amount >= size), units[-1])
    return f"{amount / size:.3g} {unit}"


def _ids_differing_in_case_alone(park: Park) -> list[str]:
    """Firms (or one firm's streams) whose ids differ in case alone, ``smelter`` and ``Smelter``:
    two firms to the model, so a link between them is no internal link (an audit); a material so
    written is refused, as it would never match."""
    found = []
    groups = [("firms", list(park.firms), " (two firms link as two, not as one firm's internal link)")]
    groups += [(f"firm {firm_id}'s streams", [stream.id for stream in firm.streams], "")
               for firm_id, firm in park.firms.items()]
    for what, ids, note in groups:
        by_fold: dict[str, list[str]] = {}
        for name in ids:
            by_fold.setdefault(name.casefold(), []).append(name)
        for names in by_fold.values():
            if len(names) > 1:
                found.append(f"{what} {' and '.join(repr(n) for n in names)} differ in case alone: they "
                             f"are told apart{note}; rename one if they are the same")
    return found
