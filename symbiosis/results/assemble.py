"""Put one solution and its baseline together into a ``Result``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from symbiosis.candidates import Candidates
from symbiosis.models.data import ModelData
from symbiosis.park import Park
from symbiosis.results.extract import Evaluation
from symbiosis.results.result import EXCHANGE_COLUMNS, Result, typed_table
from symbiosis.results.values import VALUE_COLUMNS, yearly_values
from symbiosis.solvers import SolveOutcome
from symbiosis.time import TimeSteps


def assemble_result(
    park: Park,
    candidates: Candidates,
    data: ModelData,
    outcome: SolveOutcome,
    solution: Evaluation | None,
    baseline: Evaluation,
    *,
    objective: str,
    times: dict[str, float],
    steps: TimeSteps | None = None,
    values: pd.DataFrame | None = None,
) -> Result:
    """A ``Result`` from the solution (None when the solver found none) and the baseline."""
    firms = baseline.firms.rename(columns={"total_cost": "baseline_cost", "emissions": "baseline_emissions"})
    if solution is not None:
        # A hub appears only when it holds a result no built link carries (see extract).
        firms = firms.merge(solution.firms, on=["firm", "name"], how="right").fillna(
            {"baseline_cost": 0.0, "baseline_emissions": 0.0})
        exchanges, routes, flows = solution.exchanges, solution.routes, solution.flows
        exchanges = _existing_from_today(exchanges, baseline.exchanges)
        total, emissions, investment = solution.total_cost, solution.emissions, solution.investment
    else:
        firms = firms.assign(total_cost=math.nan, emissions=math.nan)
        exchanges = typed_table([], EXCHANGE_COLUMNS)
        routes, flows = baseline.routes.iloc[0:0], baseline.flows.iloc[0:0]
        total = emissions = investment = math.nan
    firms["saving"] = difference(firms["baseline_cost"].to_numpy(), firms["total_cost"].to_numpy())
    park_saving = baseline.total_cost - total
    firms["share_of_saving"] = firms["saving"] / park_saving if park_saving > 0 else math.nan
    firms = firms[
        [
            "firm",
            "name",
            "baseline_cost",
            "total_cost",
            "saving",
            "share_of_saving",
            "baseline_emissions",
            "emissions",
        ]
    ]

    exchanges = exchanges.assign(dual_price=_dual_prices(exchanges, values))
    table = candidates.table.copy()
    built_ids = set(exchanges["id"]) if len(exchanges) else set()
    capacity = dict(zip(exchanges["id"], exchanges["capacity"], strict=True)) if len(exchanges) else {}
    table["built"] = table["id"].isin(built_ids)
    table["capacity"] = table["id"].map(capacity).fillna(0.0)

    details = outcome.details
    summary = pd.Series(
        {
            "park": park.name,
            "scenario": park.scenario or "",
            "overrides": dict(park.overrides),  # --set KEY=VALUE, as text
            "fingerprint": park.data_fingerprint,
            "status": str(outcome.status),
            "objective_kind": objective,
            "objective": outcome.objective,
            "total_cost": total,
            "baseline_cost": baseline.total_cost,
            "saving": park_saving,
            "emissions": emissions,
            "baseline_emissions": baseline.emissions,
            "co2_avoided": baseline.emissions - emissions,
            "investment": investment,
            "currency": park.currency,
            "currency_per_eur": park.settings.per_eur,  # the rate the EUR catalogue was converted at
            "carbon_price": park.settings.carbon_price,
            "discount_rate": park.settings.discount_rate,
            "time": str(park.settings.time),
            "time_steps": len(data.weights),
            "typical_days": int(len(set(steps.period.tolist())))
            if steps is not None and steps.mode == "typical_days"
            else 0,
            "aggregation_error": dict(steps.aggregation_error) if steps is not None else {},
            "exchanges": len(exchanges),  # links running today among them, as the history counts
            "proposed_exchanges": int((~exchanges["existing"].astype(bool)).sum()) if len(exchanges) else 0,
            "candidates": len(candidates),
            "solver": outcome.solver,
            "solver_message": outcome.message,
            "gap": outcome.gap,
            "bound": outcome.bound,
            "rows": details.get("rows", math.nan),
            "columns": details.get("columns", math.nan),
            "nonzeros": details.get("nonzeros", math.nan),
            "binaries": details.get("integers", math.nan),
            # the first answer handed to branch and bound (HiGHS MIPs; solvers/highs.py), and
            # where it came from: "relaxation", "design" (a previous answer) or "" (none made)
            "start_objective": getattr(details.get("start"), "objective", math.nan),
            "start_source": getattr(details.get("start"), "source", ""),
            **times,
            "solver_log": outcome.log,
        },
        dtype=object,
    )
    return Result(
        exchanges=exchanges,
        firms=firms,
        routes=routes,
        flows=flows,
        candidates=table.reset_index(drop=True),
        summary=summary,
        values=values if values is not None else pd.DataFrame(columns=VALUE_COLUMNS),
    )


# What an existing link's row shows as the change from today (the baseline runs it too).
CHANGE_COLUMNS = ("saving", "co2_avoided")


def difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a - b``, with 0 where the two agree to the solver's rounding (an existing link running as
    today saved 2.9e-11 EUR/yr, a firm made good by its hub -3.6e-12)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    change = a - b
    return np.where(np.abs(change) <= 1e-9 * np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0), 0.0, change)


def _existing_from_today(exchanges: pd.DataFrame, today: pd.DataFrame) -> pd.DataFrame:
    """An existing link already runs in the baseline (today's park), so its row's saving and CO2
    avoided are what changes from today (0 where it runs as today): the exchanges' savings and CO2
    avoided then add up to the park's. Its capacity, amounts, costs, avoided cost and transfer are
    as it runs, against no link (they make up the park's total cost, and the transfer splits them);
    it has no payback (nothing is invested)."""
    existing = exchanges["existing"].astype(bool) if len(exchanges) else pd.Series(dtype=bool)
    if not existing.any():
        return exchanges
    before = today.set_index("id")
    exchanges = exchanges.copy()
    for column in CHANGE_COLUMNS:
        was = exchanges.loc[existing, "id"].map(before[column]).fillna(0.0).to_numpy()
        exchanges.loc[existing, column] = difference(exchanges.loc[existing, column].to_numpy(), was)
    exchanges.loc[existing, "payback_years"] = math.nan
    return exchanges.sort_values("saving", ascending=False, kind="stable").reset_index(drop=True)


def _dual_prices(exchanges: pd.DataFrame, values: pd.DataFrame | None) -> list[float]:
    """A transfer price from the duals: what one more unit of the exchange's supply (along its
    profile) is worth to the park, per MWh or t taken (:func:`yearly_values`); NaN without values."""
    if values is None or values.empty or exchanges.empty:
        return [math.nan] * len(exchanges)
    mean = yearly_values(values)
    return [float(mean.get(f"{row.from_firm}.{row.from_stream}", math.nan)) for row in exchanges.itertuples()]
