"""Firm rules in the model: a firm links with at most ``max_partners`` other firms.

.. math::

    y_l \\le p_{f,g} \\quad (l \\text{ joins } f, g), \\qquad \\sum_g p_{f,g} \\le N_f

==================  ========================  ======================================
symbol              attribute                 meaning
==================  ========================  ======================================
:math:`p_{f,g}`      ``m.rules.partner[f, g]``  firm f has at least one link with g
:math:`N_f`          ``ModelData.max_partners``  the firm's largest number of partners
==================  ========================  ======================================

(``exclude_partners`` and ``keep_current`` act earlier: such candidates are never made.)
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.data import ModelData


def add_partner_limits(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.rules = block
    links_between: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in data.links:
        a, b = link.supply_firm, link.demand_firm
        if a == b:
            continue
        for firm, other in ((a, b), (b, a)):
            if firm in data.max_partners:
                links_between[firm, other].append(link.id)
    block.PAIRS = pyo.Set(initialize=sorted(links_between), dimen=2, ordered=True)
    block.partner = pyo.Var(block.PAIRS, domain=pyo.Binary)
    index = [(f, g, l) for (f, g), ids in sorted(links_between.items()) for l in ids]
    block.link_needs_partner = pyo.Constraint(
        index, rule=lambda b, f, g, l: m.links.build[l] <= b.partner[f, g])
    firms = sorted({f for f, _ in links_between})
    block.most_partners = pyo.Constraint(
        firms, rule=lambda b, f: pyo.quicksum(b.partner[f, g] for (ff, g) in links_between if ff == f)
        <= data.max_partners[f])
    return block
