"""The least of a second objective among the answers whose own objective is held at most at a
value (lexicographic optimisation), written on the Pyomo model for any solver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyomo.environ as pyo

from symbiosis.solvers.status import SolveOptions, SolveOutcome


def solve_pyomo_held(model: pyo.ConcreteModel, then: Sequence[tuple[Any, float]], at_most: float,
                     options: SolveOptions, solve: Callable[[pyo.ConcreteModel, SolveOptions], SolveOutcome]
                     ) -> SolveOutcome:
    """Minimise ``then`` (pairs of a variable and its weight) with the model's active objective held at
    ``at_most`` or less by a row, solved by ``solve``; the model is left as it was but for its
    values."""
    objective = next(model.component_data_objects(pyo.Objective, active=True))
    model.objective_held = pyo.Constraint(expr=objective.expr <= at_most)
    model.then_objective = pyo.Objective(expr=pyo.quicksum(weight * var for var, weight in then))
    objective.deactivate()
    try:
        return solve(model, options)
    finally:
        model.del_component(model.then_objective)
        model.del_component(model.objective_held)
        objective.activate()
