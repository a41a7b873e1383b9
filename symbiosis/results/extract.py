"""The only reader of Pyomo values: a solved model -> plain tables (pandas).

Every built asset gets its own account, linear in its flows, so the rows' net
benefits add up to the park's saving:

- ``annual_cost``: annualised investment (CRF) + fixed O&M + running + transport;
- ``electricity_cost``: what a heat pump or electrolyser buys through the park's
  electricity route;
- ``avoided_cost``: for a link, the supply's disposal and the demand's purchase no
  longer paid, with the carbon price on the emissions they no longer cause; for a
  store, the disposal (or purchase) its losses change;
- ``saving`` (net annual benefit) = avoided_cost - annual_cost - electricity_cost
  - carbon price x the asset's own emissions (electricity, transport).

A hub electrolyser's row carries its own cost; the links from the hub carry the
value of what they deliver. A firm's cost is its streams' route costs and carbon,
plus half of each of its links' costs (all of it for a link inside the firm), plus
or minus the link's ``transfer``: the payment from the receiving firm to the
supplying one that leaves each with half of the exchange's net saving. So a firm
that gives away a by-product it used to sell is paid for it, and every firm's
saving is half the savings of its exchanges. A hub is no firm: its result (its
electrolyser's or heat pump's cost, its side of its links) passes to the firms its
links serve, in proportion to those links' savings, so the firms' savings add up to
the park's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from symbiosis.candidates import Candidates, investment_at
from symbiosis.hubs import all_streams, hub_parts, unit_sides
from symbiosis.models.data import ModelData
from symbiosis.models.storage import piped_pairs, takes_back_losses
from symbiosis.park import Carrier, Park
from symbiosis.park.model import HUB_VENT_ROUTE
from symbiosis.results.result import EXCHANGE_COLUMNS, FLOW_COLUMNS, ROUTE_COLUMNS, typed_table

CAPACITY_TOLERANCE = 1e-5
"""A built link's capacity below its peak flow by at most this share is that flow: HiGHS keeps rows
to about 1e-6 of their scale, so a pipe sized to a 0.1 t/h stream came out at 0.0999994 t/h."""


@dataclass(frozen=True)
class Solution:
    """Decisions of one solution, as numbers: rates per step, capacities, what is built."""

    flows: dict[str, np.ndarray]
    capacity: dict[str, float]
    built: dict[str, bool]
    charge: dict[str, np.ndarray] = field(default_factory=dict)
    discharge: dict[str, np.ndarray] = field(default_factory=dict)
    power: dict[str, np.ndarray] = field(default_factory=dict)
    # What each supply store loses per step (rates), sent to its stream's current route.
    lost: dict[str, np.ndarray] = field(default_factory=dict)
    # What each link delivered of a demand store's losses, by (store, link), per step (rates):
    # it goes back to the link's supply route (models/storage.py: piped_loss).
    piped: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    @classmethod
    def nothing_built(cls, data: ModelData) -> Solution:
        zeros = np.zeros(len(data.weights))
        ids = (
            [link.id for link in data.links] + [s.id for s in data.storages] + [c.id for c in data.converters]
        )
        return cls(
            flows={link.id: zeros for link in data.links},
            capacity=dict.fromkeys(ids, 0.0),
            built=dict.fromkeys(ids, False),
            charge={s.id: zeros for s in data.storages},
            discharge={s.id: zeros for s in data.storages},
            power={c.id: zeros for c in data.converters},
        )

    def activity(self, asset: str) -> tuple[np.ndarray, ...]:
        """What an asset moves in each step: a link's flow, a store's charge and discharge, a hub
        unit's power."""
        if asset in self.flows:
            return (self.flows[asset],)
        if asset in self.charge:
            return self.charge[asset], self.discharge[asset]
        return (self.power[asset],)


def _values(variable, index: list) -> np.ndarray:
    return np.array([max(0.0, variable[i].value or 0.0) for i in index])


def _free_and_idle(asset, capacity: float, *activity: np.ndarray) -> bool:
    """A new link, store or hub unit that carries nothing and costs nothing at its size (free
    links, as in a pinch study; a free store on a park with nothing to shift): building it or not
    is the same optimum, and it is no exchange to propose."""
    sized = capacity > 0 and (asset.investment_per_capacity > 0 or bool(getattr(asset, "cost_curve", ())))
    costs = asset.investment_fixed > 0 or sized
    return getattr(asset, "existing_capacity", 0.0) <= 0 and not costs and carries_nothing(*activity)


def carries_nothing(*activity: np.ndarray) -> bool:
    """Whether an asset's rates (flows; charge and discharge; power) are nothing in every step,
    to the solver's tolerance."""
    return not any((rates > 1e-9).any() for rates in activity)


def _net_of_free_cycling(charge: np.ndarray, discharge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A lossless store that costs nothing to run may charge and discharge in the same step:
    the same optimum, but an arbitrary throughput (a 24 MWh tank moving 8,760 MWh a year showed
    40,880 to 64,926 MWh). Netted, its content, losses and costs are as solved."""
    both = np.minimum(charge, discharge)
    return charge - both, discharge - both


def solution_of(m: pyo.ConcreteModel, data: ModelData) -> Solution:
    """Read the decisions of a solved model."""
    steps = list(data.steps)
    capacity, built = {}, {}
    for ids, block in (
        ([link.id for link in data.links], m.links),
        ([s.id for s in data.storages], m.storage),
        ([c.id for c in data.converters], m.conversion),
    ):
        for i in ids:
            capacity[i] = max(0.0, block.capacity[i].value or 0.0)
            built[i] = (block.build[i].value or 0) > 0.5
    flows = {link.id: _values(m.links.flow, [(link.id, t) for t in steps]) for link in data.links}
    _existing_first(data, flows, capacity)
    for link in data.links:
        if built[link.id] and _free_and_idle(link, capacity[link.id], flows[link.id]):
            built[link.id] = False  # the solver's arbitrary choice, not an exchange
    charge = {s.id: _values(m.storage.charge, [(s.id, t) for t in steps]) for s in data.storages}
    discharge = {s.id: _values(m.storage.discharge, [(s.id, t) for t in steps]) for s in data.storages}
    for store in data.storages:
        if store.efficiency >= 1 and store.running_cost == 0:
            netted = _net_of_free_cycling(charge[store.id], discharge[store.id])
            charge[store.id], discharge[store.id] = netted
        idle = _free_and_idle(store, capacity[store.id], charge[store.id], discharge[store.id])
        if built[store.id] and idle:
            built[store.id] = False
    power = {c.id: _values(m.conversion.power, [(c.id, t) for t in steps]) for c in data.converters}
    for unit in data.converters:
        if built[unit.id] and _free_and_idle(unit, capacity[unit.id], power[unit.id]):
            built[unit.id] = False
    return Solution(
        flows=flows,
        capacity=capacity,
        built=built,
        charge=charge,
        discharge=discharge,
        power=power,
        lost={s.id: np.array([max(0.0, pyo.value(m.storage.lost[s.id, t], exception=False) or 0.0)
                              for t in steps]) for s in data.storages
              if s.on_supply and takes_back_losses(data, s.stream)},
        piped={pair: _values(m.storage.piped_loss, [(*pair, t) for t in steps]) for pair in piped_pairs(m)},
    )


@dataclass(frozen=True)
class Evaluation:
    """Tables of one solution (or of the baseline, with no new asset built)."""

    exchanges: pd.DataFrame
    routes: pd.DataFrame
    firms: pd.DataFrame
    flows: pd.DataFrame
    total_cost: float
    emissions: float
    investment: float


@dataclass
class _Ledger:
    """Running totals while the rows are written."""

    route_use: dict[str, np.ndarray]
    rows: list[dict] = field(default_factory=list)
    site_cost: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    site_emissions: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    electricity: float = 0.0

    def charge_sites(self, sites: set[str], cost: float, emissions: float) -> None:
        for site in sites:
            self.site_cost[site] += cost / len(sites)
            self.site_emissions[site] += emissions / len(sites)


def evaluate(park: Park, candidates: Candidates, data: ModelData, solution: Solution) -> Evaluation:
    """Costs, emissions and tables of a solution."""
    w = data.weights
    carbon = data.carbon_price
    ledger = _Ledger(route_use={key: s.rate.astype(float).copy() for key, s in data.streams.items()})
    _links(park, candidates, data, solution, ledger)
    _stores(candidates, data, solution, ledger)
    _converters(candidates, data, solution, ledger)
    for key, use in ledger.route_use.items():
        # A stream fully served by links leaves its rate minus their flows: round-off (a boiler
        # "buying" 1e-12 MWh a year), not a purchase.
        use[np.abs(use) <= 1e-9 * np.abs(data.streams[key].rate)] = 0.0

    streams = {s.key: s for s in all_streams(park)}
    route_rows: dict[tuple[str, str], dict] = {}
    for key, stream in data.streams.items():
        route_id = streams[key].current
        amount = float(w @ np.maximum(ledger.route_use[key], 0.0))
        if amount == 0 and stream.firm in park.hubs:
            continue  # a hub not built vents nothing: no row of 0 (a firm's route of 0 says it is unused)
        row = route_rows.setdefault(
            (route_id, stream.carrier),
            {
                # a hub vents each carrier it makes: one row of each, named apart (vent_oxygen,
                # vent_heat), so that a table read by route name never adds tonnes to MWh; a park
                # without hubs may name a route of its own 'vent' (refused only beside hubs)
                "route": (f"{route_id}_{stream.carrier}"
                          if route_id == HUB_VENT_ROUTE and stream.firm in park.hubs else route_id),
                "carrier": stream.carrier,
                "annual_amount": 0.0,
                "price": stream.price,
                "emission_factor": stream.emissions,
            },
        )
        row["annual_amount"] += amount
        ledger.site_cost[stream.firm] += (stream.price + carbon * stream.emissions) * amount
        ledger.site_emissions[stream.firm] += stream.emissions * amount
    if ledger.electricity > 0 and park.settings.electricity:
        route = park.routes[park.settings.electricity]
        row = route_rows.setdefault(
            (route.id, "electricity"),
            {
                "route": route.id,
                "carrier": "electricity",
                "annual_amount": 0.0,
                "price": route.price,
                "emission_factor": route.emissions,
            },
        )
        row["annual_amount"] += ledger.electricity
    routes = _route_table(list(route_rows.values()))
    _carry_hubs(park, ledger)

    exchanges = typed_table(ledger.rows, EXCHANGE_COLUMNS)
    exchanges = exchanges.sort_values("saving", ascending=False, kind="stable").reset_index(drop=True)
    # Route emissions include the electricity of heat pumps and electrolysers; transport (trucks,
    # ships: emissions_per_tonne_km) buys through no route, so its emissions are the links' own.
    emissions = float(routes["emissions"].sum() + exchanges["transport_emissions"].sum())
    total = float(routes["annual_cost"].sum() + exchanges["annual_cost"].sum() + carbon * emissions)
    site_rows = [
        {
            "firm": f,
            "name": park.firms[f].name,
            "total_cost": ledger.site_cost[f],
            "emissions": ledger.site_emissions[f],
        }
        for f in park.firms
    ]
    site_rows += [  # a hub none of whose links is built cannot pass its result on
        {
            "firm": h,
            "name": f"hub {h}",
            "total_cost": ledger.site_cost[h],
            "emissions": ledger.site_emissions[h],
        }
        for h in park.hubs if ledger.site_cost[h] != 0 or ledger.site_emissions[h] != 0
    ]
    firms = pd.DataFrame(site_rows, columns=["firm", "name", "total_cost", "emissions"])
    return Evaluation(
        exchanges,
        routes,
        firms,
        _flow_table(data, solution),
        total,
        emissions,
        float(exchanges["investment"].sum()),
    )


def _links(park: Park, candidates: Candidates, data: ModelData, solution: Solution, ledger: _Ledger) -> None:
    w, carbon = data.weights, data.carbon_price
    by_id = {c.id: c for c in candidates.links}
    for link in data.links:
        flow = solution.flows[link.id]
        taken = flow * link.taken_per_flow
        delivered = flow * link.delivered_per_flow
        ledger.route_use[link.supply] -= taken
        ledger.route_use[link.demand] -= delivered
        if not solution.built.get(link.id):
            continue
        c = by_id[link.id]
        annual_taken, annual_delivered = float(w @ taken), float(w @ delivered)
        electricity = float(w @ (flow * link.electricity_per_flow))
        ledger.electricity += electricity
        capacity = solution.capacity[link.id]
        peak = float(flow.max(initial=0.0))
        if not c.is_existing and c.investment_per_capacity == 0 and not c.cost_curve:
            # Capacity costs nothing (a truck route): the solver may leave it anywhere up to its
            # bound; the link needs its peak flow (or its smallest size).
            capacity = min(capacity, max(peak, c.min_capacity))
        elif capacity < peak <= capacity * (1 + CAPACITY_TOLERANCE):
            capacity = peak  # not 0.0999994 t/h for a 0.1 t/h flow: the solver's feasibility tolerance
        investment = investment_at(c, capacity)
        annualised = link.annuity * investment  # capital recovery + fixed O&M
        annual_cost = annualised + link.running_cost * annual_delivered + link.transport_cost * annual_taken
        electricity_cost = data.electricity_price * electricity
        transport = link.transport_emissions * annual_taken
        own_emissions = data.electricity_emissions * electricity + transport
        supply, demand = data.streams[link.supply], data.streams[link.demand]
        avoided_emissions = supply.emissions * annual_taken + demand.emissions * annual_delivered
        avoided_cost = (
            supply.price * annual_taken + demand.price * annual_delivered + carbon * avoided_emissions
        )
        saving = avoided_cost - annual_cost - electricity_cost - carbon * own_emissions
        link_cost = annual_cost + electricity_cost + carbon * own_emissions
        # The payment from the receiving firm to the supplying one that leaves each with half
        # of the exchange's net saving (each bears half the link's cost).
        supplier_gain = (supply.price + carbon * supply.emissions) * annual_taken - link_cost / 2
        receiver_gain = (demand.price + carbon * demand.emissions) * annual_delivered - link_cost / 2
        transfer = (receiver_gain - supplier_gain) / 2 if c.from_firm != c.to_firm else 0.0
        carrier = Carrier(c.carrier)
        ledger.rows.append(
            {
                "id": c.id,
                "from_firm": c.from_firm,
                "from_stream": c.from_stream,
                "to_firm": c.to_firm,
                "to_stream": c.to_stream,
                "carrier": c.carrier,
                "technology": c.technology,
                "kind": c.kind,
                "capacity": capacity,
                "capacity_unit": carrier.rate_unit,
                "annual_amount": annual_delivered,
                "amount_unit": carrier.annual_unit,
                "annual_taken": annual_taken,
                "taken_unit": carrier.annual_unit,
                "length_km": c.length_km,
                "cop": c.cop,
                "investment": investment,
                "annual_cost": annual_cost,
                "electricity": electricity,
                "electricity_cost": electricity_cost,
                "avoided_cost": avoided_cost,
                "saving": saving,
                "co2_avoided": avoided_emissions - own_emissions,
                "transport_emissions": transport,
                "payback_years": _payback(investment, saving + c.capital_recovery * investment),
                "existing": c.is_existing,
                "transfer": transfer,
                "transfer_price": transfer / annual_delivered
                if annual_delivered > 0 and c.from_firm != c.to_firm else math.nan,  # no price without a
                # delivery or a counterparty, as symbiosis share says it
            }
        )
        ledger.charge_sites({c.from_firm, c.to_firm}, link_cost, own_emissions)
        ledger.site_cost[c.from_firm] -= transfer
        ledger.site_cost[c.to_firm] += transfer


def _stores(candidates: Candidates, data: ModelData, solution: Solution, ledger: _Ledger) -> None:
    w, carbon = data.weights, data.carbon_price
    links = {link.id: link for link in data.links}
    by_id = {s.id: s for s in candidates.storage}
    for store in data.storages:
        charge, discharge = solution.charge[store.id], solution.discharge[store.id]
        sign = 1.0 if store.on_supply else -1.0
        lost = solution.lost.get(store.id, np.zeros(len(w))) if store.on_supply else np.zeros(len(w))
        ledger.route_use[store.stream] += sign * (discharge - charge) + lost
        # What links delivered of a demand store's losses goes back to their supplies' routes:
        # the links' rows count it as taken and delivered, so the store's row pays it back.
        piped_back = piped_emissions = 0.0
        for (store_id, link_id), piped in solution.piped.items():
            link = links[link_id]
            if store_id != store.id or not takes_back_losses(data, link.supply):
                continue  # a sale takes nothing back: the heat is lost
            back = piped * (link.taken_per_flow / link.delivered_per_flow)
            ledger.route_use[link.supply] += back
            supply = data.streams[link.supply]
            cost = (supply.price + carbon * supply.emissions) * float(w @ back)
            emitted = supply.emissions * float(w @ back)
            piped_back += cost
            piped_emissions += emitted
            # the store's firm lost that heat: it pays the supply's route for it
            ledger.site_cost[supply.firm] -= cost
            ledger.site_cost[store.firm] += cost
            ledger.site_emissions[supply.firm] -= emitted
            ledger.site_emissions[store.firm] += emitted
        if not solution.built.get(store.id):
            continue
        c = by_id[store.id]
        stream = data.streams[store.stream]
        # What the store takes out of its stream's route over the year: a demand store's losses
        # (bought more, or delivered by links, whose supplies' routes take them back), none for
        # a supply store (its losses go to the route as before).
        kept = float(w @ (charge - discharge - lost))
        avoided_cost = sign * (stream.price + carbon * stream.emissions) * kept - piped_back
        capacity = solution.capacity[store.id]
        investment = investment_at(c, capacity)
        annualised = c.annuity * investment  # capital recovery + fixed O&M
        discharged = float(w @ discharge)
        annual_cost = annualised + c.running_cost * discharged
        saving = avoided_cost - annual_cost
        carrier = Carrier(c.carrier)
        firm, stream_id = store.stream.split(".", 1)
        ledger.rows.append(
            {
                "id": c.id,
                "from_firm": firm,
                "from_stream": stream_id,
                "to_firm": firm,
                "to_stream": stream_id,
                "carrier": c.carrier,
                "technology": c.technology,
                "kind": "storage",
                "capacity": capacity,
                "capacity_unit": carrier.annual_unit,
                "annual_amount": discharged,
                "amount_unit": carrier.annual_unit,
                "annual_taken": float(w @ charge),
                "taken_unit": carrier.annual_unit,
                "length_km": 0.0,
                "cop": math.nan,
                "investment": investment,
                "annual_cost": annual_cost,
                "electricity": 0.0,
                "electricity_cost": 0.0,
                "avoided_cost": avoided_cost,
                "saving": saving,
                "co2_avoided": sign * stream.emissions * kept - piped_emissions,
                "transport_emissions": 0.0,
                "payback_years": _payback(investment, saving + c.capital_recovery * investment),
                "existing": False,
                "transfer": 0.0,
                "transfer_price": math.nan,  # a store or hub unit: no counterparty
            }
        )
        ledger.charge_sites({firm}, annual_cost, 0.0)


def _converters(candidates: Candidates, data: ModelData, solution: Solution, ledger: _Ledger) -> None:
    w, carbon = data.weights, data.carbon_price
    by_id = {c.id: c for c in candidates.converters}
    for unit in data.converters:
        power = solution.power[unit.id]
        for stream, gain in (*unit.outputs, *unit.inputs):
            ledger.route_use[stream] += gain * power
        if not solution.built.get(unit.id):
            continue
        c = by_id[unit.id]
        used = float(w @ power)  # MWh of electricity (electrolyser) or of heat delivered (heat pump)
        electricity = unit.electricity * used
        ledger.electricity += electricity
        is_pump = bool(unit.inputs)
        product = "lifted_heat" if is_pump else "hydrogen"
        taken_per_power, made_per_power = unit_sides(unit)
        made = made_per_power * used
        capacity = solution.capacity[unit.id]
        investment = investment_at(unit, capacity)
        annualised = unit.annuity * investment  # capital recovery + fixed O&M
        annual_cost = annualised + unit.running_cost * used
        electricity_cost = data.electricity_price * electricity
        own_emissions = data.electricity_emissions * electricity
        saving = -annual_cost - electricity_cost - carbon * own_emissions
        ledger.rows.append(
            {
                "id": c.id,
                "from_firm": unit.hub,
                "from_stream": "collected_heat" if is_pump else "electricity",
                "to_firm": unit.hub,
                "to_stream": product,
                "carrier": "heat" if is_pump else "hydrogen",
                "technology": c.technology,
                "kind": "heat_pump_hub" if is_pump else "electrolyser",
                "capacity": capacity,
                "capacity_unit": "MW",
                "annual_amount": made,
                "amount_unit": "MWh" if is_pump else "t",
                "annual_taken": taken_per_power * used,  # electricity (electrolyser), collected heat
                "taken_unit": "MWh",
                "length_km": 0.0,
                "cop": c.cop,
                "investment": investment,
                "annual_cost": annual_cost,
                "electricity": electricity,
                "electricity_cost": electricity_cost,
                "avoided_cost": 0.0,
                "saving": saving,
                "co2_avoided": -own_emissions,
                "transport_emissions": 0.0,
                "payback_years": math.inf,
                "existing": False,
                "transfer": 0.0,
                "transfer_price": math.nan,  # a store or hub unit: no counterparty
            }
        )
        ledger.charge_sites(
            {unit.hub}, annual_cost + electricity_cost + carbon * own_emissions, own_emissions
        )


def _carry_hubs(park: Park, ledger: _Ledger) -> None:
    """A hub is no firm: its yearly result (its units, its stores, its side of its links, its
    vented outputs) passes to the firms at the other end of its built links (``hub_parts``: a
    firm whose half of its link's saving is a loss is made good first, the rest in proportion
    to the links' savings), so the hub ends even and the firms' savings add up to the park's.
    The same rule as ``symbiosis share --method equal-split``."""
    for hub in park.hubs:
        # the hub's links (its own units and stores have it at both ends)
        links = [row for row in ledger.rows if (row["from_firm"], row["to_firm"]).count(hub) == 1]
        if not links:
            continue
        cost, emissions = ledger.site_cost[hub], ledger.site_emissions[hub]
        parts = hub_parts([row["saving"] for row in links], -cost)
        for row, share in zip(links, parts, strict=True):
            hub_supplies = row["from_firm"] == hub
            partner = row["to_firm"] if hub_supplies else row["from_firm"]
            ledger.site_cost[partner] += share * cost
            ledger.site_emissions[partner] += share * emissions
            # The link's transfer is then what the firm pays the hub (or is paid) net of its part
            # of the hub's result: the hub ends even on each link, as in ``symbiosis share``.
            row["transfer"] += share * cost if hub_supplies else -share * cost
            amount = row["annual_amount"]
            row["transfer_price"] = row["transfer"] / amount if amount > 0 else math.nan
        ledger.site_cost[hub] = ledger.site_emissions[hub] = 0.0


def _existing_first(data: ModelData, flows: dict[str, np.ndarray], capacity: dict[str, float]) -> None:
    """A new link laid beside an existing one (same streams, same cost and yield per unit) may
    share the flow with it in any split: the optimum does not say which carries what. The
    existing link is read as carrying first, up to its capacity, the new one the rest (never
    more than it carried, so within its capacity; the costs are the same): one split, the one
    an operator runs, whatever path the solver took (the split of Hofors-Borlänge's pipes moved
    by 350 MWh/yr between two solves of one park in other units)."""
    alike: dict[tuple, list] = {}
    for link in data.links:
        per_unit = (link.supply, link.demand, link.kind, link.efficiency, link.cop, link.running_cost,
                    link.transport_cost, link.transport_emissions, link.min_approach, link.max_temperature,
                    link.share_group)
        alike.setdefault(per_unit, []).append(link)
    for group in alike.values():
        existing = [link for link in group if link.existing_capacity > 0]
        new = [link for link in group if link.existing_capacity <= 0]
        if len(existing) != 1 or not new:
            continue
        old = existing[0].id
        carried = sum(flows[link.id] for link in new)
        total = flows[old] + carried
        # where a new link carries: the existing one first; what is left is no more than the new
        # links carried, since the existing one never exceeded its capacity
        flows[old] = np.where(carried > 0, np.minimum(total, capacity[old]), flows[old])
        rest = total - flows[old]
        for link in new:
            share = np.divide(flows[link.id], carried, out=np.zeros_like(rest), where=carried > 0)
            flows[link.id] = rest * share


def _payback(investment: float, operating_benefit: float) -> float:
    """Simple payback: investment / yearly net cash flow before capital recovery (fixed O&M
    stays a yearly cost); never when it does not pay. A benefit below a billionth of the
    investment a year is the solver's rounding of a zero (a store that only breaks even read
    4.3e15 years), not a payback."""
    if investment <= 0:
        return 0.0
    return investment / operating_benefit if operating_benefit > 1e-9 * investment else math.inf


def _route_table(rows: list[dict]) -> pd.DataFrame:
    routes = pd.DataFrame(rows, columns=["route", "carrier", "annual_amount", "price", "emission_factor"])
    routes["amount_unit"] = [Carrier(c).annual_unit for c in routes["carrier"]]
    routes["annual_cost"] = routes["price"] * routes["annual_amount"]
    routes["emissions"] = routes["emission_factor"] * routes["annual_amount"]
    return routes[list(ROUTE_COLUMNS)].astype(ROUTE_COLUMNS)


def _flow_table(data: ModelData, solution: Solution) -> pd.DataFrame:
    """One row per built link or store and time step."""
    rows = []
    for link in data.links:
        if solution.built.get(link.id):
            flow = solution.flows[link.id]
            rows += [
                (
                    link.id,
                    t,
                    float(data.weights[t]),
                    flow[t] * link.taken_per_flow,
                    flow[t] * link.delivered_per_flow,
                )
                for t in data.steps
            ]
    for store in data.storages:
        if solution.built.get(store.id):
            rows += [
                (
                    store.id,
                    t,
                    float(data.weights[t]),
                    solution.charge[store.id][t],
                    solution.discharge[store.id][t],
                )
                for t in data.steps
            ]
    for unit in data.converters:
        if solution.built.get(unit.id):
            taken, made = unit_sides(unit)
            power = solution.power[unit.id]
            rows += [(unit.id, t, float(data.weights[t]), power[t] * taken, power[t] * made)
                     for t in data.steps]
    return typed_table(rows, FLOW_COLUMNS)
