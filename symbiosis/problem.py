"""The only bridge from park words to algebra: ``Park`` + ``Candidates`` -> ``ModelData``.

Heat is split into temperature segments for the transportation model of Cerda,
Westerberg, Mason and Linnhoff (1983): for every minimum approach dT in use, a
shifted scale holds every hot-stream temperature minus dT and every cold-stream
temperature; each hot stream is split at every point of every scale plus its
dT, each cold stream at every point; then each linked pair of streams is cut at
each other's points, shifted by the link's dT, until they line up (``_line_up``,
with a bound: past it demands are only cut where their supplies are). Over a
link with approach dT, hot segment [a, b] may feed cold segment [c, d] when the
shifted segment lies at or above it (a - dT >= c and b - dT >= d): with one dT
that is the problem-table interval rule; with several, a hot piece cut by
another dT never feeds a longer cold segment whose top it does not reach
(it did, and passed more heat than the temperatures allow).

A link whose supply lies wholly above its demand (coldest supply point minus dT at or
above the demand's hottest) may join any segment to any segment; it needs no segment
variables: counted in the streams' totals, it takes whatever the others leave, which
the complete transportation problem always allows. This keeps the model small.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from symbiosis.candidates import Candidate, Candidates, StorageCandidate
from symbiosis.hubs import all_streams, hub_streams
from symbiosis.models.data import (
    ConverterData,
    HeatSegment,
    LinkData,
    ModelData,
    StorageData,
    StreamData,
)
from symbiosis.park import Park, Stream
from symbiosis.park.exchange import SAME_TEMPERATURE_K
from symbiosis.time import TimeSteps

TOLERANCE_K = SAME_TEMPERATURE_K  # the candidates' rule for "the same temperature" (park/exchange)


def to_model_data(park: Park, candidates: Candidates, time: TimeSteps) -> ModelData:
    """Numbers for the model: stream rates per time step, links, heat segments."""
    streams = {}
    for stream in park.streams:
        route = park.routes[stream.current]
        streams[stream.key] = StreamData(
            key=stream.key,
            firm=stream.firm,
            carrier=stream.carrier.value,
            is_supply=stream.is_supply,
            rate=time.rates(stream),
            price=route.price,
            emissions=route.emissions,
        )
    for stream in hub_streams(park):  # made by the hub's units; what no link takes is vented
        streams[stream.key] = StreamData(
            key=stream.key,
            firm=stream.firm,
            carrier=stream.carrier.value,
            is_supply=True,
            rate=np.zeros(len(time)),
            price=0.0,
            emissions=0.0,
        )
    links = tuple(_link(park, c) for c in candidates.links)
    segments, pairs = heat_segments(park, links)
    electricity = park.routes.get(park.settings.electricity) if park.settings.electricity else None
    buys = bool(candidates.converters) or any(c.kind == "heat_pump" for c in candidates.links)
    if electricity is None and buys:
        raise ValueError("heat pumps or electrolysers would buy electricity, but the park names no "
                         "electricity route (park: electricity:); symbiosis.load_park refuses such a park")
    return ModelData(
        weights=time.weights,
        streams=streams,
        links=links,
        segments=segments,
        segment_pairs=pairs,
        max_partners={
            firm.id: firm.rules.max_partners
            for firm in park.firms.values()
            if firm.rules.max_partners is not None
        },
        storages=tuple(_store(s) for s in candidates.storage),
        converters=tuple(
            ConverterData(
                id=c.id,
                hub=c.hub,
                max_capacity=c.max_capacity,
                min_capacity=c.min_capacity,
                investment_fixed=c.investment_fixed,
                investment_per_capacity=c.investment_per_capacity,
                annuity=c.annuity,
                running_cost=c.running_cost,
                outputs=c.outputs,
                inputs=c.inputs,
                electricity=c.electricity,
                cost_curve=c.cost_curve,
            )
            for c in candidates.converters
        ),
        durations=time.durations(),
        next_step=time.next_step(),
        period=time.period if len(time.period) == len(time) else None,
        day_order=time.day_order,
        electricity_price=electricity.price if electricity else 0.0,
        electricity_emissions=electricity.emissions if electricity else 0.0,
        carbon_price=park.settings.carbon_price,
    )


def _material(park: Park, c: Candidate) -> str | None:
    return park.stream(f"{c.from_firm}.{c.from_stream}").material


def _store(s: StorageCandidate) -> StorageData:
    return StorageData(
        id=s.id,
        stream=s.stream,
        firm=s.firm,
        on_supply=s.on_supply,
        efficiency=s.efficiency,
        standing_loss=s.standing_loss,
        charge_rate=s.charge_rate,
        max_capacity=s.max_capacity,
        min_capacity=s.min_capacity,
        investment_fixed=s.investment_fixed,
        investment_per_capacity=s.investment_per_capacity,
        annuity=s.annuity,
        running_cost=s.running_cost,
    )


def _link(park: Park, c: Candidate) -> LinkData:
    return LinkData(
        id=c.id,
        supply=f"{c.from_firm}.{c.from_stream}",
        demand=f"{c.to_firm}.{c.to_stream}",
        supply_firm=c.from_firm,
        demand_firm=c.to_firm,
        kind=c.kind,
        efficiency=c.efficiency,
        cop=c.cop,
        max_capacity=c.max_capacity,
        min_capacity=c.min_capacity,
        existing_capacity=c.existing_capacity,
        investment_fixed=c.investment_fixed,
        investment_per_capacity=c.investment_per_capacity,
        annuity=c.annuity,
        running_cost=c.running_cost,
        transport_cost=c.transport_cost,
        transport_emissions=c.transport_emissions,
        max_share=c.max_share,
        min_approach=c.min_approach_k,
        max_temperature=_delivers_up_to(park, c),
        cost_curve=() if c.is_existing else c.cost_curve,
        share_group=(
            f"{c.to_firm}.{c.to_stream}|{_material(park, c)}"
            if c.kind == "substitution" and c.max_share < 1
            else ""
        ),
    )


def _delivers_up_to(park: Park, c: Candidate) -> float:
    """The hottest a direct heat link heats its demand to (K): its technology's max_temperature."""
    tech = park.technologies.get(c.technology)
    top = tech.max_temperature if tech is not None and c.kind == "direct" else None
    return math.inf if top is None else top


def heat_segments(
    park: Park, links: tuple[LinkData, ...]
) -> tuple[dict[str, tuple[HeatSegment, ...]], dict[str, tuple[tuple[int, int], ...]]]:
    """Segments of every heat stream in a direct heat link, and each link's allowed pairs."""
    streams_by_key = {s.key: s for s in all_streams(park)}
    direct = [
        link
        for link in links
        if link.kind == "direct"
        and streams_by_key[link.supply].carrier == "heat"
        and (not fully_above(streams_by_key[link.supply], streams_by_key[link.demand], link.min_approach)
             or link.max_temperature < streams_by_key[link.demand].t_high - TOLERANCE_K)
    ]
    if not direct:
        return {}, {}
    approaches = {link.id: link.min_approach for link in direct}
    hot = {link.supply: streams_by_key[link.supply] for link in direct}
    cold = {link.demand: streams_by_key[link.demand] for link in direct}
    scales = {dt: _scale(hot.values(), cold.values(), dt) for dt in set(approaches.values())}

    cuts: dict[str, set[float]] = {key: {s.t_low, s.t_high} for key, s in {**hot, **cold}.items()}
    for dt, scale in scales.items():
        for key, stream in hot.items():
            cuts[key] |= {p + dt for p in scale if stream.t_low < p + dt < stream.t_high}
        for key, stream in cold.items():
            cuts[key] |= {p for p in scale if stream.t_low < p < stream.t_high}
    for link in direct:  # a demand is cut where a technology's deliveries stop
        stream = cold[link.demand]
        if stream.t_low < link.max_temperature < stream.t_high:
            cuts[link.demand].add(link.max_temperature)
    _line_up(cuts, direct, {**hot, **cold})
    segments = {key: _split({**hot, **cold}[key], sorted(points)) for key, points in cuts.items()}

    pairs = {}
    for link in direct:
        dt = approaches[link.id]
        allowed = []
        for h in segments[link.supply]:
            for c in segments[link.demand]:
                if _may_feed(h.low - dt, h.high - dt, c.low, c.high) \
                        and c.high <= link.max_temperature + TOLERANCE_K:
                    allowed.append((h.index, c.index))
        pairs[link.id] = tuple(allowed)
    return segments, pairs


# Cuts a stream may gain from lining up with others: approaches that differ by little (10 K
# beside 9.99 K) would cut the streams every 0.01 K (millions of segment pairs, gigabytes).
LINE_UP_CUTS = 400


def _line_up(cuts: dict[str, set[float]], direct: list[LinkData], streams: dict[str, Stream]) -> None:
    """Cut each linked pair of streams at each other's points, shifted by the link's approach,
    until no cut is added: every segment of a supply then lines up with the demand segments of
    each of its links (it coincides with one, or lies wholly above or below it), so a pair feeds
    (see _may_feed) exactly where heat can pass. With one approach the scale points already line
    up; with several, cutting demands only left out heat that can pass (175 kW from a boiler
    where the 5 K problem table says 150).

    The points lie on the grid of the approaches' differences, which can be fine: should a
    stream gain more than ``LINE_UP_CUTS``, lining up stops there (:func:`_finish_line_up`),
    which never passes more heat than can pass, and may pass a little less where approaches
    differ."""
    room = {key: len(points) + LINE_UP_CUTS for key, points in cuts.items()}
    closed = {key: set(points) for key, points in cuts.items()}
    changed = True
    while changed:
        changed = False
        for link in direct:
            dt, hot, cold = link.min_approach, streams[link.supply], streams[link.demand]
            down = {p - dt for p in closed[link.supply] if cold.t_low < p - dt < cold.t_high}
            up = {p + dt for p in closed[link.demand] if hot.t_low < p + dt < hot.t_high}
            for key, points in ((link.demand, down), (link.supply, up)):
                known = sorted(closed[key])
                new = {p for p in points if not _near(p, known)}
                if len(known) + len(new) > room[key]:
                    _finish_line_up(cuts, closed, room, direct, streams)
                    return
                if new:
                    closed[key] |= new
                    changed = True
    cuts.update(closed)


def _finish_line_up(cuts: dict[str, set[float]], closed: dict[str, set[float]], room: dict[str, int],
                    direct: list[LinkData], streams: dict[str, Stream]) -> None:
    """Where lining up stopped short: the points found so far, each demand then cut where its
    supplies are (shifted by each link's approach). A supply cut finer, with its demands cut
    where it is, never passes less heat than the coarser line-up (a finer supply piece feeds all
    its coarse piece fed), and lining up as far as the room allowed reached the problem table's
    targets where the coarse one lost a fifth of the recovery (Yee and Grossmann's four streams
    at approaches of 10, 7 and 4.5 K: a boiler of 450 kW, 367.5 kW by hand; an audit). A demand
    cut past twice its room (many supplies) takes the coarse line-up."""
    _cut_demands_at_supplies(closed, direct, streams)
    if all(len(closed[key]) <= room[key] + LINE_UP_CUTS for key in closed):
        cuts.update(closed)
    else:
        _cut_demands_at_supplies(cuts, direct, streams)


def _cut_demands_at_supplies(cuts: dict[str, set[float]], direct: list[LinkData],
                             streams: dict[str, Stream]) -> None:
    """The coarser line-up: each demand is cut where each supply linked to it is cut, shifted by
    that link's approach (pieces of a supply cut for another approach stay whole)."""
    for link in direct:
        cold = streams[link.demand]
        cuts[link.demand] |= {p - link.min_approach for p in cuts[link.supply]
                              if cold.t_low < p - link.min_approach < cold.t_high}


def _near(point: float, known: list[float]) -> bool:
    """``point`` lies within the tolerance of one of the sorted ``known`` points."""
    i = bisect.bisect_left(known, point)
    return any(abs(point - known[j]) <= TOLERANCE_K for j in (i - 1, i) if 0 <= j < len(known))


def fully_above(supply, demand, approach: float) -> bool:
    """Every point of the supply is hotter than every point of the demand by ``approach``."""
    return supply.t_low - approach >= demand.t_high - TOLERANCE_K


def _scale(hot, cold, dt: float) -> list[float]:
    points = {t - dt for s in hot for t in (s.t_low, s.t_high)}
    points |= {t for s in cold for t in (s.t_low, s.t_high)}
    return sorted(points)


def _split(stream: Stream, points: list[float]) -> tuple[HeatSegment, ...]:
    low, high = stream.t_low, stream.t_high
    if high - low <= TOLERANCE_K:
        return (HeatSegment(stream.key, 0, low, high, 1.0),)
    points = [p for p in points if low - TOLERANCE_K <= p <= high + TOLERANCE_K]
    merged: list[float] = []
    for p in points:
        if not merged or p - merged[-1] > TOLERANCE_K:
            merged.append(p)
    return tuple(
        HeatSegment(stream.key, i, a, b, (b - a) / (high - low))
        for i, (a, b) in enumerate(zip(merged[:-1], merged[1:], strict=True))
    )


def _may_feed(hot_low: float, hot_high: float, cold_low: float, cold_high: float) -> bool:
    """The shifted hot segment lies at or above the cold one: in counterflow its heat can warm
    all of it. Segments lined up on one grid pair within an interval; a hot piece below the
    top of a longer cold segment does not (it could warm only the cold segment's lower part:
    allowed, two approaches let a 93-95 degC piece heat a 70-90 degC demand through a 10 K pipe,
    more heat than can pass)."""
    return hot_low >= cold_low - TOLERANCE_K and hot_high >= cold_high - TOLERANCE_K


def segment_loads(data: ModelData) -> dict[tuple[str, int], np.ndarray]:
    """Load of every heat segment in every time step."""
    return {
        (key, seg.index): data.streams[key].rate * seg.share
        for key, segs in data.segments.items()
        for seg in segs
    }
