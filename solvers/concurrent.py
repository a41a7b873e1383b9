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
JOB, ANSWER = "job.pickle", "answer.pickle"


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
    offered to the running HiGHS ``h`` as soon as it is found.

    The process is a fresh interpreter (``python -m symbiosis.solvers.concurrent FOLDER``), not
    a fork (HiGHS's threads do not survive one) nor a multiprocessing spawn (which would run
    the caller's script again if it has no ``if __name__ == "__main__"`` guard); the job and
    the answer go through pickles in a temporary folder, removed at the end."""

    def __init__(self, h: highspy.Highs, arrays, held: np.ndarray | None, options: SolveOptions) -> None:
        seconds = None if options.time_limit is None else max(0.0, options.time_limit - WORKER_MARGIN)
        worker_options = replace(options, time_limit=seconds, start_share=1.0, threads=1, log=False,
                                 log_file=None, start_held=(), concurrent=False)
        self._folder = Path(tempfile.mkdtemp(prefix="symbiosis-first-answer-"))
        with open(self._folder / JOB, "wb") as job:
            pickle.dump((arrays, held, worker_options), job, protocol=pickle.HIGHEST_PROTOCOL)
        with open(self._folder / "stderr.txt", "wb") as errors:
            self._process = subprocess.Popen([sys.executable, "-m", __name__, str(self._folder)],
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=errors)
        self.started = time.perf_counter()
        self.answer = None  # a FirstAnswer once the worker is done
        self.offered = False
        h.cbMipUserSolution += self._offer

    def _offer(self, event) -> None:
        """HiGHS asks for a user solution: give the worker's answer once it is there."""
        if self.offered or not self._ready():
            return
        self.offered = True
        if self.answer.values is not None:
            event.data_in.setSolution(self.answer.values)

    def _ready(self) -> bool:
        if self.answer is None and self._process.poll() is not None:
            try:
                with open(self._folder / ANSWER, "rb") as answer:
                    self.answer = pickle.load(answer)
            except (OSError, EOFError, pickle.UnpicklingError):  # the worker died: no answer from it
                self.answer = _no_answer(time.perf_counter() - self.started)
        return self.answer is not None

    def finish(self):
        """The worker's answer if it has one by now (a FirstAnswer, perhaps without values);
        the worker is stopped and its folder removed either way."""
        self._ready()
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        shutil.rmtree(self._folder, ignore_errors=True)
        return self.answer if self.answer is not None else _no_answer(time.perf_counter() - self.started)


def _no_answer(seconds: float):
    from symbiosis.solvers.highs import FirstAnswer

    return FirstAnswer(None, float("nan"), float("nan"), 0, seconds)


def _work(folder: Path) -> None:
    """The worker: read the job, find the first answer, write it (renamed into place whole)."""
    from symbiosis.solvers.highs import find_first_answer

    with open(folder / JOB, "rb") as job:
        arrays, held, options = pickle.load(job)
    answer = find_first_answer(arrays, held, options)
    with open(folder / "answer.partial", "wb") as out:
        pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(folder / "answer.partial", folder / ANSWER)


if __name__ == "__main__":
    _work(Path(sys.argv[1]))
