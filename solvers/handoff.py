"""A Pyomo model to HiGHS in memory: the model's linear form (``compiler.py``) as NumPy arrays
that go to highspy in one ``passModel`` call (``highs.py``); values come back by its column
list.

This is the fastest in-memory route measured (shared/research/pyomo-highs-performance.md:
about 10x faster hand-off than Pyomo's shipped ``appsi_highs`` and contrib ``highs``).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.gc_manager import PauseGC

from symbiosis.solvers.compiler import LinearForm, compile_linear
from symbiosis.solvers.held import solve_pyomo_held
from symbiosis.solvers.highs import INF, HighsArrays, solve_arrays, solve_held_here
from symbiosis.solvers.status import SolveOptions, SolveOutcome, constant_row_fails, nothing_to_decide


def to_arrays(model: pyo.ConcreteModel) -> tuple[HighsArrays, LinearForm]:
    """The model as HiGHS arrays, and its linear form (which rows and columns are which)."""
    # The cyclic garbage collector is paused, as while building: the loops below allocate
    # per column, and each full collection walks every object of a large model (about a
    # third of this function's time at 130 000 columns).
    with PauseGC():
        return _to_arrays(model)


def _to_arrays(model: pyo.ConcreteModel) -> tuple[HighsArrays, LinearForm]:
    form = compile_linear(model)
    columns = form.columns
    n = len(columns)
    # One ``bounds`` call per column (not ``lb`` then ``ub``); None (no bound) becomes NaN here.
    lower, upper = (np.array(side, dtype=float) for side in zip(*[v.bounds for v in columns], strict=True)) \
        if n else (np.zeros(0), np.zeros(0))
    lower[np.isnan(lower)] = -INF
    upper[np.isnan(upper)] = INF
    integer_domain: dict[int, bool] = {}  # columns share a few domain objects (Reals, Binary ...)
    integer = np.zeros(n, dtype=bool)
    for i, var in enumerate(columns):
        kind = integer_domain.get(id(var.domain))
        if kind is None:
            kind = integer_domain[id(var.domain)] = var.is_integer() or var.is_binary()
        integer[i] = kind
    matrix = form.matrix
    arrays = HighsArrays(
        offset=form.offset, cost=form.cost, lower=lower, upper=upper,
        row_lower=form.row_lower, row_upper=form.row_upper,
        start=matrix.indptr.astype(np.int32), index=matrix.indices.astype(np.int32),
        value=np.asarray(matrix.data, dtype=float), integer=integer)
    return arrays, form


def to_highs(model: pyo.ConcreteModel) -> tuple[highspy.HighsLp, LinearForm]:
    """The model as a ``HighsLp``, and its linear form (which rows and columns are which)."""
    arrays, form = to_arrays(model)
    return arrays.to_lp(), form


def solve_highs(model: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    """Solve ``model`` with HiGHS, load the values into it, and say honestly how it ended.

    ``options.time_limit`` bounds the whole call: the hand-off to HiGHS counts against it, and
    a large model is solved in a process of its own that is stopped at the limit
    (``solvers/deadline.py``: HiGHS can overrun its own limit by minutes)."""
    handed = time.perf_counter()
    try:
        lp, form = to_arrays(model)
    except InfeasibleConstraintException as exc:
        return constant_row_fails(str(exc), "highs")
    to_arrays_seconds = time.perf_counter() - handed
    if lp.num_col == 0:
        return nothing_to_decide(lp.offset, "highs", {"rows": 0, "columns": 0, "nonzeros": 0, "integers": 0,
                                                      "duals": {}, "to_arrays_seconds": to_arrays_seconds,
                                                      "pass_seconds": 0.0})
    if options.time_limit is not None:
        options = replace(options, time_limit=max(0.0, options.time_limit - to_arrays_seconds))
    log_path = _log_path(options)
    held = _held(form, options)
    try:
        with echoing(log_path, options.log):
            answer = solve_arrays(lp, held, options, log_path, _answer_start(form, options))
    finally:  # on Ctrl-C or an error too: no log of ours is left in the temporary folder
        log = read_log(log_path, keep=options.log_file is not None)
    if answer.has_solution:
        _load_values(form, np.where(lp.integer, np.round(answer.values), answer.values))
    duals = dict(zip(form.constraints, answer.row_duals, strict=True)) if answer.row_duals is not None else {}
    return SolveOutcome(
        status=answer.status, has_solution=answer.has_solution, objective=answer.objective,
        bound=answer.bound if math.isfinite(answer.bound) else math.nan,
        gap=answer.gap if math.isfinite(answer.gap) else math.nan,
        seconds=answer.seconds, solver="highs", message=answer.message, log=log,
        details={"rows": lp.num_row, "columns": lp.num_col, "nonzeros": int(len(lp.value)),
                 "integers": int(lp.integer.sum()), "duals": duals, "start": answer.first,
                 "to_arrays_seconds": to_arrays_seconds, "pass_seconds": answer.pass_seconds,
                 "own_process": answer.own_process},
    )


def solve_highs_held(model: pyo.ConcreteModel, then: Sequence[tuple[Any, float]], at_most: float,
                     options: SolveOptions) -> SolveOutcome:
    """Minimise ``then`` (pairs of a variable of ``model`` and its weight) among the answers whose active
    objective is at most ``at_most``, with HiGHS (``highs.solve_held_here``: an LP, hot-started
    from the optimal basis of the model's own objective); values are loaded into the model."""
    try:
        lp, form = to_arrays(model)
    except InfeasibleConstraintException as exc:
        return constant_row_fails(str(exc), "highs")
    if lp.is_mip or lp.num_col == 0:
        return solve_pyomo_held(model, then, at_most, options, solve_highs)
    column = {id(var): i for i, var in enumerate(form.columns)}
    weights = np.zeros(lp.num_col)
    for var, weight in then:
        if id(var) in column:
            weights[column[id(var)]] += weight
    log_path = _log_path(options)
    try:
        with echoing(log_path, options.log):
            answer = solve_held_here(lp, weights, at_most, options, log_path)
    finally:
        log = read_log(log_path, keep=options.log_file is not None)
    if answer.has_solution:
        _load_values(form, answer.values)
    return SolveOutcome(status=answer.status, has_solution=answer.has_solution, objective=answer.objective,
                        bound=answer.bound, gap=answer.gap, seconds=answer.seconds, solver="highs",
                        message=answer.message, log=log,
                        details={"rows": lp.num_row + 1, "columns": lp.num_col,
                                 "nonzeros": int(len(lp.value))})


def _log_path(options: SolveOptions) -> str:
    """Where HiGHS writes its log: the file asked for, else one of this process's own."""
    return options.log_file or os.path.join(tempfile.gettempdir(), f"symbiosis-highs-{os.getpid()}.log")


def _load_values(form: LinearForm, values: np.ndarray) -> None:
    """The answer's values into the model's variables, by the form's column list."""
    with PauseGC():
        for var, value in zip(form.columns, values.tolist(), strict=True):
            var.set_value(value, skip_validation=True)


def _held(form: LinearForm, options: SolveOptions) -> np.ndarray | None:
    """The columns of ``options.start_held`` (a design start), or None for a relaxation start."""
    if options.start != "design":
        return None
    wanted = {id(var) for var in options.start_held}
    return np.fromiter((id(var) in wanted for var in form.columns), dtype=bool, count=len(form.columns))


def _answer_start(form: LinearForm, options: SolveOptions) -> np.ndarray | None:
    """The model's values by column (an answer found before) for ``start="answer"``, else None."""
    if options.start != "answer":
        return None
    return np.array([0.0 if var.value is None else var.value for var in form.columns], dtype=float)


@contextlib.contextmanager
def echoing(path: str, enabled: bool, every: float = 0.2) -> Iterator[None]:
    """The solver's log on stderr as HiGHS writes it to ``path`` (``--log``), not once the solve
    has ended: a long solve is followed as it goes. HiGHS writes to a file, never to stdout,
    which belongs to ``--json``."""
    if not enabled:
        yield
        return
    ended = threading.Event()

    def follow() -> None:
        shown = 0
        while True:
            last = ended.wait(every)
            with contextlib.suppress(OSError):
                with open(path, "rb") as handle:
                    if os.fstat(handle.fileno()).st_size < shown:  # begun anew by a later solve
                        shown = 0
                    handle.seek(shown)
                    new = handle.read()
                shown += len(new)
                if new:
                    sys.stderr.write(new.decode("utf-8", errors="replace"))
                    sys.stderr.flush()
            if last:
                return

    thread = threading.Thread(target=follow, name="highs-log", daemon=True)
    thread.start()
    try:
        yield
    finally:
        ended.set()
        thread.join()


def read_log(path: str, *, keep: bool) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return ""
    if not keep:
        with contextlib.suppress(OSError):
            os.remove(path)
    return text
