"""HiGHS in memory: Pyomo's standard-form compiler gives SciPy arrays that go to highspy
in one ``passModel`` call; values come back by the compiler's column list.

This is the fastest in-memory route measured (shared/research/pyomo-highs-performance.md:
about 10x faster hand-off than Pyomo's shipped ``appsi_highs`` and contrib ``highs``).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
import time

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from symbiosis.solvers.status import SolveOptions, SolveOutcome, Status

INF = highspy.kHighsInf


def to_highs(model: pyo.ConcreteModel) -> tuple[highspy.HighsLp, object]:
    """The model as a HiGHS problem, and the compiler's map of rows and columns."""
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    columns = info.columns
    n, rows = len(columns), len(info.rows)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = rows
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lp.col_cost_ = np.asarray(info.c.toarray()[0] if info.c.shape[0] else np.zeros(n), dtype=float)
    lower = np.array([-INF if v.lb is None else v.lb for v in columns], dtype=float)
    upper = np.array([INF if v.ub is None else v.ub for v in columns], dtype=float)
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    kinds = np.array([r.bound_type for r in info.rows], dtype=int)
    rhs = np.asarray(info.rhs, dtype=float)
    lp.row_lower_ = np.where(kinds >= 0, np.where(kinds == 0, rhs, -INF), rhs)
    lp.row_upper_ = np.where(kinds <= 0, np.where(kinds == 0, rhs, INF), rhs)
    matrix = info.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    integer = [v.is_integer() or v.is_binary() for v in columns]
    if any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return lp, info


def solve_highs(model: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    """Solve ``model`` with HiGHS, load the values into it, and say honestly how it ended."""
    lp, info = to_highs(model)
    if lp.num_col_ == 0:  # nothing left to decide: the objective is its constant
        return SolveOutcome(status=Status.OPTIMAL, has_solution=True, objective=lp.offset_, bound=lp.offset_,
                            gap=0.0, seconds=0.0, solver="highs", message="empty model: nothing to decide",
                            details={"rows": 0, "columns": 0, "nonzeros": 0, "integers": 0, "duals": {}})
    h = highspy.Highs()
    log_path = options.log_file or os.path.join(tempfile.gettempdir(), f"symbiosis-highs-{os.getpid()}.log")
    h.setOptionValue("output_flag", True)
    # HiGHS would write to stdout, which belongs to --json: the log goes to a file and is
    # echoed on stderr after the solve when asked for.
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", log_path)
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    h.setOptionValue("random_seed", int(options.seed))
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))
    h.passModel(lp)
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    hinfo = h.getInfo()
    has_solution = hinfo.primal_solution_status == 2  # kSolutionStatusFeasible
    kind = _status(status, h)
    objective = hinfo.objective_function_value if has_solution else math.nan
    is_mip = lp.integrality_ is not None and len(lp.integrality_) > 0
    bound = hinfo.mip_dual_bound if is_mip else objective
    gap = hinfo.mip_gap if is_mip and has_solution else (0.0 if has_solution else math.nan)
    if has_solution:
        values = h.getSolution().col_value
        for var, value in zip(info.columns, values, strict=True):
            if var.is_integer() or var.is_binary():
                value = round(value)
            var.set_value(value, skip_validation=True)
    log = _read_log(log_path, keep=options.log_file is not None)
    if options.log:
        sys.stderr.write(log)
    duals = _duals(h, info) if options.duals and has_solution and not is_mip else {}
    return SolveOutcome(
        status=kind, has_solution=has_solution, objective=objective,
        bound=bound if bound is not None and math.isfinite(bound) else math.nan,
        gap=gap if gap is not None and math.isfinite(gap) else math.nan,
        seconds=seconds, solver="highs", message=h.modelStatusToString(status), log=log,
        details={"rows": lp.num_row_, "columns": lp.num_col_, "nonzeros": int(len(lp.a_matrix_.value_)),
                 "integers": int(sum(1 for v in info.columns if v.is_integer() or v.is_binary())),
                 "duals": duals},
    )


def _duals(h: highspy.Highs, info) -> dict:
    """Each constraint's dual as d objective / d (its bound as written in Pyomo).

    The compiler may store a row negated (``-body <= -bound``); the sign of one coefficient
    against Pyomo's own reading of the constraint tells, and is undone here.
    """
    row_duals = h.getSolution().row_dual
    matrix = info.A.tocsr()
    column = {id(var): i for i, var in enumerate(info.columns)}
    duals = {}
    for r, entry in enumerate(info.rows):
        constraint = entry.constraint
        repn = generate_standard_repn(constraint.body, compute_values=False, quadratic=False)
        orientation = 1.0
        for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
            i = column.get(id(var))
            if i is not None and matrix[r, i] != 0:
                orientation = 1.0 if (matrix[r, i] > 0) == (pyo.value(coef) > 0) else -1.0
                break
        duals[constraint] = duals.get(constraint, 0.0) + orientation * row_duals[r]
    return duals


def _status(status, h: highspy.Highs) -> Status:
    ms = highspy.HighsModelStatus
    if status == ms.kOptimal:
        return Status.OPTIMAL
    if status in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit, ms.kInterrupt):
        return Status.TIME_LIMIT
    if status == ms.kInfeasible:
        return Status.INFEASIBLE
    if status == ms.kUnbounded:
        return Status.UNBOUNDED
    if status == ms.kUnboundedOrInfeasible:
        # Tell the two apart: without presolve, HiGHS decides which.
        h.setOptionValue("presolve", "off")
        h.run()
        return Status.UNBOUNDED if h.getModelStatus() == ms.kUnbounded else Status.INFEASIBLE
    return Status.ERROR


def _read_log(path: str, *, keep: bool) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return ""
    if not keep:
        with contextlib.suppress(OSError):
            os.remove(path)
    return text
