"""How large :func:`build_model` makes a park's model, known before building it.

A time-resolved model of a large park can need more memory than the machine has (50 firms
hourly: 53 M rows plus columns, ``benchmarks/README.md``); its size is found from a
model of one step and one of two (0.3 s to build both at 50 firms, about 3 s at 200): what is
indexed by time step grows linearly with the steps, the rest (builds, capacities, cost curves,
partner rules, a store's content at the start of each day) does not, and a leaky store's
bounds on each step of each day are counted from the days' periods. Exact but for a few
columns and rows per lossless store and typical day (its highest and lowest content within
the day).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace

import numpy as np
import pyomo.environ as pyo

from symbiosis.models.build import build_model
from symbiosis.models.data import ModelData, averaged


@dataclass(frozen=True)
class ModelSize:
    """Variables (columns) and constraints (rows) of a model, fixed ones included, and how many
    of its columns are integer and free (a MIP when there are any)."""

    columns: int
    rows: int
    integers: int = 0

    @property
    def total(self) -> int:
        return self.columns + self.rows


def model_size(data: ModelData) -> ModelSize:
    """The columns and rows ``build_model(data)`` makes, from models of one and of two steps:
    the model grows linearly with its steps."""
    steps = len(data.weights)
    one, two = (astuple(_size(build_model(_repeated(data, n)))) for n in (1, 2))
    size = ModelSize(*(a + (steps - 1) * (b - a) for a, b in zip(one, two, strict=True)))
    return replace(size, rows=size.rows + _leaky_store_rows(data) - _leaky_store_rows(_one_period(data)))


def _leaky_store_rows(data: ModelData) -> int:
    """Rows bounding the content of stores with standing loss at each step of each day of the
    year (typical days, ``models/storage.py``): two a day and step of that day's period."""
    leaky = sum(1 for store in data.storages if store.standing_loss > 0)
    if not leaky or data.day_order is None or data.period is None:
        return 0
    steps_in = np.bincount(np.asarray(data.period, dtype=int))
    return 2 * leaky * int(steps_in[np.asarray(data.day_order, dtype=int)].sum())


def _one_period(data: ModelData) -> ModelData:
    """What the models of one and two steps extrapolate to: every day on one period of all
    the steps."""
    if data.day_order is None:
        return data
    return replace(data, period=np.zeros(len(data.weights), dtype=int),
                   day_order=np.zeros_like(data.day_order))


def _repeated(data: ModelData, n: int) -> ModelData:
    """The park over ``n`` equal steps of its mean rates, one period (typical day) long, with
    its stores."""
    one = averaged(data)
    hours = float(one.weights[0])
    streams = {key: replace(stream, rate=np.repeat(stream.rate, n)) for key, stream in one.streams.items()}
    days = None if data.day_order is None else np.zeros_like(data.day_order)
    return replace(one, weights=np.full(n, hours / n), streams=streams, storages=data.storages,
                   durations=np.full(n, hours / n), next_step=(np.arange(n) + 1) % n,
                   period=np.zeros(n, dtype=int), day_order=days)


def _size(model: pyo.ConcreteModel) -> ModelSize:
    integers = sum(1 for v in model.component_data_objects(pyo.Var) if v.is_integer() and not v.fixed)
    return ModelSize(columns=sum(len(v) for v in model.component_objects(pyo.Var, descend_into=True)),
                     rows=sum(len(c) for c in model.component_objects(pyo.Constraint, descend_into=True)),
                     integers=integers)
