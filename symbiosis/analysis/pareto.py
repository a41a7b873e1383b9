"""The Pareto front of total annual cost against emissions (epsilon constraint).

Both ends are solved exactly: the least-cost end is ``optimize(park)``, the least-emissions
end ``optimize(park, objective="emissions")`` (least CO2, then least cost at that CO2).
Between them, ``steps - 2`` emission caps are spaced evenly, and each is solved as the least
cost with the park's emissions at most the cap.

The **abatement cost** of a step is the marginal cost of its tonnes, in currency per t CO2:

    abatement_cost_k = (total_cost_k - total_cost_{k-1}) / (emissions_{k-1} - emissions_k) + carbon_price

Total cost already holds the park's carbon price, so adding it back gives the cost of the
abatement itself: the carbon price at which the step would pay for itself. At the park's own
carbon price a step costs ``abatement_cost - carbon_price`` per tonne more than it saves.

>>> front = pareto(park, steps=5)        # doctest: +SKIP
>>> plot_pareto(front).savefig("pareto.png")   # doctest: +SKIP
"""

from __future__ import annotations

import math
import numbers
from concurrent.futures import Executor
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.analysis.common import Progress, Solve
from symbiosis.analysis.side_by_side import as_done, usable_workers, worker_park, workers_for
from symbiosis.optimization import progress_of
from symbiosis.park import Park
from symbiosis.results import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PARETO_COLUMNS = ["step", "emissions_cap", "emissions", "total_cost", "saving", "abatement_cost",
                  "exchanges", "status", "gap"]
# Two ends closer than this (relative to the larger) are one point: nothing to trade off.
SAME_EMISSIONS = 1e-6


def pareto(
    park: Park,
    steps: int = 5,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    threads: int | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """The trade-off between the park's total annual cost and its emissions.

    Parameters
    ----------
    park
        A park from :func:`symbiosis.load_park`.
    steps
        Number of points, both ends included (at least 2).
    solver, time_limit, gap, threads
        As for :func:`symbiosis.optimize`; every point is one solve (the ends two each).
    progress
        Called with a short text before each solve.
    workers
        The two ends, then the steps between them, are solved side by side in this many worker
        processes, when the park was loaded from its folder without a scenario or overrides
        (the workers load it again); the same front as one by one. Worker processes are spawned:
        a script that asks for more than one must start under ``if __name__ == "__main__":``.
        ``symbiosis pareto`` uses one a core, up to 4.

    Returns
    -------
    pandas.DataFrame
        One row a point, from the least-cost end (step 0) to the least-emissions end:
        ``step``, ``emissions_cap`` (t CO2/year; the ends are solved without a cap and show
        their own emissions), ``emissions``, ``total_cost`` and ``saving`` (currency/year),
        ``abatement_cost`` (currency per t CO2, NaN for step 0), ``exchanges`` (how many are
        built) and ``status``. When the least-cost answer already has the least emissions the
        front is that one point. ``frame.attrs`` holds ``park``, ``currency`` and ``carbon_price``.
    """
    if not isinstance(park, Park):
        raise TypeError(f"pareto expects a Park from symbiosis.load_park(path), not {type(park).__name__}")
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 2:
        raise ValueError(f"a Pareto front needs a whole number of at least 2 steps (its two ends), "
                         f"not {steps!r}")
    steps = int(steps)  # a NumPy integer from np.arange or a table column is one too
    say = progress_of(progress)
    solve = Solve(solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    with ExitStack() as stack:
        workers = usable_workers(park, workers)
        pool = stack.enter_context(workers_for(park, workers)) if workers > 1 else None
        # Progress names each point by its ``step`` in the table (0 to steps - 1) and counts the solves.
        cheapest, cleanest = _solve_each(park, solve, pool, say, [
            (f"step 0 (solve 1 of {steps}): least cost", {}),
            (f"step {steps - 1} (solve 2 of {steps}): least emissions", {"objective": "emissions"})])
        # (step, cap, answer): the step as progress named it, also when a point is missing
        points: list[tuple[int, float, Result]] = [(0, cheapest.summary["emissions"], cheapest)]
        if cheapest.has_solution and cleanest.has_solution:
            high, low = float(cheapest.summary["emissions"]), float(cleanest.summary["emissions"])
            if high - low > SAME_EMISSIONS * max(1.0, abs(high)):
                caps = [high - k * (high - low) / (steps - 1) for k in range(1, steps - 1)]
                capped = _solve_each(park, solve, pool, say, [
                    (f"step {k} (solve {k + 2} of {steps}): least cost at most {cap:,.0f} t CO2/year",
                     {"emissions_cap": cap}) for k, cap in enumerate(caps, start=1)])
                points += list(zip(range(1, steps - 1), caps, capped, strict=True))
                points.append((steps - 1, low, cleanest))
        else:
            points.append((steps - 1, cleanest.summary["emissions"], cleanest))
    frame = _front(points, park.settings.carbon_price)
    frame.attrs.update({"park": park.name, "currency": park.currency,
                        "carbon_price": park.settings.carbon_price})
    return frame


def _solve_each(park: Park, solve: Solve, pool: Executor | None, say: Progress,
                calls: list[tuple[str, dict[str, Any]]]) -> list[Result]:
    """``solve(park, **arguments)`` for each ``(progress text, arguments)``, in that order: in the
    worker processes of ``pool`` side by side when given, else one by one."""
    if pool is None or len(calls) < 2:
        results = []
        for text, arguments in calls:
            say(text)
            results.append(solve(park, **arguments))
        return results
    say(f"{'; '.join(text for text, _ in calls)} ({len(calls)} side by side)")
    futures = {pool.submit(_solve_in_worker, park.fingerprint, solve, arguments): i
               for i, (_, arguments) in enumerate(calls)}
    results = dict(as_done(futures))
    return [results[i] for i in range(len(calls))]


def _solve_in_worker(fingerprint: str, solve: Solve, arguments: dict[str, Any]) -> Result:
    return solve(worker_park(fingerprint, "pareto"), **arguments)


def _front(points: list[tuple[int, float, Result]], carbon_price: float) -> pd.DataFrame:
    rows = []
    for step, cap, result in points:
        solved = result.has_solution
        rows.append({
            "step": step,
            "emissions_cap": float(cap),
            "emissions": float(result.summary["emissions"]) if solved else math.nan,
            "total_cost": result.total_cost if solved else math.nan,
            "saving": result.saving if solved else math.nan,
            "abatement_cost": math.nan,
            "exchanges": result.proposed if solved else None,  # as optimize counts them
            "status": result.status,
            # a point the time limit stopped: its cost an upper bound (NaN: not minimised at all)
            "gap": float(result.summary.get("gap", math.nan)) if solved else math.nan,
        })
    for before, row in zip(rows, rows[1:], strict=False):
        avoided = before["emissions"] - row["emissions"]
        if avoided > SAME_EMISSIONS * max(1.0, abs(before["emissions"])):
            row["abatement_cost"] = (row["total_cost"] - before["total_cost"]) / avoided + carbon_price
    return pd.DataFrame(rows, columns=PARETO_COLUMNS).astype({"exchanges": "Int64"})


def plot_pareto(frame: pd.DataFrame, *, currency: str | None = None) -> Figure:
    """Cost against emissions (left) and the abatement cost of each step (right).

    ``frame`` is the table of :func:`pareto` (a CSV written by ``symbiosis pareto --out``
    read back works too). Drawn with matplotlib's object interface (no display needed).
    """
    from matplotlib.figure import Figure

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"plot_pareto takes the frame of symbiosis.pareto(park), not {type(frame).__name__}")
    missing = {"emissions", "total_cost"} - set(frame.columns)
    if missing:
        raise ValueError("a Pareto frame needs the columns emissions and total_cost; "
                         f"missing {sorted(missing)}")
    currency = currency or str(frame.attrs.get("currency", ""))
    front = frame.dropna(subset=["emissions", "total_cost"]).sort_values("emissions", ascending=False)
    if "step" not in front.columns:  # a front of two columns: its points numbered from least cost
        front = front.assign(step=range(len(front)))
    figure = Figure(figsize=(11.0, 4.6))
    cost_ax, mac_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    _draw_front(cost_ax, front, currency)
    _draw_abatement(mac_ax, front, currency)
    figure.tight_layout()
    return figure


def _draw_front(ax: Axes, front: pd.DataFrame, currency: str) -> None:
    scale, prefix = (1e6, "M") if front["total_cost"].abs().max() >= 1e6 else (1e3, "k")
    ax.plot(front["emissions"], front["total_cost"] / scale, marker="o", color="#0072B2")
    for row in front.itertuples():
        ax.annotate(str(row.step), (row.emissions, row.total_cost / scale), textcoords="offset points",
                    xytext=(4, 4), fontsize=8, color="#444444")
    ax.set_xlabel("park emissions, t CO2/year")
    ax.set_ylabel(f"total annual cost, {prefix}{currency}/year")
    ax.invert_xaxis()
    ax.grid(True, color="#e6e6e6")
    ax.set_title("least cost at each emission cap (step numbers)", fontsize=10, loc="left")


def _draw_abatement(ax: Axes, front: pd.DataFrame, currency: str) -> None:
    steps = front.dropna(subset=["abatement_cost"]) if "abatement_cost" in front.columns else front.iloc[0:0]
    if steps.empty:
        ax.text(0.5, 0.5, "no abatement step", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.bar([str(step) for step in steps["step"]], steps["abatement_cost"], color="#009E73")
    carbon_price = front.attrs.get("carbon_price")
    if carbon_price is not None:
        ax.axhline(carbon_price, color="#D55E00", linestyle="--", linewidth=1.2,
                   label=f"the park's carbon price, {carbon_price:,.0f} {currency}/t")
        ax.legend(frameon=False, fontsize=8)
    ax.set_xlabel("step")
    ax.set_ylabel(f"abatement cost, {currency}/t CO2")
    ax.grid(True, axis="y", color="#e6e6e6")
    ax.set_title("marginal abatement cost of each step", fontsize=10, loc="left")
