"""Decomposition by time step for time-resolved LP relaxations: a measurement, not the product.

    python benchmarks/decompose.py --case 50:week --check 10:week --time-limit 600 --out /tmp/dec

The LP relaxation of a park without stores couples its time steps only through the design
(builds, sizes, cost-curve fills, partner choices): given a design, each step is an LP of its own.
Benders decomposition (Benders 1962; Geoffrion 1972) keeps the design in a master LP and asks each
step's LP for its cost and the cost's slope in the design (its row duals), one cut per step
("multi-cut", Birge and Louveaux 1988). The master's value is a lower bound of the relaxation,
the design's cost with its steps' costs an upper bound; the gap between them says how far the
answer can be off. Plain Benders jumps between far-apart designs; the in-out separation of
Ben-Ameur and Neto (2007) asks the steps about a point between the master's design and a stability
centre instead: on 50 firms over a week, side by side, plain Benders was 4.1 % from the bound after
390 s, in-out 0.16 %. Cuts the master leaves slack are dropped every few iterations.

The split is read from the model symbiosis builds (``models.build_model``): a column whose Pyomo
component is indexed by the time steps (``links.T``, last) belongs to that step, every other
column is design; a row belongs to the one step whose columns it holds (a row over two steps, as a
store's, stops the split). ``--check`` solves a small case both ways and compares the optima.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import count, repeat
from pathlib import Path

import highspy
import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
INF = highspy.kHighsInf


def model_arrays(firms: int, resolution: str, work: Path):
    """The LP relaxation's HiGHS arrays of a generated park, and each column's step (-1: design)."""
    from run import park_folder, time_steps

    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data
    from symbiosis.solvers.handoff import to_arrays

    park = load_park(park_folder(work, firms))
    data = to_model_data(park, find_candidates(park), time_steps(park, resolution))
    model = build_model(data)
    arrays, form = to_arrays(model)
    steps = {step: i for i, step in enumerate(model.links.T)}
    timed: dict[int, bool] = {}
    column_step = np.full(arrays.num_col, -1)
    for i, var in enumerate(form.columns):
        component = var.parent_component()
        if id(component) not in timed:
            sets = list(component.index_set().subsets()) if component.is_indexed() else []
            timed[id(component)] = bool(sets) and sets[-1] is model.links.T
        if timed[id(component)]:
            index = var.index()
            column_step[i] = steps[index[-1] if isinstance(index, tuple) else index]
    arrays.integer[:] = False  # the LP relaxation
    return arrays, column_step


def _highs_lp(cost, lower, upper, row_lower, row_upper, matrix: sp.csc_array) -> highspy.Highs:
    """A quiet HiGHS holding this LP, handed over as symbiosis hands its models."""
    from symbiosis.solvers.highs import HighsArrays

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    HighsArrays(offset=0.0, cost=cost, lower=lower, upper=upper, row_lower=row_lower, row_upper=row_upper,
                start=matrix.indptr.astype(np.int32), index=matrix.indices.astype(np.int32),
                value=matrix.data, integer=np.zeros(matrix.shape[1], dtype=bool)).pass_to(h)
    return h


@dataclass
class StepLp:
    """One step's LP: its rows hold the design through ``design_part``, moved to their bounds."""

    highs: highspy.Highs
    row_lower: np.ndarray
    row_upper: np.ndarray
    design_part: sp.csr_array

    def _least_cost(self, lower: np.ndarray, upper: np.ndarray) -> float:
        """Solve with the rows' bounds set to ``lower`` and ``upper``."""
        rows = len(lower)
        self.highs.changeRowsBounds(rows, np.arange(rows, dtype=np.int32), lower, upper)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"a step's LP ended {status}: the split needs steps feasible for any design")
        return self.highs.getInfo().objective_function_value

    def cost_and_slope(self, design: np.ndarray) -> tuple[float, np.ndarray]:
        """The step's least cost with ``design`` fixed, and its slope in the design."""
        shift = self.design_part @ design
        cost = self._least_cost(self.row_lower - shift, self.row_upper - shift)  # an infinite bound stays so
        duals = np.asarray(self.highs.getSolution().row_dual)
        # Moving the design by d moves the rows' bounds by -design_part d, the cost by -duals . that.
        return cost, -(self.design_part.T @ duals)

    def least_cost(self) -> float:
        """The step's cost with its design rows dropped: no design makes it cheaper, so it bounds
        the master's cost column from below (without it the first masters are unbounded)."""
        free = np.diff(self.design_part.indptr) > 0
        return self._least_cost(np.where(free, -INF, self.row_lower), np.where(free, INF, self.row_upper))


def split(arrays, column_step: np.ndarray) -> tuple[highspy.Highs, list[StepLp], np.ndarray]:
    """The master LP (design columns, then one cost column per step) and the steps' LPs."""
    from run import sp_csc

    matrix = sp_csc(arrays).tocsr()
    entry_row = np.repeat(np.arange(arrays.num_row), np.diff(matrix.indptr))
    entry_step = column_step[matrix.indices]
    row_step = np.full(arrays.num_row, -1)
    np.maximum.at(row_step, entry_row, entry_step)
    lowest = np.full(arrays.num_row, np.iinfo(np.int64).max)
    np.minimum.at(lowest, entry_row, np.where(entry_step < 0, np.iinfo(np.int64).max, entry_step))
    if np.any((row_step >= 0) & (lowest != row_step)):
        raise ValueError("a row spans two time steps (a store?): this split needs independent steps")
    design = np.flatnonzero(column_step < 0)
    steps = []
    for step in range(column_step.max() + 1):
        rows, columns = np.flatnonzero(row_step == step), np.flatnonzero(column_step == step)
        block = matrix[rows]
        steps.append(StepLp(
            _highs_lp(arrays.cost[columns], arrays.lower[columns], arrays.upper[columns],
                      arrays.row_lower[rows], arrays.row_upper[rows], block[:, columns].tocsc()),
            arrays.row_lower[rows], arrays.row_upper[rows], block[:, design].tocsr()))
    rows = np.flatnonzero(row_step < 0)
    n = len(steps)
    master = _highs_lp(
        np.concatenate([arrays.cost[design], np.ones(n)]),
        np.concatenate([arrays.lower[design], [step.least_cost() for step in steps]]),
        np.concatenate([arrays.upper[design], np.full(n, INF)]),
        arrays.row_lower[rows], arrays.row_upper[rows],
        sp.hstack([matrix[rows][:, design], sp.csc_array((len(rows), n))]).tocsc())
    return master, steps, design


def drop_slack_cuts(master: highspy.Highs, kept_rows: int) -> None:
    """Delete the cuts (rows past ``kept_rows``) that the master's answer leaves slack: each is
    a dense row over the design, and the master's LP slows with their number (3/4 of the time
    at 50 firms over a week without this); a dropped cut that matters again is found again."""
    solution = master.getSolution()
    _, _, row_lower, _, _ = master.getRows(master.getNumRow(), np.arange(master.getNumRow(), dtype=np.int32))
    activity, dual = np.asarray(solution.row_value), np.asarray(solution.row_dual)
    slack = (activity - row_lower > 1e-6 * np.maximum(1.0, np.abs(row_lower))) & (np.abs(dual) < 1e-12)
    slack[:kept_rows] = False
    if slack.any():
        master.deleteRows(int(slack.sum()), np.flatnonzero(slack).astype(np.int32))


def benders(arrays, column_step, time_limit: float, gap: float, in_out: float = 0.5,
            drop_every: int = 5, threads: int = 2) -> list[dict]:
    """Multi-cut Benders with in-out separation; one line per iteration. The step LPs are
    solved on ``threads`` threads (highspy lets go of the GIL while HiGHS runs)."""
    clock = time.perf_counter()
    master, steps, design = split(arrays, column_step)
    kept_rows = master.getNumRow()
    n, width = len(steps), len(design)
    design_cost = arrays.cost[design]
    trial = np.clip(np.zeros(width), arrays.lower[design], arrays.upper[design])
    centre = trial.copy()
    best, bound, lines = INF, -INF, []
    split_s = time.perf_counter() - clock
    steps_s = master_s = 0.0
    with ThreadPoolExecutor(threads) as pool:
        for iteration in count():
            # In-out: a point between the master's design and the centre; the design itself when the
            # last cuts did not raise the bound (the centre then holds the answer back).
            stalled = len(lines) > 1 and \
                lines[-1]["bound"] - lines[-2]["bound"] <= 1e-9 * abs(lines[-1]["bound"])
            point = trial if iteration == 0 or stalled else in_out * trial + (1 - in_out) * centre
            tick = time.perf_counter()
            costs, slopes = zip(*pool.map(StepLp.cost_and_slope, steps, repeat(point)), strict=True)
            steps_s += time.perf_counter() - tick
            best = min(best, arrays.offset + design_cost @ point + sum(costs))
            starts, index, value, lower = [], [], [], []
            for k, (cost, slope) in enumerate(zip(costs, slopes, strict=True)):
                touched = np.flatnonzero(slope)
                starts.append(len(index))
                index.extend([*touched.tolist(), width + k])
                value.extend([*(-slope[touched]).tolist(), 1.0])
                lower.append(cost - slope @ point)  # step k's cost >= cost + slope . (design - point)
            tick = time.perf_counter()
            master.addRows(n, np.array(lower), np.full(n, INF), len(index), np.array(starts, dtype=np.int32),
                           np.array(index, dtype=np.int32), np.array(value))
            master.run()
            master_s += time.perf_counter() - tick
            if master.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                trial = np.asarray(master.getSolution().col_value)[:width]
                bound = arrays.offset + master.getInfo().objective_function_value
                if drop_every and iteration % drop_every == drop_every - 1:
                    drop_slack_cuts(master, kept_rows)
            centre = 0.5 * centre + 0.5 * point
            seconds = time.perf_counter() - clock
            left = (best - bound) / abs(best) if np.isfinite(bound) else INF
            lines.append({"iteration": iteration, "seconds": seconds, "bound": bound, "answer": best,
                          "gap": left, "split_s": split_s, "steps_s": steps_s, "master_s": master_s,
                          "cuts": master.getNumRow()})
            print(f"{iteration} {seconds:.1f} s bound {bound:,.0f} answer {best:,.0f} gap {left:.2e}",
                  flush=True)
            if left <= gap or seconds >= time_limit:
                return lines


def monolithic(arrays, time_limit: float) -> tuple[float, float]:
    """The relaxation solved whole as symbiosis solves it (HiGHS, its LP method chosen by size)."""
    from symbiosis.solvers.highs import choose_lp_method
    from symbiosis.solvers.status import SolveOptions

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    choose_lp_method(h, arrays, SolveOptions())
    arrays.pass_to(h)
    clock = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - clock
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return float("nan"), seconds
    return h.getInfo().objective_function_value, seconds  # pass_to hands HiGHS the offset


def _case(text: str) -> tuple[int, str]:
    firms, _, resolution = text.partition(":")
    return int(firms), resolution or "week"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="50:week", help="FIRMS:RESOLUTION, as run.py's (LP relaxation)")
    parser.add_argument("--check", default="10:week", help="a case solved both ways, to compare optima")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--gap", type=float, default=1e-5, help="stop at this relative gap")
    parser.add_argument("--in-out", type=float, default=0.5, help="1 is plain Benders")
    parser.add_argument("--threads", type=int, default=2, help="threads for the step LPs")
    parser.add_argument("--work", type=Path, default=Path("/tmp/symbiosis-bench"))
    parser.add_argument("--out", type=Path, help="folder for decompose.md")
    parser.add_argument("--force", action="store_true", help="replace an existing decompose.md in --out")
    args = parser.parse_args(argv)
    if args.out and (args.out / "decompose.md").exists() and not args.force:
        parser.error(f"{args.out / 'decompose.md'} exists: pass --force to replace it, or another --out")
    report = [f"# Decomposition by time step ({datetime.now():%Y-%m-%d %H:%M})", "",
              f"`python benchmarks/decompose.py --case {args.case} --check {args.check} "
              f"--time-limit {args.time_limit:g} --gap {args.gap:g} --in-out {args.in_out:g} "
              f"--threads {args.threads}`", ""]
    arrays, column_step = model_arrays(*_case(args.check), args.work)
    whole, _ = monolithic(arrays, args.time_limit)
    lines = benders(arrays, column_step, args.time_limit, args.gap, args.in_out, threads=args.threads)
    report += [f"Check, {args.check}: whole {whole:,.2f}, decomposed: bound {lines[-1]['bound']:,.2f}, "
               f"answer {lines[-1]['answer']:,.2f} after {len(lines)} iterations "
               f"(relative difference to the whole: {abs(lines[-1]['bound'] - whole) / abs(whole):.1e}).", ""]
    arrays, column_step = model_arrays(*_case(args.case), args.work)
    report += [f"{args.case}, LP relaxation: {arrays.num_col:,} columns, {arrays.num_row:,} rows, "
               f"{int((column_step < 0).sum()):,} of them design, {column_step.max() + 1} steps.", ""]
    whole, seconds = monolithic(arrays, args.time_limit)
    answer = f"{whole:,.0f} in {seconds:.1f} s" if np.isfinite(whole) else f"no answer in {seconds:.1f} s"
    report += [f"Whole (HiGHS on the model as `optimize` hands it over): {answer}.", "", "Decomposed:", "",
               "| iteration | seconds | bound | answer | gap | steps' LPs s | master s | master rows |",
               "|---|---|---|---|---|---|---|---|"]
    lines = benders(arrays, column_step, args.time_limit, args.gap, args.in_out, threads=args.threads)
    shown = [line for line in lines if line["iteration"] % 5 == 0 or line is lines[-1]]
    report += [f"| {x['iteration']} | {x['seconds']:.1f} | {x['bound']:,.0f} | {x['answer']:,.0f} "
               f"| {x['gap']:.2e} | {x['steps_s']:.1f} | {x['master_s']:.1f} | {x['cuts']:,} |"
               for x in shown]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        (args.out / "decompose.md").write_text(text)


if __name__ == "__main__":
    main()
