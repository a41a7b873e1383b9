"""Annual cost and emissions of the park, and the objectives built from them (DESIGN section 2).

.. math::

    I_l &= I^{fix}_l y_l + I^{cap}_l K_l \\quad (\\text{new links; } I^{fix} \\text{ includes length}) \\\\
    C &= \\sum_l a_l I_l + \\sum_{l,t} w_t f_{l,t} (c^{run}_l \\delta_l + c^{tr}_l \\tau_l
         + p^{el} \\epsilon_l) + \\sum_{s,t} w_t p_s u_{s,t} + \\pi E \\\\
    E &= \\sum_{s,t} w_t e_s u_{s,t} + \\sum_{l,t} w_t f_{l,t} (e^{el} \\epsilon_l + e^{tr}_l \\tau_l)

=====================  ===============================  ==========================================
symbol                 attribute                        meaning
=====================  ===============================  ==========================================
:math:`a_l`            ``LinkData.annuity``             capital recovery factor + fixed O&M share
:math:`w_t`            ``ModelData.weights``            hours in step t
:math:`\\epsilon_l`     ``LinkData.electricity_per_flow``  1/COP for heat pumps
:math:`p_s, e_s`       ``StreamData.price, emissions``  current route price and CO2 per unit
:math:`\\pi`            ``ModelData.carbon_price``       currency per t CO2
:math:`C, E`           ``m.cost.total, m.emissions.total``  annual cost and t CO2 per year
=====================  ===============================  ==========================================
"""

from __future__ import annotations

import pyomo.environ as pyo

from symbiosis.models.data import ModelData

OBJECTIVES = ("cost", "emissions")


def add_costs(m: pyo.ConcreteModel, data: ModelData) -> None:
    """``m.cost`` (its parts and total) and ``m.emissions`` as named expressions."""
    links = m.links
    w = {t: float(data.weights[t]) for t in data.steps}
    new = [link for link in data.links if link.existing_capacity <= 0]
    m.cost = pyo.Block()
    m.emissions = pyo.Block()
    assets = (
        [(link, links) for link in new]
        + [(store, m.storage) for store in data.storages]
        + [(unit, m.conversion) for unit in data.converters]
    )

    def investment(asset, block):
        """Fixed part if built, plus the capacity's cost: linear, or from the asset's cost curve."""
        if getattr(asset, "cost_curve", ()):
            return asset.investment_fixed * block.build[asset.id] + block.curve_cost[asset.id]
        return (
            asset.investment_fixed * block.build[asset.id]
            + asset.investment_per_capacity * block.capacity[asset.id]
        )

    m.cost.investment = pyo.Expression(expr=pyo.quicksum(investment(a, b) for a, b in assets))
    m.cost.capital = pyo.Expression(expr=pyo.quicksum(a.annuity * investment(a, b) for a, b in assets))
    m.cost.operation = pyo.Expression(
        expr=pyo.quicksum(
            w[t]
            * (
                link.running_cost * link.delivered_per_flow
                + link.transport_cost * link.taken_per_flow
                + data.electricity_price * link.electricity_per_flow
            )
            * links.flow[link.id, t]
            for link in data.links
            for t in data.steps
            if link.running_cost or link.transport_cost or link.is_heat_pump
        )
        + pyo.quicksum(
            w[t] * store.running_cost * m.storage.discharge[store.id, t]
            for store in data.storages
            if store.running_cost
            for t in data.steps
        )
        + pyo.quicksum(
            w[t]
            * (data.electricity_price * unit.electricity + unit.running_cost)
            * m.conversion.power[unit.id, t]
            for unit in data.converters
            for t in data.steps
        )
    )
    m.cost.routes = pyo.Expression(
        expr=pyo.quicksum(
            w[t] * stream.price * m.balances.route_use[key, t]
            for key, stream in data.streams.items()
            if stream.price
            for t in data.steps
        )
    )
    m.emissions.total = pyo.Expression(
        expr=pyo.quicksum(
            w[t] * stream.emissions * m.balances.route_use[key, t]
            for key, stream in data.streams.items()
            if stream.emissions
            for t in data.steps
        )
        + pyo.quicksum(
            w[t]
            * (
                data.electricity_emissions * link.electricity_per_flow
                + link.transport_emissions * link.taken_per_flow
            )
            * links.flow[link.id, t]
            for link in data.links
            for t in data.steps
            if link.is_heat_pump or link.transport_emissions
        )
        + pyo.quicksum(
            w[t] * data.electricity_emissions * unit.electricity * m.conversion.power[unit.id, t]
            for unit in data.converters
            for t in data.steps
        )
    )
    m.cost.carbon = pyo.Expression(expr=data.carbon_price * m.emissions.total)
    m.cost.total = pyo.Expression(expr=m.cost.capital + m.cost.operation + m.cost.routes + m.cost.carbon)


def set_objective(m: pyo.ConcreteModel, objective: str) -> None:
    """Make ``objective`` ("cost" or "emissions") the active objective."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, not {objective!r}")
    if m.component("objective") is not None:
        m.del_component("objective")
    target = m.cost.total if objective == "cost" else m.emissions.total
    m.objective = pyo.Objective(expr=target, sense=pyo.minimize)
