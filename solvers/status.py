"""One status vocabulary, options and outcome for every solver.

*Why it stopped* (``Status``) is kept apart from *what it found* (``has_solution``,
``objective``, ``bound``, ``gap``): a time limit may end with or without an incumbent.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

# The relaxation start (solvers/highs.py) by default (``start_pays``; benchmarks/README.md, "The
# relaxation start on annual (one-step) MIPs"). Time-resolved MIPs need it from 100 integer
# columns: 20 firms x 8 typical days x 6 segments (328 binaries) 120 s -> 20 s to a 1 % gap.
# One-step (annual) MIPs need it only to stop early: at a 1 % gap it finds an answer within it
# at once (generated parks of 203-2,026 binaries 1.5-4x faster: 35 firms 30 s -> 7 s); asked for
# 1e-3 or less, HiGHS's own heuristics find as good answers and the start only adds its LP and
# restricted MIP (Raufoss 3.2-3.8 s without it, 4.2-4.9 s with it; 178-591 binaries 1-3 s faster
# without), about even from 800 binaries at the time limit, ahead at 2,026. Under an emissions
# cap ``optimize`` keeps it from 100 on one-step MIPs too (symbiosis/optimization.py:
# _start_options).
START_FROM_INTEGERS = 100
ONE_STEP_START_FROM_INTEGERS = 1_000
ONE_STEP_START_FROM_GAP = 0.01
# A MIP with fewer columns than this per integer column is taken to be one step: a link's
# build, size, flow and cost-curve fills are 3.4-3.9 columns per binary on the annual benchmark
# parks; a time-resolved model has a flow per step and link (14.6 at 8 steps, 53-71 at 48).
ONE_STEP_COLUMNS_PER_INTEGER = 10
STARTS = ("auto", "relaxation", "design", "answer", "none")
# LPs (and LP relaxations) from this many columns up are solved by interior point with
# crossover: on time-resolved parks about 3 times faster than dual simplex (benchmarks/README.md).
IPM_FROM_COLUMNS = 20_000
# Interior point iterations after which it is taken to have stalled (HiGHS's IPX converges in
# tens of iterations: 30-75 on the benchmark LPs), and an LP goes on by dual simplex. HiGHS's
# own branch and bound gives IPX the same 200 when it re-solves an LP (HighsLpRelaxation.cpp).
# Measured stall: the LP of stream values on an hourly park with a store, whose optimum is 0
# above its constant, held IPX 1.7e-8 from its 1e-8 tolerance for 6,000 iterations (300 s,
# against 0.6 s by dual simplex).
IPM_ITERATION_LIMIT = 200
LP_METHODS = ("auto", "simplex", "ipm")
# Share of branch and bound HiGHS spends in its primal heuristics (its default 0.05): 0.3 finds
# cheaper answers within a time limit on the large MIPs, at about the same time to a 1 % gap on
# the smaller ones (benchmarks/README.md, "Beyond the floor").
MIP_HEURISTIC_EFFORT = 0.3
# Models from this many columns up are solved in a process of their own when a time limit is
# set (``SolveOptions.hard_limit``): HiGHS can overrun its limit by minutes inside one LP of a
# large model, and starting a process costs about 2 s, nothing next to such a solve.
HARD_LIMIT_FROM_COLUMNS = IPM_FROM_COLUMNS
# Seconds between two reports of a running solve's progress (``SolveOptions.progress``).
PROGRESS_EVERY = 1.0
# The message of a solve that Ctrl-C stopped with ``SolveOptions.stop_keeps_answer`` (its status
# is TIME_LIMIT: stopped before the gap was proven, as at a time limit).
STOPPED_MESSAGE = "Stopped by Ctrl-C"
# The message of an answer found beside branch and bound within the gap asked (status optimal).
WITHIN_GAP_MESSAGE = "Optimal within the gap asked (an answer found beside branch and bound)"
# The message of an answer within the gap asked of ``SolveOptions.known_bound`` (status optimal).
KNOWN_BOUND_MESSAGE = "Optimal within the gap asked of the bound known before the solve"


class StopNow(KeyboardInterrupt):
    """A second Ctrl-C while HiGHS was stopping after the first: the run ends at once, whatever
    ``SolveOptions.stop_keeps_answer`` says, and HiGHS's threads may still be running (a
    sub-MIP can take seconds to look at its stop request), so a program leaves with
    ``os._exit``, which does not wait to tear them down."""


class Status(StrEnum):
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"


def relative_gap(objective: float, bound: float) -> float:
    """Relative distance of an answer from the bound, as HiGHS measures it (NaN if either is)."""
    return abs(objective - bound) / max(abs(objective), 1e-9)


def within_known_bound(objective: float, options: SolveOptions) -> bool:
    """Whether an answer costing ``objective`` lies within ``options.mip_gap`` of
    ``options.known_bound`` (never when either is unknown)."""
    known = options.known_bound
    return math.isfinite(known) and math.isfinite(objective) \
        and relative_gap(objective, min(known, objective)) <= options.mip_gap


def start_pays(columns: int, integers: int, gap: float) -> bool:
    """Whether a MIP of ``columns`` columns, ``integers`` of them integer, solved to a relative
    ``gap``, gets the relaxation start by default (see ``START_FROM_INTEGERS``)."""
    one_step = columns < ONE_STEP_COLUMNS_PER_INTEGER * integers
    if one_step and gap < ONE_STEP_START_FROM_GAP:
        return integers >= ONE_STEP_START_FROM_INTEGERS
    return integers >= START_FROM_INTEGERS


@dataclass(frozen=True)
class SolveProgress:
    """Where a running MIP solve stands: seconds since HiGHS was handed the model, the cheapest
    answer found so far and the bound (NaN while there is none)."""

    seconds: float
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        """Relative distance of the answer from the bound, as HiGHS measures it (NaN if either
        is missing)."""
        return relative_gap(self.objective, self.bound)


class ProgressTeller:
    """Tells ``progress`` where a solve that began at ``clock`` (``time.perf_counter``) stands, at
    most once every PROGRESS_EVERY seconds and only when the answer or the bound moved (NaN:
    none yet). HiGHS's interrupt callback and the watch over a child process both call it."""

    def __init__(self, progress: Callable[[SolveProgress], None], clock: float) -> None:
        self._progress, self._clock = progress, clock
        self._at = -math.inf
        self._told = None

    def tell(self, objective: float, bound: float) -> None:
        now = time.perf_counter()
        if now - self._at < PROGRESS_EVERY:
            return
        objective, bound = (value if math.isfinite(value) else math.nan for value in (objective, bound))
        state = tuple(None if math.isnan(value) else value for value in (objective, bound))
        if state != self._told and state != (None, None):
            self._at, self._told = now, state
            self._progress(SolveProgress(now - self._clock, objective, bound))


@dataclass(frozen=True)
class SolveOptions:
    """What the caller asks of the solver."""

    solver: str = "highs"
    time_limit: float | None = None  # seconds
    mip_gap: float = 1e-4  # relative
    threads: int | None = None
    seed: int = 0
    log: bool = False  # echo the solver's log
    log_file: str | None = None
    duals: bool = False  # LPs only: keep each constraint's dual (d objective / d its bound)
    # MIPs: "relaxation" finds a first answer from the LP relaxation before branch and bound
    # (HiGHS only; see solvers/highs.py), "none" leaves it to the solver, "auto" uses it where
    # ``start_pays``; "design" starts from a design found before,
    # solving first with the integer variables in ``start_held`` (what it left unbuilt) at zero;
    # "answer" gives HiGHS the model's values as they are, an answer found before that is
    # feasible for this model too (least emissions' second solve).
    start: str = "auto"
    start_held: tuple = ()
    # The share of the time limit the first answer may take (the rest is branch and bound's).
    start_share: float = 0.25
    # HiGHS LPs: "ipm" (interior point, then crossover to a vertex), "simplex", or "auto":
    # ipm from IPM_FROM_COLUMNS columns up.
    lp_method: str = "auto"
    # HiGHS MIPs with a first answer: find it beside branch and bound, in a process of its own
    # (solvers/concurrent.py), rather than before it. None: from CONCURRENT_FROM_COLUMNS
    # columns up, on two cores or more.
    concurrent: bool | None = None
    # HiGHS with a time limit: solve in a process of its own, stopped at the limit if HiGHS
    # overruns it (solvers/deadline.py). None: from HARD_LIMIT_FROM_COLUMNS columns up.
    hard_limit: bool | None = None
    # HiGHS MIPs: told where the solve stands (SolveProgress) at most once every
    # PROGRESS_EVERY seconds while branch and bound runs, when its answer or bound moved.
    progress: Callable[[SolveProgress], None] | None = field(default=None, compare=False, repr=False)
    # HiGHS: Ctrl-C (KeyboardInterrupt) stops the search and the solve returns the best answer
    # found by then (status TIME_LIMIT, message STOPPED_MESSAGE) rather than raising; a second
    # Ctrl-C afterwards is the caller's to handle.
    stop_keeps_answer: bool = False
    # HiGHS MIPs: a bound on the optimum known before the solve (NaN: none), e.g. a relaxation's
    # solved beforehand: an answer within ``mip_gap`` of it ends the search, a given answer
    # (``start="answer"``) before branch and bound begins.
    known_bound: float = math.nan

    def __post_init__(self) -> None:
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}, not {self.start!r}")
        if self.lp_method not in LP_METHODS:
            raise ValueError(f"lp_method must be one of {', '.join(LP_METHODS)}, not {self.lp_method!r}")


@dataclass(frozen=True)
class SolveOutcome:
    """What the solver said, and the numbers it found (values are loaded into the model)."""

    status: Status
    has_solution: bool
    objective: float = math.nan
    bound: float = math.nan
    gap: float = math.nan
    seconds: float = math.nan
    solver: str = "highs"
    message: str = ""
    log: str = ""
    details: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        gap = f", gap={self.gap:.2%}" if not math.isnan(self.gap) else ""
        return (f"SolveOutcome({self.status}, objective={self.objective:.6g}{gap}, "
                f"{self.seconds:.2f} s, {self.solver})")


def nothing_to_decide(objective: float, solver: str, details: dict | None = None) -> SolveOutcome:
    """The outcome of a model whose variables are all fixed and whose rows hold: its objective is
    its constant (no solver is asked; some, such as appsi_highs, end 'unknown' on no columns)."""
    return SolveOutcome(status=Status.OPTIMAL, has_solution=True, objective=objective, bound=objective,
                        gap=0.0, seconds=0.0, solver=solver, message="empty model: nothing to decide",
                        details=details or {})


def constant_row_fails(message: str, solver: str) -> SolveOutcome:
    """The outcome of a model with a row of constants that cannot hold (an emissions cap below
    what a park with nothing to decide emits): infeasible, said as such."""
    return SolveOutcome(status=Status.INFEASIBLE, has_solution=False, objective=math.nan, bound=math.nan,
                        gap=math.nan, seconds=0.0, solver=solver, message=message)


class SolverNotAvailable(RuntimeError):
    """The named solver is not installed; the message says how to install it."""
