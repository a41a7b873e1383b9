"""Stream balances: links take no more than a supply offers and deliver no more than a
demand needs; the rest goes to, or comes from, the stream's current route.

.. math::

    \\sum_{l \\in out(s)} \\tau_l f_{l,t} \\le R_{s,t} \\quad (s\\ \\text{supply}), \\qquad
    \\sum_{l \\in in(d)} \\delta_l f_{l,t} \\le R_{d,t} \\quad (d\\ \\text{demand})

==================  ===============================  ===========================================
symbol              attribute                        meaning
==================  ===============================  ===========================================
:math:`R_{s,t}`     ``StreamData.rate``              stream rate in step t (MW or t/h)
:math:`\\tau_l`      ``LinkData.taken_per_flow``      taken per unit flow (heat pump: (COP-1)/COP/efficiency)
:math:`\\delta_l`    ``LinkData.delivered_per_flow``  delivered per unit flow (efficiency)
:math:`u_{s,t}`     ``m.balances.route_use[s, t]``   what the current route still buys or takes
==================  ===============================  ===========================================

``route_use`` is the slack of the balance, an expression, not a variable: the
route is unbounded, so what links leave is what the route carries, and with it what a
supply's store loses.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.data import ModelData


def link_terms(data: ModelData) -> dict[str, list[tuple[str, float]]]:
    """For each stream, its links and how much of the stream one unit of flow uses."""
    terms: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for link in data.links:
        terms[link.supply].append((link.id, link.taken_per_flow))
        terms[link.demand].append((link.id, link.delivered_per_flow))
    return terms


def rate(m: pyo.ConcreteModel, data: ModelData, stream: str, t: int):
    """A stream's rate as links see it: its data, changed by stores and hub conversion."""
    base = float(data.streams[stream].rate[t])
    extra = m.rate_change.get((stream, t))
    return base if extra is None else base + extra


def add_balances(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    terms = link_terms(data)
    block = pyo.Block()
    m.balances = block
    block.S = pyo.Set(initialize=list(data.streams), ordered=True)
    flow = dict(m.links.flow.items())  # a plain dict: Pyomo's look-up validates every index
    linked = [s for s in data.streams if terms[s]]
    # What links use of each stream in each step, made once for its row and its route's use.
    used = {(s, t): pyo.quicksum(coef * flow[l, t] for l, coef in terms[s])
            for s in linked for t in data.steps}
    block.stream_limit = pyo.Constraint(
        linked, m.links.T, rule=lambda b, s, t: used[s, t] <= rate(m, data, s, t))
    # What supply stores lose goes where the surplus goes today (models/storage.py).
    lost = m.store_losses
    block.route_use = pyo.Expression(
        block.S, m.links.T,
        rule=lambda b, s, t: rate(m, data, s, t) - used.get((s, t), 0) + lost.get((s, t), 0))
    return block
