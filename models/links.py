"""Links: build decisions, capacities and flows.

==========================  ======================  ==============================================
symbol                      attribute               meaning
==========================  ======================  ==============================================
:math:`y_l \\in \\{0,1\\}`     ``m.links.build[l]``    link l is built (fixed to 1 for existing links)
:math:`K_l \\ge 0`            ``m.links.capacity[l]`` capacity, MW or t/h (heat pumps: heat output)
:math:`f_{l,t} \\ge 0`        ``m.links.flow[l, t]``  what l takes in step t (heat pumps: delivers)
==========================  ======================  ==============================================

.. math::

    f_{l,t} \\le K_l, \\qquad
    f_{l,t} \\le B_{l,t}\\, y_l, \\qquad
    \\underline{K}_l\\, y_l \\le K_l \\le \\overline{K}_l\\, y_l

:math:`B_{l,t}` is the most the link can carry in step t (its streams' rates and, for a
direct heat link, their temperatures, less the capacity of existing links alike to it beside
which it would be laid: :func:`link_limits`; new links whose streams keep their rates) and
:math:`\\overline{K}_l = \\max_t B_{l,t}` (or the smallest size), which keeps the big-M small;
:math:`\\underline{K}_l` is the smallest economic size. An existing link
has :math:`y_l = 1` and :math:`K_l` fixed at its capacity.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyomo.environ as pyo

from symbiosis.models.data import LinkData, ModelData

# Chord-row coefficients this small are rounding (a straight stretch of the curve).
CHORD_TOLERANCE = 1e-9


def add_links(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    links, most = link_limits(data)
    block = pyo.Block()
    m.links = block
    block.L = pyo.Set(initialize=list(links), ordered=True)
    block.T = pyo.Set(initialize=list(data.steps), ordered=True)
    block.build = pyo.Var(block.L, domain=pyo.Binary)
    largest = {l: max(link.max_capacity, link.existing_capacity) for l, link in links.items()}
    block.capacity = pyo.Var(block.L, domain=pyo.NonNegativeReals, bounds=lambda b, l: (0, largest[l]))
    block.flow = pyo.Var(block.L, block.T, domain=pyo.NonNegativeReals,
                         bounds=lambda b, l, t: (0, largest[l]))
    for link in links.values():
        if link.existing_capacity > 0:
            block.build[link.id].fix(1)
            block.capacity[link.id].fix(link.existing_capacity)

    block.flow_within_capacity = pyo.Constraint(
        block.L, block.T, rule=lambda b, l, t: b.flow[l, t] <= b.capacity[l])
    new = [link.id for link in links.values() if link.existing_capacity <= 0]
    # A valid inequality that tightens the LP relaxation of the fixed charge: in each step a
    # link carries no more than its two streams allow then, and nothing unless it is built.
    most = {l: bounds.tolist() for l, bounds in most.items()}
    block.flow_if_built = pyo.Constraint(
        list(most), block.T, rule=lambda b, l, t: b.flow[l, t] <= most[l][t] * b.build[l])
    block.capacity_if_built = pyo.Constraint(
        new, rule=lambda b, l: b.capacity[l] <= links[l].max_capacity * b.build[l])
    sized = [l for l in new if links[l].min_capacity > 0]
    block.smallest_size = pyo.Constraint(
        sized, rule=lambda b, l: b.capacity[l] >= links[l].min_capacity * b.build[l])
    add_cost_curves(block, [links[l] for l in new if links[l].cost_curve])
    return block


def link_limits(data: ModelData) -> tuple[dict[str, LinkData], dict[str, np.ndarray]]:
    """The links by id, each new one whose streams keep their rates with its largest size cut
    to the most it can carry in any step (or to its smallest size, if larger), and the most
    each of those carries in each step (``flow_if_built``).

    More capacity than a link can ever carry is never used and costs no less (cost curves only
    rise), so the cut keeps every optimum; it makes the big-M of ``capacity_if_built`` and the
    chord of the cost curve (``chord_terms``) those of the sizes that can occur, which tightens
    the LP relaxation where the streams' temperatures let pass less than their peaks.

    A new link laid beside existing ones it is alike to (``alike``: the same streams, and a unit
    of flow over either costs, emits, takes and delivers the same) carries only what they leave:
    flow moved from it onto an existing link with room changes no row and no cost, so some
    optimum fills the existing links first, and the new one carries at most what the two streams
    allow beyond the existing capacity. Without this its LP relaxation took the whole of what the
    streams allow as its big-M, so it laid part of the link at part of its fixed charge
    (Hofors-Borlänge: the LP relaxation 0.44 % below the optimum before, 0.27 % after)."""
    links = {link.id: link for link in data.links}
    varying = varying_streams(data)
    existing: dict[tuple, float] = {}
    for link in data.links:
        if link.existing_capacity > 0:
            key = alike(data, link)
            existing[key] = existing.get(key, 0.0) + link.existing_capacity
    most = {}
    for link in data.links:
        if link.existing_capacity > 0 or {link.supply, link.demand} & varying:
            continue
        most[link.id] = step_bounds(data, link, beside=existing.get(alike(data, link), 0.0))
    for l, bounds in most.items():
        largest = max(float(bounds.max(initial=0.0)), links[l].min_capacity)
        if largest < links[l].max_capacity:
            links[l] = replace(links[l], max_capacity=largest)
    return links, most


def chord_terms(link) -> tuple[tuple[int, float], ...]:
    """(segment p, coefficient on its fill) of a curved link's row ``curve_above_chord``, or
    none when the chord adds nothing (a single segment, a curve that ends at the largest size)
    or does not hold (a curve that dips below its chord: not concave up to the largest size).
    Coefficients this close to zero are rounding (a straight stretch) and left out.

    A concave cost lies above its chord from the curve's start to the largest size U:
    :math:`c(K) - c_0 \\ge \\frac{c(U) - c_0}{U - x_0} (K - x_0)`; with :math:`K - x_0 = \\sum_p
    \\Delta x_p \\delta_p` and :math:`c(K) - c_0 = \\sum_p \\Delta c_p \\delta_p`, divided by
    :math:`c(U) - c_0` so the row keeps the coefficients near 1 (not the investments)."""
    points = link.cost_curve
    xs = [x for x, _ in points]
    largest = link.max_capacity
    if len(points) < 3 or largest >= xs[-1] or largest <= xs[0]:
        return ()
    x0, c0 = points[0]
    at_largest = float(np.interp(largest, xs, [c for _, c in points]))
    if at_largest <= c0:
        return ()
    slope = (at_largest - c0) / (largest - x0)
    if any(c - c0 < slope * (x - x0) * (1 - CHORD_TOLERANCE) for x, c in points if x0 < x < largest):
        return ()
    coefficients = ((c2 - c1) / (at_largest - c0) - (x2 - x1) / (largest - x0)
                    for (x1, c1), (x2, c2) in zip(points, points[1:], strict=False))
    return tuple((p, a) for p, a in enumerate(coefficients, start=1) if abs(a) > CHORD_TOLERANCE)


def varying_streams(data: ModelData) -> set[str]:
    """Streams whose rate the model itself changes (stores, hub outputs)."""
    return {store.stream for store in data.storages} | {
        key for unit in data.converters for key, _ in (*unit.outputs, *unit.inputs)}


def alike(data: ModelData, link: LinkData) -> tuple:
    """What a unit of flow over ``link`` is: its streams, what it takes, delivers, costs and
    emits, and which temperature segments it may join. Two links alike in all of it differ
    only in their capacity (and what building it costs)."""
    return (link.supply, link.demand, link.kind, link.efficiency, link.cop, link.running_cost,
            link.transport_cost, link.transport_emissions, link.max_share, link.share_group,
            link.min_approach, link.max_temperature, tuple(sorted(data.segment_pairs.get(link.id, ()))))


def step_bounds(data: ModelData, link, beside: float = 0.0) -> np.ndarray:
    """Most a link can carry in each step: what :func:`stream_bounds` leaves beyond the
    capacity ``beside`` it of existing links alike to it, up to its largest size."""
    return np.minimum(np.maximum(stream_bounds(data, link) - beside, 0.0), link.max_capacity)


def stream_bounds(data: ModelData, link) -> np.ndarray:
    """Most the link's two streams let pass over it in each step: what its supply offers and
    its demand can take, and for a direct heat link what their temperatures let pass between
    them. It bounds the flow of every link alike to it (:func:`alike`) taken together."""
    supply_rate = np.asarray(data.streams[link.supply].rate, dtype=float)
    demand_rate = np.asarray(data.streams[link.demand].rate, dtype=float)
    supply = supply_rate / link.taken_per_flow
    demand = demand_rate * link.max_share / link.delivered_per_flow
    most = np.minimum(supply, demand)
    if link.id in data.segment_pairs:
        most = np.minimum(most, _exchangeable(data, link, supply_rate, demand_rate))
    return most


def _exchangeable(data: ModelData, link, supply_rate: np.ndarray, demand_rate: np.ndarray) -> np.ndarray:
    """Most heat a direct link can take from its supply in each step, given which hot segments
    may heat which cold ones: the two streams' own heat exchange at the link's approach.

    The maximum flow of the transport between the link's hot segments and the cold segments
    each may reach (every cold segment up to its reach, see ``models/heat.py``) equals its
    minimum cut (Ford and Fulkerson): for some cold segment k, the hot segments reaching above
    k plus the cold segments up to k (a cold load C passes C / efficiency of taken heat)."""
    reach: dict[int, int] = {}
    for hot, cold in data.segment_pairs[link.id]:
        reach[hot] = max(reach.get(hot, -1), cold)
    hot_share = {seg.index: seg.share for seg in data.segments[link.supply]}
    cold_share = [seg.share for seg in data.segments[link.demand]]
    cuts = sorted({-1, *reach.values()})
    above = np.array([sum(hot_share[h] for h, top in reach.items() if top > k) for k in cuts])
    below = np.array([sum(cold_share[:k + 1]) for k in cuts]) / link.efficiency
    return np.min(above[:, None] * supply_rate[None, :] + below[:, None] * demand_rate[None, :], axis=0)


def add_cost_curves(block: pyo.Block, curved: list) -> None:
    """Economies of scale: ``block.curve_cost[l]`` = the piecewise-linear investment of the
    capacity (a concave curve through the catalogue's points), in the incremental form with
    binaries (the ``INC`` form of Pyomo ``Piecewise``), since a concave cost cannot be minimised
    as an LP.

    Written out over indexed components rather than with ``pyo.Piecewise``, which makes a
    block per link (most of the build time of a park with many candidates); the rows and
    columns are those of ``Piecewise(..., pw_repn="INC")`` but for the cost: ``curve_cost``
    is an expression of the fills, not a variable held by an equality row, since that row
    would carry investment increments (up to 1e7 currency) beside the 1 of the variable and
    spoil the matrix's scaling for the solver; the investments go to the objective instead.
    With points :math:`(x_0, c_0) \\dots (x_n, c_n)` and fill :math:`\\delta_p` of segment p:

    .. math::

        K_l = x_0 + \\sum_p (x_p - x_{p-1}) \\delta_p, \\quad
        I_l = c_0 + \\sum_p (c_p - c_{p-1}) \\delta_p, \\quad
        \\delta_{p+1} \\le z_p \\le \\delta_p, \\quad \\delta_1 \\le 1, \\ \\delta_n \\ge 0
    """
    block.CURVED = pyo.Set(initialize=[link.id for link in curved], ordered=True)
    if not curved:
        block.curve_cost = pyo.Expression(block.CURVED)
        return
    points = {link.id: link.cost_curve for link in curved}
    last = {l: len(pts) - 1 for l, pts in points.items()}
    pieces = [(l, p) for l, n in last.items() for p in range(1, n + 1)]
    steps = [(l, p) for l, n in last.items() for p in range(1, n)]
    block.curve_fill = pyo.Var(
        pieces, bounds=lambda b, l, p: (0 if p == last[l] else None, 1 if p == 1 else None))
    block.curve_step = pyo.Var(steps, domain=pyo.Binary)
    fill = block.curve_fill

    def along(l: str, axis: int):
        pts = points[l]
        return pts[0][axis] + sum(fill[l, p] * (pts[p][axis] - pts[p - 1][axis]) for p in range(1, len(pts)))

    block.curve_capacity = pyo.Constraint(block.CURVED, rule=lambda b, l: b.capacity[l] == along(l, 0))
    block.curve_cost = pyo.Expression(block.CURVED, rule=lambda b, l: along(l, 1))
    block.curve_in_order = pyo.Constraint(steps, rule=lambda b, l, p: fill[l, p + 1] <= b.curve_step[l, p])
    block.curve_filled = pyo.Constraint(steps, rule=lambda b, l, p: b.curve_step[l, p] <= fill[l, p])
    # The incremental form's relaxation prices capacity along the chord to the curve's end,
    # which lies past the largest size (so that the curve never bounds a link by itself). The
    # chord to the largest size is valid for every built size, and with capacity_if_built it
    # makes one link's relaxation the convex envelope of its fixed plus concave cost on its
    # real range (Croxton, Gendron and Magnanti 2003, Manage. Sci. 49, 1268-1273: the INC
    # relaxation is the envelope over the curve's domain). LP bound: +0.6 % on 50 and 200 firms.
    chords = {link.id: terms for link in curved if (terms := chord_terms(link))}
    block.curve_above_chord = pyo.Constraint(
        list(chords), rule=lambda b, l: pyo.quicksum(a * fill[l, p] for p, a in chords[l]) >= 0)
