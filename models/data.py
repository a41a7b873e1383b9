"""What the model reads: plain numbers in base units, no park, no files, no pint.

Rates are MW (energy) or t/h (mass); a time step's weight is its hours in the
year, so ``sum(weight * rate)`` is MWh or t per year. Money is the park's
currency; emissions t CO2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class StreamData:
    """A stream's rate in every time step and the price and emissions of its current route."""

    key: str
    firm: str
    carrier: str
    is_supply: bool
    rate: np.ndarray
    price: float
    emissions: float


@dataclass(frozen=True)
class LinkData:
    """A candidate link. ``flow`` is what it takes (heat pumps: the heat it delivers)."""

    id: str
    supply: str
    demand: str
    supply_firm: str
    demand_firm: str
    kind: str  # direct | heat_pump | substitution
    efficiency: float
    cop: float
    max_capacity: float
    min_capacity: float
    existing_capacity: float
    investment_fixed: float
    investment_per_capacity: float
    annuity: float
    running_cost: float
    transport_cost: float
    transport_emissions: float
    max_share: float
    min_approach: float = 0.0
    max_temperature: float = math.inf  # direct heat: the hottest it heats a demand to, K
    share_group: str = ""  # links of one substitution rule into one demand share max_share
    cost_curve: tuple[tuple[float, float], ...] = ()  # (capacity, investment) of a concave curve

    @property
    def is_heat_pump(self) -> bool:
        return self.kind == "heat_pump"

    @property
    def taken_per_flow(self) -> float:
        """Supply taken per unit of flow: 1, or (COP - 1) / COP for a heat pump, whose pipe from
        the supply to the pump (at the demand) loses ``1 - efficiency`` on the way."""
        return (self.cop - 1.0) / self.cop / self.efficiency if self.is_heat_pump else 1.0

    @property
    def delivered_per_flow(self) -> float:
        """Demand met per unit of flow: the efficiency, or 1 for a heat pump."""
        return 1.0 if self.is_heat_pump else self.efficiency

    @property
    def electricity_per_flow(self) -> float:
        """Electricity bought per unit of flow: 1 / COP for a heat pump, else 0."""
        return 1.0 / self.cop if self.is_heat_pump else 0.0


@dataclass(frozen=True)
class HeatSegment:
    """A temperature interval of a heat stream carrying ``share`` of its load."""

    stream: str
    index: int
    low: float
    high: float
    share: float


@dataclass(frozen=True)
class StorageData:
    """A candidate store on a stream: on a supply it keeps surplus for later hours, on a
    demand it keeps what links deliver early. Capacity in MWh or t."""

    id: str
    stream: str
    firm: str
    on_supply: bool
    efficiency: float  # round trip, applied when charging
    standing_loss: float  # share of the content lost per hour
    charge_rate: float  # largest charge or discharge per hour, share of capacity
    max_capacity: float
    min_capacity: float
    investment_fixed: float
    investment_per_capacity: float
    annuity: float
    running_cost: float  # per unit discharged

    @property
    def lossless(self) -> bool:
        """Whether it keeps all it takes: cycling through it then costs nothing but its running cost."""
        return self.efficiency >= 1 and self.standing_loss == 0


@dataclass(frozen=True)
class ConverterData:
    """A candidate conversion unit at a hub: it buys electricity from the park's electricity
    route and yields its outputs as supplies that links may take; an input (a heat pump's
    collected heat) must be fed by links in full. Capacity in MW of ``power``: electricity
    input for an electrolyser, heat output for a heat pump."""

    id: str
    hub: str
    max_capacity: float
    min_capacity: float
    investment_fixed: float
    investment_per_capacity: float
    annuity: float
    running_cost: float  # per unit of ``power``
    outputs: tuple[tuple[str, float], ...]  # (stream key, yield per unit of power)
    inputs: tuple[tuple[str, float], ...] = ()  # (stream key, what it must take per unit of power)
    electricity: float = 1.0  # electricity bought per unit of power (a heat pump: 1 / COP)
    cost_curve: tuple[tuple[float, float], ...] = ()  # (capacity, investment) instead of per capacity


@dataclass(frozen=True)
class ModelData:
    """Everything :func:`build_model` needs, as numbers."""

    weights: np.ndarray
    streams: dict[str, StreamData]
    links: tuple[LinkData, ...]
    segments: dict[str, tuple[HeatSegment, ...]] = field(default_factory=dict)
    segment_pairs: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    max_partners: dict[str, int] = field(default_factory=dict)
    storages: tuple[StorageData, ...] = ()
    converters: tuple[ConverterData, ...] = ()
    durations: np.ndarray | None = None  # hours one step lasts within its period
    next_step: np.ndarray | None = None  # the following step within the period (cyclic)
    period: np.ndarray | None = None  # the period (typical day) of each step
    day_order: np.ndarray | None = None  # typical days: the typical day of each day of the year
    electricity_price: float = 0.0
    electricity_emissions: float = 0.0
    carbon_price: float = 0.0

    @property
    def steps(self) -> range:
        return range(len(self.weights))


def averaged(data: ModelData) -> ModelData:
    """The park over one step: every stream at its weighted mean rate over ``data``'s steps, the
    same candidates (so the same sizes and costs), no stores (one step has nothing to shift).

    For a park without stores its optimum is a lower bound on ``data``'s: averaging any answer of
    ``data`` over its steps gives an answer of this model at the same cost, since every row of
    a step is linear in that step's flows with the same design variables, and the costs are
    sums over steps weighted by their hours (time-series aggregation by averaging is a
    relaxation: Bahl et al. 2017, Energy 135, 900-912; Baumgaertner et al. 2019, Comput. Chem.
    Eng. 127, 127-139). Stores break it: the route a supply's store returns less to is priced."""
    weights = np.asarray(data.weights, dtype=float)
    hours = float(weights.sum())
    streams = {key: replace(stream, rate=np.array([float(weights @ stream.rate) / hours]))
               for key, stream in data.streams.items()}
    return replace(data, weights=np.array([hours]), streams=streams, storages=(),
                   durations=np.array([hours]), next_step=np.zeros(1, dtype=int),
                   period=np.zeros(1, dtype=int), day_order=None)
