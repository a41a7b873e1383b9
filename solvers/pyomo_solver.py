"""Any other solver Pyomo knows, by name (cbc, glpk, gurobi, cplex, appsi_highs, ...)."""

from __future__ import annotations

import io
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout, suppress

import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.opt import SolverStatus, TerminationCondition

from symbiosis.solvers.compiler import compile_linear
from symbiosis.solvers.status import (
    SolveOptions,
    SolveOutcome,
    SolverNotAvailable,
    Status,
    constant_row_fails,
    nothing_to_decide,
)

# The option names each solver uses for a time limit (s) and a relative MIP gap.
OPTION_NAMES = {
    "cbc": ("seconds", "ratioGap"),
    "glpk": ("tmlim", "mipgap"),
    "gurobi": ("TimeLimit", "MIPGap"),
    "gurobi_direct": ("TimeLimit", "MIPGap"),
    "cplex": ("timelimit", "mipgap"),
    "scip": ("limits/time", "limits/gap"),
    "appsi_highs": ("time_limit", "mip_rel_gap"),
}

INSTALL_HINTS = {
    "cbc": "apt-get install coinor-cbc (or conda install -c conda-forge coincbc)",
    "glpk": "apt-get install glpk-utils",
    "gurobi": "pip install gurobipy (and a Gurobi licence)",
    "cplex": "pip install cplex (and a CPLEX licence)",
    "scip": "conda install -c conda-forge scip",
}


@contextmanager
def _quiet_pyomo() -> Iterator[None]:
    """Pyomo's warnings silenced: it logs a solver it cannot create, with a traceback, on stdout
    (its handler holds the stdout of import time), which breaks ``--json``'s promise of nothing but
    JSON there; :class:`SolverNotAvailable` says it plainly on stderr."""
    logger = logging.getLogger("pyomo")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def pyomo_solver(name: str):
    """Pyomo's solver of that name, or :class:`SolverNotAvailable` saying how to install it."""
    try:
        with _quiet_pyomo():
            solver = pyo.SolverFactory(name)
            available = solver is not None and solver.available(exception_flag=False)
    except Exception:
        available = False
    if not available:
        hint = INSTALL_HINTS.get(name, "install it so that Pyomo finds it on the PATH")
        raise SolverNotAvailable(
            f"solver '{name}' is not available: {hint}; or use the default, HiGHS (--solver highs; "
            "solver='highs' in Python)")
    return solver


def solve_pyomo(model: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    solver = pyomo_solver(options.solver)
    names = OPTION_NAMES.get(options.solver)
    if names:
        if options.time_limit is not None:
            solver.options[names[0]] = options.time_limit
        solver.options[names[1]] = options.mip_gap
    buffer = io.StringIO()
    start = time.perf_counter()
    try:
        with redirect_stdout(buffer):
            results = solver.solve(model, tee=options.log, load_solutions=False)
    except InfeasibleConstraintException:  # Pyomo's writers, on a row of constants that cannot hold
        return _decided(model, options.solver) or constant_row_fails("a row of constants cannot hold",
                                                                    options.solver)
    seconds = time.perf_counter() - start
    condition = results.solver.termination_condition
    status = _status(condition, results.solver.status)
    if status is Status.ERROR:
        decided = _decided(model, options.solver)
        if decided is not None:
            return decided
    has_solution = len(results.solution) > 0 and status in (Status.OPTIMAL, Status.TIME_LIMIT)
    objective = math.nan
    if has_solution:
        model.solutions.load_from(results)
        objective = pyo.value(next(iter(model.component_data_objects(pyo.Objective, active=True))))
    bound = math.nan
    with suppress(TypeError, ValueError, AttributeError):
        bound = float(results.problem.lower_bound)
    gap = abs(objective - bound) / max(1e-10, abs(objective)) if has_solution and math.isfinite(
        bound) else (0.0 if status is Status.OPTIMAL else math.nan)
    return SolveOutcome(status=status, has_solution=has_solution, objective=objective, bound=bound,
                        gap=gap, seconds=seconds, solver=options.solver, message=str(condition),
                        log=buffer.getvalue())


def _decided(model: pyo.ConcreteModel, solver: str) -> SolveOutcome | None:
    """The outcome of a model with nothing left to decide (every variable fixed), which Pyomo's
    solvers do not give: appsi_highs ends 'unknown' on no columns, the LP writer raises on a row
    of constants that cannot hold. None when the model has a column: the solver's word stands."""
    try:
        form = compile_linear(model)
    except InfeasibleConstraintException as exc:
        return constant_row_fails(str(exc), solver)
    return nothing_to_decide(form.offset, solver) if not form.columns else None


def _status(condition, solver_status) -> Status:
    if condition == TerminationCondition.optimal:
        return Status.OPTIMAL
    if condition in (TerminationCondition.maxTimeLimit, TerminationCondition.maxIterations,
                     TerminationCondition.userInterrupt):
        return Status.TIME_LIMIT
    if condition in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
        return Status.INFEASIBLE
    if condition == TerminationCondition.unbounded:
        return Status.UNBOUNDED
    if solver_status == SolverStatus.ok:
        return Status.OPTIMAL
    return Status.ERROR
