"""The only reader of Pyomo values: a solved model -> plain tables (pandas).

Each built link gets its own account, all linear in its flow, so the exchanges'
net benefits add up to the park's saving:

- ``annual_cost``: annualised investment (CRF) + fixed O&M + running + transport;
- ``electricity_cost``: what a heat pump buys through the park's electricity route;
- ``avoided_cost``: the supply's disposal and the demand's purchase no longer paid,
  and the carbon price on the emissions they no longer cause;
- ``saving`` (net annual benefit) = avoided_cost - annual_cost - electricity_cost
  - carbon price x the link's own emissions.

A firm's cost is its streams' route costs and carbon, plus half of each of its
links' costs (all of it for a link inside the firm): no transfer price yet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from symbiosis.candidates import Candidates
from symbiosis.models.data import ModelData
from symbiosis.park import Carrier, Park


@dataclass(frozen=True)
class Evaluation:
    """Tables of one solution (or of the baseline, with no link built)."""

    exchanges: pd.DataFrame
    routes: pd.DataFrame
    firms: pd.DataFrame
    flows: pd.DataFrame
    total_cost: float
    emissions: float
    investment: float


def link_flows(m: pyo.ConcreteModel | None, data: ModelData) -> dict[str, np.ndarray]:
    """Flow of each link in each time step (zeros where there is no model)."""
    flows = {}
    for link in data.links:
        if m is None:
            flows[link.id] = np.zeros(len(data.weights))
        else:
            flows[link.id] = np.array([max(0.0, m.links.flow[link.id, t].value or 0.0)
                                       for t in data.steps])
    return flows


def evaluate(
    park: Park,
    candidates: Candidates,
    data: ModelData,
    flows: dict[str, np.ndarray],
    capacities: dict[str, float],
    built: dict[str, bool],
) -> Evaluation:
    """Costs, emissions and tables of a solution given by its flows, capacities and builds."""
    w = data.weights
    carbon = data.carbon_price
    by_id = {c.id: c for c in candidates.links}
    route_use = {key: s.rate.astype(float).copy() for key, s in data.streams.items()}
    exchange_rows = []
    firm_cost: dict[str, float] = defaultdict(float)
    firm_emissions: dict[str, float] = defaultdict(float)
    electricity_bought = 0.0
    for link in data.links:
        flow = flows[link.id]
        taken = flow * link.taken_per_flow
        delivered = flow * link.delivered_per_flow
        route_use[link.supply] -= taken
        route_use[link.demand] -= delivered
        if not built.get(link.id):
            continue
        c = by_id[link.id]
        annual_taken, annual_delivered = float(w @ taken), float(w @ delivered)
        electricity = float(w @ (flow * link.electricity_per_flow))
        electricity_bought += electricity
        capacity = capacities[link.id]
        investment = 0.0 if c.is_existing else c.investment_fixed + c.investment_per_capacity * capacity
        capital = link.annuity * investment
        running = link.running_cost * annual_delivered + link.transport_cost * annual_taken
        annual_cost = capital + running
        electricity_cost = data.electricity_price * electricity
        own_emissions = data.electricity_emissions * electricity + link.transport_emissions * annual_taken
        supply, demand = data.streams[link.supply], data.streams[link.demand]
        avoided_emissions = supply.emissions * annual_taken + demand.emissions * annual_delivered
        avoided_cost = (supply.price * annual_taken + demand.price * annual_delivered
                        + carbon * avoided_emissions)
        saving = avoided_cost - annual_cost - electricity_cost - carbon * own_emissions
        operating_benefit = saving + capital
        payback = investment / operating_benefit if operating_benefit > 0 else math.inf
        carrier = Carrier(c.carrier)
        unit = carrier.rate_unit
        exchange_rows.append({
            "id": c.id, "from_firm": c.from_firm, "from_stream": c.from_stream,
            "to_firm": c.to_firm, "to_stream": c.to_stream, "carrier": c.carrier,
            "technology": c.technology, "kind": c.kind,
            "capacity": capacity, "capacity_unit": unit,
            "annual_amount": annual_delivered, "amount_unit": carrier.annual_unit,
            "annual_taken": annual_taken, "length_km": c.length_km, "cop": c.cop,
            "investment": investment, "annual_cost": annual_cost,
            "electricity": electricity, "electricity_cost": electricity_cost,
            "avoided_cost": avoided_cost, "saving": saving,
            "co2_avoided": avoided_emissions - own_emissions, "payback_years": payback,
            "existing": c.is_existing,
        })
        link_total = annual_cost + electricity_cost + carbon * own_emissions
        ends = {c.from_firm, c.to_firm}
        for firm in ends:
            firm_cost[firm] += link_total / len(ends)
            firm_emissions[firm] += own_emissions / len(ends)

    route_rows: dict[str, dict] = {}
    for key, stream in data.streams.items():
        route_id = park.stream(key).current
        amount = float(w @ np.maximum(route_use[key], 0.0))
        row = route_rows.setdefault(route_id, {"route": route_id, "carrier": stream.carrier,
                                               "annual_amount": 0.0, "price": stream.price,
                                               "emission_factor": stream.emissions})
        row["annual_amount"] += amount
        firm_cost[stream.firm] += (stream.price + carbon * stream.emissions) * amount
        firm_emissions[stream.firm] += stream.emissions * amount
    if electricity_bought > 0 and park.settings.electricity:
        route = park.routes[park.settings.electricity]
        row = route_rows.setdefault(route.id, {"route": route.id, "carrier": "electricity",
                                               "annual_amount": 0.0, "price": route.price,
                                               "emission_factor": route.emissions})
        row["annual_amount"] += electricity_bought
    routes = pd.DataFrame(list(route_rows.values()),
                          columns=["route", "carrier", "annual_amount", "price", "emission_factor"])
    routes["amount_unit"] = [Carrier(c).annual_unit for c in routes["carrier"]]
    routes["annual_cost"] = routes["price"] * routes["annual_amount"]
    routes["emissions"] = routes["emission_factor"] * routes["annual_amount"]
    routes = routes[["route", "carrier", "annual_amount", "amount_unit", "annual_cost", "emissions",
                     "price", "emission_factor"]]

    exchanges = pd.DataFrame(exchange_rows, columns=EXCHANGE_COLUMNS)
    exchanges = exchanges.sort_values("saving", ascending=False, kind="stable").reset_index(drop=True)
    # Route emissions include the heat pumps' electricity; transport adds its own.
    emissions = float(routes["emissions"].sum() + _transport_emissions(exchanges, data))
    total = float(routes["annual_cost"].sum() + exchanges["annual_cost"].sum() + carbon * emissions)
    firms = pd.DataFrame(
        [{"firm": f, "name": park.firms[f].name, "total_cost": firm_cost[f],
          "emissions": firm_emissions[f]} for f in park.firms],
        columns=["firm", "name", "total_cost", "emissions"])
    flow_table = _flow_table(data, flows, built, by_id)
    return Evaluation(exchanges, routes, firms, flow_table, total, emissions,
                      float(exchanges["investment"].sum()))


EXCHANGE_COLUMNS = [
    "id", "from_firm", "from_stream", "to_firm", "to_stream", "carrier", "technology", "kind",
    "capacity", "capacity_unit", "annual_amount", "amount_unit", "annual_taken", "length_km", "cop",
    "investment", "annual_cost", "electricity", "electricity_cost", "avoided_cost", "saving",
    "co2_avoided", "payback_years", "existing",
]


def _transport_emissions(exchanges: pd.DataFrame, data: ModelData) -> float:
    if exchanges.empty:
        return 0.0
    transport = {link.id: link.transport_emissions for link in data.links}
    return float(sum(transport[row.id] * row.annual_taken for row in exchanges.itertuples()))


def _flow_table(data: ModelData, flows: dict[str, np.ndarray], built: dict[str, bool],
                by_id: dict) -> pd.DataFrame:
    rows = []
    for link in data.links:
        if not built.get(link.id):
            continue
        flow = flows[link.id]
        for t in data.steps:
            rows.append((link.id, t, float(data.weights[t]), flow[t] * link.taken_per_flow,
                         flow[t] * link.delivered_per_flow))
    return pd.DataFrame(rows, columns=["id", "step", "hours", "taken", "delivered"])


def solution_of(m: pyo.ConcreteModel, data: ModelData) -> tuple[dict, dict, dict]:
    """Flows, capacities and build decisions read from a solved model."""
    flows = link_flows(m, data)
    capacities = {link.id: max(0.0, m.links.capacity[link.id].value or 0.0) for link in data.links}
    built = {link.id: (m.links.build[link.id].value or 0) > 0.5 for link in data.links}
    return flows, capacities, built
