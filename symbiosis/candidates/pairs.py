"""Which supply may meet which demand, how far apart they are, and what a link costs."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from symbiosis.candidates.table import Candidate, share
from symbiosis.hubs import Site, all_streams, sites
from symbiosis.park import Park, Stream, Technology, straight_distance
from symbiosis.park.exchange import firms_allow, spans


@dataclass(frozen=True)
class Pair:
    """A supply and a demand that may be linked, and the link's length in km."""

    supply: Stream
    demand: Stream
    length_km: float


# Told why a supply and a demand get no candidate link: (supply, demand, technology name, or ''
# where no technology could help, reason). ``find_candidates`` passes none: no reason is written
# unless asked for (``candidates_between``).
Reject = Callable[[Stream, Stream, str, str], None]


def pairs(park: Park, carriers: set[str], *, only: Collection[str] | None = None,
          reject: Reject | None = None) -> Iterator[Pair]:
    """Every supply-demand pair of these carriers that the firms' rules allow (of the streams
    keyed ``firm.stream`` in ``only``, when given).

    Links join different firms, or streams of one firm when ``internal_links`` is on;
    ``exclude_partners`` works either way; ``keep_current`` streams take no links.
    """
    internal = park.settings.internal_links
    places = sites(park)
    streams = [s for s in all_streams(park) if s.carrier in carriers and (only is None or s.key in only)]
    supplies = [s for s in streams if s.is_supply]
    demands = [s for s in streams if not s.is_supply]
    for supply in supplies:
        giver = places[supply.firm]
        for demand in demands:
            if supply.carrier != demand.carrier:
                continue
            taker = places[demand.firm]
            reason = _left_out(supply, demand, giver, taker, internal)
            if reason:
                if reject is not None:
                    reject(supply, demand, "", reason)
                continue
            length = straight_distance(giver.location, taker.location) * park.settings.routing_factor
            yield Pair(supply, demand, length)


def _left_out(supply: Stream, demand: Stream, giver: Site, taker: Site, internal: bool) -> str:
    """Why the streams or the sites' rules keep the pair from any link ('' if they do not)."""
    for stream in (supply, demand):
        if stream.keep_current:
            return f"{stream.firm} lists {stream.id} under rules.keep_current (it stays on its current route)"
        if stream.amount <= 0:
            return f"{stream.key} has amount 0"
    if supply.firm == demand.firm and giver.is_hub:  # a heat pump hub's lifted heat to its own loop
        return f"{supply.firm}'s output does not feed its own input"
    if firms_allow(supply, demand, giver.rules, taker.rules, internal=internal):
        return ""
    if supply.firm == demand.firm:
        return (f"both streams are {supply.firm}'s and the park's internal_links is off (links join "
                "different firms)")
    return "; ".join(f"{a} lists {b} under rules.exclude_partners" for a, site, b in
                     ((supply.firm, giver, demand.firm), (demand.firm, taker, supply.firm))
                     if b in site.rules.exclude_partners)


def technologies(park: Park, carrier: str, kind: str) -> list[Technology]:
    return [t for t in park.technologies.values() if t.carrier == carrier and t.kind == kind and t.enabled]


def peak(stream: Stream) -> float:
    """Largest rate of a stream over the year (its mean in annual mode)."""
    return stream.peak


# A store holds at most this many hours of its stream's peak rate: daily shifting, which
# is what hourly and typical-day models can value (a bound on the size, not a price).
STORAGE_HOURS = 24.0


def store_rate(park: Park, stream: Stream) -> float:
    """The most a store on ``stream`` could add to what a link carries in an hour: its largest
    size (``STORAGE_HOURS`` of the stream's peak, or a hub's ``max_capacity``) times its
    ``charge_rate``, for the fastest storage technology the stream's firm or hub lists; 0 with
    annual time, where no store is proposed."""
    if park.settings.time.kind == "annual":
        return 0.0
    hub = park.hubs.get(stream.firm)
    if hub is not None and not stream.is_supply:
        return 0.0  # a hub's store keeps what its units make, on its outputs only
    listed = hub.technologies if hub is not None else park.firms[stream.firm].storage
    rates = [0.0]
    for name in listed:
        tech = park.technologies[name]
        if tech.kind != "storage" or not tech.enabled or tech.carrier != stream.carrier:
            continue
        size = peak(stream) * STORAGE_HOURS
        if hub is not None:
            size = float(hub.max_capacity.get(name, size))
        rates.append(tech.charge_rate * size)
    return max(rates)


def reach(park: Park, stream: Stream) -> float:
    """The largest rate a link can take from (or bring to) ``stream``: its peak, plus what a
    store on it could release (or take in) beside it."""
    return peak(stream) + store_rate(park, stream)


def yearly_shares(tech: Technology, park: Park) -> dict[str, float]:
    """A candidate's ``annuity`` (capital recovery factor at the park's discount rate plus the
    fixed O&M share: its yearly cost per unit invested) and ``capital_recovery`` (the factor
    alone, for payback: fixed O&M is a yearly cost, not a repayment)."""
    recovery = tech.crf(park.settings.discount_rate)
    return {"annuity": recovery + tech.fixed_om, "capital_recovery": recovery}


def make_candidate(
    park: Park,
    pair: Pair,
    tech: Technology,
    *,
    kind: str = "direct",
    ratio: float = 1.0,
    max_share: float = 1.0,
    cop: float = math.nan,
    note: str = "",
    reject: Reject | None = None,
) -> Candidate | None:
    """Price and bound one link, or None when it is too long or would deliver nothing (and
    ``reject`` is told which)."""
    length = pair.length_km
    if not spans(tech, length):
        if reject is not None:
            reject(pair.supply, pair.demand, tech.name, _too_long(park, tech, length))
        return None
    transmitted = 1.0 - tech.loss_per_km * length
    efficiency = transmitted * ratio
    if kind == "heat_pump":
        # Rated by heat delivered: no more than the demand, nor than the supply can feed
        # through the pipe to the pump (at the demand), which loses 1 - transmitted of it.
        upper = min(reach(park, pair.demand), reach(park, pair.supply) * transmitted * cop / (cop - 1))
    else:
        upper = min(reach(park, pair.supply), reach(park, pair.demand) * max_share / efficiency)
    if upper <= 0:
        if reject is not None:
            reject(pair.supply, pair.demand, tech.name, "nothing to carry: the materials rule lets the "
                   "by-product cover 0 % of the demand (max_share)" if max_share <= 0 else
                   "nothing to carry: a stream's largest rate is 0")
        return None
    # Streams smaller than the technology's smallest size may still use it, built at that size
    # and carrying less (a pipe is not made smaller); the model decides whether that pays.
    upper = max(upper, tech.min_capacity)
    return Candidate(
        id="",
        from_firm=pair.supply.firm,
        from_stream=pair.supply.id,
        to_firm=pair.demand.firm,
        to_stream=pair.demand.id,
        carrier=pair.supply.carrier.value,
        technology=tech.name,
        kind=kind,
        length_km=length,
        efficiency=efficiency,
        cop=cop,
        min_approach_k=tech.min_approach,
        max_capacity=upper,
        min_capacity=tech.min_capacity,
        existing_capacity=0.0,
        investment_fixed=tech.investment + tech.investment_per_length * length,
        investment_per_capacity=tech.investment_per_capacity,
        **yearly_shares(tech, park),
        running_cost=tech.running_cost,
        transport_cost=tech.cost_per_tonne_km * length,
        transport_emissions=tech.emissions_per_tonne_km * length,
        max_share=max_share,
        note=note,
        # The curve reaches past the largest size so that it never bounds a built link's
        # capacity by itself (the stream limits do): dual prices then stay true.
        cost_curve=curve_points(tech, 2 * upper),
    )


def _too_long(park: Park, tech: Technology, length: float) -> str:
    """Why ``tech`` cannot span ``length`` km: its ``max_distance``, or its losses on the way."""
    apart = (f"{length:,.2f} km apart (straight line x the routing factor "
             f"{park.settings.routing_factor:g})")
    if length > tech.max_distance:
        return f"too far: {apart}; {tech.name} reaches {tech.max_distance:g} km (max_distance)"
    return f"all lost on the way: {apart}; {tech.name} loses {share(tech.loss_per_km)}/km (loss_per_km)"


def curve_points(tech: Technology, upper: float) -> tuple[tuple[float, float], ...]:
    """The technology's cost curve from 0 to ``upper``, through (0, 0), extended by its last slope."""
    if not tech.cost_curve:
        return ()
    points = [(0.0, 0.0)] + [(p.capacity, p.investment) for p in tech.cost_curve if 0 < p.capacity < upper]
    beyond = [p for p in tech.cost_curve if p.capacity >= upper]
    if beyond:
        points.append((beyond[0].capacity, beyond[0].investment))
    # The last segment is stretched or cut to end exactly at ``upper``.
    (c1, i1), (c2, i2) = points[-2], points[-1]
    slope = (i2 - i1) / (c2 - c1) if c2 > c1 else 0.0
    points[-1] = (upper, i1 + slope * (upper - c1))
    return tuple(points)
