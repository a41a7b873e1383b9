"""Candidate assets that are not links: stores on firms' streams and hub electrolysers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from symbiosis.candidates.pairs import STORAGE_HOURS, curve_points, peak, yearly_shares
from symbiosis.candidates.table import Candidate
from symbiosis.hubs import all_streams, electrolysers, heat_pumps, hub_streams, output_yields
from symbiosis.park import Park


@dataclass(frozen=True)
class StorageCandidate:
    """A store a firm may build on one of its streams (listed under the firm's ``storage:``)."""

    id: str
    firm: str
    stream: str
    carrier: str
    technology: str
    on_supply: bool
    efficiency: float
    standing_loss: float
    charge_rate: float
    max_capacity: float
    min_capacity: float
    investment_fixed: float
    investment_per_capacity: float
    annuity: float
    capital_recovery: float
    running_cost: float


@dataclass(frozen=True)
class ConverterCandidate:
    """An electrolyser (capacity in MW of electricity input) or heat pump (MW of heat
    delivered) a hub may build."""

    id: str
    hub: str
    technology: str
    max_capacity: float
    min_capacity: float
    investment_fixed: float
    investment_per_capacity: float
    annuity: float
    capital_recovery: float
    running_cost: float  # per MW-hour of capacity used
    outputs: tuple[tuple[str, float], ...]
    inputs: tuple[tuple[str, float], ...] = ()
    electricity: float = 1.0  # electricity bought per unit of power
    cop: float = float("nan")
    cost_curve: tuple[tuple[float, float], ...] = ()  # (MW, investment): replaces investment_per_capacity


def storage_candidates(park: Park, links: Iterable[Candidate]) -> list[StorageCandidate]:
    """A store on every linked stream of a firm that lists a storage technology of its carrier.
    With annual time there is nothing to shift, so no store is proposed."""
    if park.settings.time.kind == "annual":
        return []
    linked = {f"{c.from_firm}.{c.from_stream}" for c in links} | {f"{c.to_firm}.{c.to_stream}" for c in links}
    found = []
    for firm in park.firms.values():
        for name in firm.storage:
            tech = park.technologies[name]
            if not tech.enabled:
                continue
            for stream in firm.streams:
                if stream.key not in linked or stream.carrier != tech.carrier:
                    continue
                found.append(
                    StorageCandidate(
                        id="",
                        firm=firm.id,
                        stream=stream.key,
                        carrier=stream.carrier.value,
                        technology=name,
                        on_supply=stream.is_supply,
                        efficiency=tech.efficiency,
                        standing_loss=tech.standing_loss,
                        charge_rate=tech.charge_rate,
                        # built at its smallest size even where the stream fills less of it
                        max_capacity=max(peak(stream) * STORAGE_HOURS, tech.min_capacity),
                        min_capacity=tech.min_capacity,
                        investment_fixed=tech.investment,
                        investment_per_capacity=tech.investment_per_capacity,
                        **yearly_shares(tech, park),
                        running_cost=tech.running_cost,
                    )
                )
    found += _hub_stores(park)
    return [s for s in found if s.min_capacity <= s.max_capacity]


def _hub_stores(park: Park) -> list[StorageCandidate]:
    """A store at a hub keeps what the hub's units make (hydrogen in a tank beside the
    electrolyser, say) for later hours; it sits on the hub's output of its carrier."""
    outputs = {s.key: s for s in hub_streams(park)}
    found = []
    for hub in park.hubs.values():
        for name in hub.technologies:
            tech = park.technologies[name]
            if tech.kind != "storage" or not tech.enabled:
                continue
            for key, stream in outputs.items():
                if stream.firm != hub.id or stream.carrier != tech.carrier:
                    continue
                largest = float(hub.max_capacity.get(name, peak(stream) * STORAGE_HOURS))
                found.append(
                    StorageCandidate(
                        id="",
                        firm=hub.id,
                        stream=key,
                        carrier=stream.carrier.value,
                        technology=name,
                        on_supply=True,
                        efficiency=tech.efficiency,
                        standing_loss=tech.standing_loss,
                        charge_rate=tech.charge_rate,
                        max_capacity=largest,
                        min_capacity=tech.min_capacity,
                        investment_fixed=tech.investment,
                        investment_per_capacity=tech.investment_per_capacity,
                        **yearly_shares(tech, park),
                        running_cost=tech.running_cost,
                    )
                )
    return found


def converter_candidates(park: Park, links: Iterable[Candidate]) -> list[ConverterCandidate]:
    """An electrolyser at every hub that lists one, when some link could take an output."""
    taken = {f"{c.from_firm}.{c.from_stream}" for c in links}
    hub_stream_keys = {s.key for s in all_streams(park)}
    found = []
    for hub, tech, capacity in electrolysers(park):
        yields = output_yields(tech)
        outputs = tuple(
            (f"{hub}.{name}", gain) for name, gain in yields.items() if f"{hub}.{name}" in hub_stream_keys
        )
        if not any(key in taken for key, _ in outputs):
            continue
        found.append(
            ConverterCandidate(
                id="",
                hub=hub,
                technology=tech.name,
                max_capacity=capacity,
                min_capacity=tech.min_capacity,
                investment_fixed=tech.investment,
                investment_per_capacity=tech.investment_per_capacity,
                **yearly_shares(tech, park),
                running_cost=tech.running_cost * yields["hydrogen"],
                outputs=outputs,
            )
        )
    taken_from = {f"{c.to_firm}.{c.to_stream}" for c in links}
    for hub, tech, capacity, cop in heat_pumps(park):
        # Capacity is heat delivered (as for heat-pump links); it takes (COP - 1) / COP of it
        # from the collecting loop and buys 1 / COP as electricity.
        if f"{hub}.lifted_heat" not in taken or f"{hub}.collected_heat" not in taken_from:
            continue
        found.append(ConverterCandidate(
            id="", hub=hub, technology=tech.name, max_capacity=capacity, min_capacity=tech.min_capacity,
            investment_fixed=tech.investment, investment_per_capacity=tech.investment_per_capacity,
            **yearly_shares(tech, park), running_cost=tech.running_cost,
            outputs=((f"{hub}.lifted_heat", 1.0),), inputs=((f"{hub}.collected_heat", (cop - 1) / cop),),
            electricity=1 / cop, cop=cop,
            # Economies of scale as for heat-pump links (pooling the firms' heat in one larger
            # unit is what a hub is for); the curve reaches past the largest size, as theirs.
            cost_curve=curve_points(tech, 2 * capacity),
        ))
    return [c for c in found if c.min_capacity <= c.max_capacity]
