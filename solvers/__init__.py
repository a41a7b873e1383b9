"""Solving (installed as ``symbiosis.solvers``): HiGHS in memory by default, any Pyomo solver
by name; one status vocabulary. Knows nothing of parks.

Pyomo is imported on first use, not here: HiGHS's own process (``solvers/deadline.py``)
and the worker beside branch and bound solve arrays and start in about 0.3 s without it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from symbiosis.lazy import lazy_names
from symbiosis.solvers.status import SolveOptions, SolveOutcome, SolverNotAvailable, Status

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from symbiosis.solvers.elastic import Violation, elastic_violations


def solve(model: pyo.ConcreteModel, options: SolveOptions | None = None) -> SolveOutcome:
    """Solve ``model``; values are loaded into it when a solution exists."""
    options = options or SolveOptions()
    if options.solver == "highs":
        from symbiosis.solvers.handoff import solve_highs
        return solve_highs(model, options)
    from symbiosis.solvers.pyomo_solver import solve_pyomo
    return solve_pyomo(model, options)


def solve_held(model: pyo.ConcreteModel, then: Sequence[tuple[Any, float]], at_most: float,
               options: SolveOptions | None = None) -> SolveOutcome:
    """Minimise ``then`` (pairs of a variable of ``model`` and its weight) among the answers whose active
    objective is at most ``at_most``; values are loaded into the model when a solution exists.
    With HiGHS the model's own optimum is found first and its basis starts the second solve
    (``handoff.solve_highs_held``), many times faster on large LPs than the held row alone."""
    options = options or SolveOptions()
    if options.solver == "highs":
        from symbiosis.solvers.handoff import solve_highs_held
        return solve_highs_held(model, then, at_most, options)
    from symbiosis.solvers.held import solve_pyomo_held
    return solve_pyomo_held(model, then, at_most, options, solve)


def check_available(solver: str) -> None:
    """Raise :class:`SolverNotAvailable` unless ``solver`` can solve here (HiGHS always can)."""
    if solver != "highs":
        from symbiosis.solvers.pyomo_solver import pyomo_solver
        pyomo_solver(solver)


__getattr__ = lazy_names(__name__, {"Violation": "symbiosis.solvers.elastic",
                                    "elastic_violations": "symbiosis.solvers.elastic"})


__all__ = ["SolveOptions", "SolveOutcome", "SolverNotAvailable", "Status", "Violation", "check_available",
           "elastic_violations", "solve", "solve_held"]
