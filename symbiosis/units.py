"""Units at the border: every quantity from a file goes through here once.

The model then works in one base, documented here and in the README:

==================  ==========================================
quantity            base unit
==================  ==========================================
energy rate         MW (heat, steam, electricity)
mass rate           t/h (hydrogen, oxygen, materials)
energy              MWh
mass                t
time                h (a year is 8760 h: 365 days)
length              km
temperature         K (differences in K)
pressure            bar
money               the park's currency (NOK, SEK, EUR, ...)
emissions           t CO2
==================  ==========================================

Currencies are units of their own dimension each (``[currency_NOK]``), so a
price written in EUR in a NOK park is converted with the park's exchange rates,
never silently by a rate hidden in the unit registry.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import pint

HOURS_PER_YEAR = 8760.0
"""A modelling year: 365 days, so that ``X GWh/year`` read in and written out agree."""

# Normal densities (0 degC, 1.01325 bar) for gases given as normal cubic metres;
# NIST Chemistry WebBook: H2 0.08988 kg/Nm3, O2 1.429 kg/Nm3.
NORMAL_DENSITY_T_PER_NM3 = {"hydrogen": 0.08988e-3, "oxygen": 1.429e-3}
# Lower heating value of hydrogen, 33.33 kWh/kg (120 MJ/kg), for amounts given as power.
HYDROGEN_LHV_MWH_PER_T = 33.33

# Reference rates, EUR per unit of each currency: ECB euro foreign exchange
# reference rates, 2024 annual averages (NOK 11.629, SEK 11.433, DKK 7.4589,
# USD 1.0824, GBP 0.84662, CHF 0.95262, ISK 149.0, PLN 4.3058 per EUR).
# A park overrides them with ``park: exchange_rates: {EUR: 11.5 NOK}``.
UNITS_PER_EUR = {
    "EUR": 1.0,
    "NOK": 11.629,
    "SEK": 11.433,
    "DKK": 7.4589,
    "USD": 1.0824,
    "GBP": 0.84662,
    "CHF": 0.95262,
    "ISK": 149.0,
    "PLN": 4.3058,
}
CURRENCIES = tuple(UNITS_PER_EUR)

# Thousands in groups of three after spaces (or the no-break spaces sheets copy), as Nordic
# writing has them: 12 500,5, where the comma is then a decimal comma.
THOUSANDS_SPACE = "[ \u00a0\u202f]"
"""A regular expression of the spaces written between groups of thousands."""
_SPACED = rf"\d{{1,3}}(?:{THOUSANDS_SPACE}\d{{3}})+(?:[.,]\d+)?"
_NUMBER = re.compile(rf"^\s*([-+]?(?:{_SPACED}"
                     r"|\d+(?:[.,_]\d+)*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_WHOLLY_SPACED = re.compile(rf"^[-+]?{_SPACED}$")


@cache
def registry() -> pint.UnitRegistry:
    """The one unit registry of symbiosis, with currencies and a 365-day year."""
    ureg = pint.UnitRegistry(on_redefinition="ignore", autoconvert_offset_to_baseunit=True)
    ureg.define("year = 365 * day = a = yr = annum")
    ureg.define("normal_cubic_meter = meter ** 3 = Nm3")
    ureg.define("cubic_meter_short = meter ** 3 = m3")
    for code in CURRENCIES:
        ureg.define(f"{code} = [currency_{code}]")
    # "ton" is the metric tonne in Nordic and European use (pint's is the US short ton, 907 kg),
    # and "kt" the kilotonne (pint's is the knot).
    ureg.define("ton = 1000 * kilogram")
    ureg.define("short_ton = 2000 * pound = US_ton")  # pint's aliases of its ton keep their 907 kg
    ureg.define("kt = 1000 * tonne")
    ureg.define("tCO2 = tonne")
    ureg.define("kgCO2 = kilogram")
    return ureg


class UnitProblem(ValueError):
    """A quantity that could not be read: says what was found and what was expected."""

    def __init__(self, found: str, expected: str, hint: str = "") -> None:
        super().__init__(f"found {found!r}, expected {expected}")
        self.found = found
        self.expected = expected
        self.hint = hint


@dataclass(frozen=True)
class Quantity:
    """What a field must hold: a base unit (with ``CUR`` for the park's currency) and words."""

    base: str
    words: str
    example: str
    allow_bare: bool = False
    difference: bool = False
    """A temperature difference: ``10 degC`` or ``18 degF`` is read as a difference (10 K), not a point."""

    @property
    def expected(self) -> str:
        return f"{self.words} (e.g. {self.example})"


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


def split_number(text: str, expected: str = "") -> tuple[float, str] | None:
    """The number and the unit text of ``text`` (``'12,5 MW'`` -> ``(12.5, 'MW')``), None if it does not
    start with a number; raises :class:`UnitProblem` for a number that reads two ways (``5,000``)."""
    match = _NUMBER.match(text)
    if not match:
        return None
    written = match.group(1).replace("_", "")
    number = spaced_thousands(written) or _without_commas(written, text, expected)
    try:
        return float(number), match.group(2)
    except ValueError:
        return None


def spaced_thousands(written: str) -> str | None:
    """``'12 500,5'`` as Python reads it, ``'12500.5'``: thousands in groups of three after
    spaces, the comma then decimal; None for text written otherwise."""
    if not _WHOLLY_SPACED.match(written):
        return None
    return re.sub(THOUSANDS_SPACE, "", written).replace(",", ".")


def _without_commas(number: str, text: str, expected: str) -> str:
    """``number`` as Python reads it: a decimal comma (``12,5``, ``0,550``) becomes a dot, thousands
    commas (``1,200,000``, ``1,200.5``) go. Refused: one comma before three digits (``5,000``: 5000
    or 5.0?) and commas in any other place (``1,2,3``)."""
    if "," not in number:
        return number
    mantissa, *power = re.split(r"(?=[eE])", number, maxsplit=1)
    exponent = "".join(power)
    whole, _, fraction = mantissa.partition(",")
    if mantissa.count(",") == 1 and "." not in mantissa:
        if len(fraction) == 3 and whole.lstrip("+-") != "0":
            decimal = f"{whole}.{fraction.rstrip('0') or '0'}"
            raise UnitProblem(text, expected, f"'{mantissa}' could be {whole}{fraction} (thousands comma) or "
                              f"{decimal} (decimal comma): write {whole}{fraction} or {decimal}")
        return f"{whole}.{fraction}{exponent}"
    if _THOUSANDS.match(mantissa):
        return mantissa.replace(",", "") + exponent
    raise UnitProblem(text, expected, f"write '{mantissa}' as digits with one decimal mark, e.g. 1200.5 or "
                      "1200,5 (thousands commas only in groups of three, 1,200,000)")


def parse(
    value: object,
    kind: Quantity,
    *,
    currency: str = "EUR",
    rates: dict[str, float] | None = None,
) -> float:
    """Read ``value`` (``"12 GWh/year"``, ``"85 degC"``, ``0.3``) into ``kind.base``.

    ``CUR`` in the base stands for the park's ``currency``; a price in another
    currency is converted with ``rates`` (units of each currency per EUR).
    Raises :class:`UnitProblem` with what was expected and how to fix it.
    """
    ureg = registry()
    rates = rates or UNITS_PER_EUR
    if isinstance(value, bool) or value is None:
        raise UnitProblem(str(value), kind.expected, "write a number with its unit")
    if isinstance(value, int | float):
        magnitude, unit_text = float(value), ""
    elif isinstance(value, str):
        split = split_number(value, kind.expected)
        if split is None:
            raise UnitProblem(value, kind.expected,
                              _typographic(value) or "start with a number, then the unit")
        magnitude, unit_text = split
    else:
        raise UnitProblem(repr(value), kind.expected, "write a number with its unit")
    if not math.isfinite(magnitude):
        raise UnitProblem(str(value), kind.expected, "use a finite number")
    base_units = kind.base.replace("CUR", currency)
    kind = _in_currency(kind, currency)
    if not unit_text:
        zero_is_zero = magnitude == 0 and "K" not in base_units.split("/")[0]
        if kind.allow_bare or zero_is_zero or ureg.parse_units(base_units).dimensionless:
            return magnitude
        # the user's own number with the example's unit: 'max_temperature: 110' -> '110 degC'
        example_unit = kind.example.partition(" ")[2]
        raise UnitProblem(str(value), kind.expected,
                          f"add the unit, e.g. '{magnitude:g} {example_unit}'" if example_unit
                          else f"add the unit, e.g. '{kind.example}'")
    try:
        units = parse_units(unit_text)
    except Exception:
        raise UnitProblem(
            str(value), kind.expected,
            _digits_apart(value) or f"'{unit_text}' is not a unit symbiosis knows; write e.g. "
            f"'{kind.example}'" + _unit_hints(unit_text, kind),
        ) from None
    misread = _misread_prefix(units)
    if misread:
        raise UnitProblem(str(value), kind.expected, misread)
    quantity = ureg.Quantity(magnitude, units)
    if base_units == "K" and not kind.difference and "delta_" in str(units):
        # A point on the scale written as a difference: 20 delta_degC would be read as 20 K.
        raise UnitProblem(str(value), kind.expected, f"a temperature is a point: write e.g. "
                          f"'{magnitude:g} degC' (a difference such as '{unit_text}' is for min_approach)")
    if kind.difference:  # 10 degC - 0 degC: a difference of 10 K (and 18 degF one of 10 K), not 283.15 K
        quantity = quantity - ureg.Quantity(0, units)
    quantity = _to_currency(quantity, currency, rates)
    try:
        return float(quantity.to(base_units).magnitude)
    except pint.DimensionalityError:
        # bar(g) reads as bar times grams: its dimension in words would only confuse
        what = "marks the pressure gauge or absolute" if _gauge(unit_text) \
            else f"is {_describe(quantity)}, not {kind.words}"
        raise UnitProblem(
            str(value),
            kind.expected,
            f"'{unit_text}' {what}; write e.g. '{kind.example}'" + _unit_hints(unit_text, kind),
        ) from None


def parse_units(unit_text: str) -> pint.Unit:
    """The units of ``unit_text`` as the registry reads them, with ``²``/``³`` as powers and
    ``Nm³``, ``Nm^3``, ``Nm**3`` all normal cubic metres (not a newton-metre cubed)."""
    text = re.sub(r"\bNm(?:³|\^3|\*\*3)", "Nm3", unit_text)
    text = text.replace("℃", "degC").replace("€", "EUR")  # the one unit each symbol can be
    return registry().parse_units(text.replace("²", "**2").replace("³", "**3"))


def is_volume_not_normal(text: str) -> bool:
    """Whether ``text`` (``'500 m3/h'``, ``'9 ft**3/s'``, ``'0.4 NOK/m3'``) counts gas by a volume
    in units other than normal cubic metres: a volume at operating pressure and temperature, not
    an amount of gas."""
    unit_text = unit_written(text)
    try:
        units = parse_units(unit_text) if unit_text else None
    except Exception:
        return False
    if units is None or abs(units.dimensionality.get("[length]", 0)) != 3:
        return False
    return not any(name.endswith("normal_cubic_meter") for name in units._units)


# Prefixes read in a way the writer hardly meant: "mt" (the metric ton in English use) would be a
# millitonne, "mEUR" (a million EUR) a thousandth of a euro; and since "m3" is a unit of its own,
# "dm3" would be a tenth of a cubic metre, "nm3" (normal cubic metres) a nano cubic metre.
_PREFIXES_READ_AS_WRITTEN = {"metric_ton": {"", "kilo", "mega", "giga"},
                             **{unit: {"", "kilo", "mega", "giga", "tera"} for unit in ("watt", "watt_hour")},
                             **{code: {"", "kilo", "mega", "giga"} for code in CURRENCIES},
                             "cubic_meter_short": {""}, "normal_cubic_meter": {""}}


def _misread_prefix(units: pint.Unit) -> str:
    """How to write a unit whose prefix would be misread (``mt``, ``mNOK``, ``nm3``, ``dm3``); '' if none."""
    ureg = registry()
    for name in units._units:
        for prefix, unit, _ in ureg.parse_unit_name(name):
            if prefix in _PREFIXES_READ_AS_WRITTEN.get(unit, {prefix}):
                continue
            written = ureg.get_symbol(name)
            if unit == "metric_ton":
                return (f"'{written}' would be a {prefix}tonne; write 't' for the metric tonne "
                        "(or 'kt', 'Mt')")
            if unit in ("watt", "watt_hour"):
                symbol = "W" if unit == "watt" else "Wh"
                return (f"'{written}' would be a {prefix}{unit.replace('_', '-')}; write 'M{symbol}' for a "
                        f"mega{unit.replace('_', '-')} (or 'k{symbol}', 'G{symbol}')")
            if unit in CURRENCIES:
                return (f"'{written}' would be a {prefix}-{unit}; write 'M{unit}' for a million {unit}, "
                        f"'k{unit}' for a thousand, or the number in full")
            return (f"'{written}' is not read as a volume symbiosis knows (a prefix on a cubic metre); "
                    "write normal cubic metres (0 degC, 1 atm) as 'Nm3', or the mass")
    return ""


def _gauge(unit_text: str) -> str:
    """A hint for a gauge pressure (``bar(g)``, ``barg``, ``psig``) or an absolute one marked as
    such (``bar(a)``, ``bara``, read as bar per annum): pressures are absolute."""
    if re.search(r"(?i)(bar|psi)\s*\(?g\)?$", unit_text.strip()):
        return " (pressures are absolute: add the atmosphere, 1.013 bar, to a gauge pressure and write 'bar')"
    absolute = re.search(r"(?i)(bar|psi)\s*\(?a\)?$", unit_text.strip())
    if absolute:
        return f" (pressures are absolute: write '{absolute.group(1)}' without the 'a')"
    return ""


def unit_written(text: str) -> str | None:
    """The unit after the number in ``text`` as a park file writes it (``'100,5 EUR/t'`` ->
    ``'EUR/t'``, ``'12'`` -> ``''``); None when ``text`` does not start with a number."""
    match = _NUMBER.match(text)
    return match.group(2) if match else None


_PER_YEAR = re.compile(r"^(.*(?:%|percent|permille|‰))\s*/\s*(?:year|yr|a|annum)$", re.IGNORECASE)


def yearly_share(value: object) -> object:
    """A yearly rate written per year, ``'7 %/year'``, as the share it is, ``'7 %'``; anything
    else as is (a share per month or day is refused where read: a discount rate compounds)."""
    if isinstance(value, str):
        match = _PER_YEAR.match(value.strip())
        if match:
            return match.group(1)
    return value


def written_one_way(value: object) -> object:
    """A value as written in a park file or --set, each number one way: ``300``, ``300.0``,
    ``'300.0 EUR/t'`` and ``'300 EUR / t'`` give ``300`` or ``'300 EUR/t'``; anything else as is.
    For telling whether two runs had the same --set, in words a reader knows, not for reading
    values (:func:`parse`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            split = split_number(value, "")
        except UnitProblem:  # an ambiguous comma: kept as written
            return value
        if split is not None:
            unit = re.sub(r"\s*([/*])\s*", r"\1", " ".join(split[1].split()))
            return f"{split[0]:.15g} {unit}".rstrip()
    return value


def meant_one_way(value: object) -> object:
    """A value as :func:`written_one_way`, and each quantity in SI base units to 12 significant
    digits, so that ``'0.55 NOK/kWh'`` and ``'550 NOK/MWh'`` are one value, and ``'7 %'``,
    ``'7 %/year'`` (:func:`yearly_share`, the only fields that take it) and ``0.07`` another. For
    telling whether two parks hold the same data (their fingerprint)."""
    written = written_one_way(yearly_share(value))
    if not isinstance(written, str):
        return written
    try:
        split = split_number(written, "")
    except UnitProblem:  # an ambiguous comma: kept as written
        return written
    in_base = _in_base_units(split[1]) if split is not None else None
    if in_base is None:
        return written
    scale, offset, base = in_base
    number = float(f"{split[0] * scale + offset:.12g}")
    return written_one_way(number) if not base else f"{number:.12g} {base}"


@lru_cache(maxsize=512)
def _in_base_units(unit: str) -> tuple[float, float, str] | None:
    """(scale, offset, base units): ``x unit`` is ``x * scale + offset`` in SI base units (''
    for a share or a pure number); None for words that are no units."""
    if not unit:
        return None
    try:
        zero, one = (registry().Quantity(x, parse_units(unit)).to_base_units() for x in (0.0, 1.0))
    except Exception:  # noqa: BLE001 - pint raises many kinds for text that is no unit
        return None
    base = "" if one.dimensionless else f"{one.units:~}"
    return float(one.magnitude - zero.magnitude), float(zero.magnitude), base


def period_hours(value: object) -> float:
    """The hours of the period a rate is written per: 24 for ``'0.5 %/day'``, 8760 for
    ``'12 %/year'``, 1 for ``'0.02 %/h'`` or a bare number (read per hour). For a rate that
    compounds, such as a store's standing loss, which a linear conversion would misstate."""
    split = split_number(value, "") if isinstance(value, str) else None
    if split is None or not split[1]:
        return 1.0
    ureg = registry()
    quantity = ureg.Quantity(1, ureg.parse_units(split[1]))
    hours = 1.0
    for name, exponent in quantity.unit_items():
        if ureg.Quantity(1, name).dimensionality == ureg.hour.dimensionality:
            hours *= ureg.Quantity(1, name).to("h").magnitude ** -exponent
    return hours


def _in_currency(kind: Quantity, currency: str) -> Quantity:
    """``kind`` with its example written in the park's currency (``600 EUR/m`` -> ``600 NOK/m``)."""
    example = re.sub(r"\b(" + "|".join(CURRENCIES) + r")\b", currency, kind.example)
    return replace(kind, example=example) if example != kind.example else kind


# Units as Nordic writing has them that pint does not read as meant: kr is the crown of three
# countries; a Scandinavian mil is 10 km (pint's mil is a thousandth of an inch).
_LOCAL_SYMBOLS = {"kr": "kr is NOK, SEK or DKK: write the currency's code", "mil": "a Scandinavian mil is "
                  "10 km: write the length in km", "$": "write USD", "£": "write GBP, or convert to EUR"}


def _unit_hints(unit_text: str, kind: Quantity) -> str:
    """What a unit that cannot be read was probably meant as: a Celsius, an absolute pressure,
    a code instead of a local symbol, a unit in the wrong case, øre; '' if nothing is recognised."""
    return (_celsius(unit_text, kind) + _gauge(unit_text) + _local_symbol(unit_text) + _cased(unit_text)
            + _ore(unit_text))


# Units written in the wrong case, as typed in a hurry: how a park file writes them.
_CASED = {name.casefold(): name for name in (
    "W", "kW", "MW", "GW", "TW", "Wh", "kWh", "MWh", "GWh", "TWh", "NOK", "SEK", "EUR", "DKK", "USD",
    "degC", "degF", "K", "t", "kg", "km", "m", "Nm3", "bar", "year", "h")}


def _cased(unit_text: str) -> str:
    """``' (did you mean 'MW'? ...)'`` for ``mw``, ``Mw``, ``nok``: each part in the case a park
    file writes it, when that reads; '' otherwise."""
    parts = re.split(r"([/*() ]+)", unit_text)
    fixed = "".join(_CASED.get(part.casefold(), part) for part in parts)
    if fixed == unit_text:
        return ""
    try:
        parse_units(fixed)
    except Exception:  # noqa: BLE001 - pint raises many kinds for text that is no unit
        return ""
    return f" (did you mean '{fixed}'? Units are case-sensitive: M is mega, m milli)"


def _ore(unit_text: str) -> str:
    """A hint for prices in øre (öre), as Nordic electricity prices are quoted."""
    if re.search(r"(?<![A-Za-z])[øö]re(?![A-Za-z])", unit_text, re.IGNORECASE):
        return (" (øre and öre are hundredths of a krone: divide by 100 and write NOK or SEK, e.g. "
                "65 øre/kWh as 0.65 NOK/kWh)")
    return ""


# Characters a word processor or web page puts where a park file needs plain ones.
_TYPOGRAPHIC_MINUS = "\u2212\u2013\u2014"  # minus sign, en dash, em dash
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb"


def _typographic(text: str) -> str:
    """A fix for a value that starts with a typographic minus or a curly quote (pasted from Word
    or a web page), which reads as no number; '' otherwise."""
    stripped = text.strip()
    if stripped[:1] in _TYPOGRAPHIC_MINUS and stripped[1:2].isdigit():
        return f"'{stripped[0]}' is a typographic dash, not a minus: type '-' (e.g. '-{stripped[1:]}')"
    if stripped[:1] in _CURLY_QUOTES:
        return (f"remove the curly quotes ({stripped[0]}): a word processor put them in; YAML quotes are "
                "straight (\" or ')")
    return ""


def _local_symbol(unit_text: str) -> str:
    """A hint for a symbol written as at home (``kr``, ``mil``, ``$``): its code in a park file."""
    for symbol, hint in _LOCAL_SYMBOLS.items():
        if re.search(rf"(?<![A-Za-z]){re.escape(symbol)}(?![A-Za-z])", unit_text):
            return f" ({hint})"
    return ""


def _digits_apart(value: object) -> str:
    """A fix for digits that are not one number (``1 6000 MWh/year``), which read as the number
    1 6 with the unit '000 MWh/year'; '' where the text holds no such digits."""
    text = str(value).strip()
    match = re.match(rf"[-+]?\d(?:[\d.,]|{THOUSANDS_SPACE})*\d", text)
    if not match or not re.search(rf"\d{THOUSANDS_SPACE}+\d", match.group()):
        return ""
    joined = re.sub(THOUSANDS_SPACE, "", match.group())
    return (f"'{match.group()}' is not one number: write it without spaces ({joined}), or with "
            "thousands in groups of three after spaces (16 000), then the unit")


def _celsius(unit_text: str, kind: Quantity) -> str:
    """A hint for ``85 C`` (coulomb to pint), ``185 F`` (farad) or ``85 oC`` where a temperature
    is meant."""
    if kind.base != "K":
        return ""
    written = unit_text.replace(" ", "").lower()
    if written in ("f", "degf", "of", "ºf"):
        return " (degF for degrees Fahrenheit, degC for degrees Celsius, K for kelvin)"
    if written in ("c", "degc", "oc", "ºc"):
        return " (degC for degrees Celsius, K for kelvin)"
    return ""


def _to_currency(quantity: pint.Quantity, currency: str, rates: dict[str, float]) -> pint.Quantity:
    """Replace any currency in ``quantity`` by the park's own, at the park's rates."""
    ureg = registry()
    for code in CURRENCIES:
        power = quantity.dimensionality.get(f"[currency_{code}]", 0)
        if power and code != currency:
            if code not in rates or currency not in rates:
                raise UnitProblem(
                    str(quantity),
                    f"prices in {currency}",
                    f"give park: exchange_rates with a rate for {code}",
                )
            factor = rates[currency] / rates[code]
            quantity = quantity * (factor * ureg(currency) / ureg(code)) ** power
    return quantity


_DIMENSIONS = {
    (("[length]", 2), ("[mass]", 1), ("[time]", -3)): "a power (energy per time)",
    (("[length]", 2), ("[mass]", 1), ("[time]", -2)): "an energy",
    (("[length]", 2), ("[mass]", 1), ("[temperature]", -1), ("[time]", -3)): "a heat capacity rate",
    (("[length]", -1), ("[mass]", 1), ("[time]", -2)): "a pressure",
    (("[mass]", 1), ("[time]", -1)): "a mass per time",
    (("[mass]", 1),): "a mass",
    (("[temperature]", 1),): "a temperature",
    (("[length]", 1),): "a length",
    (("[length]", 2),): "an area",
    (("[length]", 3),): "a volume",
    (("[length]", 3), ("[time]", -1)): "a volume per time",
    (("[length]", 2), ("[time]", -2)): "an energy per mass",
    (("[time]", 1),): "a time",
    (("[time]", -1),): "a share per time",
    (("[length]", -1),): "a share per length",
    (("[current]", 1), ("[time]", 1)): "an electric charge",
    (("[current]", 2), ("[length]", -2), ("[mass]", -1), ("[time]", 4)): "a capacitance (F is the farad)",
    (("[length]", -2), ("[time]", 2)): "a mass per energy",  # kg/kWh
    (("[length]", -1), ("[mass]", 1)): "a mass per length",
    (("[length]", -3), ("[mass]", 1)): "a mass per volume",
    (("[temperature]", -1),): "a share per degree",  # %/K
    (("[mass]", -1),): "a share per mass",
    (("[length]", -2), ("[mass]", -1), ("[time]", 2)): "a share per energy",
    (): "a pure number",
}


def _describe(quantity: pint.Quantity) -> str:
    """What a quantity is, in words: ``NOK/MW`` is money per power (energy per time),
    ``GW/year`` a power (energy per time) per time."""
    dims = dict(quantity.dimensionality)
    money = {key: power for key, power in dims.items() if key.startswith("[currency_")}
    rest = {key: power for key, power in dims.items() if key not in money}
    name = _DIMENSIONS.get(tuple(sorted(rest.items())))
    if not money and name:
        return name
    if not money and rest.get("[time]", 0) < 0:  # a rate divided by time once more: GW/year, t/h/h
        once = {**rest, "[time]": rest["[time]"] + 1}
        per = _DIMENSIONS.get(tuple(sorted((key, power) for key, power in once.items() if power)))
        if per:
            return f"{per} per time"
    if list(money.values()) == [1]:
        if not rest:
            return "an amount of money"
        per = _DIMENSIONS.get(tuple(sorted((key, -power) for key, power in rest.items())))
        if per:
            return "money per " + per.split(" ", 1)[1]
    return f"a quantity of dimension {quantity.dimensionality}"


def format_amount(value: float, unit: str) -> str:
    """A readable number with its unit, three significant figures."""
    return f"{value:,.3g} {unit}"
