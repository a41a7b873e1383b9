"""``build_model``: the whole park model, one building block after the other."""

from __future__ import annotations

import gc
from contextlib import contextmanager

import pyomo.environ as pyo

from symbiosis.models.balances import add_balances
from symbiosis.models.conversion import add_conversion, conversion_output
from symbiosis.models.data import ModelData
from symbiosis.models.heat import add_heat_cascade
from symbiosis.models.links import add_links
from symbiosis.models.materials import add_material_shares
from symbiosis.models.objectives import add_costs, set_objective
from symbiosis.models.rules import add_partner_limits
from symbiosis.models.storage import add_storage, storage_adjustment, storage_losses


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while Pyomo builds components: it roughly halves
    build time (measured in shared/research/pyomo-highs-performance.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rate_changes(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Terms that stores and hub conversion add to streams' rates, by (stream, step)."""
    changes = dict(storage_adjustment(m, data))
    for key, term in conversion_output(m, data).items():
        changes[key] = changes.get(key, 0) + term
    return changes


def build_model(data: ModelData, *, objective: str = "cost") -> pyo.ConcreteModel:
    """The Pyomo model of a park: links, heat cascade, balances, shares, rules, cost."""
    with _no_cyclic_gc():
        m = pyo.ConcreteModel(name="symbiosis")
        add_links(m, data)
        add_conversion(m, data)
        add_storage(m, data)
        m.rate_change = _rate_changes(m, data)
        m.store_losses = storage_losses(m, data)
        add_heat_cascade(m, data)
        add_balances(m, data)
        add_material_shares(m, data)
        add_partner_limits(m, data)
        add_costs(m, data)
        set_objective(m, objective)
    return m


def asset_binaries(m: pyo.ConcreteModel) -> dict[str, list[pyo.Var]]:
    """Each candidate asset's (link, store, hub unit) binaries by its id: whether it is built
    and, for a link with a cost curve, the curve's steps. A design (the ids built) holds the
    others at zero in a design start (``solvers/highs.py``)."""
    binaries: dict[str, list] = {}
    for block in (m.links, m.storage, m.conversion):
        for asset, var in block.build.items():
            binaries[asset] = [var]
    curve_steps = m.links.component("curve_step")  # only when some link has a cost curve
    for (link, _), var in curve_steps.items() if curve_steps is not None else ():
        binaries[link].append(var)
    return binaries
