"""Reading a park file's values: quantities through pint once, each problem tied to the file,
line, firm, stream and field where it was written (:class:`Reader`), and the entries set aside
as broken so that one mistake gives one message (:class:`Broken`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from symbiosis.park import fields as F
from symbiosis.park.model import Carrier
from symbiosis.park.problems import Problem, problem_at
from symbiosis.units import (
    HYDROGEN_LHV_MWH_PER_T,
    NORMAL_DENSITY_T_PER_NM3,
    UNITS_PER_EUR,
    Quantity,
    UnitProblem,
    is_volume_not_normal,
    parse,
    split_number,
)

Locate = Callable[[tuple], tuple[str, int | None]]
"""Where a location in the merged data was written: (file shown to the user, line)."""


@dataclass
class Broken:
    """Entries set aside because their shape is wrong (already reported): checks that refer
    to them are skipped, so that one mistake gives one message, not a cascade."""

    firms: set[str] = field(default_factory=set)
    streams: set[tuple[str, str]] = field(default_factory=set)
    routes: set[str] = field(default_factory=set)
    technologies: set[str] = field(default_factory=set)
    materials: set[str] = field(default_factory=set)
    settings: set[str] = field(default_factory=set)
    """Keys under ``park:`` set aside (``electricity``): no second message for their absence."""
    kept: dict[str, list[int]] = field(default_factory=dict)
    """For list sections (materials, existing): the original index of each item kept."""
    renamed: dict[tuple, tuple] = field(default_factory=dict)
    """Misspelt keys read as meant: the key read -> the key as written."""

    def add(self, entry: tuple, raw: Any) -> None:
        section, name = entry[0], str(entry[1])
        if section == "firms" and len(entry) == 4:
            self.streams.add((name, str(entry[3])))
        elif section == "firms":
            self.firms.add(name)
        elif section == "routes":
            self.routes.add(name)
        elif section == "technologies":
            self.technologies.add(name)
        self.materials |= _materials_in(raw)

    def stream(self, firm: str, stream: str) -> bool:
        return firm in self.firms or (firm, stream) in self.streams

    def original(self, loc: tuple) -> tuple:
        """``loc`` in the data as written (list items set aside shift the later ones; a misspelt
        key read as meant is named as written)."""
        kept = self.kept.get(loc[0]) if loc else None
        if kept and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(kept):
            loc = (loc[0], kept[loc[1]], *loc[2:])
        for size in range(len(loc), 0, -1):
            if loc[:size] in self.renamed:
                return (*self.renamed[loc[:size]], *loc[size:])
        return loc


def _materials_in(raw: Any) -> set[str]:
    if isinstance(raw, dict):
        found = {raw["material"]} if isinstance(raw.get("material"), str) else set()
        return found.union(*(_materials_in(value) for value in raw.values()))
    return set()


@dataclass
class Reader:
    """Reads quantities and collects problems, each tied to where it was written."""

    locate: Locate
    currency: str = "EUR"
    rates: dict[str, float] = field(default_factory=lambda: dict(UNITS_PER_EUR))
    problems: list[Problem] = field(default_factory=list)
    broken: Broken = field(default_factory=Broken)

    def problem(self, loc: tuple, found: str, expected: str, hint: str = "", *,
                firm: str | None = None, stream: str | None = None) -> None:
        """Record a problem at ``loc``; ``firm`` and ``stream`` name them where ``loc`` does not."""
        loc = self.broken.original(loc)
        file, line = self.locate(loc)
        self.problems.append(problem_at(file, line, loc, found, expected, hint, firm=firm, stream=stream))

    def quantity(self, value: Any, kind: Quantity, loc: tuple) -> float:
        """``value`` in ``kind.base``, or NaN with a problem recorded."""
        try:
            number = parse(value, kind, currency=self.currency, rates=self.rates)
        except UnitProblem as exc:
            self.problem(loc, repr(exc.found) if not isinstance(value, str) else f"'{value}'",
                         exc.expected, exc.hint)
            return math.nan
        return self.within(number, kind, value, loc)

    def within(self, number: float, kind: Quantity, value: Any, loc: tuple) -> float:
        """``number`` (read from ``value``) if within the size ``kind`` may have, else NaN with a problem."""
        largest = F.LARGEST.get(kind, F.LARGEST_OTHER)
        if "CUR" in kind.base:
            largest *= self.rates.get(self.currency, 1.0)
        if not abs(number) <= largest:
            unit = f" {kind.base.replace('CUR', self.currency)}" if kind.base else ""
            hint = "check the number and its unit"
            written = split_number(value, kind.expected) if isinstance(value, str) else None
            if written is not None and "/kg" in written[1].replace(" ", "") and kind.base.endswith("/t"):
                # 900 NOK/kg for 900 NOK/t: a thousand times the price
                hint = (f"a price per kg is a thousand times one per tonne: write '{written[0]:g}{unit}' if "
                        "that was meant")
            self.problem(loc, f"'{value}' ({number:.3g}{unit})",
                         f"{kind.words} of at most {largest:,.3g}{unit} either way (no park comes near)",
                         hint)
            return math.nan
        return number

    def optional(self, value: Any, kind: Quantity, loc: tuple) -> float | None:
        return None if value is None else self.quantity(value, kind, loc)

    def at_least(self, number: float | None, low: float, loc: tuple, words: str,
                 *, strict: bool = False, written: Any = None, hint: str = "correct the value") -> None:
        """A problem if ``number`` is below ``low``; ``written`` is the value as in the file."""
        if number is None or math.isnan(number):
            return
        if number < low or (strict and number == low):
            self.problem(loc, f"{number:g}" if written is None else f"'{written}'", words, hint)

    def share(self, value: Any, loc: tuple, *, allow_zero: bool = True) -> float:
        number = self.quantity(value, F.SHARE, loc)
        if not math.isnan(number) and not (0 <= number <= 1) or number == 0 and not allow_zero:
            self.problem(loc, f"'{value}'", "a share between 0 % and 100 %", share_hint(value))
        return number


def share_hint(value: Any) -> str:
    """How to write a share refused as one: a bare 99.5 meant '99.5 %' (a bare number is a
    fraction, so it read 9,950 %)."""
    try:
        bare = float(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else None
    except ValueError:
        bare = None
    if bare is not None and 1 < bare <= 100:
        return f"write '{bare:g} %' (a bare number is a fraction: {bare:g} means {bare * 100:g} %)"
    return "write it as a percentage, e.g. '30 %', or a fraction, e.g. 0.3"


def gas_amount(reader: Reader, value: Any, carrier: Carrier, loc: tuple) -> float:
    """A hydrogen or oxygen amount in t/h, given as mass, normal volume or (hydrogen) power per time;
    checked against the size limit of every amount."""
    return of_gas(reader, value, F.GAS_AMOUNT[carrier], carrier, loc)


def per_unit(reader: Reader, value: Any, kind: Quantity, carrier: Carrier, loc: tuple) -> float:
    """A route's price or emissions per unit of its carrier (``kind``); a hydrogen or oxygen one
    per t of the gas, read as :func:`of_gas` reads it."""
    if carrier not in GASES:
        return reader.quantity(value, kind, loc)
    return of_gas(reader, value, kind, carrier, loc)


GASES = (Carrier.HYDROGEN, Carrier.OXYGEN)
"""The carriers counted in t that may also be written as normal cubic metres (and hydrogen as MWh)."""

# Where the gas is counted in a quantity's base, as a template of its unit, and the power it has
# there: an amount ``t/h`` (+1), a store's size ``t`` (+1), a price ``CUR/t`` or emissions ``t/t``
# per t of the gas (-1; the CO2 t of ``t/t`` is no gas), an investment ``CUR/(t/h)`` (-1).
GAS_IN = {"t/h": ("{}/h", 1), "t": ("{}", 1), "CUR/t": ("CUR/{}", -1), "t/t": ("t/{}", -1),
          "CUR/(t/h)": ("CUR/({}/h)", -1)}


def gas_counted(carrier: Carrier | str, kind: str) -> Carrier | None:
    """The gas a technology of ``carrier`` and ``kind`` counts in its sizes and costs, which may
    then be written as streams are (t, Nm3, or MWh of hydrogen's heating value): a hydrogen or
    oxygen pipe's or store's. None for any other, an electrolyser's too (its MWh would read as
    the electricity's)."""
    gas = Carrier(carrier)
    return gas if gas in GASES and kind in ("link", "storage") else None


def counts_gas(kind: Quantity) -> bool:
    """Whether ``kind`` counts a gas in t that :func:`of_gas` may read in its other units."""
    return kind.base in GAS_IN


def of_gas(reader: Reader, value: Any, kind: Quantity, carrier: Carrier, loc: tuple) -> float:
    """``value`` in ``kind``, whose base counts the gas in t (:data:`GAS_IN`), with the gas also
    counted in normal cubic metres or (hydrogen) MWh of its lower heating value: ``500 Nm3/h``
    of hydrogen is 500 x 0.08988e-3 t/h, ``4.5 NOK/Nm3`` is 4.5 / 0.08988e-3 NOK/t, ``800
    NOK/MWh`` is 800 x 33.33 NOK/t, ``1.6665 MW`` of pipe is 0.05 t/h, ``3000 EUR/MW`` is 3000 x
    33.33 EUR/(t/h). A volume that is not a normal volume (``m3/h``, ``NOK/m3``) is refused: at
    30 bar it holds 30 times the gas of a normal cubic metre."""
    template, power = GAS_IN[kind.base]
    if isinstance(value, str) and is_volume_not_normal(value):
        written = template.format("Nm3").replace("CUR", reader.currency)
        reader.problem(loc, f"'{value}'", f"{kind.expected}: a volume at operating pressure and "
                       "temperature is not an amount of gas",
                       f"write normal cubic metres (0 degC, 1 atm) as '{written}', or the mass in t")
        return math.nan
    # Other units of the gas, and the t of it in one of them.
    units = [("m**3", NORMAL_DENSITY_T_PER_NM3[carrier.value])]
    if carrier is Carrier.HYDROGEN:
        units.append(("MWh", 1.0 / HYDROGEN_LHV_MWH_PER_T))
    for unit, tonnes in [("t", 1.0), *units]:
        try:
            number = parse(value, Quantity(template.format(unit), "", ""), currency=reader.currency,
                           rates=reader.rates) * tonnes ** power
        except UnitProblem:
            continue
        return reader.within(number, kind, value, loc)
    return reader.quantity(value, kind, loc)


def kind_words(carrier: Carrier) -> str:
    """What an amount of ``carrier`` is, in words with an example."""
    return (F.GAS_AMOUNT.get(carrier) or F.by_carrier(F.RATE, carrier)).expected

