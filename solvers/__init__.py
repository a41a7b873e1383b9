"""Solving (installed as ``symbiosis.solvers``): HiGHS in memory by default, any Pyomo solver
by name; one status vocabulary. Knows nothing of parks."""

from __future__ import annotations

import pyomo.environ as pyo

from symbiosis.solvers.elastic import Violation, elastic_violations
from symbiosis.solvers.highs import solve_highs
from symbiosis.solvers.pyomo_solver import solve_pyomo
from symbiosis.solvers.status import SolveOptions, SolveOutcome, SolverNotAvailable, Status


def solve(model: pyo.ConcreteModel, options: SolveOptions | None = None) -> SolveOutcome:
    """Solve ``model``; values are loaded into it when a solution exists."""
    options = options or SolveOptions()
    if options.solver == "highs":
        return solve_highs(model, options)
    return solve_pyomo(model, options)


__all__ = ["SolveOptions", "SolveOutcome", "SolverNotAvailable", "Status", "Violation", "elastic_violations",
           "solve"]
