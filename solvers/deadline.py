"""A time limit held hard: HiGHS in a process of its own, stopped at the limit.

HiGHS checks its time limit between LP iterations and nodes, not inside every LP: in the root
node of a large MIP its separation LPs ran on for 85 s past a 236 s limit (50 firms x 8 typical
days x 6 segments), and ``cancelSolve`` does not reach inside them either (ERGO-Code/HiGHS#885,
open). Users asking for an answer within the meeting need the limit kept. So a large model is
solved by a child process (``python -m symbiosis.solvers.deadline FOLDER``) that streams what
branch and bound has as it goes: each better answer (HiGHS's improving-solution callback) and
where it stands (``SolveOptions.progress``: its answer's objective and bound, at most once a
second), of which the caller's own ``progress`` is told, with the worker's answers. When the
child has not ended KILL_AFTER seconds past the limit, it is killed with the worker it started
beside branch and bound, and the answer is the best streamed one, HiGHS's or the worker's,
measured against the last bound streamed; the status says the time ran out.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from symbiosis.solvers.concurrent import (
    ANSWER,
    IMPROVING,
    NewAnswer,
    read_answer,
    start_process,
    write_answer,
)
from symbiosis.solvers.status import (
    HARD_LIMIT_FROM_COLUMNS,
    KNOWN_BOUND_MESSAGE,
    STOPPED_MESSAGE,
    WITHIN_GAP_MESSAGE,
    ProgressTeller,
    SolveOptions,
    SolveProgress,
    Status,
    relative_gap,
    within_known_bound,
)

# Seconds past the time limit HiGHS is given to stop by itself before it is killed.
KILL_AFTER = 2.0
JOB, RESULT, INCUMBENT, PROGRESS = "job.pickle", "result.pickle", "incumbent.pickle", "progress.pickle"
WORKER = "worker"  # the folder of the worker beside branch and bound


def holds_deadline(arrays, options: SolveOptions) -> bool:
    """Whether ``arrays`` are solved in a process of their own (see ``SolveOptions.hard_limit``):
    a large model with a time limit, or one whose Ctrl-C keeps the best answer (HiGHS looks at
    an interrupt only between the LPs of its root: on a 35-firm park at typical days Ctrl-C took
    104-150 s to act; a process of its own is stopped at once; an audit)."""
    if options.time_limit is None and not options.stop_keeps_answer:
        return False
    if options.hard_limit is not None:
        return options.hard_limit
    return arrays.num_col >= HARD_LIMIT_FROM_COLUMNS


def solve_by_deadline(arrays, held: np.ndarray | None, options: SolveOptions, log_path: str,
                      answer: np.ndarray | None = None):
    """``solvers.highs.solve_here`` in a child process, stopped KILL_AFTER seconds after
    ``options.time_limit`` (if set) if it has not ended, or as soon as the best answer streamed
    (HiGHS's or the worker's beside it) lies within ``options.mip_gap`` of the bound streamed
    or of ``options.known_bound``; a ``HighsAnswer``."""
    from symbiosis.solvers.highs import HighsAnswer

    clock = time.perf_counter()
    # The child gets the limit as a wall-clock time (one clock across processes); this process
    # waits on its own monotonic clock, which the system's clock adjustments do not move.
    limited = options.time_limit is not None
    deadline = time.time() + options.time_limit if limited else None
    give_up = clock + options.time_limit + KILL_AFTER if limited else math.inf
    folder = Path(tempfile.mkdtemp(prefix="symbiosis-deadline-"))
    try:
        # start_held names Pyomo variables (``held`` holds them as columns), progress is the
        # caller's: neither goes to the child.
        write_answer(folder, JOB, (arrays, held, replace(options, start_held=(), progress=None), log_path,
                                   deadline, answer))
        child = start_process(__name__, folder, own_group=True)
        watch = _Watch(folder, options.progress, clock)
        stopped = False
        reached = ""  # why the answer streamed is enough, if it is
        try:
            while child.poll() is None and time.perf_counter() < give_up:
                time.sleep(0.05)
                watch.look()
                # HiGHS may not take the worker's answer offered it (an audit: 3.3 % from the
                # bound at 33 s with --gap 0.05, and the run went on to its limit)
                if arrays.is_mip and watch.within(options.mip_gap):
                    reached = f"{WITHIN_GAP_MESSAGE}; HiGHS stopped then"
                    break
                if arrays.is_mip and within_known_bound(watch.best(), options):
                    reached = f"{KNOWN_BOUND_MESSAGE}; HiGHS stopped then"
                    break
        except KeyboardInterrupt:
            if not options.stop_keeps_answer:
                raise
            stopped = True
        finally:  # the limit passed, or Ctrl-C: the child goes, with the worker it started
            killed = child.poll() is None
            if killed:
                _kill(child)
        answer = read_answer(folder / RESULT)
        if isinstance(answer, HighsAnswer):
            seconds = time.perf_counter() - clock - answer.pass_seconds
            return replace(answer, seconds=seconds, own_process=True)
        return _streamed(arrays, folder, killed=killed, returncode=child.returncode,
                         seconds=time.perf_counter() - clock, stopped=stopped, reached=reached)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Watch:
    """Tells ``progress`` where the child stands: the cheapest answer of HiGHS and the worker
    beside it, and HiGHS's bound, as they move (``ProgressTeller``)."""

    def __init__(self, folder: Path, progress, clock: float) -> None:
        self._teller = ProgressTeller(progress, clock) if progress is not None else None
        self._files = (NewAnswer(folder / PROGRESS), NewAnswer(folder / WORKER / IMPROVING))
        self._highs = self._worker = self._bound = math.nan

    def look(self) -> None:
        highs, worker = (file.read() for file in self._files)
        if highs is not None:
            self._highs, self._bound = highs.objective, highs.bound
        if worker is not None and worker.values is not None:
            self._worker = worker.objective
        if self._teller is not None:
            self._teller.tell(self.best(), self._bound)

    def best(self) -> float:
        """The cheapest answer streamed (NaN if none)."""
        return min((v for v in (self._highs, self._worker) if not math.isnan(v)), default=math.nan)

    def within(self, gap: float) -> bool:
        """Whether the best answer streamed lies within ``gap`` of the bound streamed."""
        best = self.best()
        return not math.isnan(best + self._bound) and relative_gap(best, self._bound) <= gap


def _kill(child) -> None:
    """Kill ``child`` and every process in its group (the worker beside branch and bound)."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
    else:  # pragma: no cover (not POSIX)
        child.kill()
    child.wait()


def _streamed(arrays, folder: Path, *, killed: bool, returncode: int | None, seconds: float,
              stopped: bool = False, reached: str = ""):
    """The answer of a child that did not finish (``killed`` at the limit or when Ctrl-C
    ``stopped`` the wait, or ended with ``returncode``, or stopped as ``reached`` says, an
    answer within the gap asked): the cheapest answer it streamed, HiGHS's or the worker's,
    against the last bound it streamed."""
    from symbiosis.solvers.highs import HighsAnswer

    incumbent = read_answer(folder / INCUMBENT)  # (values, objective)
    worker = [read_answer(folder / WORKER / name) for name in (IMPROVING, ANSWER)]
    candidates = [incumbent] if incumbent is not None else []
    candidates += [(first.values, first.objective) for first in worker
                   if first is not None and first.values is not None]
    values, objective = min(candidates, key=lambda answer: answer[1]) if candidates else (None, math.nan)
    progress = read_answer(folder / PROGRESS)
    bound = progress.bound if progress is not None else math.nan
    gap = relative_gap(objective, bound) if values is not None else math.nan
    first = next((answer for answer in reversed(worker) if answer is not None), None)
    if reached and values is not None:
        status, message = Status.OPTIMAL, reached
    elif stopped:
        status, message = Status.TIME_LIMIT, STOPPED_MESSAGE
    elif killed:
        status = Status.TIME_LIMIT
        message = "Time limit reached (HiGHS did not stop by itself: stopped at the limit)"
    else:
        status = Status.ERROR
        message = f"HiGHS's process ended without an answer ({_why_it_ended(folder, returncode)})"
    return HighsAnswer(status=status, message=message, has_solution=values is not None, values=values,
                       objective=objective, bound=bound if arrays.is_mip else math.nan, gap=gap,
                       row_duals=None, first=first, pass_seconds=0.0, seconds=seconds, own_process=True)


def _why_it_ended(folder: Path, returncode: int | None) -> str:
    """The last line the child wrote on stderr (a Python error names itself there), else the
    signal that ended it, else its exit status."""
    try:
        lines = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        lines = []
    if lines:
        return lines[-1].strip()
    if returncode is not None and returncode < 0:
        if -returncode == signal.SIGKILL:
            return "killed, as the system does when it runs out of memory"
        return f"ended by signal {signal.Signals(-returncode).name}"
    return f"exit status {returncode}"


def _work(folder: Path) -> None:
    """The child: solve the job with what is left of its time, streaming each better answer and
    where it stands, then write the whole answer."""
    from symbiosis.solvers.highs import solve_here

    arrays, held, options, log_path, deadline, answer = read_answer(folder / JOB)
    def on_incumbent(values: np.ndarray, objective: float) -> None:
        write_answer(folder, INCUMBENT, (values, objective))

    def on_progress(progress: SolveProgress) -> None:
        write_answer(folder, PROGRESS, progress)

    options = replace(options, time_limit=None if deadline is None else max(0.0, deadline - time.time()),
                      hard_limit=False, progress=on_progress)
    solved = solve_here(arrays, held, options, log_path, on_incumbent=on_incumbent,
                        worker_folder=str(folder / WORKER), answer=answer)
    write_answer(folder, RESULT, solved)


if __name__ == "__main__":
    _work(Path(sys.argv[1]))
