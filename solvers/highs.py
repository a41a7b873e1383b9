"""HiGHS on arrays: a problem as the NumPy arrays of one ``passModel`` call, solved with a
first answer found beforehand or beside branch and bound, in this process or in one of its
own (``deadline.py``). Knows nothing of Pyomo: ``handoff.py`` makes the arrays of a model
and loads the values back, so the processes that only solve start without Pyomo.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np

from symbiosis.solvers.concurrent import BesideBranchAndBound, wants_concurrent
from symbiosis.solvers.deadline import holds_deadline, solve_by_deadline
from symbiosis.solvers.status import (
    IPM_FROM_COLUMNS,
    IPM_ITERATION_LIMIT,
    KNOWN_BOUND_MESSAGE,
    MIP_HEURISTIC_EFFORT,
    START_FROM_INTEGERS,
    STOPPED_MESSAGE,
    WITHIN_GAP_MESSAGE,
    ProgressTeller,
    SolveOptions,
    Status,
    StopNow,
    relative_gap,
    start_pays,
    within_known_bound,
)

INF = highspy.kHighsInf


@dataclass(frozen=True)
class HighsArrays:
    """The model as the arrays of HiGHS's column-wise ``passModel``; ``integer`` marks the
    integer columns (binaries included)."""

    offset: float
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    integer: np.ndarray

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    def pass_to(self, h: highspy.Highs) -> None:
        """Hand the problem to ``h`` in one call with NumPy arrays: several times faster for a
        large model than filling a ``HighsLp``, whose fields copy element by element."""
        integrality = np.where(self.integer, int(highspy.HighsVarType.kInteger),
                               int(highspy.HighsVarType.kContinuous)).astype(np.int32)
        status = h.passModel(self.num_col, self.num_row, len(self.value), int(highspy.MatrixFormat.kColwise),
                             int(highspy.ObjSense.kMinimize), self.offset, self.cost, self.lower, self.upper,
                             self.row_lower, self.row_upper, self.start, self.index, self.value, integrality)
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model")

    def to_lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = self.num_col
        lp.num_row_ = self.num_row
        lp.offset_ = self.offset
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.lower
        lp.col_upper_ = self.upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.start
        lp.a_matrix_.index_ = self.index
        lp.a_matrix_.value_ = self.value
        if self.is_mip:
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                               for i in self.integer]
        return lp


@dataclass(frozen=True)
class HighsAnswer:
    """How a HiGHS run on :class:`HighsArrays` ended: its values by column, objective, bound and
    gap (NaN where there are none), the row duals of an LP when asked for, the first answer of
    a MIP start, and its times: ``pass_seconds`` to hand the arrays over, ``seconds`` from then
    to the answer."""

    status: Status
    message: str
    has_solution: bool
    values: np.ndarray | None
    objective: float
    bound: float
    gap: float
    row_duals: np.ndarray | None
    first: FirstAnswer | None
    pass_seconds: float
    seconds: float
    own_process: bool = False


def solve_arrays(arrays: HighsArrays, held: np.ndarray | None, options: SolveOptions,
                 log_path: str, answer: np.ndarray | None = None) -> HighsAnswer:
    """Solve ``arrays`` with HiGHS (:func:`solve_here`), in a process of its own stopped at the
    time limit when ``options`` ask for one and the model is large (``solvers/deadline.py``);
    not at all when the ``answer`` given already lies within the gap of ``options.known_bound``."""
    if answer is not None:
        enough = answer_within_known_bound(arrays, answer, options)
        if enough is not None:
            return enough
    if holds_deadline(arrays, options):
        return solve_by_deadline(arrays, held, options, log_path, answer)
    return solve_here(arrays, held, options, log_path, answer=answer)


def answer_within_known_bound(arrays: HighsArrays, answer: np.ndarray,
                              options: SolveOptions) -> HighsAnswer | None:
    """``answer`` (column values) as the optimum when it is an answer to the MIP ``arrays``, its
    bounds, rows and integers kept, and its cost lies within ``options.mip_gap`` of
    ``options.known_bound``: branch and bound could prove no more than that. None otherwise."""
    if not arrays.is_mip or not math.isfinite(options.known_bound):
        return None
    clock = time.perf_counter()
    objective = float(arrays.offset + arrays.cost @ answer)
    if not within_known_bound(objective, options) or not _holds(arrays, answer):
        return None
    gap = relative_gap(objective, min(options.known_bound, objective))
    return HighsAnswer(status=Status.OPTIMAL, message=KNOWN_BOUND_MESSAGE, has_solution=True,
                       values=answer, objective=objective, bound=math.nan, gap=gap, row_duals=None,
                       first=None, pass_seconds=0.0, seconds=time.perf_counter() - clock)


def _holds(arrays: HighsArrays, values: np.ndarray, tolerance: float = 1e-6) -> bool:
    """Whether ``values`` keep the columns' bounds, the rows and the integers of ``arrays`` to
    ``tolerance`` (relative to each row's scale, as HiGHS keeps them to about 1e-7)."""
    columns = np.repeat(np.arange(arrays.num_col), np.diff(arrays.start))
    activity = np.bincount(arrays.index, weights=arrays.value * values[columns], minlength=arrays.num_row)
    scale = 1.0 + np.bincount(arrays.index, weights=np.abs(arrays.value * values[columns]),
                              minlength=arrays.num_row)
    integral = np.abs(values[arrays.integer] - np.round(values[arrays.integer])) <= tolerance
    return bool(np.all(values >= arrays.lower - tolerance * (1 + np.abs(arrays.lower)))
                and np.all(values <= arrays.upper + tolerance * (1 + np.abs(arrays.upper)))
                and np.all(activity >= arrays.row_lower - tolerance * scale)
                and np.all(activity <= arrays.row_upper + tolerance * scale)
                and np.all(integral))


def solve_here(arrays: HighsArrays, held: np.ndarray | None, options: SolveOptions, log_path: str,
               on_incumbent: Callable[[np.ndarray, float], None] | None = None,
               worker_folder: str | None = None, answer: np.ndarray | None = None) -> HighsAnswer:
    """Solve ``arrays`` with HiGHS in this process, its log written to ``log_path``, with the
    first answer ``options`` ask for (from the design whose unbuilt assets are ``held``, if
    given; ``answer``, the column values of an answer found before, for ``start="answer"``).
    ``on_incumbent(values, objective)`` is told of each better answer of branch and
    bound (``solvers/deadline.py`` streams them) and ``options.progress`` of where it stands;
    ``worker_folder`` is where the worker beside branch and bound keeps its answers (a
    temporary folder if None)."""
    h = _logging_highs(arrays, options, log_path)
    clock = time.perf_counter()
    arrays.pass_to(h)
    start = time.perf_counter()
    if options.time_limit is not None:
        options = replace(options, time_limit=max(0.0, options.time_limit - (start - clock)))
        h.setOptionValue("time_limit", float(options.time_limit))
    if on_incumbent is not None:
        h.cbMipImprovingSolution += lambda event: on_incumbent(
            np.array(event.data_out.mip_solution), event.data_out.objective_function_value)
    if options.progress is not None:
        teller = ProgressTeller(options.progress, start)
        h.cbMipInterrupt += lambda event: teller.tell(event.data_out.objective_function_value,
                                                      event.data_out.mip_dual_bound)
    first, beside, stopped = run_with_first_answer(h, arrays, options, held, worker_folder, answer)
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    kind = Status.TIME_LIMIT if stopped else _status(status, h)
    has_solution, values, objective, gap = final_answer(h, arrays, first, beside, stopped)
    bound = _mip_bound(h, first) if arrays.is_mip else objective
    row_duals = np.asarray(h.getSolution().row_dual) \
        if options.duals and has_solution and not arrays.is_mip else None
    message = STOPPED_MESSAGE if stopped else h.modelStatusToString(status)
    within_gap = arrays.is_mip and has_solution and gap <= options.mip_gap
    if kind is Status.TIME_LIMIT and not stopped and within_gap:
        # the answer found beside branch and bound lies within the gap asked: optimal as HiGHS
        # means it (one run said optimal, another time_limit, for the same answer; an audit); an
        # LP has no gap to be within
        kind, message = Status.OPTIMAL, WITHIN_GAP_MESSAGE
    elif kind is Status.TIME_LIMIT and not stopped and has_solution \
            and within_known_bound(objective, options):  # the search stopped there (_run's stop_when)
        kind, message = Status.OPTIMAL, KNOWN_BOUND_MESSAGE
    return HighsAnswer(status=kind, message=message, has_solution=has_solution,
                       values=values, objective=objective,
                       bound=bound if bound is not None else math.nan,
                       gap=gap if gap is not None else math.nan, row_duals=row_duals, first=first,
                       pass_seconds=start - clock, seconds=seconds)


def solve_held_here(arrays: HighsArrays, then: np.ndarray, at_most: float, options: SolveOptions,
                    log_path: str) -> HighsAnswer:
    """Minimise ``then`` (a cost per column) over the LP ``arrays`` with its own objective held
    at ``at_most`` or less, in this process; the answer's objective is ``then``'s.

    The held objective is one row over every costed column: from scratch it made an hourly
    park's LP with one store 20-30 times slower than the LP itself (24-37 s by dual simplex
    or interior point against 1 s: the least store throughput after the answer). So the LP is
    solved first on its own objective, whose optimal basis meets the held row (when
    ``at_most`` is no less than its optimum), and HiGHS goes on from that basis with the row
    added and the costs changed, without presolve: 0.8 s and 1.1 s there (benchmarks/held.py).
    If that ends otherwise than optimal (or out of time), the held LP is solved again from
    scratch, presolve included."""
    h = _logging_highs(arrays, options, log_path)
    clock = time.perf_counter()
    replace(arrays, integer=np.zeros_like(arrays.integer)).pass_to(h)  # an LP: the design is fixed
    start = time.perf_counter()
    _limit_to_what_is_left(h, options, clock)
    _run_lp(h)  # for its basis; a failure leaves none and the held LP is solved from scratch
    costed = np.flatnonzero(arrays.cost).astype(np.int32)
    h.addRow(-INF, at_most - arrays.offset, len(costed), costed, arrays.cost[costed])
    h.changeColsCost(arrays.num_col, np.arange(arrays.num_col, dtype=np.int32), then)
    h.changeObjectiveOffset(0.0)
    h.setOptionValue("solver", "simplex")  # goes on from the basis (interior point would start anew)
    _limit_to_what_is_left(h, options, clock)
    _run(h)
    if h.getModelStatus() not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
        # From the basis without presolve HiGHS may end 'Unknown' where the held LP from scratch
        # with presolve solves: the least throughput under least emissions on a td8 hub park
        # (infeasible by 0.1 after 2.8 s; optimal in 0.8 s from scratch, 2026-12-06).
        h.clearSolver()  # presolve is never turned off here: HiGHS skips it only from a basis
        h.setOptionValue("solver", "choose")
        _limit_to_what_is_left(h, options, clock)
        _run_lp(h)
    status = h.getModelStatus()
    kind = _status(status, h)
    has_solution = kind is Status.OPTIMAL
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    objective = float(then @ values) if values is not None else math.nan
    return HighsAnswer(status=kind, message=h.modelStatusToString(status), has_solution=has_solution,
                       values=values, objective=objective, bound=objective,
                       gap=0.0 if has_solution else math.nan, row_duals=None, first=None,
                       pass_seconds=start - clock, seconds=time.perf_counter() - start)


def _limit_to_what_is_left(h: highspy.Highs, options: SolveOptions, clock: float) -> None:
    """HiGHS's time limit: what ``options.time_limit`` leaves since ``clock`` (if it sets one)."""
    if options.time_limit is not None:
        h.setOptionValue("time_limit", max(0.0, float(options.time_limit) - (time.perf_counter() - clock)))


@dataclass(frozen=True)
class FirstAnswer:
    """What :func:`relaxation_start` or :func:`design_start` found: a feasible point (or None)
    and what it took."""

    values: np.ndarray | None
    objective: float
    relaxation: float  # the LP relaxation's objective, a bound on the MIP (NaN for a design start)
    kept: int  # integer columns left free in the restricted MIP
    seconds: float
    source: str = "relaxation"  # or "design": a previous answer's design


# The restricted MIP is a means to a first answer: it gets ``options.start_share`` of the time
# limit, or SECONDS_WITHOUT_LIMIT when the caller set none.
SECONDS_WITHOUT_LIMIT = 120.0


def relaxation_start(arrays: HighsArrays, options: SolveOptions,
                     on_improving: Callable[[FirstAnswer], None] | None = None) -> FirstAnswer:
    """A first answer to a MIP from its LP relaxation: solve the relaxation, then the MIP with
    every integer column the relaxation leaves at zero held at zero.

    In a park most candidate links are not worth building and the relaxation already leaves
    them unused, so the restricted MIP has a few tenths of the binaries and solves in a
    fraction of the time; its answer is feasible for the whole MIP and lets branch and bound
    prune from the first node (the idea of relaxation-induced neighbourhoods, Danna,
    Rothberg and Le Pape 2005; Berthold 2014). ``benchmarks/README.md`` measures the gain.
    ``on_improving`` is told of each better answer the restricted MIP finds on its way.
    """
    clock = time.perf_counter()
    budget = _start_budget(options)
    relaxed = _quiet_highs(budget, options)
    lp = replace(arrays, integer=np.zeros_like(arrays.integer))
    choose_lp_method(relaxed, lp, options)
    lp.pass_to(relaxed)
    _run_lp(relaxed)
    ms = highspy.HighsModelStatus
    if relaxed.getModelStatus() != ms.kOptimal:
        return FirstAnswer(None, math.nan, math.nan, 0, time.perf_counter() - clock)
    bound = relaxed.getInfo().objective_function_value
    x = np.asarray(relaxed.getSolution().col_value)
    held = arrays.integer & (x <= 1e-6) & (arrays.lower <= 0)
    return _restricted_mip(arrays, held, options, budget, clock, bound, "relaxation", on_improving)


def design_start(arrays: HighsArrays, held: np.ndarray, options: SolveOptions,
                 on_improving: Callable[[FirstAnswer], None] | None = None) -> FirstAnswer:
    """A first answer to a MIP from a design found before (the previous scenario of a sweep):
    the MIP with the integer columns marked ``held`` (assets that design did not build) held
    at zero. Building nothing new stays allowed, so a park whose rules hold today has an
    answer; a scenario that moved only prices finds the old design again in a moment, and
    branch and bound starts from it (``benchmarks/README.md``: "next scenario")."""
    return _restricted_mip(arrays, arrays.integer & held & (arrays.lower <= 0), options,
                           _start_budget(options), time.perf_counter(), math.nan, "design", on_improving)


def _start_budget(options: SolveOptions) -> float:
    if options.time_limit is None:
        return SECONDS_WITHOUT_LIMIT
    return options.start_share * options.time_limit


def _restricted_mip(arrays: HighsArrays, held: np.ndarray, options: SolveOptions, budget: float,
                    clock: float, bound: float, source: str,
                    on_improving: Callable[[FirstAnswer], None] | None = None,
                    start: np.ndarray | None = None) -> FirstAnswer:
    """Solve ``arrays`` with the ``held`` columns at zero, within what is left of ``budget``,
    from ``start`` if given; ``on_improving`` (if given) is told of each better answer as HiGHS
    finds it."""
    restricted = _quiet_highs(max(0.0, budget - (time.perf_counter() - clock)), options)
    choose_lp_method(restricted, arrays, options)
    replace(arrays, upper=np.where(held, 0.0, arrays.upper)).pass_to(restricted)
    if start is not None:
        _set_start(restricted, start)
    kept = int((arrays.integer & ~held).sum())

    def answer(values: np.ndarray | None, objective: float) -> FirstAnswer:
        return FirstAnswer(values=values, objective=objective, relaxation=bound, kept=kept,
                           seconds=time.perf_counter() - clock, source=source)

    if on_improving is not None:
        restricted.cbMipImprovingSolution += lambda event: on_improving(
            answer(np.array(event.data_out.mip_solution), event.data_out.objective_function_value))
    try:
        _run(restricted)
    except KeyboardInterrupt as interrupt:
        if not options.stop_keeps_answer or isinstance(interrupt, StopNow):
            raise
        info = restricted.getInfo()
        found = info.primal_solution_status == 2  # kSolutionStatusFeasible
        raise SearchStopped(answer(np.asarray(restricted.getSolution().col_value) if found else None,
                                   info.objective_function_value if found else math.nan)) from None
    info = restricted.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return answer(None, math.nan)
    return answer(np.asarray(restricted.getSolution().col_value), info.objective_function_value)


class SearchStopped(Exception):
    """Ctrl-C stopped the search for a first answer (``SolveOptions.stop_keeps_answer``);
    ``answer`` is the one it had found by then (its values None if none)."""

    def __init__(self, answer: FirstAnswer) -> None:
        super().__init__("stopped by Ctrl-C")
        self.answer = answer


def uses_ipm(columns: int, options: SolveOptions) -> bool:
    """Whether an LP of ``columns`` columns is solved by interior point (see ``SolveOptions``)."""
    return options.lp_method == "ipm" or (options.lp_method == "auto" and columns >= IPM_FROM_COLUMNS)


def choose_lp_method(h: highspy.Highs, arrays: HighsArrays, options: SolveOptions) -> None:
    """Interior point for a large LP, and for the root LP of a large MIP with many candidates
    (``mip_lp_solver``; the nodes still use dual simplex from the crossover's basis).

    Measured (``benchmarks/README.md``): on 50 firms at 8 typical days of 6 segments (2,390
    binaries) dual simplex had not solved the root after 300 s, interior point solved it in
    150 s; on Hofors-Borlänge hourly (36 binaries, 350,000 columns: few links, many steps) dual
    simplex took 85 s, interior point 164 s. Hence the binaries in the rule for MIPs."""
    if not uses_ipm(arrays.num_col, options):
        return
    h.setOptionValue("ipm_iteration_limit", IPM_ITERATION_LIMIT)
    if not arrays.is_mip:
        h.setOptionValue("solver", "ipm")
    elif options.lp_method == "ipm" or int(arrays.integer.sum()) >= START_FROM_INTEGERS:
        h.setOptionValue("mip_lp_solver", "ipm")


def wants_start(arrays: HighsArrays, options: SolveOptions) -> bool:
    """Whether ``options`` ask for a first answer (:func:`relaxation_start` or
    :func:`design_start`) on this problem."""
    return arrays.is_mip and (options.start in ("relaxation", "design") or (
        options.start == "auto" and start_pays(arrays.num_col, int(arrays.integer.sum()), options.mip_gap)))


def find_first_answer(arrays: HighsArrays, held: np.ndarray | None, options: SolveOptions,
                      on_improving: Callable[[FirstAnswer], None] | None = None) -> FirstAnswer:
    """A first answer from the design whose unbuilt assets are ``held`` when given, else from the
    relaxation; ``on_improving`` is told of each better answer on the way."""
    if held is not None:
        return design_start(arrays, held, options, on_improving)
    return relaxation_start(arrays, options, on_improving)


def run_with_first_answer(h: highspy.Highs, arrays: HighsArrays, options: SolveOptions,
                          held: np.ndarray | None = None,
                          worker_folder: str | None = None,
                          answer: np.ndarray | None = None) -> tuple[FirstAnswer | None, bool, bool]:
    """Run ``h`` with the first answer ``options`` ask for (none, ``answer`` given as it is,
    found before branch and bound, or found beside it by a worker keeping its answers in
    ``worker_folder``: ``solvers/concurrent.py``; beside a given answer on a large model, the
    worker searches from its design); the first answer, whether beside, and whether
    Ctrl-C stopped the search (``options.stop_keeps_answer``; otherwise the KeyboardInterrupt
    goes on)."""
    beside = None
    first = None
    stopped = False
    try:
        if answer is not None and arrays.is_mip:
            _set_start(h, answer)
            if wants_concurrent(arrays.num_col, options):  # a worker searches around it meanwhile
                unbuilt = arrays.integer & (answer < 0.5)
                beside = BesideBranchAndBound(h, arrays, unbuilt, options, worker_folder)
        elif wants_start(arrays, options):
            if wants_concurrent(arrays.num_col, options):
                beside = BesideBranchAndBound(h, arrays, held, options, worker_folder)
            else:
                first = give_first_answer(h, arrays, options, held)
        if arrays.is_mip:
            _run(h, lambda out: within_known_bound(out.objective_function_value, options))
        else:
            _run_lp(h)
    except KeyboardInterrupt as interrupt:
        if not options.stop_keeps_answer or isinstance(interrupt, StopNow):
            raise
        stopped = True
    except SearchStopped as stop:  # Ctrl-C while the first answer was sought before branch and bound
        first, stopped = stop.answer, True
    finally:
        if beside is not None:
            first = beside.finish()
    return first, beside is not None, stopped


def final_answer(h: highspy.Highs, arrays: HighsArrays, first: FirstAnswer | None,
                 beside: bool, stopped: bool = False) -> tuple[bool, np.ndarray | None, float, float]:
    """What a run of ``h`` ends on: (has_solution, values, objective, gap). HiGHS's answer, or an
    answer found beside branch and bound after HiGHS's last call for it when that is cheaper
    (also when Ctrl-C ``stopped`` the run): still an answer to the whole MIP, measured against
    HiGHS's bound as HiGHS measures its own."""
    hinfo = h.getInfo()
    has_solution = hinfo.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = hinfo.objective_function_value if has_solution else math.nan
    gap = hinfo.mip_gap if arrays.is_mip and has_solution else (0.0 if has_solution else math.nan)
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    if (beside or stopped) and _better(first, objective if has_solution else math.inf) \
            and (stopped or _status(h.getModelStatus(), h) in (Status.OPTIMAL, Status.TIME_LIMIT)):
        gap = relative_gap(first.objective, _mip_bound(h, first))
        return True, first.values, first.objective, gap
    return has_solution, values, objective, gap


def _mip_bound(h: highspy.Highs, first: FirstAnswer | None) -> float:
    """HiGHS's bound on the MIP, or the first answer's LP relaxation (NaN if none) when Ctrl-C
    came before branch and bound began."""
    if h.getModelStatus() != highspy.HighsModelStatus.kNotset:
        return h.getInfo().mip_dual_bound
    return first.relaxation if first is not None else math.nan


def give_first_answer(h: highspy.Highs, arrays: HighsArrays, options: SolveOptions,
                      held: np.ndarray | None = None) -> FirstAnswer:
    """Find a first answer (:func:`find_first_answer`), give it to ``h`` and leave ``h`` the
    time that remains."""
    first = find_first_answer(arrays, held, options)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", max(0.0, float(options.time_limit) - first.seconds))
    if first.values is not None:
        _set_start(h, first.values)
    return first


def _set_start(h: highspy.Highs, values: np.ndarray) -> None:
    solution = highspy.HighsSolution()
    solution.col_value = values.tolist()
    solution.value_valid = True
    h.setSolution(solution)


# The worker beside branch and bound (solvers/concurrent.py) has a core of its own until HiGHS
# ends; once it has a first answer it searches larger neighbourhoods of it: the answer's
# assets plus this many promising ones at a time.
NEIGHBOURS = 20
# A neighbourhood is not begun with less time than this left.
NEIGHBOURHOOD_SECONDS = 20.0


def promising_assets(arrays: HighsArrays, answer: np.ndarray, options: SolveOptions,
                     seconds: float) -> np.ndarray:
    """The integer columns left at zero by ``answer`` whose building would lower the cost to
    first order, best first (none if the LP does not solve in ``seconds``): the LP with every
    integer column fixed at its value in ``answer``, ranked by the reduced costs of the
    columns fixed at zero (negative: building more would pay)."""
    built = np.where(arrays.integer, np.round(answer), 0.0)
    lp = replace(arrays, lower=np.where(arrays.integer, built, arrays.lower),
                 upper=np.where(arrays.integer, built, arrays.upper), integer=np.zeros_like(arrays.integer))
    h = _quiet_highs(seconds, options)
    choose_lp_method(h, lp, options)
    lp.pass_to(h)
    _run_lp(h)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return np.empty(0, dtype=int)
    reduced = np.asarray(h.getSolution().col_dual)
    unbuilt = np.flatnonzero(arrays.integer & (built == 0) & (arrays.upper > 0) & (reduced < 0))
    return unbuilt[np.argsort(reduced[unbuilt], kind="stable")]


def search_neighbourhood(arrays: HighsArrays, first: FirstAnswer, options: SolveOptions,
                         on_improving: Callable[[FirstAnswer], None] | None = None) -> FirstAnswer:
    """The best answer found from ``first`` in what is left of the first answer's time (its
    ``seconds`` count from when that search began): the MIP with only the answer's assets and
    the next NEIGHBOURS of its :func:`promising_assets` allowed, started from the answer (so it
    can only improve on it); from each better answer again, else with the next NEIGHBOURS,
    until the time is up or none is left. ``first`` if nothing better is found."""
    answer = first
    began = time.perf_counter() - first.seconds
    budget = _start_budget(options)

    def left() -> float:
        return budget - (time.perf_counter() - began)

    while answer.values is not None and left() >= NEIGHBOURHOOD_SECONDS:
        ranked = promising_assets(arrays, answer.values, options, left() / 2)
        unbuilt = arrays.integer & (np.round(answer.values) == 0) & (arrays.lower <= 0)
        for chunk in range(0, len(ranked), NEIGHBOURS):
            if left() < NEIGHBOURHOOD_SECONDS:
                return answer
            held = unbuilt.copy()
            held[ranked[chunk:chunk + NEIGHBOURS]] = False
            better = _restricted_mip(arrays, held, options, budget, began, answer.relaxation, answer.source,
                                     on_improving, start=answer.values)
            if _better(better, answer.objective):
                answer = better
                break
        else:  # no neighbourhood left to try
            return answer
    return answer


def _better(first: FirstAnswer | None, objective: float) -> bool:
    """Whether ``first`` holds an answer cheaper than ``objective`` (beyond rounding)."""
    return first is not None and first.values is not None and \
        first.objective < objective - 1e-9 * max(1.0, abs(first.objective))


def _logging_highs(arrays: HighsArrays, options: SolveOptions, log_path: str) -> highspy.Highs:
    """A HiGHS set for ``arrays`` as ``options`` ask, its log to ``log_path``: HiGHS would write
    to stdout, which belongs to --json; the log is echoed on stderr when asked for."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", log_path)
    set_search_options(h, options)
    choose_lp_method(h, arrays, options)
    return h


def _quiet_highs(seconds: float, options: SolveOptions) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(seconds))
    set_search_options(h, options)
    return h


def set_search_options(h: highspy.Highs, options: SolveOptions) -> None:
    """The gap, seed and threads asked for, and the heuristic effort of every HiGHS MIP here."""
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    h.setOptionValue("random_seed", int(options.seed))
    h.setOptionValue("mip_heuristic_effort", MIP_HEURISTIC_EFFORT)
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))


def _run_lp(h: highspy.Highs) -> None:
    """:func:`_run` for an LP: when interior point stalls (``IPM_ITERATION_LIMIT``), the LP again
    by dual simplex in the time left, so that a stall costs seconds, not the time limit."""
    clock = time.perf_counter()
    _run(h)
    stalled = h.getModelStatus() == highspy.HighsModelStatus.kIterationLimit
    if not stalled or h.getOptionValue("solver")[1] != "ipm":
        return
    time_left = h.getOptionValue("time_limit")[1] - (time.perf_counter() - clock)
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("time_limit", max(0.0, time_left))
    _run(h)


def _run(h: highspy.Highs, stop_when: Callable[[object], bool] | None = None) -> None:
    """``h.run()`` in a thread of its own, so that Ctrl-C is not held back until the solve ends
    (HiGHS holds the interpreter while it runs): HiGHS is asked to stop at its next interrupt
    check, waited for, and the KeyboardInterrupt goes on to the caller.

    The wait is a sleep on a flag the thread sets, with no lock between the two threads: in
    highspy's ``Highs.wait`` a Ctrl-C landing just after its lock is acquired (the solve
    ending), before the result is kept, leaves that lock taken and every later wait failing
    (read in highspy 1.15's code, not seen); and on Python 3.11 an interrupted
    ``Thread.join`` marks a running thread stopped. The stop request is this run's own
    callback, which also clears the interrupt flag HiGHS keeps from an earlier run: with
    highspy's, a Highs object once interrupted stopped every later solve at once (tested).
    A second Ctrl-C while HiGHS stops (inside a sub-MIP it looks at the request only when that
    ends, seconds later) raises :class:`StopNow` at once, the stop request left in place.
    ``stop_when(data_out)`` of branch and bound's callback, if given, stops it too (quietly: the
    status is HiGHS's interrupt)."""
    ended: list[bool] = []
    stop: list[bool] = []

    def interrupt(event) -> None:
        event.interrupt(bool(stop))  # HiGHS keeps the flag from an earlier run: set it each time

    def interrupt_search(event) -> None:
        event.interrupt(bool(stop) or (stop_when is not None and bool(stop_when(event.data_out))))

    def solve() -> None:
        try:
            h.run()  # the C++ run, which lets go of the interpreter while it solves
            highspy.Highs.resetGlobalScheduler(False)  # as highspy's own threaded solve does
        finally:
            ended.append(True)

    def wait() -> None:  # from 1 ms to 50 ms between looks: a small solve is not held back
        pause = 0.001
        while not ended:
            time.sleep(pause)
            pause = min(2 * pause, 0.05)

    h.cbSimplexInterrupt += interrupt
    h.cbIpmInterrupt += interrupt
    h.cbMipInterrupt += interrupt_search
    try:
        threading.Thread(target=solve, name="highs", daemon=True).start()
        try:
            wait()
        except KeyboardInterrupt:
            stop.append(True)
            try:
                wait()
            except KeyboardInterrupt:  # a second Ctrl-C: no more waiting for HiGHS to stop
                raise StopNow from None
            raise
    finally:
        if ended:  # else a second Ctrl-C left HiGHS running: its stop request stays until it stops
            h.cbSimplexInterrupt -= interrupt
            h.cbIpmInterrupt -= interrupt
            h.cbMipInterrupt -= interrupt_search


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
