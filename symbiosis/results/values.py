"""What a stream is worth to the park: dual prices of the balances once the build
decisions are fixed (the LP that remains), as ground for transfer prices between firms.

For a supply, ``value`` is what one more unit (MWh or t) of it in that step would save
the park; for a demand, what one unit less would save. It sums the duals of every row
whose bound moves with the stream's rate (its balance, its heat segments, a material
share, a store's charge limit) and the price and carbon of its current route:

    d cost / d R_{s,t} = sum_rows dual_row x d bound_row / d R_{s,t} + w_t (p_s + pi e_s)
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from symbiosis.models.data import ModelData
from symbiosis.models.heat import cold_steps
from symbiosis.park import Carrier

VALUE_COLUMNS = ["stream", "firm", "carrier", "direction", "step", "hours", "amount_share", "value", "unit"]


def stream_values(m: pyo.ConcreteModel, data: ModelData, duals: dict, currency: str) -> pd.DataFrame:
    """One row a stream and time step: its marginal value in currency per MWh or t."""
    gradient: dict[tuple[str, int], float] = defaultdict(float)

    def add(component, index_of, coefficient) -> None:
        if component is None:
            return
        for index, row in component.items():
            dual = duals.get(row)
            if dual:
                key = index_of(index)
                gradient[key] += dual * coefficient(index)

    add(m.balances.component("stream_limit"), lambda i: (i[0], i[1]), lambda i: 1.0)
    shares = {(seg.stream, seg.index): seg.share for segs in data.segments.values() for seg in segs}
    add(m.heat.component("hot_segment_limit"), lambda i: (i[0], i[2]), lambda i: shares[i[0], i[1]])
    cascade = cold_steps(data)  # a cascade row holds the demand's segments above the previous reach
    add(m.heat.component("cold_segment_limit"), lambda i: (i[0], i[2]), lambda i: cascade[i[0], i[1]])
    groups = defaultdict(list)
    for link in data.links:
        if link.share_group:
            groups[link.share_group].append(link)
    add(
        m.materials.component("largest_share"),
        lambda i: (groups[i[0]][0].demand, i[1]),
        lambda i: groups[i[0]][0].max_share,
    )
    stores = {s.id: s for s in data.storages}
    add(m.storage.component("store_only_surplus"), lambda i: (stores[i[0]].stream, i[1]), lambda i: 1.0)

    rows = []
    for key, stream in data.streams.items():
        if key.split(".", 1)[0] not in {s.firm for s in data.streams.values() if s.firm}:
            continue
        carrier = Carrier(stream.carrier)
        shares = amount_shares(stream.rate, data.weights)
        for t in data.steps:
            hours = float(data.weights[t])
            slope = gradient.get((key, t), 0.0) + hours * (
                stream.price + data.carbon_price * stream.emissions
            )
            per_unit = slope / hours
            value = -per_unit if stream.is_supply else per_unit
            rows.append(
                (
                    key,
                    stream.firm,
                    stream.carrier,
                    "supply" if stream.is_supply else "demand",
                    t,
                    hours,
                    float(shares[t]),
                    value,
                    f"{currency}/{carrier.annual_unit}",
                )
            )
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def fix_integers(m: pyo.ConcreteModel) -> list:
    """Fix every integer variable at its (rounded) value; return those this fixed."""
    fixed = []
    for var in m.component_data_objects(pyo.Var, descend_into=True):
        if (var.is_binary() or var.is_integer()) and not var.fixed and var.value is not None:
            var.fix(round(var.value))
            fixed.append(var)
    return fixed


def relax_size_bounds(m: pyo.ConcreteModel, data: ModelData):
    """Lift the size bounds of built links and stores for the dual LP; return an undo.

    Those bounds come from the streams' peaks (a tight big-M, not a physical limit): left in
    place they would bind exactly when a stream grows and hide what the stream is worth. So
    would a cost curve's chord row, which holds only up to the largest size.
    """
    changed = []
    for ids, block in (
        ([link.id for link in data.links if link.existing_capacity <= 0], m.links),
        ([store.id for store in data.storages], m.storage),
    ):
        for i in ids:
            if block.build[i].value != 1:
                continue
            capacity = block.capacity[i]
            changed.append((capacity, capacity.ub, block.capacity_if_built[i]))
            capacity.setub(None)
            block.capacity_if_built[i].deactivate()
    flows, lifted_rows = [], []
    chords = m.links.component("curve_above_chord")  # holds only up to the largest size
    for link in data.links:
        if m.links.build[link.id].value == 1:
            if chords is not None and link.id in chords:
                lifted_rows.append(chords[link.id])
                lifted_rows[-1].deactivate()
            for t in data.steps:
                var = m.links.flow[link.id, t]
                flows.append((var, var.ub))
                var.setub(None)
                if (link.id, t) in m.links.flow_if_built:
                    lifted_rows.append(m.links.flow_if_built[link.id, t])
                    lifted_rows[-1].deactivate()

    def undo() -> None:
        for var, upper, constraint in changed:
            var.setub(upper)
            constraint.activate()
        for var, upper in flows:
            var.setub(upper)
        for constraint in lifted_rows:
            constraint.activate()

    return undo


def amount_shares(rate: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """The share of a stream's annual amount in each step (``hours x rate``, summing to 1; by hours
    for a stream with no amount)."""
    amounts = np.asarray(hours, dtype=float) * np.asarray(rate, dtype=float)
    total = amounts.sum()
    return amounts / total if total > 0 else np.asarray(hours, dtype=float) / np.sum(hours)


def yearly_values(values: pd.DataFrame, by: list[str] | None = None) -> pd.Series:
    """What one more unit of a stream's annual amount (one less, for a demand) saves the park: its
    steps' values weighted by the share of the amount each holds (``amount_share``), since one
    more unit of the amount comes along the stream's profile. The hours-weighted mean is this
    only for a flat stream (Mo at 4 typical days: Elkem's flue gas -3.33 NOK/MWh by finite
    difference, +3.17 by hours, as its furnace gas is scarce in the steps it is worth most).
    Results saved before ``amount_share`` existed are weighted by hours."""
    weight = values["amount_share"] if "amount_share" in values else values["hours"]
    weighted = values.assign(_product=values["value"] * weight, _weight=weight)
    sums = weighted.groupby(by or ["stream"], sort=False)[["_product", "_weight"]].sum()
    return sums["_product"] / sums["_weight"]
