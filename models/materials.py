"""Material substitution: a by-product covers at most ``max_share`` of the demand it replaces.

.. math::

    \\sum_{l \\in G} \\delta_l f_{l,t} \\le \\sigma_G R_{d,t}

==================  ===========================  ===============================================
symbol              attribute                    meaning
==================  ===========================  ===============================================
:math:`G`           ``LinkData.share_group``     links of one rule (by-product -> material) into d
:math:`\\sigma_G`    ``LinkData.max_share``       largest share of demand d the rule may cover
:math:`\\delta_l`    ``LinkData.efficiency``      tonnes delivered per tonne taken (the ratio)
==================  ===========================  ===============================================
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.data import ModelData


def add_material_shares(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.materials = block
    groups = defaultdict(list)
    for link in data.links:
        if link.share_group:
            groups[link.share_group].append(link)

    def rule(b, group: str, t: int):
        members = groups[group]
        demand = data.streams[members[0].demand]
        return pyo.quicksum(link.delivered_per_flow * m.links.flow[link.id, t] for link in members) \
            <= members[0].max_share * float(demand.rate[t])

    block.largest_share = pyo.Constraint(list(groups), m.links.T, rule=rule)
    return block
