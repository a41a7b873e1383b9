"""The heat cascade: which temperature segments of a hot stream a link takes, and a cascade
of the cold stream's segments that proves the heat can be placed (Cerda, Westerberg, Mason
and Linnhoff 1983; Papoulias and Grossmann 1983).

A direct heat link's flow is split over the hot segments it takes from its supply
(:math:`q_{l,h,t}`); each hot segment gives no more than its share of the stream's load.
Which cold segments may receive hot segment h over link l (hot above cold by the link's
minimum approach, :func:`symbiosis.problem.heat_segments`) is always every cold segment up
to a highest one, its *reach* :math:`r(l,h)`: a segment warm enough for a cold segment is
warm enough for every colder one. Heat reaching no higher than segment k must then fit in
the cold segments up to k, for every k (Hall's condition, which for such nested reaches
is also sufficient: the transportation problem of the pairs then always has a solution).
Written as a cascade with the cold load left unused up to k as a slack :math:`s_{d,k,t}`:

.. math::

    f_{l,t} = \\sum_h q_{l,h,t}, \\qquad
    \\sum_l q_{l,h,t} \\le Q_{h,t}, \\qquad
    \\sum_{(l,h):\\, r(l,h) = k} \\eta_l\\, q_{l,h,t} + s_{d,k,t} - s_{d,k^-,t}
        = \\sum_{k^- < j \\le k} Q_{j,t}, \\quad s \\ge 0

with :math:`k^-` the previous reach of any link into d. This is exactly the transportation
model over segment pairs, with one variable per (link, hot segment) instead of one per
pair: 5.6 times fewer on a 200-firm park (``benchmarks/README.md``).

==================  ==============================  =========================================
symbol              attribute                       meaning
==================  ==============================  =========================================
:math:`q_{l,h,t}`   ``m.heat.segment_flow``         heat link l takes from hot segment h
:math:`s_{d,k,t}`   ``m.heat.cold_spare``           load of d's segments up to k still free
:math:`Q_{h,t}`     ``HeatSegment.share * rate``    load of a segment in step t, MW
:math:`\\eta_l`      ``LinkData.efficiency``         share delivered after pipe losses
==================  ==============================  =========================================
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.balances import rate
from symbiosis.models.data import ModelData


def segment_reach(data: ModelData) -> dict[tuple[str, int], int]:
    """(link, hot segment) -> the highest cold segment it may heat, from the allowed pairs.

    Raises ``ValueError`` if a hot segment's cold segments are not all those up to the
    highest, which the segment rule never gives (the cascade would then be wrong)."""
    cold_of: dict[tuple[str, int], set[int]] = defaultdict(set)
    for link_id, pairs in data.segment_pairs.items():
        for hot, cold in pairs:
            cold_of[link_id, hot].add(cold)
    reach = {}
    for key, colds in cold_of.items():
        top = max(colds)
        if len(colds) != top + 1:
            raise ValueError(f"link {key[0]}: hot segment {key[1]} may heat cold segments {sorted(colds)}, "
                             "not every segment up to its highest")
        reach[key] = top
    return reach


def cold_steps(
    data: ModelData, reach: dict[tuple[str, int], int] | None = None
) -> dict[tuple[str, int], float]:
    """(demand, reach k) -> share of the demand's load in its segments above the previous
    reach and up to k: the right-hand side of the cascade's row k, per unit of rate.
    ``reach`` is :func:`segment_reach` of ``data`` when the caller has it already."""
    links = {link.id: link for link in data.links}
    tops: dict[str, set[int]] = defaultdict(set)
    for (link_id, _), top in (reach if reach is not None else segment_reach(data)).items():
        tops[links[link_id].demand].add(top)
    shares = {}
    for demand, ks in tops.items():
        segments = data.segments[demand]
        previous = -1
        for k in sorted(ks):
            shares[demand, k] = sum(seg.share for seg in segments[previous + 1:k + 1])
            previous = k
    return shares


def add_heat_cascade(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.heat = block
    links = {link.id: link for link in data.links}
    reach = segment_reach(data)
    steps = cold_steps(data, reach)
    block.R = pyo.Set(initialize=list(reach), dimen=2, ordered=True)
    block.segment_flow = pyo.Var(block.R, m.links.T, domain=pyo.NonNegativeReals)
    block.cold_spare = pyo.Var(list(steps), m.links.T, domain=pyo.NonNegativeReals)
    q, spare = block.segment_flow, block.cold_spare

    by_link: dict[str, list] = defaultdict(list)
    from_hot: dict[tuple[str, int], list] = defaultdict(list)
    into_cold: dict[tuple[str, int], list] = defaultdict(list)
    for (l, h), top in reach.items():
        by_link[l].append((l, h))
        from_hot[links[l].supply, h].append((l, h))
        into_cold[links[l].demand, top].append((l, h))
    below = {}
    previous: dict[str, int] = {}
    for demand, k in steps:  # in order of k within each demand (cold_steps sorts them)
        below[demand, k] = previous.get(demand)
        previous[demand] = k
    shares = {(key, seg.index): seg.share for key, segs in data.segments.items() for seg in segs}

    # q[l, h, t] with one flat key: q[(l, h), t] would send every look-up down Pyomo's slow
    # path that validates and flattens a nested index.
    block.link_is_sum_of_segments = pyo.Constraint(
        list(data.segment_pairs), m.links.T,
        rule=lambda b, l, t: m.links.flow[l, t] == pyo.quicksum(q[(*p, t)] for p in by_link[l]))
    block.hot_segment_limit = pyo.Constraint(
        list(from_hot), m.links.T,
        rule=lambda b, s, i, t: pyo.quicksum(q[(*p, t)] for p in from_hot[s, i])
        <= rate(m, data, s, t) * shares[s, i])

    def cold_cascade(b, d, k, t):
        lower = below[d, k]
        freed = spare[d, k, t] - (spare[d, lower, t] if lower is not None else 0)
        placed = pyo.quicksum(links[p[0]].efficiency * q[(*p, t)] for p in into_cold[d, k])
        return placed + freed == rate(m, data, d, t) * steps[d, k]

    block.cold_segment_limit = pyo.Constraint(list(steps), m.links.T, rule=cold_cascade)
    return block
