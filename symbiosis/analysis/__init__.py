"""Analyses built on ``optimize``: the Pareto front, fair shares, sweeps, why-not, partner risk.

Each is a function of a park (and its result) that re-solves it as it needs and returns
pandas tables; nothing here builds or reads a Pyomo model.
"""

from symbiosis.analysis.common import ResultMismatch, StoppedShort, check_result
from symbiosis.analysis.explain import explain
from symbiosis.analysis.pareto import pareto, plot_pareto
from symbiosis.analysis.risk import PartnerRisk, partner_risk, without_firms
from symbiosis.analysis.sharing import core_violations, dual_price_transfers, fair_shares, transfer_prices
from symbiosis.analysis.side_by_side import ParkChanged
from symbiosis.analysis.sweep import SweepResult, expand_grid, grid_values, sweep
from symbiosis.analysis.sweep_plot import plot_sweep

__all__ = ["ParkChanged", "PartnerRisk", "ResultMismatch", "StoppedShort", "SweepResult", "check_result",
           "core_violations", "dual_price_transfers", "expand_grid", "explain", "fair_shares", "grid_values",
           "pareto", "partner_risk", "plot_pareto", "plot_sweep", "sweep", "transfer_prices", "without_firms"]
