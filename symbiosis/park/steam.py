"""Steam written by mass (``12 t/h``, ``250 NOK/t``), said back in the heat it gives.

symbiosis counts steam by its heat (MW, money per MWh), as it counts every energy carrier; a
tonne of steam gives a different heat at each pressure, so a steam amount, price or emission
written per tonne is refused with the value converted at the stream's or route's pressure
(10 bar where none is given), for the user to check and write.
"""

from __future__ import annotations

import math
from typing import Any

from symbiosis.park import fields as F
from symbiosis.park.reader import Reader
from symbiosis.units import Quantity, UnitProblem, parse

# Saturated steam: pressure (bar), saturation temperature (degC), latent heat of condensing
# (kJ/kg), from the IAPWS-IF97 steam tables (Rogers and Mayhew, Thermodynamic and Transport
# Properties of Fluids, 5th ed., table of saturated water and steam).
SATURATED = ((0.1, 45.8, 2392.1), (0.2, 60.1, 2357.5), (0.5, 81.3, 2304.7), (1, 99.6, 2258.0),
             (2, 120.2, 2201.6), (3, 133.5, 2163.5), (5, 151.8, 2107.4), (7, 165.0, 2064.9),
             (10, 179.9, 2013.6), (15, 198.3, 1945.2), (20, 212.4, 1888.6), (30, 233.9, 1794.9),
             (40, 250.4, 1713.9), (60, 275.6, 1570.7), (80, 295.0, 1441.1), (100, 311.0, 1317.1),
             (120, 324.7, 1193.6), (140, 336.7, 1066.9), (160, 347.4, 930.9), (180, 357.0, 777.1),
             (200, 365.8, 584.3))
ASSUMED_BAR = 10.0
"""The pressure a message converts at where the stream or route gives none."""


def condensing(pressure_bar: float) -> tuple[float, float] | None:
    """(MWh a tonne of saturated steam gives on condensing, its saturation temperature in degC) at
    ``pressure_bar``, interpolated in the logarithm of pressure; None outside the table."""
    bars = [math.log(row[0]) for row in SATURATED]
    at = math.log(pressure_bar)
    if not bars[0] <= at <= bars[-1]:
        return None
    upper = next(i for i, bar in enumerate(bars) if bar >= at)
    lower = max(upper - 1, 0)
    share = 0.0 if upper == lower else (at - bars[lower]) / (bars[upper] - bars[lower])
    heat, saturation = ((1 - share) * SATURATED[lower][k] + share * SATURATED[upper][k] for k in (2, 1))
    return heat / 3600.0, saturation  # kJ/kg is MJ/t; 3,600 MJ a MWh


def saturation_temperature(pressure_bar: float) -> float | None:
    """The temperature (K) at which water boils at ``pressure_bar``: the least a steam stream at
    that pressure has; None outside the table."""
    found = condensing(pressure_bar)
    return None if found is None else found[1] + 273.15


# The mass counterpart of each energy quantity a steam field holds, and how its number converts
# with the MWh a tonne gives: an amount multiplies (t/h -> MW), a price or emission divides.
_BY_MASS = {F.RATE[True]: (F.RATE[False], True), F.CAPACITY[True]: (F.CAPACITY[False], True),
            F.PRICE[True]: (F.PRICE[False], False),
            F.EMISSIONS[True]: (F.EMISSIONS[False], False)}


def steam_quantity(reader: Reader, value: Any, kind: Quantity, pressure_bar: float | None,
                   loc: tuple) -> float:
    """``value`` of a steam field of ``kind`` read as :meth:`Reader.quantity` reads it; written per
    tonne of steam, refused (NaN) with the value in ``kind``'s unit at the pressure given (or 10 bar)
    for the user to write."""
    if kind not in _BY_MASS:
        return reader.quantity(value, kind, loc)
    try:
        number = parse(value, kind, currency=reader.currency, rates=reader.rates)
    except UnitProblem:  # not in kind's unit: per tonne, or a mistake reader.quantity words
        if _refused_by_mass(reader, value, kind, pressure_bar, loc):
            return math.nan
        return reader.quantity(value, kind, loc)
    return reader.within(number, kind, value, loc)


def _refused_by_mass(reader: Reader, value: Any, kind: Quantity, pressure_bar: float | None,
                     loc: tuple) -> bool:
    """Whether ``value``, not in ``kind``'s unit, is steam by mass, refused then with its heat."""
    mass_kind, multiply = _BY_MASS[kind]
    try:
        number = parse(value, mass_kind, currency=reader.currency, rates=reader.rates)
    except UnitProblem:
        return False
    given = pressure_bar is not None and pressure_bar > 0  # NaN (a pressure not read) compares False
    bar = pressure_bar if given else ASSUMED_BAR
    found = condensing(bar)  # type: ignore[arg-type]
    unit = kind.base.replace("CUR", reader.currency)
    if found is None:
        reader.problem(loc, f"'{value}', steam by mass", f"{kind.expected}: steam is counted by the heat it "
                       f"gives", f"convert it with the latent heat at {bar:g} bar from steam tables (outside "
                       f"the {SATURATED[0][0]:g}-{SATURATED[-1][0]:g} bar held here) and write it in {unit}")
        return True
    per_tonne, saturation = found
    converted = number * per_tonne if multiply else number / per_tonne
    at = f"{bar:g} bar" + ("" if given else " (no pressure read: 10 bar assumed)")
    reader.problem(loc, f"'{value}', steam by mass", f"{kind.expected}: steam is counted by the heat it "
                   f"gives", f"write '{converted:.4g} {unit}' if the steam condenses at {at}: a tonne of "
                   f"saturated steam there gives {per_tonne:.3f} MWh on condensing at {saturation:.0f} degC "
                   "(steam tables); add about 0.6 kWh a tonne for each K of superheat, if it counts")
    return True
