"""``optimize``: the recipe. Park -> candidates -> model data -> Pyomo -> HiGHS -> Result."""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from symbiosis.audit import AuditError, audit
from symbiosis.candidates import Candidates, find_candidates
from symbiosis.infeasible import explain
from symbiosis.memory import GIB, check_fits, memory_needed
from symbiosis.models import OBJECTIVES, ModelData, asset_binaries, build_model, set_objective
from symbiosis.models.data import StorageData, averaged
from symbiosis.models.size import model_size
from symbiosis.models.storage import piped_pairs
from symbiosis.park import Park
from symbiosis.park.scaling import scaling_warnings
from symbiosis.problem import to_model_data
from symbiosis.resolution import annual_overstatements, stores_at_their_largest
from symbiosis.results import Result, assemble_result
from symbiosis.results.extract import Evaluation, Solution, carries_nothing, evaluate, solution_of
from symbiosis.results.result import NOT_LINKS, link_identity
from symbiosis.results.values import fix_integers, relax_size_bounds, stream_values
from symbiosis.solvers import (
    SolveOptions,
    SolveOutcome,
    Status,
    check_available,
    elastic_violations,
    solve,
    solve_held,
)
from symbiosis.solvers.highs import FirstAnswer
from symbiosis.solvers.status import (
    IPM_FROM_COLUMNS,
    START_FROM_INTEGERS,
    STOPPED_MESSAGE,
    SolveProgress,
    relative_gap,
)
from symbiosis.time import TimeSteps, time_steps

Progress = Callable[[str], None]

# Dual prices need one more LP solve: by default only for models up to this many columns.
VALUES_UP_TO_COLUMNS = 200_000
VALUES_NUDGE = 1e-5
"""Share by which the stream values' LP raises every supply and lowers every demand: enough to
leave a degenerate point (a supply exactly meeting a demand) on the side the values mean, far
below any breakpoint a park's data would place (HiGHS keeps rows to about 1e-7)."""
# What a person chose, and so what an infeasible park most likely breaks: tried first.
CHOSEN_LIMITS = ("emissions_limit", "emissions_cap", "rules.most_partners")
# What a message that ran out of time advises, on the command line and in Python.
MORE_TIME = "give the solve more time (--time-limit; time_limit= in Python)"
# A time-resolved MIP this large (its root LP needs interior point) starts from the design of
# the park solved as one annual step, which gets this share of the time limit (or
# COARSE_SECONDS without one): on 50 firms at 8 typical days of 6 segments, the relaxation start
# ran out of time in its LP and HiGHS alone was 22 % from its bound after 300 s; from the
# annual design, 8.7-12.2 % (benchmarks/README.md).
COARSE_FROM_COLUMNS = IPM_FROM_COLUMNS
# The start words a caller may give (a Result or the ids built are designs).
START_WORDS = ("auto", "relaxation", "coarse", "none")
COARSE_SHARE = 0.2
COARSE_SECONDS = 60.0
# The coarse solve is itself only a means to a design: its own relaxation start (LP, then the
# MIP restricted to what the LP uses) may take nearly all its time. On 200 firms its LP takes
# 23 s by interior point and the restricted MIP 25 s to an answer 3.6 % from its bound; with
# the usual quarter of 60 s it found nothing.
COARSE_START_SHARE = 0.9
# The time steps solved with the one-step design held (few binaries) get this share of the time
# left: if that LP cannot end in it, branch and bound gets the rest (an audit: a 12 s limit
# spent on an 11 s LP cut short left no answer, where HiGHS alone had today's park).
DESIGN_ANSWER_SHARE = 0.5
# Where such a first answer came from (summary start_source).
ONE_STEP_START = "one annual step"
# With the emissions objective, the least-emissions MIP gets this share of the time left and the
# least cost at that level the rest.
EMISSIONS_FIRST_SHARE = 0.5
# Dual values (an LP with the builds fixed) are kept this share of the time limit.
VALUES_SHARE = 0.05
# How the summary's warning begins when the stream values asked for were not found.
VALUES_MISSING = "the stream values were not found"


@dataclass(frozen=True)
class Deadline:
    """When the whole ``optimize`` call should be done: every solve in it (the coarse start, the
    baseline, the main solve, the follow-ups) gets what is left, so a time limit bounds the call,
    not each solve. ``at`` is a ``time.perf_counter`` reading, None without a limit."""

    at: float | None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else time.perf_counter() + seconds)

    def left(self, share: float = 1.0, keep: float = 0.0) -> float | None:
        """Seconds for the next solve: ``share`` of what is left after keeping ``keep`` for later."""
        if self.at is None:
            return None
        return max(0.0, share * (self.at - time.perf_counter() - keep))


def optimize(
    park: Park,
    *,
    objective: str = "cost",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    threads: int | None = None,
    log: bool = False,
    progress: Progress | None = None,
    emissions_cap: float | None = None,
    fixed_links: Mapping[str, bool] | None = None,
    values: bool | None = None,
    start: str | Result | Iterable[str] = "auto",
    check_memory: bool = True,
    keep_on_interrupt: bool = True,
) -> Result:
    """Propose the exchanges that minimise the park's annual cost (or its emissions).

    Parameters
    ----------
    park
        A park from :func:`symbiosis.load_park`.
    objective
        ``"cost"`` (total annual cost, carbon included) or ``"emissions"`` (least CO2,
        then least cost at that CO2).
    solver, time_limit, gap, threads, log
        HiGHS by default; any Pyomo solver by name; limits in seconds and relative gap;
        ``log`` echoes the solver log (it is kept in ``result.summary["solver_log"]`` too).
    emissions_cap
        Largest park emissions allowed, t CO2 per year (the epsilon constraint of a Pareto front).
    fixed_links
        ``{candidate id: True | False}``: links, stores or hub units that must, or must not, be
        built.
    values
        Compute what each stream is worth (dual prices; one more LP solve). ``None``: when the
        model has at most ``VALUES_UP_TO_COLUMNS`` columns (so not for big hourly models).
    start
        HiGHS MIPs: ``"relaxation"`` finds a first answer from the LP relaxation before branch
        and bound, ``"none"`` does not, ``"coarse"`` starts from the design of the park solved
        as one annual step (time-resolved parks), ``"auto"`` (default) takes ``"coarse"`` for
        a time-resolved MIP of 20,000 columns and 100 binaries or more (or fewer, without
        stores: then solved first with the one-step answer's binaries held, and ended within
        ``gap`` of the one-step bound), else ``"relaxation"`` from 100 binaries up (one-step
        MIPs at a gap under 1 %: from 1,000).
        A :class:`Result` (or the ids of the links, stores and hub units built) starts from
        that design instead: the MIP is first solved with nothing else new allowed, and branch
        and bound starts from that answer (a sweep's scenarios start from their neighbour's).
    progress
        Called with a short text at each stage and, while HiGHS solves, with the best answer
        so far and how far it is from the bound.
    check_memory
        Before building a time-resolved model, find its size from models of one and two steps and raise
        :class:`symbiosis.memory.ModelTooLarge` if it needs more memory than the machine has,
        rather than running out minutes later.
    keep_on_interrupt
        With HiGHS, Ctrl-C (a notebook's interrupt) while the park is being solved stops the
        search and returns the best answer found by then, as a time limit would (status
        ``time_limit``, ``summary["solver_message"]`` ``"Stopped by Ctrl-C"``; no stream
        values); elsewhere, or with ``keep_on_interrupt=False`` (a loop of solves that Ctrl-C
        should end), it raises KeyboardInterrupt.

    Raises
    ------
    TypeError
        ``park`` is not a :class:`Park`.
    ValueError
        An argument it cannot mean (objective, time_limit, gap, threads, fixed_links, emissions_cap,
        values, start), or
        an existing link in ``fixed_links`` set to False.
    KeyError
        An id in ``fixed_links`` that is no candidate link, store or hub unit.
    symbiosis.memory.ModelTooLarge, symbiosis.solvers.SolverNotAvailable
        The model would not fit in memory; the solver is not installed.
    symbiosis.audit.AuditError
        The solver's answer breaks a balance or limit when checked against the park data.
    """
    _check_arguments(park, objective, time_limit, gap, threads, fixed_links, emissions_cap, values)
    flags = {"log": log, "check_memory": check_memory, "keep_on_interrupt": keep_on_interrupt}
    for name, flag in flags.items():
        if not _is_bool(flag):  # "no" would count as True
            raise TypeError(f"{name} must be True or False, not {flag!r:.40}")
    if not isinstance(solver, str):
        raise TypeError(f"solver is a solver's name, e.g. 'highs' (the default), not {solver!r:.40}")
    check_available(solver)  # before the model is built, not after
    if isinstance(start, str) and start not in START_WORDS:
        raise ValueError(f"start must be one of {', '.join(START_WORDS)}, a Result or the ids of what "
                         f"was built, not {start!r}")
    say = progress_of(progress)
    deadline = Deadline.after(time_limit)
    times: dict[str, float] = {}
    clock = time.perf_counter()
    say("finding candidate links")
    candidates = find_candidates(park)
    steps = time_steps(park, candidates)
    data = to_model_data(park, candidates, steps)
    size = _size_that_fits(park, data, check_memory)
    times["candidates_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    expected = f", about {size.total:,} rows and columns, {memory_needed(size) / GIB:,.1f} GiB" \
        if size is not None else ""
    say(f"building the model ({len(candidates)} candidates, {len(steps)} time step"
        f"{'' if len(steps) == 1 else 's'}{expected})")
    model = build_model(data, objective="emissions" if objective == "emissions" else "cost")
    if emissions_cap is not None:
        model.emissions_limit = pyo.Constraint(expr=model.emissions.total <= emissions_cap)
    _fix_assets(model, fixed_links or {})
    times["build_s"] = time.perf_counter() - clock

    # Today's park first, so that the main solve gets whatever time the limit leaves. It is
    # solved to its end whatever the limit: a baseline cut short would be a wrong "today" (its
    # existing links dropped from it), and it is a small LP of the existing links alone.
    clock = time.perf_counter()
    if any(link.is_existing for link in candidates.links):
        say("solving today's park with its existing links (the baseline)")
    today = SolveOptions(solver=solver, threads=threads)
    baseline = _baseline(park, candidates, data, steps, today)
    times["baseline_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    coarse_bound = math.nan
    keep = VALUES_SHARE * time_limit if time_limit is not None and values is not False else 0.0
    design_answer = None
    if _wants_coarse(start, model, data, steps, solver):
        say("solving the park as one annual step, for a first design")
        seconds = deadline.left(COARSE_SHARE)
        design, coarse_bound, choices = _coarse_design(data, objective, seconds, gap, threads)
        start = design or "auto"
        if design is not None and _binaries(model) < START_FROM_INTEGERS and not data.storages \
                and deadline.left(keep=keep) != 0:
            say("solving the time steps with that design, for a first answer")
            design_answer = _design_answer(model, choices, SolveOptions(
                solver=solver, time_limit=deadline.left(DESIGN_ANSWER_SHARE, keep=keep), mip_gap=gap,
                threads=threads))
            start = "answer" if design_answer.has_solution else start
    # Without stores the one-step model bounds the time-resolved optimum (_coarse_design).
    floor = coarse_bound if objective == "cost" and not data.storages else math.nan
    # From the design's answer no worker beside branch and bound: with so few binaries its
    # search around the answer is the whole MIP again, and it halved HiGHS's share of two cores
    # (an audit: a 4-firm hourly heat park ended 46 % from the bound at 110 s, 8.4 % without it).
    beside = {"concurrent": False} if start == "answer" else {}
    options = SolveOptions(solver=solver, time_limit=deadline.left(keep=keep), mip_gap=gap, threads=threads,
                           log=log, stop_keeps_answer=keep_on_interrupt, known_bound=floor, **beside,
                           **_start_options(model, _design_ids(start, candidates),
                                            capped=emissions_cap is not None))
    if objective == "emissions":
        options = replace(options, time_limit=deadline.left(EMISSIONS_FIRST_SHARE, keep=keep))
    say(f"solving with {solver}")
    if progress is not None:
        unit = park.currency if objective == "cost" else "t CO2"
        options = replace(options, progress=_telling(say, f"solving with {solver}", unit, floor))
    outcome = solve(model, options)
    # Ctrl-C during the search keeps the answer found by then; what would follow it (the least
    # cost at that CO2, the stream values) is left out, since the user asked to stop.
    stopped = outcome.message == STOPPED_MESSAGE
    if objective == "emissions" and outcome.has_solution and not stopped:
        options = replace(options, time_limit=deadline.left(keep=keep))
        if progress is not None:  # the second solve's answers are costs, not t CO2
            stage = f"the least cost at the least CO2, with {solver}"
            say(stage)
            options = replace(options, progress=_telling(say, stage, park.currency))
        outcome = _least_cost_at_least_emissions(model, data, options, outcome)
    elif not data.storages and coarse_bound > _or_lowest(outcome.bound) and (
            # without an answer, what the least cost is at least
            outcome.has_solution or (outcome.status is Status.TIME_LIMIT and objective == "cost")):
        outcome = _with_bound(outcome, coarse_bound)
    if design_answer is not None and design_answer.has_solution and outcome.details.get("start") is None:
        # the first answer branch and bound had: the one-step design's (summary start_source)
        first = FirstAnswer(None, design_answer.objective, math.nan, 0, design_answer.seconds, ONE_STEP_START)
        outcome = replace(outcome, details={**outcome.details, "start": first})
    answer = None  # the model's values as a Solution, kept while no re-solve changes them
    if outcome.has_solution and not stopped:
        polish = _design_lp(model, data, SolveOptions(solver=solver, time_limit=deadline.left(keep=keep),
                                                      threads=threads))
        outcome, answer = _without_idle_assets(model, data, polish, outcome, objective)
        held = _least_store_throughput(model, data, polish, outcome, objective)
        if held is not None:
            outcome, answer = held, None
    explanation, unexplained = [], []
    if outcome.status is Status.INFEASIBLE:
        say("finding what cannot hold")
        # The elastic model is a copy: a design start's variables are not its own, and its
        # objective another: the cost's known bound is none of its own.
        elastic = replace(options, log=False, start="auto", start_held=(), time_limit=deadline.left(),
                          known_bound=math.nan)
        no_time = elastic.time_limit == 0
        violations = [] if no_time else elastic_violations(model, elastic, first=CHOSEN_LIMITS)
        explanation = explain(violations, candidates, data)
        if not explanation:  # not silent (an audit: an empty explanation at --time-limit 0)
            why = "the time limit left no time" if no_time else "its elastic solves found none"
            unexplained = [f"what cannot hold was not found ({why}); {MORE_TIME}"]
    times["solve_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    say("reading the results")
    solution = None
    if outcome.has_solution:
        answer = answer if answer is not None else solution_of(model, data)
        solution = evaluate(park, candidates, data, answer)
    wanted = values if values is not None else outcome.details.get("columns", 0) <= VALUES_UP_TO_COLUMNS
    wanted = wanted and outcome.has_solution and solver == "highs" and not stopped
    worth, values_missing = _values(park, data, model, replace(options, time_limit=deadline.left(),
                                                               known_bound=math.nan)) \
        if wanted else (None, None)
    if values is None:  # found by default, for the report: their absence unasked is no warning (an audit)
        values_missing = None
    times["results_s"] = time.perf_counter() - clock
    result = assemble_result(
        park,
        candidates,
        data,
        outcome,
        solution,
        baseline,
        objective=objective,
        times=times,
        steps=steps,
        values=worth,
    )
    say("auditing the answer")
    findings = audit(park, candidates, steps, result)
    if findings:
        raise AuditError(findings)
    summary = result.summary.copy()
    summary["audit"] = "passed" if result.has_solution else "no solution to audit"
    summary["warnings"] = scaling_warnings(park) + list(outcome.details.get("warnings", [])) \
        + ([values_missing] if values_missing else []) \
        + annual_overstatements(park, result.exchanges, result.candidates) \
        + stores_at_their_largest(data, result.exchanges) \
        + unexplained
    summary["infeasibility"] = explanation
    summary["bound_source"] = outcome.details.get("bound_source", solver)
    # which objective the bound and gap measure: under least emissions, mostly the cost of the
    # second stage (its objective is t CO2 beside a bound in money; an audit read it as one)
    summary["gap_of"] = outcome.details.get("gap_of", "cost" if objective == "cost" else "emissions")
    # what made it other than the park's least-cost answer, for the analyses that need that one
    summary["fixed_links"] = {str(asset): bool(build) for asset, build in (fixed_links or {}).items()}
    summary["emissions_cap"] = None if emissions_cap is None else float(emissions_cap)
    return replace(result, summary=summary)


def check_memory_of(park: Park) -> None:
    """Raise :class:`ModelTooLarge` (before anything is built) when ``park``'s model would not
    fit in this machine's memory, as ``optimize`` does: for a sweep, before its runs start."""
    candidates = find_candidates(park)
    _size_that_fits(park, to_model_data(park, candidates, time_steps(park, candidates)), True)


def _size_that_fits(park: Park, data: ModelData, check_memory: bool):
    """The size of a time-resolved model (None for one step), refused when it cannot fit."""
    steps = len(data.steps)
    size = model_size(data) if steps > 1 else None  # a time-resolved model can outgrow memory
    if check_memory and size is not None:
        where = f"{park.folder / 'park.yaml'}, " if park.folder is not None else ""
        time = park.settings.time  # {typical_days: 4} as written, not its kind alone (an audit)
        written = f"{{{time}}}" if time.typical_days else str(time)
        check_fits(size, f"{park.name} ({where}park.time: {written}, {steps:,} time steps)")
    return size


def progress_of(progress: object) -> Callable[[str], object]:
    """The function to tell progress to (``progress``, or one that says nothing); a ``progress``
    that is no function is refused before any work, not at its first call."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function of one text (such as print), not {progress!r:.60}")
    return progress or (lambda text: None)


def check_goal(objective: object, time_limit: object, gap: object) -> None:
    """Refuse an objective, time limit or gap that no solve can mean (``optimize`` and every run
    of a sweep, before any work)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    if time_limit is not None and (_is_bool(time_limit) or not (
            isinstance(time_limit, numbers.Real) and math.isfinite(time_limit) and time_limit >= 0)):
        raise ValueError(f"time_limit must be a number of seconds >= 0 (or None for no limit), "
                         f"not {time_limit!r}")
    if _is_bool(gap) or not (isinstance(gap, numbers.Real) and 0 <= gap <= 1):
        raise ValueError(f"gap must be a relative MIP gap between 0 and 1 (0.01 for 1 %), not {gap!r}")


def _check_arguments(park: object, objective: object, time_limit: object, gap: object, threads: object,
                     fixed_links: object, emissions_cap: object, values: object) -> None:
    """Refuse what ``optimize`` cannot mean, before any work: a misspelt objective would
    otherwise be solved as least cost, a negative or NaN time limit end without an answer."""
    if not isinstance(park, Park):
        raise TypeError(f"optimize expects a Park from symbiosis.load_park(path), not {type(park).__name__} "
                        f"{park!r:.60}")
    check_goal(objective, time_limit, gap)
    whole = isinstance(threads, numbers.Integral) and not _is_bool(threads)
    if threads is not None and not (whole and threads >= 1):  # type: ignore[operator]
        raise ValueError(f"threads must be a whole number >= 1 (or None for the solver's choice), "
                         f"not {threads!r}")
    if fixed_links is not None and not (isinstance(fixed_links, Mapping) and
                                        all(_is_bool(b) for b in fixed_links.values())):
        raise ValueError("fixed_links must map candidate ids to True (build) or False (do not build), "
                         f"e.g. {{'L001': True}}, not {fixed_links!r:.80}")
    if emissions_cap is not None and (_is_bool(emissions_cap) or not (
            isinstance(emissions_cap, numbers.Real) and math.isfinite(emissions_cap))):
        raise ValueError(f"emissions_cap must be the park's largest emissions in t CO2 a year, a number "
                         f"(or None for no cap), not {emissions_cap!r:.60}")
    if values is not None and not _is_bool(values):
        raise ValueError(f"values must be True, False or None (when the model is small enough), "
                         f"not {values!r:.60}")


def _fix_assets(model: pyo.ConcreteModel, fixed: Mapping[str, bool]) -> None:
    """Hold each candidate asset (link, store, hub unit) of ``fixed`` built (True) or not."""
    blocks = (model.links, model.storage, model.conversion)
    for asset, build in fixed.items():
        block = next((b for b in blocks if asset in b.build), None)
        if block is None:
            raise KeyError(f"no candidate link, store or hub unit '{asset}'; see symbiosis candidates")
        if block.build[asset].fixed and block.build[asset].value != int(build):
            raise ValueError(f"link '{asset}' is an existing link and cannot be left out")
        block.build[asset].fix(int(build))
        if not build:
            block.capacity[asset].fix(0)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _telling(say: Progress, stage: str, unit: str,
             floor: float = math.nan) -> Callable[[SolveProgress], None]:
    """A solver progress callback that tells ``say`` the best answer so far (in ``unit``) and
    how far it is from the bound: HiGHS's, or ``floor`` (the one-step model's, which the answer
    is measured against at the end) where that is higher (an audit: the line said 674 % from
    HiGHS's trivial bound, the result a second later 11.5 %)."""
    def tell(progress: SolveProgress) -> None:
        best = f"best {progress.objective:,.0f} {unit}" if progress.objective == progress.objective \
            else "no answer yet"
        gap = progress.gap
        if floor > _or_lowest(progress.bound) and progress.objective == progress.objective:
            gap = relative_gap(progress.objective, min(floor, progress.objective))
        gap = f", {gap:.1%} from the bound" if gap == gap else ""
        say(f"{stage}: {best}{gap} ({progress.seconds:.0f} s)")
    return tell


def _wants_coarse(start: object, model: pyo.ConcreteModel, data: ModelData, steps, solver: str) -> bool:
    """Whether to start from the annual design (see ``COARSE_FROM_COLUMNS``): a large
    time-resolved MIP of many binaries, or of a few without stores, whose design the annual one
    likely is and whose optimum the one-step model's bounds (``_design_answer``)."""
    if start == "coarse":
        return len(steps) > 1
    if start != "auto" or solver != "highs" or len(steps) <= 1:
        return False
    columns = sum(len(component) for component in model.component_objects(pyo.Var, descend_into=True))
    binaries = _binaries(model)
    return columns >= COARSE_FROM_COLUMNS and (binaries >= START_FROM_INTEGERS
                                               or (binaries > 0 and not data.storages))


def _binaries(model: pyo.ConcreteModel) -> int:
    """How many binaries decide what is built (links, stores, hub units)."""
    return sum(len(binaries) for binaries in asset_binaries(model).values())


def _coarse_design(data: ModelData, objective: str, seconds: float | None, gap: float,
                   threads: int | None) -> tuple[list[str] | None, float, dict[str, list[int]]]:
    """The ids of what the park, solved as one step of its mean rates (``averaged``), builds,
    and of every candidate store, which one step cannot value (nothing to shift): a first design
    for a time-resolved model, whose restricted MIP then sizes the links to the peaks and
    decides the stores; None if that solve found nothing. With it, that solve's bound and the
    values of each asset's binaries in its answer (``asset_binaries``: built, cost curve steps).

    Without stores the one-step model is a relaxation of the time-resolved one (averaging an
    answer over the steps keeps every row, and the cost: Bahl, Kümpel, Seele, Lampe and Bardow
    2017, Comput. Chem. Eng. 107:209), so its bound bounds the time-resolved optimum too."""
    one_step = averaged(data)
    model = build_model(one_step, objective="emissions" if objective == "emissions" else "cost")
    seconds = COARSE_SECONDS if seconds is None else seconds
    # a large one-step MIP only to 1 %: its design is a start; one of a few binaries (a moment's
    # solve) to the gap asked, so that its bound may prove the time-resolved answer optimal
    gap = gap if _binaries(model) < START_FROM_INTEGERS else max(gap, 0.01)
    outcome = solve(model, SolveOptions(time_limit=seconds, mip_gap=gap, threads=threads,
                                        start_share=COARSE_START_SHARE))
    if not outcome.has_solution:
        return None, outcome.bound, {}
    built = [asset for asset, built in solution_of(model, one_step).built.items() if built]
    choices = {asset: [round(var.value or 0) for var in binaries]
               for asset, binaries in asset_binaries(model).items()}
    return built + [store.id for store in data.storages], outcome.bound, choices


def _design_answer(model: pyo.ConcreteModel, choices: Mapping[str, list[int]],
                   options: SolveOptions) -> SolveOutcome:
    """``model`` solved with the binaries of each asset the user left free held as ``choices``
    has them (the one-step answer's: built or not, the cost curve's step), its values loaded
    into the model: an answer to the whole model, found by an LP. The steps of a large park are
    expensive nodes for branch and bound over a few binaries: on an hourly park of 17 binaries
    the design's restricted MIP was 0.1 % above the optimum after 73 s, the design with its
    curve steps left free took 68 s, held as the one-step answer has them an LP of 20 s."""
    held = []
    for asset, binaries in asset_binaries(model).items():
        if asset in choices and not binaries[0].fixed:
            for var, value in zip(binaries, choices[asset], strict=True):
                var.fix(value)
                held.append(var)
    try:
        return solve(model, options)
    finally:
        for var in held:
            var.unfix()


def _or_lowest(bound: float) -> float:
    """A bound the solver did not give (NaN: its own was infinite) is the lowest there is."""
    return bound if bound == bound else -math.inf


def _with_bound(outcome: SolveOutcome, bound: float) -> SolveOutcome:
    """``outcome`` with the one-step model's bound, when it is the higher (branch and bound of
    a large time-resolved model may stop before its root LP, on HiGHS's trivial bound: a 50-firm
    park at 8 typical days x 6 segments said 1,355 % from a bound of -713 M, where the one-step
    model's 40.4 M leaves 29 %)."""
    if outcome.has_solution:
        bound = min(bound, outcome.objective)  # a bound never above the answer (solver tolerances)
    details = {**outcome.details, "bound_source": "one annual step of mean rates"}
    return replace(outcome, bound=bound, gap=relative_gap(outcome.objective, bound), details=details)


def _design_ids(start: str | Result | Iterable[str], candidates: Candidates) -> str | Iterable[str]:
    """A Result's design as this park's candidate ids: its links found by what they connect and
    whether they exist (ids are numbers in the candidates' order, which another version or
    other data may have changed), its stores and hub units by id."""
    if not isinstance(start, Result):
        return start
    ids = {link_identity(row): row.id for row in candidates.table.itertuples()}
    built = []
    for row in start.exchanges.itertuples():
        if row.kind in NOT_LINKS:
            built.append(row.id)
        elif link_identity(row) in ids:
            built.append(ids[link_identity(row)])
    return built


def _start_options(model: pyo.ConcreteModel, start: str | Iterable[str], capped: bool = False) -> dict:
    """``SolveOptions`` fields for a start word, or for a design (the ids built).

    Under an emissions cap "auto" is the relaxation start from ``START_FROM_INTEGERS`` binaries,
    one-step models included (where ``start_pays`` leaves it out at tight gaps): the cap's one
    row couples every link and HiGHS's own heuristics find answers later. Raufoss at a quarter,
    half and three quarters of its Pareto range: 6.3-6.5, 4.6-4.7, 14.3-14.4 s with the start
    against 7.0-7.1, 4.9-5.0, 16.7-17.1 s without (benchmarks/README.md)."""
    if isinstance(start, str):  # "coarse" on an annual park: nothing coarser, the usual start
        start = "auto" if start == "coarse" else start
        if start == "auto" and capped and _binaries(model) >= START_FROM_INTEGERS:
            start = "relaxation"
        return {"start": start}
    built = set(start)
    assets = asset_binaries(model)
    unknown = sorted(str(asset) for asset in built - set(assets))
    if unknown:  # a typo would start from a design without it, unsaid (as fixed_links refuses it)
        raise KeyError(f"start names no candidate link, store or hub unit {', '.join(unknown)}; "
                       "see symbiosis candidates")
    held = tuple(var for asset, binaries in assets.items() if asset not in built for var in binaries)
    return {"start": "design", "start_held": held}


def _values(
    park: Park, data: ModelData, model: pyo.ConcreteModel, options: SolveOptions
) -> tuple[pd.DataFrame | None, str | None]:
    """Dual prices of the balances with the build decisions fixed (the remaining LP), or None
    and why they were not found.

    They are read at the park nudged by :data:`VALUES_NUDGE` toward more supply and less demand
    (a model of its own, the answer's design fixed in it): where a supply exactly meets a demand
    the LP's duals are degenerate, and HiGHS gave either side's slope (an audit: a 2 MW surplus
    piped to a 2 MW need was worth 76.92 NOK/MWh, the boiler it saves, where one more MWh can
    only be cooled, -15 NOK/MWh). Nudged, each value is the slope the README defines: what one
    more unit of a supply, or one unit less of a demand, saves the park.

    Under the least-emissions objective the row holding the CO2 at its least is left out of this
    LP: the answer's design is valued as run at the park's prices (its CO2 at the carbon price).
    Held there, the row's price is that of the last tonne at the least, which nothing beyond it
    can abate: it swamped every value (Hofors-Borlänge: hydrogen 30.8 M SEK/t, the district
    heating -40,701 SEK/MWh, where the design run at its prices says 32,021 SEK/t and 196
    SEK/MWh); and it slows the LP (a generated 20-firm park at 8 typical days, its design fixed:
    5.3 s with the row, 1.1 s without). A cap the caller set (``emissions_cap``) stays: its price
    is a choice."""
    more_time = f"; {MORE_TIME}"
    if options.time_limit == 0:  # nothing left: the LP would end with nothing, after its hand-off
        return None, f"{VALUES_MISSING}: the time limit left their LP no time{more_time}"
    nudged = _nudged(data)
    probe = build_model(nudged, objective="cost")
    cap = model.component("emissions_limit")
    if cap is not None:
        probe.emissions_limit = pyo.Constraint(expr=probe.emissions.total <= pyo.value(cap.upper))
    _fix_integers_as_in(probe, model)
    relax_size_bounds(probe, nudged)
    outcome = solve(probe, _design_lp(probe, nudged, replace(options, duals=True, log=False)))
    if not outcome.has_solution:
        hint = more_time if outcome.status is Status.TIME_LIMIT else ""
        return None, (f"{VALUES_MISSING}: their LP (the design fixed) ended "
                      f"{outcome.status.value} ({outcome.message}){hint}")
    return stream_values(probe, nudged, outcome.details.get("duals", {}), park.currency), None


def _fix_integers_as_in(probe: pyo.ConcreteModel, model: pyo.ConcreteModel) -> None:
    """Every integer variable of ``probe`` fixed at its value in ``model``, a model of the same
    park's candidates (builds, cost-curve steps, partner choices of ``max_partners``)."""
    for component in model.component_objects(pyo.Var, descend_into=True):
        same = probe.find_component(component.name)
        for index, var in component.items():
            if var.is_integer():
                same[index].fix(round(var.value or 0))


def _nudged(data: ModelData) -> ModelData:
    """``data`` with every supply's rate raised and every demand's lowered by :data:`VALUES_NUDGE`
    of itself."""

    def nudge(stream):
        return replace(stream, rate=stream.rate * (1 + (VALUES_NUDGE if stream.is_supply else -VALUES_NUDGE)))

    streams = {key: nudge(stream) for key, stream in data.streams.items()}
    return replace(data, streams=streams)


def _design_lp(model: pyo.ConcreteModel, data: ModelData, options: SolveOptions) -> SolveOptions:
    """``options`` for an LP of ``model`` with its design fixed (the stream values, the answer
    without idle assets, the least store throughput): by dual simplex when the design has a
    store. A store ties every step to the next, and interior point (taken from
    ``IPM_FROM_COLUMNS`` columns) then needs 28-49 slow iterations and a crossover: on hourly
    parks of two firms and one store (61,325 columns) 9-15 s, against 2 s by dual simplex
    (benchmarks/README.md, "Outside the model"); without a store the steps are LPs of their
    own and interior point takes 13-16 iterations, under a second."""
    if _built_stores(model, data):
        return replace(options, lp_method="simplex")
    return options


def _built_stores(model: pyo.ConcreteModel, data: ModelData) -> list[StorageData]:
    """The stores the answer builds."""
    return [store for store in data.storages if (model.storage.build[store.id].value or 0) > 0.5]


@contextmanager
def _design_fixed(model: pyo.ConcreteModel) -> Iterator[Callable[[], None]]:
    """Every integer variable held at the answer's value while inside; yields a function that
    puts every variable back to the answer (for a re-solve that found nothing better)."""
    variables = list(model.component_data_objects(pyo.Var, descend_into=True))
    answer = [var.value for var in variables]

    def keep_answer() -> None:
        for var, value in zip(variables, answer, strict=True):
            var.set_value(value, skip_validation=True)

    fixed = fix_integers(model)
    try:
        yield keep_answer
    finally:
        for var in fixed:
            var.unfix()


@contextmanager
def _least_emissions_loosened(model: pyo.ConcreteModel) -> Iterator[None]:
    """The least-emissions row (``emissions_cap``, if the answer was of the least-emissions
    objective) loosened by 1e-9 of the least plus 1e-6 t while inside.

    With the design fixed and the emissions held exactly at their least, the LP of a td8 park
    with a supply store and a hydrogen hub ended 'Unknown' in HiGHS on every route tried (its
    first LP's cost 0.8 NOK above the answer's, infeasible by 3e-7): at the least the cost
    falls some 7e10 NOK per tonne let through (72 NOK for 1e-9 t), so the row is nearly
    parallel to the held cost. Loosened by 1.7e-5 t both LPs end optimal (a cliff hunt,
    2026-12-06). The flows may then emit that much above the least the answer reports."""
    cap = model.component("emissions_cap")
    if cap is None:
        yield
        return
    least = pyo.value(cap.upper)
    cap.set_value(model.emissions.total <= least + 1e-9 * abs(least) + 1e-6)
    try:
        yield
    finally:
        cap.set_value(model.emissions.total <= least)


def _without_idle_assets(model: pyo.ConcreteModel, data: ModelData, options: SolveOptions,
                         outcome: SolveOutcome, objective: str) -> tuple[SolveOutcome, Solution | None]:
    """The answer without the new assets it pays for but never uses (none carries anything in
    any step): dropping one keeps every row and lowers the cost. Branch and bound may stop on
    such an answer within its gap, and HiGHS once declared one optimal (a truck of 85,764 NOK a
    year carrying nothing, under an emissions cap 1e-12 below the cost optimum's emissions; an
    audit against an independent MILP). An LP with the design fixed and those assets held at
    zero gives the flows; an asset the caller fixed built stays. Also the answer read as a
    :class:`Solution` when it stands unchanged (reading it takes about 1 s on an hourly park)."""
    solution = solution_of(model, data)
    binaries = asset_binaries(model)
    idle = [asset for asset, built in solution.built.items() if built and not binaries[asset][0].fixed
            and carries_nothing(*solution.activity(asset))]
    if not idle or options.time_limit == 0:  # no time left: the LP would end with nothing
        return outcome, solution
    goal = next(model.component_data_objects(pyo.Objective, active=True))
    before = pyo.value(goal.expr)
    with _design_fixed(model) as keep_answer:
        for asset in idle:
            for var in binaries[asset]:
                var.set_value(0)
        cheaper = solve(model, options).has_solution and pyo.value(goal.expr) < before
        if not cheaper:
            keep_answer()
    if not cheaper:
        return outcome, solution
    if objective != "cost":  # the emissions objective reports its CO2, unchanged
        return outcome, None
    cost = pyo.value(goal.expr)
    bound = min(outcome.bound, cost)  # a bound never above the answer
    return replace(outcome, objective=cost, bound=bound, gap=relative_gap(cost, bound)), None


def _least_store_throughput(model: pyo.ConcreteModel, data: ModelData, options: SolveOptions,
                            outcome: SolveOutcome, objective_kind: str) -> SolveOutcome | None:
    """The answer's flows with as little passing through its stores as its cost allows.

    A store on a supply that costs nothing to run may cycle heat into the cooling tower at no
    extra cost (its losses go where the surplus goes anyway), so may one on a demand that links
    fill (what they deliver of its losses goes back to their supplies), and a lossless one
    anywhere, so the solver's flows are one of many equally cheap ones and its throughput arbitrary (audits:
    3,806 MWh a year reported where 2,190 MWh needed shifting; a lossless tank on a supply moved
    6,802 MWh where 2,496 carried the weekends). With the design fixed and the cost held at the
    answer's or below, an LP takes the least throughput (``solve_held``); if it finds none, the
    answer stays as it was. The outcome with the flows' cost (it may be lower than the answer's,
    whose flows branch and bound had left within its gap; the least-emissions objective reports
    its CO2, unchanged), or None when nothing was re-solved."""
    filled_by_links = {store for store, _ in piped_pairs(model)}  # its losses go back to the supply
    cycling = [store.id for store in _built_stores(model, data) if store.running_cost == 0
               and (store.on_supply or store.lossless or store.id in filled_by_links)]
    if not cycling:
        return None
    if options.time_limit == 0:  # nothing left: the LP would end with nothing, after its hand-off
        return _cycling_may_stand(outcome, cycling, "the time limit left its LP no time")
    objective = next(model.component_data_objects(pyo.Objective, active=True))
    cost = pyo.value(objective.expr)
    slack = 1e-9 * abs(cost) + 1e-6
    weights = data.weights
    throughput = [(var, float(weights[t])) for k in cycling for t in model.links.T
                  for var in (model.storage.charge[k, t], model.storage.discharge[k, t])]
    with _design_fixed(model) as keep_answer, _least_emissions_loosened(model):
        held = solve_held(model, throughput, cost + slack, options)
        if not held.has_solution:
            keep_answer()
            # Not silent (a cliff hunt found HiGHS ending 'Unknown' on this LP under the
            # least-emissions objective).
            return _cycling_may_stand(outcome, cycling, f"{held.status}: {held.message}")
    if objective_kind != "cost":
        return outcome
    cost = min(pyo.value(objective.expr), outcome.objective)  # never above the answer's, beyond rounding
    bound = min(outcome.bound, cost)
    return replace(outcome, objective=cost, bound=bound, gap=relative_gap(cost, bound))


def _cycling_may_stand(outcome: SolveOutcome, cycling: list[str], why: str) -> SolveOutcome:
    """``outcome`` warning that its flows stand and its stores may cycle heat at no cost."""
    said = (f"the stores' least throughput was not found ({why}): {', '.join(cycling)} may pass more "
            "through than the answer needs; the costs and emissions are the answer's")
    return replace(outcome, details={**outcome.details, "warnings": [said]})


def _least_cost_at_least_emissions(
    model: pyo.ConcreteModel, data: ModelData, options: SolveOptions, first: SolveOutcome
) -> SolveOutcome:
    """Least cost with emissions at their least. The first answer (the model's values) meets the
    second solve's rows; its flows made the cheapest its design allows at that CO2
    (:func:`_cheapest_flows_of_the_design`), HiGHS starts from it (``start="answer"``) and the
    second has an answer from its first moment; when it has none, the first answer stands, but as
    ``time_limit`` with no gap: its cost was never minimised (free of cost, a link that carries
    nothing may stay built). The outcome's bound and gap are the cost's, unless the first ended
    short of proving the least CO2: then its status, bound and gap (in t CO2) stand.

    It replaced a design start (the MIP with the first answer's unbuilt assets held at zero,
    then the whole MIP from its answer): on Hofors-Borlänge that restricted MIP was nearly as
    hard as the whole (20.5 s, then 27 s) under the exact emissions row."""
    least = first.objective
    # No slack: any would be spent on CO2 that saves money (at 1e-6 of the least, a park of
    # 1.3 Mt a year built a truck emitting 0.88 t, so "least CO2" emitted more than building
    # nothing; at 1e-12 a trickle of slag by truck). The first answer meets this row exactly,
    # and the solver's own feasibility tolerance absorbs float noise.
    model.emissions_cap = pyo.Constraint(expr=model.emissions.total <= least)
    set_objective(model, "cost")
    if options.time_limit == 0:  # nothing left: the solve would end with nothing, after its hand-off
        if first.status is not Status.OPTIMAL:  # the least CO2 not proven: its status, bound, gap stand
            return replace(first, details={**first.details, "gap_of": "emissions"})
        return _least_cost_not_found(first, "no time was left to find their least cost")
    # "none", "relaxation" stay as asked; "answer" is the one-step design's (few binaries)
    if options.solver == "highs" and options.start in ("auto", "design", "answer"):
        deadline = Deadline.after(options.time_limit)
        lp_time = deadline.left(options.start_share)  # the LP's share, the MIP the rest
        _cheapest_flows_of_the_design(model, data, replace(options, time_limit=lp_time))
        options = replace(options, start="answer", start_held=(), time_limit=deadline.left())
    second = solve(model, options)
    # Report the emissions minimum as the objective; the cost is in total_cost.
    if second.has_solution and first.status is not Status.OPTIMAL:
        # the least CO2 itself was not proven (the time limit): its status, bound and gap stand
        return replace(second, objective=least, status=first.status, bound=first.bound, gap=first.gap,
                       details={**second.details, "gap_of": "emissions"})
    if second.has_solution:
        return replace(second, objective=least, details={**second.details, "gap_of": "cost"})
    why = "no time was left to find their least cost" if second.status is Status.TIME_LIMIT \
        else f"their least cost was not found ({second.status}: {second.message})"
    return _least_cost_not_found(first, why)


def _least_cost_not_found(first: SolveOutcome, why: str) -> SolveOutcome:
    """The least-emissions answer standing without its least cost: ``time_limit`` with no gap,
    since its cost was never minimised."""
    return replace(first, status=Status.TIME_LIMIT, gap=math.nan, message=f"the least emissions found; {why}")


def _cheapest_flows_of_the_design(model: pyo.ConcreteModel, data: ModelData, options: SolveOptions) -> None:
    """The model's answer with its flows the cheapest its design allows under the model's rows
    (an LP with the design fixed, within ``options.time_limit``); the answer is kept as it was if
    the LP finds none.

    The least-CO2 answer's flows are one of many at that CO2, chosen without regard to cost:
    on a generated 20-firm park at 8 typical days this LP took 5 s and cut the cost at the least
    CO2 from 75.9 to 68.2 M, where branch and bound from the raw answer had not improved it in
    100 s (its root LP under the dense emissions row unsolved)."""
    lp = replace(_design_lp(model, data, options), start="none", start_held=())
    with _design_fixed(model) as keep_answer:
        if not solve(model, lp).has_solution:
            keep_answer()


def _baseline(park: Park, candidates: Candidates, data: ModelData, steps: TimeSteps,
              options: SolveOptions) -> Evaluation:
    """Today's cost: every stream on its current route, existing links running as they may.

    With existing links, a model of the park with only those (no new link, store or hub unit)
    is solved: a few rows where the main model has hundreds of thousands (200 firms: 1 s
    against 22 s when the main model was solved with every new asset held at zero)."""
    existing = tuple(link for link in candidates.links if link.is_existing)
    if not existing:
        return evaluate(park, candidates, data, Solution.nothing_built(data))
    today = Candidates(links=existing)
    today_data = to_model_data(park, today, steps)
    model = build_model(today_data, objective="cost")
    outcome = solve(model, options)
    if not outcome.has_solution:  # the park itself breaks a rule: say so through the main solve
        return evaluate(park, candidates, data, Solution.nothing_built(data))
    return evaluate(park, today, today_data, solution_of(model, today_data))
