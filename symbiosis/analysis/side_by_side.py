"""Re-solves of one park in worker processes, each of which loads the park from its folder.

A :class:`~symbiosis.park.Park` does not pickle, so a worker loads the park's folder again and
checks that it is the same park data (its fingerprint) before each task. Workers are spawned,
not forked: HiGHS's threads do not survive a fork. A script that asks for more than one worker
must therefore start under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from symbiosis.analysis.common import ResultMismatch
from symbiosis.candidates import find_candidates
from symbiosis.memory import available_memory, memory_needed
from symbiosis.models.size import model_size
from symbiosis.park import Park
from symbiosis.problem import to_model_data
from symbiosis.time import time_steps

_park: Park | None = None  # the park a worker loaded, set by its initializer
Key = TypeVar("Key")


class ParkChanged(ResultMismatch):
    """The park's files changed while its re-solves ran in worker processes."""


def reloadable(park: Park) -> bool:
    """Whether worker processes can load the same park from its folder (a scenario or ``--set``
    would be lost on the way, as for a sweep, and so would a park changed in memory)."""
    return park.folder is not None and park.scenario is None and not park.overrides and park.as_loaded


def usable_workers(park: Park, workers: int) -> int:
    """How many of ``workers`` may run: 1 (none beside this process) when the park cannot be
    loaded again from its folder (:func:`reloadable`), and fewer when their models would not fit
    in memory beside this process's own: each worker builds a model of the park, about
    :func:`~symbiosis.memory.memory_needed` of it (a one-step model is small enough to leave out)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number of processes >= 1 (1: none beside this one), "
                         f"not {workers!r:.40}")
    if workers < 2 or not reloadable(park):
        return 1
    candidates = find_candidates(park)
    steps = time_steps(park, candidates)
    if len(steps) < 2:
        return workers
    one_model = memory_needed(model_size(to_model_data(park, candidates, steps)))
    models = available_memory() // one_model
    return int(max(1, min(workers, models - 1)))


def workers_for(park: Park, workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes, each holding ``park`` loaded from its folder."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_load, initargs=(str(park.folder),))


def as_done(futures: Mapping[Future, Key]) -> Iterator[tuple[Key, Any]]:
    """``(key, result)`` of each of ``futures`` as it ends. Should one fail (or Ctrl-C come), the
    tasks not yet started are cancelled, so that leaving the pool does not wait for them."""
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def worker_park(fingerprint: str, command: str) -> Park:
    """The park this worker loaded, if it is the park data of ``fingerprint``."""
    if _park is None or _park.fingerprint != fingerprint:
        raise ParkChanged(f"the park's files in {_park.folder if _park else 'its folder'} changed while "
                          f"{command} ran, so the result is of other park data: run it again")
    return _park


def _load(folder: str) -> None:
    global _park
    from symbiosis.park import load_park

    _park = load_park(folder)
