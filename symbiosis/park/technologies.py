"""One technology of a park (pipe, heat pump, truck, electrolyser, store) from its catalogue
entry merged with the park's own fields: each field read through pint, refused where it means
nothing for the technology's kind, asked for where no default can stand for it."""

from __future__ import annotations

import math
from typing import Any

from symbiosis.park import fields as F
from symbiosis.park.model import Carrier, CostPoint, Technology
from symbiosis.park.problems import a_or_an
from symbiosis.park.reader import Reader, counts_gas, gas_counted, of_gas, share_hint
from symbiosis.park.steam import steam_quantity
from symbiosis.units import Quantity, UnitProblem, parse, period_hours, yearly_share


def technology(
    reader: Reader, name: str, raw: dict[str, Any], overridden: set[str]
) -> Technology | None:
    """One technology from its merged catalogue and park fields."""
    def where(key: str) -> tuple:
        return ("technologies", name, key) if key in overridden else ("catalogue", name, key)

    carrier, kind = raw.get("carrier"), raw.get("kind")
    if carrier is None or kind is None:
        missing = "carrier" if carrier is None else "kind"
        reader.problem(("technologies", name, missing), "nothing",
                       f"'{missing}' for a technology that is not in the shipped catalogue",
                       "check the technology's name, or give carrier and kind to define a new one")
        return None
    energy = F.capacity_is_energy(carrier, kind)
    gas = gas_counted(carrier, kind)
    _fields_for_the_kind(reader, name, carrier, kind, raw, where)
    values: dict[str, Any] = {}
    for key, kind_of in F.TECHNOLOGY_FIELDS.items():
        if raw.get(key) is None or not _applies(key, carrier, kind):
            continue
        if key == "investment_per_capacity" and kind == "storage":
            quantity = F.MONEY_PER_STORED[Carrier(carrier).is_energy]
        elif key == "min_capacity" and kind == "storage":
            quantity = F.STORAGE_CAPACITY[Carrier(carrier).is_energy]
        elif isinstance(kind_of, dict):
            quantity = kind_of[energy if key != "running_cost" else Carrier(carrier).is_energy]
        else:
            quantity = kind_of
        if key == "loss_per_km":
            number = _loss_per_km(reader, raw[key], where(key))
        elif key == "standing_loss":
            number = _standing_loss(reader, raw[key], quantity, where(key))
        elif gas is not None and counts_gas(quantity):
            number = of_gas(reader, raw[key], quantity, gas, where(key))
        elif carrier == "steam":
            number = steam_quantity(reader, raw[key], quantity, None, where(key))
        else:
            written = yearly_share(raw[key]) if key == "fixed_om" else raw[key]  # '1 %/year' is 1 %
            number = reader.quantity(written, quantity, where(key))
        if key in SHARE_FIELDS and not math.isnan(number) and not 0 <= number <= 1:
            reader.problem(where(key), f"'{raw[key]}'", "a share between 0 % and 100 %", share_hint(raw[key]))
        elif key == "fixed_om" and number == 1:
            # a bare 1 meant 1 %: read as the whole investment again every year, it raised a
            # pipe's yearly cost tenfold, silently (an audit of units)
            reader.problem(where(key), f"'{raw[key]}' (100 % of the investment a year)",
                           "a yearly share of the investment below 100 % (1 % to 5 % is usual)",
                           "write '1 %' (a bare number is a fraction: 1 means 100 %)")
        elif key == "lifetime":
            reader.at_least(number, 0, where(key), "a lifetime > 0 years", strict=True, written=raw[key],
                            hint="write e.g. '30 year'")
        else:
            reader.at_least(number, 0, where(key), f"{key} >= 0", written=raw[key])
        values[key] = number
    hot, back = values.get("heat_temperature"), values.get("heat_return_temperature")
    if hot is not None and back is not None and not math.isnan(hot + back) and hot <= back:
        # the recovered heat is a supply that cools from heat_temperature to the return
        reader.problem(where("heat_temperature"), f"'{raw['heat_temperature']}', not above "
                       f"heat_return_temperature '{raw['heat_return_temperature']}'",
                       "recovered heat hotter than its return (it cools from one to the other)",
                       "swap the two, or check their units")
    hydrogen, heat = values.get("efficiency"), values.get("heat_recovery")
    if kind == "electrolyser" and hydrogen is not None and heat is not None \
            and hydrogen + heat > 1 + 1e-9:  # NaN compares False: said where it was read
        # energy out is at most the electricity in: 58 % to hydrogen (LHV) leaves at most 42 % as heat
        given = "efficiency" if "efficiency" in overridden and "heat_recovery" not in overridden \
            else "heat_recovery"
        reader.problem(where(given), f"efficiency {hydrogen * 100:g} % and heat_recovery {heat * 100:g} % "
                       f"({(hydrogen + heat) * 100:g} % of the electricity)",
                       "hydrogen (efficiency, LHV) and recovered heat (heat_recovery) together at most "
                       "100 % of the electricity an electrolyser takes",
                       f"lower heat_recovery to at most {max(1 - hydrogen, 0) * 100:g} % beside an "
                       f"efficiency of {hydrogen * 100:g} % (its heat is what it loses)")
    sized = F.CAPACITY[energy] if kind != "storage" else F.STORAGE_CAPACITY[energy]

    def size(value: Any, loc: tuple) -> float:
        if gas is not None:
            return of_gas(reader, value, sized, gas, loc)
        if carrier == "steam":
            return steam_quantity(reader, value, sized, None, loc)
        return reader.quantity(value, sized, loc)

    curve = tuple(
        CostPoint(
            capacity=size(point["capacity"], (*where("cost_curve"), i, "capacity")),
            investment=reader.quantity(point["investment"], F.MONEY, (*where("cost_curve"), i, "investment")),
        )
        for i, point in enumerate(raw.get("cost_curve") or ())
    )
    for i, (smaller, larger) in enumerate(zip(curve, curve[1:], strict=False), start=1):
        if larger.capacity <= smaller.capacity:
            reader.problem((*where("cost_curve"), i, "capacity"), f"'{raw['cost_curve'][i]['capacity']}'",
                           "capacities that grow from one point of the curve to the next",
                           "list the points from the smallest capacity to the largest")
        elif larger.investment < smaller.investment:
            reader.problem((*where("cost_curve"), i, "investment"), f"'{raw['cost_curve'][i]['investment']}'",
                           "an investment no smaller than the point before (a larger unit costs no less)",
                           "check the point's investment and capacity")
    if curve and kind in ("storage", "electrolyser"):
        # Curves price links (models/links.py); stores and hub units are sized linearly.
        reader.problem(where("cost_curve"), f"a cost curve for a {kind.replace('_', ' ')}",
                       "investment_per_capacity: cost curves apply to links (pipes, lines, heat pumps, "
                       "trucks); stores and electrolysers are priced per unit of capacity",
                       "give investment_per_capacity (the curve's slope where you expect to build) "
                       "and, for the fixed part, investment")
    top = values.get("max_temperature")
    if top is not None and top <= 273.15 and not math.isnan(top):
        reader.problem(where("max_temperature"), f"'{raw['max_temperature']}' ({top - 273.15:g} degC)",
                       "a temperature above 0 degC that some demand lies below: at this one the "
                       f"{name} heats nothing", "give the hottest it heats a demand to, e.g. '120 degC' "
                       "(a value in K is absolute: 120 K is -153 degC)")
    if "investment_per_capacity" in overridden and "cost_curve" not in overridden:
        curve = ()  # the park's own linear figure replaces the catalogue's curve
    elif curve and {"investment_per_capacity", "cost_curve"} <= overridden:
        # Both are the park's own: the curve would win and the linear figure be dropped unseen.
        reader.problem(where("investment_per_capacity"),
                       f"'{raw['investment_per_capacity']}' beside a cost_curve",
                       "one price for the capacity: investment_per_capacity (linear) or cost_curve "
                       "(economies of scale), not both",
                       "remove cost_curve (or write cost_curve: []) to price it linearly, or remove "
                       "investment_per_capacity to follow the curve")
    return Technology(
        name=name, carrier=Carrier(carrier), kind=kind, cost_curve=curve,
        enabled=raw.get("enabled", True) is not False, source=raw.get("source") or "", **values,
    )


SHARE_FIELDS = ("fixed_om", "efficiency", "carnot_efficiency", "heat_recovery", "purity")

# Technology fields that mean something only for some kinds (and carriers): given elsewhere they
# would be read and ignored, or misread (a cost per tonne-km on a heat pipe charged per MWh-km).
_ONLY_ON = {
    "investment_per_length": ("links and heat pumps (their pipe)", lambda carrier, kind: kind in LINKS),
    "max_distance": ("links and heat pumps", lambda carrier, kind: kind in LINKS),
    "loss_per_km": ("links and heat pumps", lambda carrier, kind: kind in LINKS),
    "cost_per_tonne_km": ("links of materials, hydrogen or oxygen (trucks, trailers): a tonne-km",
                          lambda carrier, kind: kind == "link" and not Carrier(carrier).is_energy),
    "emissions_per_tonne_km": ("links of materials, hydrogen or oxygen (trucks, trailers): a tonne-km",
                               lambda carrier, kind: kind == "link" and not Carrier(carrier).is_energy),
    "min_approach": ("heat links and heat pumps (steam is matched by its own temperatures)",
                     lambda carrier, kind: kind in LINKS and carrier == "heat"),
    "max_temperature": ("a heat pipe or heat pump (the hottest it heats a demand to); steam is matched by "
                        "its own temperatures", lambda carrier, kind: kind in LINKS and carrier == "heat"),
    "carnot_efficiency": ("heat pumps", lambda carrier, kind: kind == "heat_pump"),
    "efficiency": ("electrolysers (hydrogen LHV per MWh of electricity) and stores (round trip); a "
                   "link loses loss_per_km", lambda carrier, kind: kind in ("electrolyser", "storage")),
    "standing_loss": ("stores", lambda carrier, kind: kind == "storage"),
    "charge_rate": ("stores", lambda carrier, kind: kind == "storage"),
    **{key: ("electrolysers", lambda carrier, kind: kind == "electrolyser")
       for key in ("heat_recovery", "heat_temperature", "heat_return_temperature", "purity", "pressure")},
}
LINKS = ("link", "heat_pump")
# What a technology needs that no default can stand for, when neither the catalogue nor the park
# gives it (a technology the park defines): (the kinds it is needed for, an example).
_NEEDED = {
    "lifetime": (lambda carrier, kind: True, "30 year"),
    "min_approach": (lambda carrier, kind: kind in LINKS and carrier == "heat", "10 K"),
    "carnot_efficiency": (lambda carrier, kind: kind == "heat_pump", "50 %"),
    "efficiency": (lambda carrier, kind: kind == "electrolyser", "60 %"),
}


def _applies(key: str, carrier: str, kind: str) -> bool:
    return key not in _ONLY_ON or _ONLY_ON[key][1](carrier, kind)


def _fields_for_the_kind(reader: Reader, name: str, carrier: str, kind: str, raw: dict[str, Any],
                         where) -> None:
    """Refuse a field that does not apply to the technology's kind, and ask for one it needs."""
    what = a_or_an(kind.replace("_", " ") if kind == "heat_pump" else f"{carrier} {kind.replace('_', ' ')}")
    for key, (applies_to, _) in _ONLY_ON.items():
        if raw.get(key) is not None and not _applies(key, carrier, kind):
            reader.problem(where(key), f"a {key} for {what}", f"{key} only on {applies_to}", "remove it")
    for key, (needed, example) in _NEEDED.items():
        if raw.get(key) is None and needed(carrier, kind):
            reader.problem(("technologies", name, key), "nothing",
                           f"a {key} for {what} that is not in the shipped catalogue",
                           f"add e.g. '{key}: {example}'")


def _loss_per_km(reader: Reader, value: Any, loc: tuple) -> float:
    """``0.5 %/km``, a share ``0.5 %`` read as per km, or a bare fraction per km (0.005); below 100 %/km."""
    try:
        number = parse(value, F.SHARE)
    except UnitProblem:
        number = reader.quantity(value, F.LOSS_PER_KM, loc)
    if not math.isnan(number) and number >= 1:
        hint = (f"write '{number:g} %/km' (a bare number is a fraction per km: 0.5 means 50 %/km)"
                if isinstance(value, int | float) and number <= 100
                else "check the number and its unit, e.g. '0.5 %/km' (per km, not per m)")
        reader.problem(loc, f"'{value}' ({number * 100:g} %/km)",
                       "a share lost per km below 100 %/km (at 100 %/km nothing arrives after 1 km)", hint)
    return number


def _standing_loss(reader: Reader, value: Any, kind: Quantity, loc: tuple) -> float:
    """The share of its content a store loses per hour, from a share per any period: a store
    keeps (1 - loss per hour)^h over h hours, so '50 %/day' is 1 - 0.5^(1/24) = 2.85 %/h, which
    keeps half a day's content (not 50/24 = 2.08 %/h, which keeps 60 %)."""
    per_hour = reader.quantity(value, kind, loc)
    if math.isnan(per_hour):
        return per_hour
    hours = period_hours(value)
    lost = per_hour * hours  # over the period it is written per
    if lost >= 1:
        per = "per hour" if hours == 1 else f"over the {hours:g} h it is written per"
        reader.problem(loc, f"'{value}' ({lost * 100:g} % {per})",
                       "a share of its content a store loses per hour, below 100 %/h (or below 100 % "
                       "per day, per year ...)",
                       "check the number and its unit, e.g. '0.02 %/h' or '0.5 %/day'")
        return math.nan
    return -math.expm1(math.log1p(-lost) / hours) if hours != 1 else lost
