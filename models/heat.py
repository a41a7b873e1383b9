"""The heat cascade: a transportation model over temperature segments (Cerda, Westerberg,
Mason and Linnhoff 1983; Papoulias and Grossmann 1983).

A direct heat link's flow is split over the segment pairs it may use (hot segment
above cold segment by the link's minimum approach; the pairs are found in
:func:`symbiosis.problem.heat_segments`); each segment gives or takes no more than
its share of the stream's load. With free links one site's route use then equals
the pinch-analysis minimum utilities.

.. math::

    f_{l,t} = \\sum_{(h,c) \\in P_l} q_{l,h,c,t}, \\qquad
    \\sum_{l,c} q_{l,h,c,t} \\le Q_{h,t}, \\qquad
    \\sum_{l,h} \\eta_l\\, q_{l,h,c,t} \\le Q_{c,t}

==================  ===========================  =========================================
symbol              attribute                    meaning
==================  ===========================  =========================================
:math:`q_{l,h,c,t}`  ``m.heat.segment_flow``     heat of link l from hot segment h to cold c
:math:`P_l`          ``ModelData.segment_pairs``  segment pairs link l may use
:math:`Q_{h,t}`      ``HeatSegment.share * rate``  load of a segment in step t, MW
:math:`\\eta_l`       ``LinkData.efficiency``       share delivered after pipe losses
==================  ===========================  =========================================
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.balances import rate
from symbiosis.models.data import ModelData


def add_heat_cascade(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.heat = block
    links = {link.id: link for link in data.links}
    index = [(l, h, c) for l, pairs in data.segment_pairs.items() for h, c in pairs]
    block.P = pyo.Set(initialize=index, dimen=3, ordered=True)
    block.segment_flow = pyo.Var(block.P, m.links.T, domain=pyo.NonNegativeReals)

    by_link: dict[str, list] = defaultdict(list)
    from_hot: dict[tuple[str, int], list] = defaultdict(list)
    into_cold: dict[tuple[str, int], list] = defaultdict(list)
    for l, h, c in index:
        by_link[l].append((l, h, c))
        from_hot[links[l].supply, h].append((l, h, c))
        into_cold[links[l].demand, c].append((l, h, c))
    q = block.segment_flow
    # q[l, h, c, t], one flat key: q[(l, h, c), t] would send every look-up down Pyomo's slow
    # path that validates and flattens a nested index (most of this block's build time).

    block.link_is_sum_of_segments = pyo.Constraint(
        list(data.segment_pairs), m.links.T,
        rule=lambda b, l, t: m.links.flow[l, t] == pyo.quicksum(q[(*p, t)] for p in by_link[l]))

    shares = {(key, seg.index): seg.share for key, segs in data.segments.items() for seg in segs}

    def load(key: str, i: int, t: int):
        return rate(m, data, key, t) * shares[key, i]

    block.hot_segment_limit = pyo.Constraint(
        list(from_hot), m.links.T,
        rule=lambda b, s, i, t: pyo.quicksum(q[(*p, t)] for p in from_hot[s, i]) <= load(s, i, t))
    block.cold_segment_limit = pyo.Constraint(
        list(into_cold), m.links.T,
        rule=lambda b, s, i, t: pyo.quicksum(links[p[0]].efficiency * q[(*p, t)]
                                             for p in into_cold[s, i]) <= load(s, i, t))
    return block
