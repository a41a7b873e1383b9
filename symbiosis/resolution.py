"""Warnings where an answer's time resolution hides what the park's hours would show.

With ``time: annual`` every stream is its yearly mean, so a link between a surplus of the
night and a need of the day carries the whole year's amount on paper (an audit: 43.8 GWh a
year between streams that never meet in an hour). With typical days every day of a kind is
alike, so what a store carries between days must balance over the same days: a store at its
largest size there may be what the typical days allow, not what the year needs (an audit: a
store shifting alternate days' surplus delivered half of the hourly answer at two typical days).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from symbiosis.models.data import ModelData
from symbiosis.park import Park
from symbiosis.time import hourly

OVERSTATED = 0.05
"""Share by which an annual answer's delivery may exceed what its streams' hours allow before
it is warned of (the link sized for the means, the hours differ)."""


def annual_overstatements(park: Park, exchanges: pd.DataFrame, candidates: pd.DataFrame | None = None
                          ) -> list[str]:
    """One warning naming the exchanges whose yearly delivery on annual means exceeds by more
    than :data:`OVERSTATED` the most their streams' hourly profiles let pass (each hour the
    lesser of supply and demand, at the link's ratio of delivered to taken; of the demand, the
    share a material rule's ``max_share`` lets a by-product cover, from ``candidates``), and any
    firm's storage that annual time leaves out; none for time resolved parks."""
    if park.settings.time.kind != "annual":
        return []
    streams = {stream.key: stream for stream in park.streams}
    shares = {} if candidates is None or "max_share" not in candidates.columns else \
        dict(zip(candidates["id"], pd.to_numeric(candidates["max_share"], errors="coerce"), strict=True))
    hours = hourly()
    overstated = []
    for row in exchanges.itertuples():
        supply = streams.get(f"{row.from_firm}.{row.from_stream}")
        demand = streams.get(f"{row.to_firm}.{row.to_stream}")
        if supply is None or demand is None or row.kind == "storage" or row.annual_taken <= 0:
            continue  # a hub's side is the model's to decide
        if supply.profile is None and demand.profile is None:
            continue
        ratio = row.annual_amount / row.annual_taken
        share = shares.get(row.id, 1.0)
        share = 1.0 if math.isnan(share) else float(share)  # NaN: no rule's share
        most = float(np.minimum(hours.rates(supply) * ratio, hours.rates(demand) * share).sum())
        if row.annual_amount > (1 + OVERSTATED) * most:
            overstated.append(f"{supply.key} -> {demand.key} ({row.technology}) {row.annual_amount:,.0f} "
                              f"against at most {most:,.0f} {row.amount_unit}")
    stores = [f"{firm.id} ({', '.join(firm.storage)})" for firm in park.firms.values() if firm.storage]
    said = []
    if overstated:
        said.append(f"time is annual, each stream its yearly mean: {len(overstated)} exchange(s) deliver "
                    f"more a year than their streams' hourly profiles let pass ({'; '.join(overstated)}); "
                    "run with time: {typical_days: 8} or hourly to size them on the hours")
    if stores:
        said.append(f"time is annual: one step has nothing to shift, so the storage of {', '.join(stores)} "
                    "is not proposed; run with time: {typical_days: 8} or hourly to weigh it")
    return said


def stores_at_their_largest(data: ModelData, exchanges: pd.DataFrame) -> list[str]:
    """One warning naming the built stores at their largest size (one day of their stream's
    peak) when the steps are typical days; none otherwise."""
    if data.day_order is None:
        return []
    largest = {store.id: store.max_capacity for store in data.storages}
    built = exchanges[exchanges["kind"] == "storage"]
    full = [f"{row.id} at {row.from_firm}.{row.from_stream} ({row.capacity:,.4g} {row.capacity_unit})"
            for row in built.itertuples()
            if row.id in largest and row.capacity >= largest[row.id] * (1 - 1e-6)]
    if not full:
        return []
    return [f"{'; '.join(full)}: built at its largest size (its max_capacity, or one day of its "
            "stream's peak); with typical days every day of a kind is alike, so what it carries between days "
            "may be what the typical days allow rather than what the year needs: compare with "
            "time: hourly, or more typical days"]
