"""Whether a park's model fits in this machine's memory, told before it is built.

Building a model too large for the machine ends minutes later in a ``MemoryError`` or in the
system killing the process (50 firms hourly, ``benchmarks/README.md``: "where it stops").
The size of the model is known from models of one and two steps (``models/size.py``); the
memory it needs per row and column was measured on the benchmark ladder.
"""

from __future__ import annotations

import contextlib
import math
import resource
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symbiosis.models.size import ModelSize

# Peak resident memory per row plus column of large models, less the interpreter
# (benchmarks/results/results.csv, 2026-12-01: the case's process plus its largest child).
# An LP, 1.9-2.4 KiB: the Pyomo model with its arrays about 0.9 KiB (20 firms hourly: 5,969 MiB
# for 6.8 M rows plus columns), HiGHS's copy while it solves about 1.1 KiB (the floor of the
# 50-firm week LP: 1,332 MiB for 1.03 M). A MIP, 2.8-3.8 KiB: from 20,000 columns a second
# HiGHS searches beside branch and bound in a process of its own (50 firms x 8 typical days x
# 6 segments 3.8, 100 x 4 x 6 2.8, 200 x 2 x 4 3.7).
LP_BYTES_PER_ROW_AND_COLUMN = 2.0 * 1024
MIP_BYTES_PER_ROW_AND_COLUMN = 3.5 * 1024
INTERPRETER_BYTES = 200 * 1024**2  # Python, Pyomo, pandas and HiGHS loaded
GIB = 1024**3


class ModelTooLarge(Exception):
    """The model of a park would need more memory than this machine has."""


def memory_needed(size: ModelSize) -> float:
    """Bytes of memory that building and solving a model of ``size`` needs, about."""
    return INTERPRETER_BYTES + _per_row_and_column(size) * size.total


def largest_model(available: float, *, mip: bool) -> float:
    """Rows plus columns of the largest model whose :func:`memory_needed` is ``available``."""
    per = MIP_BYTES_PER_ROW_AND_COLUMN if mip else LP_BYTES_PER_ROW_AND_COLUMN
    return max(0.0, available - INTERPRETER_BYTES) / per


def _per_row_and_column(size: ModelSize) -> float:
    return MIP_BYTES_PER_ROW_AND_COLUMN if size.integers else LP_BYTES_PER_ROW_AND_COLUMN


def available_memory() -> float:
    """Bytes this process may still use: the least of the memory the system has available,
    its address-space limit (``ulimit -v``) and its control group's limit (containers);
    infinite where none of them can be read."""
    limits = [_meminfo_available(), _cgroup_left()]
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(float(soft))
    return min((x for x in limits if x is not None), default=math.inf)


def check_fits(size: ModelSize, what: str, *, available: float | None = None) -> None:
    """Raise :class:`ModelTooLarge` if a model of ``size`` needs more memory than is available.
    ``what`` names the model in the message (the park and its time steps)."""
    available = available_memory() if available is None else available
    needed = memory_needed(size)
    if needed <= available:
        return
    kind = " of a MIP" if size.integers else ""
    raise ModelTooLarge(
        f"{what}: the model would have about {_count(size.columns)} columns and {_count(size.rows)} rows and "
        f"need about {needed / GIB:,.1f} GiB of memory to build and solve (about "
        f"{_per_row_and_column(size) / 1024:.1f} KiB per row and column{kind}); "
        f"this machine has {available / GIB:,.1f} GiB available. Resolve time more coarsely: park.time as "
        "typical days with segments (time: {typical_days: 8, segments: 6} in park.yaml, or --set "
        "'park.time={typical_days: 8, segments: 6}'), fewer typical days, or annual; or use a machine "
        "with more memory. --no-memory-check (check_memory=False) builds it anyway.")


def _count(n: int) -> str:
    return f"{n / 1e6:,.1f} M" if n >= 1e6 else f"{n:,}"


def _meminfo_available() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    return None


def _cgroup_left() -> float | None:
    """What the control group (cgroup v2) still allows, if it sets a limit."""
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        return float(limit) - float(Path("/sys/fs/cgroup/memory.current").read_text())
    return None
