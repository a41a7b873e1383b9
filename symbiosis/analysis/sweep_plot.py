"""The figure of a sweep: the park's saving and CO2 avoided across its runs, and how robust each
exchange is (in how many runs it is built). Drawn with matplotlib's object interface (no display
needed, no pyplot figure left open), as the other figures."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from symbiosis.analysis.sweep import SweepResult

# A grid value as the runs table writes it: '500 NOK/t', '7 %', '1.3'.
_LEADING_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
ROBUST_SHOWN = 15  # exchanges in the robustness panel, most robust first


def plot_sweep(sweep: SweepResult) -> Figure:
    """Saving and CO2 avoided of each run against the first grid key whose values are numbers
    (a line a scenario and combination of the other keys), or run by run where none is; and
    the robustness of the exchanges. Failed runs leave gaps."""
    from matplotlib.figure import Figure

    from symbiosis.analysis.sweep import SweepResult

    if not isinstance(sweep, SweepResult):
        raise TypeError(f"plot_sweep takes the result of symbiosis.sweep(...), not {type(sweep).__name__}")
    runs, currency = sweep.runs, str(sweep.about.get("currency", ""))
    figure = Figure(figsize=(13.0, 4.6))
    saving_ax, co2_ax, robust_ax = figure.subplots(1, 3, gridspec_kw={"width_ratios": [3, 3, 4]})
    keys = [key for key in (sweep.about.get("grid") or {}) if key in runs.columns]
    axis = _numeric_key(runs, keys)
    scale, prefix = (1e6, "M ") if runs["saving"].abs().max() >= 1e6 else (1e3, "k ")
    for ax, column, label in ((saving_ax, "saving", f"park saving, {prefix}{currency}/year"),
                              (co2_ax, "co2_avoided", "CO2 avoided, t/year")):
        values = pd.to_numeric(runs[column], errors="coerce") / (scale if column == "saving" else 1.0)
        if axis is None:
            ax.bar(range(len(runs)), values.fillna(0.0), color="#0072B2")
            ax.set_xticks(range(len(runs)), [_run_label(row) for row in runs.itertuples()], rotation=60,
                         ha="right", fontsize=7)
        else:
            key, numbers, unit = axis
            lines = _line_of(runs, [other for other in keys if other != key])
            for name, group in runs.assign(_x=numbers, _y=values).groupby(lines, sort=False):
                group = group.sort_values("_x")
                ax.plot(group["_x"], group["_y"], marker="o", label=name or "the park as it is")
            ax.set_xlabel(f"{key}{f', {unit}' if unit else ''}")
            ax.legend(frameon=False, fontsize=7)
        ax.set_ylabel(label)
        ax.grid(True, color="#e6e6e6")
    saving_ax.set_title("saving of each run", fontsize=10, loc="left")
    co2_ax.set_title("CO2 avoided of each run", fontsize=10, loc="left")
    _draw_robustness(robust_ax, sweep.exchanges)
    figure.tight_layout()
    return figure


def _numeric_key(runs: pd.DataFrame, keys: list[str]) -> tuple[str, np.ndarray, str] | None:
    """(key, its values as numbers, their unit) of the first grid key written as numbers of one unit."""
    for key in keys:
        matches = [_LEADING_NUMBER.match(str(value)) for value in runs[key]]
        units = {match.group(2) for match in matches if match}
        if all(matches) and len(units) == 1:
            return key, np.array([float(match.group(1)) for match in matches if match]), units.pop()
    return None


def _line_of(runs: pd.DataFrame, others: list[str]) -> pd.Series:
    """Each run's line: its scenario and the ``others`` grid values it was run with."""
    parts = [runs["scenario"].astype(str)] + [column + "=" + runs[column].astype(str) for column in others]
    return pd.concat(parts, axis=1).apply(lambda row: ", ".join(part for part in row if part), axis=1)


def _run_label(row) -> str:
    return ", ".join(part for part in (str(row.scenario), str(row.overrides)) if part) or "the park as it is"


def _draw_robustness(ax: Axes, exchanges: pd.DataFrame) -> None:
    if exchanges.empty:
        ax.text(0.5, 0.5, "no exchange built in any run", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    shown = exchanges.head(ROBUST_SHOWN).iloc[::-1]
    labels = [f"{row.from_firm}.{row.from_stream} → {row.to_firm}.{row.to_stream} ({row.technology})"
              for row in shown.itertuples()]
    ax.barh(range(len(shown)), shown["robustness"] * 100, color="#009E73")
    ax.set_yticks(range(len(shown)), [label if len(label) <= 60 else label[:59] + "…" for label in labels],
                  fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("runs that build it, %")
    ax.grid(True, axis="x", color="#e6e6e6")
    some = f" (the {len(shown)} most robust of {len(exchanges)})" if len(exchanges) > len(shown) else ""
    ax.set_title(f"robustness of the exchanges{some}", fontsize=10, loc="left")
