"""A candidate link and the candidate table: columns declared once, here."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from symbiosis.park.model import Carrier


@dataclass(frozen=True)
class Candidate:
    """A possible link from a supply stream to a demand stream, priced and bounded.

    Flows are rates in MW (energy) or t/h (mass). ``taken`` is what leaves the
    supply; ``delivered = efficiency * taken`` is what the demand receives. For a
    heat pump the flow variable is the heat delivered; it takes (COP - 1) / COP of
    it from the supply and buys 1 / COP of it as electricity.
    """

    id: str
    from_firm: str
    from_stream: str
    to_firm: str
    to_stream: str
    carrier: str
    technology: str
    kind: str  # direct | heat_pump | substitution
    length_km: float
    efficiency: float  # delivered per taken: (1 - loss_per_km * length) * ratio
    cop: float  # heat pumps only; NaN otherwise
    min_approach_k: float
    max_capacity: float  # tight upper bound on capacity from the streams' peaks
    min_capacity: float
    existing_capacity: float  # > 0: an existing link, kept with no new investment
    investment_fixed: float  # investment + investment_per_length * length (currency, if built)
    investment_per_capacity: float  # currency per MW or per t/h of capacity
    annuity: float  # capital recovery factor + fixed O&M share: annual cost per unit invested
    capital_recovery: float  # the capital recovery factor alone (for payback: fixed O&M is a running cost)
    running_cost: float  # currency per MWh or t delivered
    transport_cost: float  # currency per MWh or t taken (cost_per_tonne_km * length)
    transport_emissions: float  # t CO2 per t taken (emissions_per_tonne_km * length)
    max_share: float  # largest share of the demand this link may cover (materials)
    note: str = ""
    # Economies of scale: (capacity, investment) points of a concave curve that replaces
    # investment_per_capacity (the fixed and per-length parts still apply).
    cost_curve: tuple[tuple[float, float], ...] = ()

    @property
    def is_existing(self) -> bool:
        return self.existing_capacity > 0

    @property
    def capacity_side(self) -> str:
        """Heat pumps are rated by heat delivered; pipes, lines and trucks by what enters them."""
        return "delivered" if self.kind == "heat_pump" else "taken"


COLUMNS = tuple(field.name for field in fields(Candidate))


def to_table(candidates: list[Candidate]) -> pd.DataFrame:
    """The candidates as a DataFrame indexed by id (also for an empty list), with the units of
    their sizes (``capacity_unit``: MW or t/h) and of their per-unit costs (``amount_unit``:
    running and transport cost per MWh or t), which differ by carrier in one table."""
    frame = pd.DataFrame([asdict(c) for c in candidates], columns=list(COLUMNS))
    carriers = [Carrier(carrier) for carrier in frame["carrier"]]
    frame["capacity_unit"] = pd.Series([c.rate_unit for c in carriers], index=frame.index, dtype="str")
    frame["amount_unit"] = pd.Series([c.annual_unit for c in carriers], index=frame.index, dtype="str")
    return frame.set_index("id", drop=False).rename_axis(None)


def investment_at(candidate, capacity: float) -> float:
    """Investment of a built candidate (a link, store or hub unit, as candidate or as model
    data) at ``capacity``: fixed and length parts, plus the capacity's cost from its curve or
    its linear figure (zero for an existing link)."""
    if getattr(candidate, "is_existing", False):
        return 0.0
    if getattr(candidate, "cost_curve", ()):
        caps, costs = zip(*candidate.cost_curve, strict=True)
        return candidate.investment_fixed + float(np.interp(capacity, caps, costs))
    return candidate.investment_fixed + candidate.investment_per_capacity * capacity


def fmt_temperature(kelvin: float) -> str:
    return "-" if math.isnan(kelvin) else f"{kelvin - 273.15:g} degC"


def share(fraction: float) -> str:
    """A share as the park file writes it: 0.99999 -> '99.999 %'."""
    return f"{fraction * 100:.10g} %"
