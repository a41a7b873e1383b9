"""The first answer of a large MIP found beside branch and bound, not before it.

A time-resolved park's first answer (the restricted MIP of a design or relaxation start) needs
about as long as HiGHS's root LP: on 50 firms at 8 typical days of 6 segments, 105 s for the
restricted MIP to reach its own 1 % gap (58.3 M after 60 s, 56.1 M after 105 s) and about
150 s for the root LP. Run one after the other within a 300 s limit, each gets too little. On
two cores they run side by side: the restricted MIP in a process of its own, with the whole
time limit, while HiGHS works on the whole MIP; its answer is handed to HiGHS through HiGHS's
user-solution callback, which HiGHS calls during the root node and before each dive of branch
and bound. If HiGHS is still inside one LP when the time is up, the answer is taken as it is
(it is feasible for the whole MIP: the restricted MIP only holds columns at zero).
"""

from __future__ import annotations

import math
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np

from symbiosis.solvers.status import IPM_FROM_COLUMNS, SolveOptions

# From this many columns up, with two cores or more, the first answer is found beside branch
# and bound (``SolveOptions.concurrent`` = None); smaller MIPs find it first, in a moment.
CONCURRENT_FROM_COLUMNS = IPM_FROM_COLUMNS
# Seconds kept back from the worker's time limit for starting its process and handing its
# answer back.
WORKER_MARGIN = 5.0
JOB, ANSWER, IMPROVING = "job.pickle", "answer.pickle", "improving.pickle"


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def wants_concurrent(columns: int, options: SolveOptions) -> bool:
    """Whether the first answer is found beside branch and bound (see the module docstring)."""
    if options.concurrent is not None:
        return options.concurrent
    return columns >= CONCURRENT_FROM_COLUMNS and cores() >= 2 and options.threads != 1


class BesideBranchAndBound:
    """A first-answer search (``solvers.highs.find_first_answer``) in a process of its own,
    offered to the running HiGHS ``h`` as it goes.

    The process is a fresh interpreter (:func:`start_process`); the job and the answers go
    through pickles in ``folder`` (a temporary one if None), removed at the end. The worker
    writes each better answer of its restricted MIP as it finds one, so an answer is not lost
    when HiGHS stops before the restricted MIP ends (seen on 50 firms x 8 typical days x 6
    segments at 300 s: 22.9 % from the bound with HiGHS's own answer alone)."""

    def __init__(self, h: highspy.Highs, arrays, held: np.ndarray | None, options: SolveOptions,
                 folder: str | None = None) -> None:
        seconds = None if options.time_limit is None else max(0.0, options.time_limit - WORKER_MARGIN)
        worker_options = replace(options, time_limit=seconds, start_share=1.0, threads=1, log=False,
                                 log_file=None, start_held=(), concurrent=False, hard_limit=False,
                                 progress=None, stop_keeps_answer=False)
        if folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="symbiosis-first-answer-"))
        else:
            self._folder = Path(folder)
            self._folder.mkdir(parents=True, exist_ok=True)
        write_answer(self._folder, JOB, (arrays, held, worker_options))
        self._process = start_process(__name__, self._folder)
        self.started = time.perf_counter()
        self.latest = None  # the best answer read so far: the final one, or one on the way
        self._ended = False  # the worker has ended and its final answer was read
        self._improving = NewAnswer(self._folder / IMPROVING)
        self._offered = math.inf  # objective of the answer last given to HiGHS
        h.cbMipUserSolution += self._offer

    def _offer(self, event) -> None:
        """HiGHS asks for a user solution: give the worker's best answer if it is new."""
        self._read()
        if self.latest is not None and _cost(self.latest) < self._offered:
            self._offered = self.latest.objective
            event.data_in.setSolution(self.latest.values)

    def _read(self) -> None:
        """Read the worker's latest better answer if it is new, and its final one once it has
        ended (none if it died)."""
        if self._ended:
            return
        ended = self._process.poll() is not None
        self._keep(self._improving.read())
        if ended:
            self._ended = True
            self._keep(read_answer(self._folder / ANSWER))

    def _keep(self, answer) -> None:
        """Keep ``answer`` if it is the first read or cheaper than the best so far."""
        if answer is not None and (self.latest is None or _cost(answer) < _cost(self.latest)):
            self.latest = answer

    def finish(self):
        """The worker's best answer by now (a FirstAnswer, perhaps without values): its final
        one, or the last better one it found before being stopped. The worker is stopped and
        its folder removed either way."""
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._read()
        shutil.rmtree(self._folder, ignore_errors=True)
        return self.latest if self.latest is not None else _no_answer(time.perf_counter() - self.started)


def _no_answer(seconds: float):
    from symbiosis.solvers.highs import FirstAnswer

    return FirstAnswer(None, float("nan"), float("nan"), 0, seconds)


def _cost(answer) -> float:
    """An answer's objective; infinite if it holds no values."""
    return answer.objective if answer.values is not None else math.inf


class NewAnswer:
    """The answer another process writes (and renames into place) at ``path``, read only when
    it is new since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = None  # (inode, mtime) of the version read last

    def read(self):
        """The answer at ``path`` if it changed since the last read, else None."""
        try:
            stat = os.stat(self.path)
        except OSError:  # none written yet
            return None
        if (stat.st_ino, stat.st_mtime_ns) == self._seen:
            return None
        self._seen = (stat.st_ino, stat.st_mtime_ns)
        return read_answer(self.path)


def read_answer(path: Path):
    """What is pickled at ``path``, or None if there is nothing (or its writer died writing it)."""
    try:
        with open(path, "rb") as answer:
            return pickle.load(answer)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None


def write_answer(folder: Path, name: str, answer) -> None:
    """Pickle ``answer`` as ``folder/name``, renamed into place whole so a reader never sees
    half of it."""
    partial = folder / (name + ".partial")
    with open(partial, "wb") as out:
        pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, folder / name)


def start_process(module: str, folder: Path, *, own_group: bool = False) -> subprocess.Popen:
    """``python -m module folder`` in a fresh interpreter, its errors in ``folder/stderr.txt``;
    in a process group of its own if ``own_group`` (so it can be stopped with what it started).

    Not a fork (HiGHS's threads do not survive one) nor a multiprocessing spawn (which would
    run the caller's script again if it has no ``if __name__ == "__main__"`` guard)."""
    with open(folder / "stderr.txt", "wb") as errors:
        return subprocess.Popen([sys.executable, "-m", module, str(folder)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=errors, start_new_session=own_group)


def _work(folder: Path) -> None:
    """The worker: read the job, find the first answer, search its neighbourhood with the time
    left (``highs.search_neighbourhood``), writing each better answer on the way, then the
    final one."""
    from symbiosis.solvers.highs import find_first_answer, search_neighbourhood

    arrays, held, options = read_answer(folder / JOB)

    def tell(better) -> None:
        write_answer(folder, IMPROVING, better)

    answer = find_first_answer(arrays, held, options, on_improving=tell)
    write_answer(folder, IMPROVING, answer)  # also when HiGHS found it without calling back (presolve)
    answer = search_neighbourhood(arrays, answer, options, on_improving=tell)
    write_answer(folder, ANSWER, answer)


if __name__ == "__main__":
    _work(Path(sys.argv[1]))
