"""Conversion at a hub: an electrolyser turns bought electricity into hydrogen, heat and
oxygen that links may carry to firms.

.. math::

    P_{k,t} \\le K_k, \\quad \\underline{K}_k y_k \\le K_k \\le \\overline{K}_k y_k, \\qquad
    R_{o,t} = \\gamma_{k,o} P_{k,t} \\ \\text{for each output } o

===================  ============================  =======================================
symbol               attribute                     meaning
===================  ============================  =======================================
:math:`y_k`          ``m.conversion.build[k]``     the unit is built
:math:`K_k`          ``m.conversion.capacity[k]``  electricity input capacity, MW
:math:`P_{k,t}`      ``m.conversion.power[k, t]``  electricity it uses in step t, MW
:math:`\\gamma_{k,o}`  ``ConverterData.outputs``     output o per MWh of electricity
===================  ============================  =======================================

What no link takes of an output is vented at no cost. An input (the collecting loop of a
heat pump hub) must be fed by links in full: :math:`\\sum_l \\delta_l f_{l,t} = \\beta_{k,i} P_{k,t}`.
"""

from __future__ import annotations

import pyomo.environ as pyo

from symbiosis.models.data import ModelData
from symbiosis.models.links import add_cost_curves


def add_conversion(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.conversion = block
    units = {unit.id: unit for unit in data.converters}
    block.K = pyo.Set(initialize=list(units), ordered=True)
    block.build = pyo.Var(block.K, domain=pyo.Binary)
    block.capacity = pyo.Var(block.K, domain=pyo.NonNegativeReals,
                             bounds=lambda b, k: (0, units[k].max_capacity))
    block.power = pyo.Var(block.K, m.links.T, domain=pyo.NonNegativeReals)
    block.power_limit = pyo.Constraint(block.K, m.links.T,
                                       rule=lambda b, k, t: b.power[k, t] <= b.capacity[k])
    block.capacity_if_built = pyo.Constraint(
        block.K, rule=lambda b, k: b.capacity[k] <= units[k].max_capacity * b.build[k])
    block.smallest_size = pyo.Constraint(
        block.K, rule=lambda b, k: b.capacity[k] >= units[k].min_capacity * b.build[k])
    add_cost_curves(block, [unit for unit in units.values() if unit.cost_curve])  # a hub's heat pump
    feeds = [(k, stream, gain) for k, unit in units.items() for stream, gain in unit.inputs]
    into = {}
    for link in data.links:
        into.setdefault(link.demand, []).append(link)
    block.input_met = pyo.Constraint(
        range(len(feeds)), m.links.T,
        rule=lambda b, i, t: pyo.quicksum(
            link.delivered_per_flow * m.links.flow[link.id, t] for link in into.get(feeds[i][1], []))
        == feeds[i][2] * b.power[feeds[i][0], t])
    return block


def conversion_output(m: pyo.ConcreteModel, data: ModelData) -> dict[tuple[str, int], object]:
    """The rate each hub output stream offers (and each input stream asks for) in each step."""
    terms: dict[tuple[str, int], object] = {}
    for unit in data.converters:
        for stream, gain in (*unit.outputs, *unit.inputs):
            for t in data.steps:
                terms[stream, t] = terms.get((stream, t), 0) + gain * m.conversion.power[unit.id, t]
    return terms
