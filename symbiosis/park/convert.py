"""From the checked shape of a park file to a :class:`Park` in base units.

Every quantity is read once, through a :class:`~symbiosis.park.reader.Reader`
(:func:`symbiosis.units.parse`); every problem is collected with its file, line,
firm, stream and field, and all of them are raised together as one
:class:`ParkError`. Technologies are read in :mod:`symbiosis.park.technologies`,
existing links checked in :mod:`symbiosis.park.existing`.
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from pathlib import Path
from typing import Any

from symbiosis.park import fields as F
from symbiosis.park import schema
from symbiosis.park.exchange import (
    delivers_top,
    firms_allow,
    has_temperatures,
    heat_pump_cop,
    heat_technologies,
    link_length,
    placed,
    pump_cop,
    pump_may_help,
    spans,
)
from symbiosis.park.existing import check_duplicate_existing, check_partners_of_existing, existing_link
from symbiosis.park.model import (
    HUB_VENT_ROUTE,
    Carrier,
    ExistingLink,
    Firm,
    Hub,
    Location,
    MaterialRule,
    Park,
    Route,
    Rules,
    Settings,
    Stream,
    Technology,
    TimeMode,
    frozen_mapping,
)
from symbiosis.park.problems import ParkError, a_or_an, did_you_mean
from symbiosis.park.profiles import ProfileProblem, load_profile
from symbiosis.park.reader import (
    Broken,
    Locate,
    Reader,
    gas_amount,
    gas_counted,
    kind_words,
    of_gas,
    per_unit,
)
from symbiosis.park.scaling import COLDEST
from symbiosis.park.steam import saturation_temperature, steam_quantity
from symbiosis.park.technologies import technology
from symbiosis.units import (
    UNITS_PER_EUR,
    Quantity,
    UnitProblem,
    split_number,
    yearly_share,
)

# What a hub may build (symbiosis/hubs.py); its links are candidates like any firm's.
HUB_KINDS = ("electrolyser", "storage", "heat_pump")


def _rates(reader: Reader, raw: schema.Settings) -> dict[str, float]:
    rates = dict(UNITS_PER_EUR)
    currency = raw.currency
    given: dict[str, float] = {}
    for code, text in raw.exchange_rates.items():
        loc = ("park", "exchange_rates", code)
        if code not in UNITS_PER_EUR:
            reader.problem(loc, f"'{code}'", "a currency code", did_you_mean(code, UNITS_PER_EUR))
            continue
        if code == currency:  # it would rescale every other rate
            reader.problem(loc, f"a rate for {code}, the park's own currency",
                           "rates of the other currencies the park's prices use",
                           f"remove '{code}:' from park.exchange_rates (1 {code} is 1 {code})")
            continue
        value = parse_price_of_currency(reader, text, currency, loc)
        if value is not None:
            given[code] = value
    if given:
        # Units of the park currency per unit of each listed currency, anchored at the park currency.
        per_eur_of_park = rates[currency]
        for code, park_units_per_code in given.items():
            rates[code] = per_eur_of_park / park_units_per_code
    return rates


# A given exchange rate this many times above or below the reference rate is a mistake (an
# inverted rate, a rate per 100), not a market move.
RATE_TOLERANCE = 10.0


def parse_price_of_currency(reader: Reader, text: Any, currency: str, loc: tuple) -> float | None:
    """What one unit of currency ``loc[-1]`` is worth in the park's ``currency``: ``11.5 NOK``."""
    code = loc[-1]
    value = math.nan
    with contextlib.suppress(UnitProblem):
        split = split_number(str(text))
        if split is not None and split[1] == currency:
            value = split[0]
    example = UNITS_PER_EUR.get(currency, 1.0) / UNITS_PER_EUR.get(code, 1.0)
    if not (math.isfinite(value) and value > 0):
        reader.problem(loc, f"'{text}'", f"what one {code} is worth in {currency}, a positive number "
                       f"with the unit {currency}", f"write e.g. '{code}: {example:.4g} {currency}'")
        return None
    if not 1 / RATE_TOLERANCE <= value / example <= RATE_TOLERANCE:
        reader.problem(loc, f"'{text}'", f"what one {code} is worth in {currency}: about {example:.4g} "
                       f"{currency} at the reference rate, not {RATE_TOLERANCE:g} times more or less",
                       f"check that it is {currency} per {code}, not {code} per {currency}: "
                       f"e.g. '{code}: {example:.4g} {currency}'")
        return None
    return value


def _settings(reader: Reader, raw: schema.Settings, routes: dict[str, Route]) -> Settings:
    loc = ("park",)
    discount = reader.quantity(yearly_share(raw.discount_rate), F.SHARE, (*loc, "discount_rate"))
    if not math.isnan(discount) and not 0 <= discount < 1:
        bare = "%" not in str(raw.discount_rate) and "percent" not in str(raw.discount_rate)
        hint = f"write '{discount:g} %'" if bare and 1 <= discount <= 100 else "use a rate such as '7 %'"
        reader.problem((*loc, "discount_rate"), f"'{raw.discount_rate}'",
                       "a yearly rate between 0 % and 100 %", hint)
    carbon = 0.0 if raw.carbon_price is None else reader.quantity(raw.carbon_price, F.CARBON_PRICE,
                                                                   (*loc, "carbon_price"))
    reader.at_least(carbon, 0, (*loc, "carbon_price"), f"a carbon price >= 0 (e.g. 900 {raw.currency}/t)",
                    written=raw.carbon_price)
    factor = reader.quantity(raw.routing_factor, F.RATIO, (*loc, "routing_factor"))
    reader.at_least(factor, 1, (*loc, "routing_factor"),
                    "a routing factor >= 1 (road or pipe length / straight distance)",
                    written=raw.routing_factor, hint="write e.g. 1.3, or leave it out for the default")
    if raw.electricity is not None and raw.electricity not in reader.broken.routes:
        route = routes.get(raw.electricity)
        if route is None:
            reader.problem((*loc, "electricity"), f"'{raw.electricity}'",
                           "the name of an electricity route under 'routes:'",
                           did_you_mean(raw.electricity, routes))
        elif route.carrier is not Carrier.ELECTRICITY:
            reader.problem((*loc, "electricity"), f"route '{raw.electricity}' of carrier {route.carrier}",
                           "a route of carrier electricity", "name the park's electricity route")
    time = raw.time
    if isinstance(time, schema.TypicalDays):
        mode = TimeMode(kind="typical_days", typical_days=time.typical_days, segments=time.segments)
    else:
        mode = TimeMode(kind=time)
    return Settings(
        name=raw.name, currency=raw.currency, discount_rate=discount, carbon_price=carbon,
        electricity=raw.electricity, time=mode, routing_factor=factor,
        internal_links=raw.internal_links, description=raw.description,
        carbon_price_given=raw.carbon_price is not None,
        per_eur=reader.rates.get(reader.currency, 1.0) / reader.rates["EUR"],
    )


def _route(reader: Reader, name: str, raw: schema.Route) -> Route:
    loc = ("routes", name)
    carrier = Carrier(raw.carrier)
    temperature = reader.optional(raw.temperature, F.TEMPERATURE, (*loc, "temperature"))
    reader.at_least(temperature, 0, (*loc, "temperature"), "a temperature above absolute zero", strict=True,
                    written=raw.temperature, hint="check the number and the unit (degC, K)")
    if carrier is Carrier.HEAT and raw.temperature is None:
        reader.problem((*loc, "temperature"), "nothing", "a temperature for a heat route",
                       "add e.g. 'temperature: 250 degC' (a boiler heats demands below it, "
                       "a cooling tower takes surplus above it)")
    refused = _not_for_carrier(reader, raw, carrier, loc, ("temperature", "material", "purity", "pressure"))
    purity = None if raw.purity is None or "purity" in refused else reader.share(raw.purity, (*loc, "purity"))
    pressure = None if "pressure" in refused else reader.optional(raw.pressure, F.PRESSURE,
                                                                   (*loc, "pressure"))

    def per_unit_of(value: Any, table: dict[bool, Quantity], field: str) -> float:
        kind = F.by_carrier(table, carrier)
        if carrier is Carrier.STEAM:
            return steam_quantity(reader, value, kind, pressure, (*loc, field))
        return per_unit(reader, value, kind, carrier, (*loc, field))

    emissions = per_unit_of(raw.emissions, F.EMISSIONS, "emissions")
    reader.at_least(emissions, 0, (*loc, "emissions"), "emissions >= 0", written=raw.emissions)
    return Route(
        id=name, carrier=carrier, price=per_unit_of(raw.price, F.PRICE, "price"),
        emissions=emissions, temperature=temperature, material=raw.material, purity=purity, pressure=pressure,
    )


APPLIES_TO = {
    "material": (Carrier.MATERIAL,),
    "purity": (Carrier.HYDROGEN, Carrier.OXYGEN),
    "pressure": (Carrier.STEAM, Carrier.HYDROGEN, Carrier.OXYGEN),
    "temperature": (Carrier.HEAT, Carrier.STEAM),  # a gas's temperature decides nothing
}
"""The carriers each optional field means something for; on any other carrier it is refused."""


def _not_for_carrier(reader: Reader, raw: schema.Route | schema.Stream, carrier: Carrier, loc: tuple,
                     keys: tuple[str, ...]) -> set[str]:
    """Fields of ``keys`` given on a route or stream whose carrier they do not apply to (each a
    problem: the model would ignore it); their names."""
    what = "route" if loc[0] == "routes" else "stream"
    refused = set()
    for key in keys:
        value = getattr(raw, key)
        if value is not None and carrier not in APPLIES_TO[key]:
            *others, last = [str(c) for c in APPLIES_TO[key]]
            words = f"{', '.join(others)} or {last}" if others else last
            one = a_or_an(f"{carrier} {what}")
            reader.problem((*loc, key), f"'{value}' on {one}", f"{key} only on {words} {what}s",
                           f"remove it: {one} has no {key}")
            refused.add(key)
    return refused


def _location(reader: Reader, raw: schema.Location, loc: tuple) -> Location:
    given = [key for key in ("lat", "lon", "x", "y") if getattr(raw, key) is not None]
    if given not in (["lat", "lon"], ["x", "y"]):
        partner = {"lat": "lon", "lon": "lat", "x": "y", "y": "x"}
        found = f"{given[0]} without {partner[given[0]]}" if len(given) == 1 else (
            ", ".join(given) if given else "no coordinates")
        reader.problem(loc, found, "either {lat, lon} in degrees or {x, y} with length units",
                       "write e.g. 'location: {lat: 60.726, lon: 10.614}' or '{x: 1200 m, y: 300 m}'")
        return Location(x=math.nan, y=math.nan)
    if given[0] == "lat":
        return Location(lat=raw.lat, lon=raw.lon)
    return Location(x=reader.quantity(raw.x, F.LENGTH, (*loc, "x")),
                    y=reader.quantity(raw.y, F.LENGTH, (*loc, "y")))


def _amount(reader: Reader, raw: schema.Stream, carrier: Carrier, loc: tuple,
            temperature: float | None, target: float | None, pressure: float | None) -> float:
    if raw.heat_capacity_rate is not None:
        if carrier is not Carrier.HEAT:
            reader.problem((*loc, "heat_capacity_rate"), f"'{raw.heat_capacity_rate}'",
                           "heat_capacity_rate only on heat streams", "give 'amount' instead")
            return math.nan
        if raw.amount is not None:
            reader.problem((*loc, "amount"), "both amount and heat_capacity_rate",
                           "one of them", "remove one (a scenario or --set that gives one where the park "
                           "file has the other also writes that one empty, e.g. 'amount: null')")
            return math.nan
        rate = reader.quantity(raw.heat_capacity_rate, F.HEAT_CAPACITY_RATE, (*loc, "heat_capacity_rate"))
        if temperature is None or target is None or temperature == target:
            reader.problem((*loc, "target_temperature"), "no temperature range",
                           "a target_temperature different from temperature",
                           "a heat capacity rate needs a range; or give 'amount'")
            return math.nan
        reader.at_least(rate, 0, (*loc, "heat_capacity_rate"), "a heat capacity rate >= 0 (e.g. 150 kW/K)",
                        written=raw.heat_capacity_rate)
        return rate * abs(target - temperature)
    if raw.amount is None:
        ranged = temperature is not None and target is not None and temperature != target
        reader.problem((*loc, "amount"), "nothing",
                       f"an amount, {kind_words(carrier)}",
                       # a heat capacity rate needs a temperature range (refused on one temperature)
                       "add 'amount:'" + (" or 'heat_capacity_rate:'" if carrier is Carrier.HEAT and ranged
                                          else ""))
        return math.nan
    kind = F.by_carrier(F.RATE, carrier)
    amount_loc = (*loc, "amount")
    if carrier in (Carrier.HYDROGEN, Carrier.OXYGEN):
        number = gas_amount(reader, raw.amount, carrier, amount_loc)
    elif carrier is Carrier.STEAM:
        number = steam_quantity(reader, raw.amount, kind, pressure, amount_loc)
    else:
        number = reader.quantity(raw.amount, kind, amount_loc)
    reader.at_least(number, 0, amount_loc, f"an amount >= 0, {kind_words(carrier)}", written=raw.amount,
                    hint="write the amount without a sign; 'direction: supply' or 'demand' gives the way")
    return number


def _stream(reader: Reader, firm: str, name: str, raw: schema.Stream, routes: dict[str, Route],
            folder: Path | None, keep: bool) -> Stream:
    loc = ("firms", firm, "streams", name)
    carrier = Carrier(raw.carrier)
    temperature = reader.optional(raw.temperature, F.TEMPERATURE, (*loc, "temperature"))
    target = reader.optional(raw.target_temperature, F.TEMPERATURE, (*loc, "target_temperature"))
    if carrier is Carrier.HEAT:
        if raw.temperature is None:
            reader.problem((*loc, "temperature"), "nothing", "a temperature for a heat stream",
                           "add e.g. 'temperature: 45 degC' (where the stream starts)")
        elif target is not None and temperature is not None and not math.isnan(target + temperature):
            if raw.direction == "supply" and target > temperature:
                reader.problem((*loc, "target_temperature"), f"'{raw.target_temperature}' above "
                               f"temperature '{raw.temperature}'", "a supply cools: target_temperature "
                               "<= temperature", "swap the two, or make the stream a demand")
            if raw.direction == "demand" and target < temperature:
                reader.problem((*loc, "target_temperature"), f"'{raw.target_temperature}' below "
                               f"temperature '{raw.temperature}'", "a demand warms: target_temperature "
                               ">= temperature", "swap the two, or make the stream a supply")
        for key, value in (("temperature", temperature), ("target_temperature", target)):
            if value is not None and value <= 0:
                reader.problem((*loc, key), f"'{getattr(raw, key)}' ({value:g} K)",
                               "a temperature above absolute zero", "check the number and the unit (degC, K)")
    elif raw.target_temperature is not None:
        reader.problem((*loc, "target_temperature"), f"'{raw.target_temperature}'",
                       "target_temperature only on heat streams", "remove it")
    if carrier is Carrier.MATERIAL and not raw.material:
        reader.problem((*loc, "material"), "nothing", "the material of a material stream",
                       "add e.g. 'material: slag'")
    refused = _not_for_carrier(reader, raw, carrier, loc, ("temperature", "material", "pressure"))
    purity = None
    if raw.purity is not None:
        if carrier not in (Carrier.HYDROGEN, Carrier.OXYGEN):
            reader.problem((*loc, "purity"), f"'{raw.purity}'", "purity only on hydrogen or oxygen streams",
                           "remove it")
        else:
            purity = reader.share(raw.purity, (*loc, "purity"))
    pressure = None if "pressure" in refused else reader.optional(raw.pressure, F.PRESSURE,
                                                                   (*loc, "pressure"))
    reader.at_least(pressure, 0, (*loc, "pressure"), "a pressure > 0 (e.g. 30 bar)", strict=True,
                    written=raw.pressure)
    if carrier is Carrier.STEAM and raw.direction == "supply":  # a demand's are the least it takes
        _check_steam_temperature(reader, loc, raw, temperature, pressure)
    amount = _amount(reader, raw, carrier, loc, temperature, target, pressure)
    _check_current(reader, loc, raw, carrier, routes, temperature, target)
    profile = None
    if raw.profile is not None:
        profile = _profile(reader, (*loc, "profile"), raw.profile, folder)
    return Stream(
        firm=firm, id=name, direction=raw.direction, carrier=carrier, amount=amount, current=raw.current,
        temperature=temperature, target_temperature=target, material=raw.material, purity=purity,
        pressure=pressure, profile=profile, keep_current=keep,
    )


STEAM_ROUNDING_K = 1.0  # a steam temperature this far below saturation is a rounding, not water


def _check_steam_temperature(reader: Reader, loc: tuple, raw: schema.Stream, temperature: float | None,
                             pressure: float | None) -> None:
    """A steam supply is at least as hot as water boils at its pressure: 10 bar and 120 degC is
    water, and its temperature would decide which demands it serves (the steam tables' saturation
    line, with 1 K for rounding)."""
    if temperature is None or pressure is None or math.isnan(temperature + pressure) or pressure <= 0:
        return
    saturation = saturation_temperature(pressure)
    if saturation is None or temperature >= saturation - STEAM_ROUNDING_K:
        return
    reader.problem((*loc, "temperature"), f"'{raw.temperature}' at pressure '{raw.pressure}'",
                   f"steam at {pressure:g} bar at or above its saturation temperature, "
                   f"{saturation - 273.15:.1f} degC "
                   "(below it the stream is water)",
                   "check the two: a gauge pressure is 1 bar below the absolute one (10 barg is 11 bar); "
                   "superheated steam is hotter than saturation, never colder; hot water is a heat stream")


def _check_current(reader: Reader, loc: tuple, raw: schema.Stream, carrier: Carrier,
                   routes: dict[str, Route], temperature: float | None, target: float | None) -> None:
    route = routes.get(raw.current)
    where = (*loc, "current")
    if raw.current in reader.broken.routes:
        return
    if route is None:
        reader.problem(where, f"'{raw.current}'", "the name of a route under 'routes:'",
                       did_you_mean(raw.current, routes))
        return
    if route.carrier is not carrier:
        reader.problem(where, f"route '{route.id}' of carrier {route.carrier}",
                       f"a route of carrier {carrier}", "choose a route that buys or disposes of "
                       f"{carrier}, or add one")
        return
    if carrier is Carrier.MATERIAL and route.material and raw.material and route.material != raw.material:
        reader.problem(where, f"route '{route.id}' for material {route.material}",
                       f"a route for {raw.material} (or one without a material, like landfill)",
                       "choose the matching route")
    if carrier in (Carrier.HEAT, Carrier.STEAM) and route.temperature is not None and temperature is not None:
        ends = [t for t in (temperature, target) if t is not None and not math.isnan(t)]
        if not ends or math.isnan(route.temperature):
            return
        if raw.direction == "demand" and route.temperature < max(ends):
            reader.problem(where, f"route '{route.id}' at {route.temperature - 273.15:g} degC",
                           f"a {carrier} route at or above the demand's {max(ends) - 273.15:g} degC",
                           "use a hotter route or correct the temperatures")
        if raw.direction == "supply" and route.temperature > min(ends):
            # 60 K written for 60 degC reads as -213 degC: the route is blamed, the unit is wrong
            kelvin = (f" (a temperature of {min(ends) - 273.15:g} degC, colder than any process stream: "
                      "was degC written as K?)" if min(ends) < COLDEST else "")
            reader.problem(where, f"route '{route.id}' at {route.temperature - 273.15:g} degC",
                           f"a {carrier} sink at or below the supply's {min(ends) - 273.15:g} degC",
                           f"use a colder route (cooling water, river) or correct the temperatures{kelvin}")


def _profile(reader: Reader, loc: tuple, text: str, folder: Path | None) -> tuple[float, ...] | None:
    base = (folder or Path.cwd()).resolve()
    path = (base / text).resolve()
    if not text.strip():
        reader.problem(loc, "an empty name", "the name of a CSV file in the park folder",
                       "write e.g. 'profile: profiles/heat.csv', or leave the key out for a flat profile")
        return None
    if not path.is_relative_to(base):
        reader.problem(loc, f"'{text}'", "a file inside the park folder",
                       "copy the profile into the park folder (e.g. profiles/) and refer to it there")
        return None
    try:
        return load_profile(_as_on_disk(path))
    except ProfileProblem as exc:
        reader.problem(loc, f"'{text}': {exc.found}", "a CSV of one column of numbers >= 0 (a time column "
                       "before it may date the rows, from 1 January): 8760 hourly rows (or 8784, 365, 12, "
                       "168 or 24)", exc.hint)
        return None


def _as_on_disk(path: Path) -> Path:
    """``path``, or the file beside it whose name is the same text in another Unicode form: park
    files are read in composed form (NFC), while a Mac writes file names decomposed (NFD)."""
    if path.exists() or not path.parent.is_dir():
        return path
    wanted = unicodedata.normalize("NFC", path.name)
    return next((other for other in path.parent.iterdir()
                 if unicodedata.normalize("NFC", other.name) == wanted), path)


def build_park(
    data: schema.ParkFile,
    raw_catalogue: dict[str, dict[str, Any]],
    locate: Locate,
    *,
    folder: Path | None = None,
    scenario: str | None = None,
    fingerprint: str = "",
    broken: Broken | None = None,
) -> Park:
    """Read every quantity of a shape-checked park file, check meanings, build the ``Park``.

    ``broken``: entries already reported and set aside; references to them are not errors.
    """
    reader = Reader(locate=locate, currency=data.park.currency, broken=broken or Broken())
    if data.park.currency not in UNITS_PER_EUR:
        reader.problem(("park", "currency"), f"'{data.park.currency}'",
                       f"a currency code, one of {', '.join(UNITS_PER_EUR)}",
                       did_you_mean(data.park.currency, UNITS_PER_EUR))
        reader.currency = "EUR"  # only to go on checking the rest of the file
    reader.rates = _rates(reader, data.park)

    routes = {name: _route(reader, name, raw) for name, raw in data.routes.items()}
    # the results name a hub's vents by carrier (vent_oxygen, vent_heat): route names stay unique
    vents = [HUB_VENT_ROUTE, *(f"{HUB_VENT_ROUTE}_{carrier.value}" for carrier in Carrier)]
    for name in (vent for vent in vents if vent in routes and data.hubs):
        reader.problem(("routes", name), f"'{name}'",
                       f"another name: in a park with hubs, '{HUB_VENT_ROUTE}' is the route of what a hub "
                       f"makes and no link takes (vented at no cost), listed in the results as "
                       f"'{HUB_VENT_ROUTE}_' and the carrier",
                       "rename this route (e.g. 'stack') and the streams' 'current' that name it")
    settings = _settings(reader, data.park, routes)
    if not data.firms and not reader.broken.firms:
        reader.problem(("firms",), "no firms", "the firms of the park, each with its streams",
                       "add them under 'firms:' (or keep some: a scenario or --set remove_firms took all)")

    technologies: dict[str, Technology] = {}
    for name in sorted(set(raw_catalogue) | set(data.technologies)):
        merged = dict(raw_catalogue.get(name, {}))
        override = data.technologies[name].model_dump(exclude_none=True) if name in data.technologies else {}
        merged.update(override)
        if name not in raw_catalogue and ("carrier" not in override or "kind" not in override):
            close = did_you_mean(name, raw_catalogue)
            reader.problem(("technologies", name), f"'{name}'",
                           "a technology of the shipped catalogue, or a new one with its carrier and kind",
                           close if close.startswith("did you mean") else
                           f"{close}; or give '{name}' both 'carrier:' and 'kind:' (link, heat_pump, "
                           "electrolyser or storage) and its costs to define a new technology")
            continue
        shipped = raw_catalogue.get(name, override)
        changed = [key for key in ("carrier", "kind") if override.get(key, shipped[key]) != shipped[key]]
        if changed:
            key = changed[0]
            # Every other catalogue field (its units, its curve) is of the catalogue's carrier and kind.
            reader.problem(("technologies", name, key), f"'{override[key]}'",
                           f"'{raw_catalogue[name][key]}', the {key} of the catalogue's {name}",
                           f"for a {key} '{override[key]}', define a new technology under another name, with "
                           "'carrier:', 'kind:' and its costs")
            continue
        built = technology(reader, name, merged, set(override))
        if built is not None:
            technologies[name] = built

    materials_seen = {raw_stream.material for firm in data.firms.values()
                      for raw_stream in firm.streams.values() if raw_stream.material}
    materials_seen |= {route.material for route in routes.values() if route.material}
    _one_spelling_of_each_material(reader, data, routes)
    rules = []
    first_rule: dict[tuple[str, str], int] = {}
    for i, rule in enumerate(data.materials):
        loc = ("materials", i)
        pair = (rule.by_product, rule.replaces)
        if pair in first_rule:  # the model keeps one share limit per demand and by-product
            reader.problem(loc, f"a second rule for {rule.by_product} replacing {rule.replaces} (the "
                           f"first is materials[{first_rule[pair]}])",
                           "one rule for each by_product and the material it replaces",
                           "keep one rule with the ratio and max_share that hold")
            continue
        first_rule[pair] = i
        for key in ("by_product", "replaces"):
            name = getattr(rule, key)
            if name not in materials_seen and name not in reader.broken.materials:
                reader.problem((*loc, key), f"'{name}'", "a material named by a stream or route",
                               did_you_mean(name, materials_seen))
        ratio = reader.quantity(rule.ratio, F.RATIO, (*loc, "ratio"))
        reader.at_least(ratio, 0, (*loc, "ratio"), "a ratio > 0 (tonnes delivered per tonne taken)",
                        strict=True, written=rule.ratio)
        share = reader.share(rule.max_share, (*loc, "max_share"))
        rules.append(MaterialRule(rule.by_product, rule.replaces, ratio, share))

    firms: dict[str, Firm] = {}
    for firm_id, raw_firm in data.firms.items():
        floc = ("firms", firm_id)
        _check_id(reader, floc, firm_id, "firm")
        for name in raw_firm.streams:
            _check_id(reader, (*floc, "streams", name), name, "stream")
        if firm_id in raw_firm.rules.exclude_partners:
            reader.problem((*floc, "rules", "exclude_partners"), f"'{firm_id}', the firm itself",
                           "other firms or hubs", f"remove '{firm_id}' from its own exclude_partners "
                           "(links within a firm are set by park: internal_links)")
        for other in raw_firm.rules.exclude_partners:  # a firm or a hub
            if other not in data.firms and other not in data.hubs and other not in reader.broken.firms:
                sites = [*data.firms, *data.hubs]
                reader.problem((*floc, "rules", "exclude_partners"), f"'{other}'",
                               "a firm or hub id of this park", did_you_mean(other, sites))
        for kept in raw_firm.rules.keep_current:
            if kept not in raw_firm.streams and not reader.broken.stream(firm_id, kept):
                reader.problem((*floc, "rules", "keep_current"), f"'{kept}'",
                               f"a stream of firm '{firm_id}'", did_you_mean(kept, raw_firm.streams))
        carriers = {raw.carrier for raw in raw_firm.streams.values()}
        for name in raw_firm.storage:
            tech = technologies.get(name)
            if (tech is None or tech.kind != "storage") and name not in reader.broken.technologies:
                reader.problem((*floc, "storage"), f"'{name}'", "a storage technology",
                               did_you_mean(name, [t.name for t in technologies.values()
                                                   if t.kind == "storage"]))
            elif tech is not None and tech.carrier.value not in carriers:
                reader.problem((*floc, "storage"), f"'{name}', a store of {tech.carrier.value}",
                               f"a store for a carrier of the firm's streams ({', '.join(sorted(carriers))})",
                               f"remove '{name}', or give the firm its {tech.carrier.value} stream")
        streams = tuple(
            _stream(reader, firm_id, name, raw, routes, folder, name in raw_firm.rules.keep_current)
            for name, raw in raw_firm.streams.items()
        )
        firms[firm_id] = Firm(
            id=firm_id, name=raw_firm.name or firm_id, sector=raw_firm.sector,
            location=_location(reader, raw_firm.location, (*floc, "location")), streams=streams,
            rules=Rules(frozenset(raw_firm.rules.exclude_partners), raw_firm.rules.max_partners,
                        frozenset(raw_firm.rules.keep_current)),
            storage=tuple(raw_firm.storage),
        )
    kinds = {firm.location.is_geographic for firm in firms.values() if placed(firm.location)}
    if len(kinds) > 1:
        reader.problem(("firms",), "some firms located by lat/lon and others by x/y",
                       "one kind of location for the whole park", "use lat/lon everywhere, or x/y everywhere")

    existing = tuple(existing_link(reader, i, raw, firms, technologies, settings.routing_factor)
                     for i, raw in enumerate(data.existing))
    check_duplicate_existing(reader, existing, firms)
    check_partners_of_existing(reader, existing, firms)
    hubs = {}
    for hub_id, raw_hub in data.hubs.items():
        _check_id(reader, ("hubs", hub_id), hub_id, "hub")
        if hub_id in firms:
            reader.problem(("hubs", hub_id), f"'{hub_id}'", "a hub id different from every firm id",
                           "rename the hub")
        for name in raw_hub.technologies:
            if name not in technologies and name not in reader.broken.technologies:
                reader.problem(("hubs", hub_id, "technologies"), f"'{name}'", "a technology name",
                               did_you_mean(name, technologies))
            elif name in technologies and technologies[name].kind not in HUB_KINDS:
                units = sorted(t.name for t in technologies.values() if t.kind in HUB_KINDS)
                reader.problem(("hubs", hub_id, "technologies"), f"'{name}', a {technologies[name].kind}",
                               "a unit a hub can build: an electrolyser, a store or a heat pump",
                               f"choose one of: {', '.join(units)} (links to and from the hub are "
                               "candidates by themselves)")
        misspelt = [n for n in raw_hub.technologies if n not in technologies]
        for name in raw_hub.max_capacity:
            if name in technologies and misspelt:
                continue  # the misspelt name in the hub's list is reported; its fix mends this too
            if name not in raw_hub.technologies:
                hint = did_you_mean(name, raw_hub.technologies)
                if name in technologies:  # a real technology the hub does not list
                    hint = f"add '{name}' to the hub's technologies, or {hint}"
                reader.problem(("hubs", hub_id, "max_capacity", name), f"'{name}'",
                               f"one of the hub's technologies ({', '.join(raw_hub.technologies) or 'none'})",
                               hint)
        hubs[hub_id] = Hub(
            id=hub_id, location=_location(reader, raw_hub.location, ("hubs", hub_id, "location")),
            technologies=tuple(raw_hub.technologies),
            max_capacity=frozen_mapping({
                name: _hub_capacity(reader, value, technologies.get(name),
                                    ("hubs", hub_id, "max_capacity", name))
                for name, value in raw_hub.max_capacity.items() if name in raw_hub.technologies}),
            collect=_hub_range(reader, raw_hub.collect, ("hubs", hub_id, "collect"), warms=True),
            deliver=_hub_range(reader, raw_hub.deliver, ("hubs", hub_id, "deliver"), warms=False),
        )
        pumps = [n for n in raw_hub.technologies if n in technologies and technologies[n].kind == "heat_pump"]
        if pumps and (raw_hub.collect is None or raw_hub.deliver is None):
            reader.problem(("hubs", hub_id, "collect" if raw_hub.collect is None else "deliver"), "nothing",
                           "the temperatures of a heat pump hub's loops",
                           "add 'collect: {from: 25 degC, to: 35 degC}' and "
                           "'deliver: {from: 85 degC, to: 50 degC}'")
        for name, largest in hubs[hub_id].max_capacity.items():
            tech = technologies.get(name)
            if tech is not None and not math.isnan(largest) and largest < tech.min_capacity:
                reader.problem(("hubs", hub_id, "max_capacity", name), f"'{raw_hub.max_capacity[name]}'",
                               f"at least the {name}'s min_capacity ({tech.min_capacity:g} "
                               f"{_hub_capacity_kind(tech).base}): below it "
                               "the hub could build nothing", f"raise it, or lower {name}'s min_capacity")
        delivered = hubs[hub_id].deliver
        for name in pumps:  # as for a heat-pump link (park/exchange.delivers_top)
            top = technologies[name].max_temperature
            if delivered is not None and top is not None and max(delivered) > top:
                reader.problem(("hubs", hub_id, "deliver", "from"), f"'{raw_hub.deliver.from_}'",
                               f"a delivered loop no hotter than the {name}'s max_temperature "
                               f"({top - 273.15:g} degC)",
                               f"lower 'deliver: from:', or raise {name}'s max_temperature if the "
                               "machine reaches it")
            _check_hub_lift(reader, hub_id, technologies[name], hubs[hub_id])
    _hub_locations(reader, hubs, kinds)
    if settings.electricity is None and "electricity" not in reader.broken.settings:
        _electricity_needed(reader, settings, routes, firms, technologies, hubs, existing)
    if reader.problems:
        raise ParkError(reader.problems)
    return Park(
        settings=settings, routes=frozen_mapping(routes), technologies=frozen_mapping(technologies),
        materials=tuple(rules), firms=frozen_mapping(firms), existing=existing,
        hubs=frozen_mapping(hubs), folder=folder, scenario=scenario, fingerprint=fingerprint,
    )


def _check_hub_lift(reader: Reader, hub_id: str, tech: Technology, hub: Hub) -> None:
    """A heat pump hub lifts its collecting loop to its delivered one with a COP above 1 (as a
    heat-pump link): one with nothing to lift, or a COP of 1 or less, would be left out unseen."""
    if hub.collect is None or hub.deliver is None or math.isnan(sum(hub.collect) + sum(hub.deliver)):
        return
    t_hot, t_cold = max(hub.deliver) + tech.min_approach, min(hub.collect) - tech.min_approach
    loops = (f"collect {min(hub.collect) - 273.15:g} -> {max(hub.collect) - 273.15:g} degC, deliver "
             f"{max(hub.deliver) - 273.15:g} -> {min(hub.deliver) - 273.15:g} degC")
    if t_hot <= t_cold:
        reader.problem(("hubs", hub_id, "collect"), loops,
                       "a collecting loop colder than the delivered one: a heat pump lifts heat (this one "
                       f"is hotter than the delivered loop's top by {tech.name}'s min_approach twice over)",
                       "check the two loops' temperatures; surplus hot enough for the demands heats them "
                       "through direct links, with no hub")
        return
    cop = heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold)
    if cop <= 1:
        reader.problem(("hubs", hub_id, "collect"),
                       f"{loops}: COP {cop:.2f} (T_hi {t_hot - 273.15:g} degC, T_lo {t_cold - 273.15:g} "
                       f"degC, carnot_efficiency {tech.carnot_efficiency * 100:g} %)",
                       "a lift the heat pump makes with a COP above 1 (COP = carnot_efficiency x T_hi / "
                       "(T_hi - T_lo), in K)", "collect warmer heat or deliver cooler, or check "
                       f"{tech.name}'s carnot_efficiency")


def _hub_range(reader: Reader, raw: schema.HeatRange | None, loc: tuple, *, warms: bool
               ) -> tuple[float, float] | None:
    """A hub loop's (from, to) in K: the collecting loop warms, the delivering loop cools."""
    if raw is None:
        return None
    start = reader.quantity(raw.from_, F.TEMPERATURE, (*loc, "from"))
    end = reader.quantity(raw.to, F.TEMPERATURE, (*loc, "to"))
    if not math.isnan(start + end) and (end <= start if warms else end >= start):
        reader.problem(loc, f"from '{raw.from_}' to '{raw.to}'",
                       "a loop that warms (collect: from < to)" if warms
                       else "a loop that cools (deliver: from > to)",
                       "swap the two temperatures")
    return start, end


def _hub_capacity(reader: Reader, value: Any, tech: Technology | None, loc: tuple) -> float:
    """A hub's largest size of ``tech``; a hydrogen or oxygen store's as gas amounts are read."""
    kind = _hub_capacity_kind(tech)
    gas = gas_counted(tech.carrier, tech.kind) if tech is not None else None
    if gas is not None:
        return of_gas(reader, value, kind, gas, loc)
    return reader.quantity(value, kind, loc)


def _hub_capacity_kind(tech: Technology | None) -> Quantity:
    """A hub's largest size of a technology: MW for units, MWh or t for stores."""
    if tech is None:
        return F.CAPACITY[True]
    if tech.kind == "storage":
        return F.STORAGE_CAPACITY[tech.carrier.is_energy]
    return F.CAPACITY[F.capacity_is_energy(tech.carrier, tech.kind)]


def _hub_locations(reader: Reader, hubs: dict[str, Hub], kinds: set[bool]) -> None:
    """Hubs are located like the firms: lat/lon in a lat/lon park, x/y in an x/y park."""
    located = [hub for hub in hubs.values() if placed(hub.location)]
    if len(kinds) > 1 or not located:
        return  # firms of both kinds: already reported
    park_kind = next(iter(kinds)) if kinds else located[0].location.is_geographic
    words = {True: "lat/lon", False: "x/y"}
    for hub in located:
        if hub.location.is_geographic != park_kind:
            reader.problem(("hubs", hub.id, "location"),
                           f"{words[not park_kind]} in a park located by {words[park_kind]}",
                           "one kind of location for the whole park, firms and hubs alike",
                           f"give the hub {words[park_kind]} coordinates, as the firms have")


def _electricity_needed(reader: Reader, settings: Settings, routes: dict[str, Route], firms: dict[str, Firm],
                        technologies: dict[str, Technology], hubs: dict[str, Hub],
                        existing: tuple[ExistingLink, ...]) -> None:
    """A problem when something would buy electricity but ``park: electricity:`` names no route
    (it would be free and CO2-free)."""
    user = _electricity_user(firms, technologies, hubs, existing, settings)
    if user is None:
        return
    what, avoid = user
    grids = sorted(name for name, route in routes.items() if route.carrier is Carrier.ELECTRICITY)
    add = (f"add 'electricity: {grids[0]}' under 'park:'" if grids else
           f"add a route such as 'grid: {{carrier: electricity, price: 0.65 {settings.currency}/kWh, "
           "emissions: 0.019 kg/kWh}' under 'routes:' and 'electricity: grid' under 'park:'")
    reader.problem(("park", "electricity"), f"no electricity route, yet {what} (it buys electricity)",
                   "'electricity: <route id>' under 'park:', the route heat pumps and electrolysers buy "
                   "electricity from (without it, electricity would be free and CO2-free)",
                   f"{add}; or {avoid}")


def _electricity_user(firms: dict[str, Firm], technologies: dict[str, Technology], hubs: dict[str, Hub],
                      existing: tuple[ExistingLink, ...], settings: Settings) -> tuple[str, str] | None:
    """(what would buy electricity, how to do without it), or None when nothing would."""
    for hub in hubs.values():
        for name in hub.technologies:
            tech = technologies.get(name)
            if tech is not None and tech.enabled and tech.kind in ("electrolyser", "heat_pump"):
                return (f"hub '{hub.id}' lists the {tech.kind.replace('_', ' ')} '{name}'",
                        f"take '{name}' off the hub's technologies")
    for link in existing:
        tech = technologies.get(link.technology)
        if tech is not None and tech.kind == "heat_pump":
            return (f"the existing heat pump {link.from_firm}.{link.from_stream} -> {link.to_firm}."
                    f"{link.to_stream} runs", "remove that existing entry")
    pump = _pump_candidate(firms, technologies, settings)
    if pump is None:
        return None
    tech, supply, demand = pump
    return (f"the heat pump '{tech.name}' could lift {supply.key} to {demand.key}",
            f"disable the heat pump: 'technologies: {{{tech.name}: {{enabled: false}}}}'")


def _pump_candidate(firms: dict[str, Firm], technologies: dict[str, Technology], settings: Settings
                    ) -> tuple[Technology, Stream, Stream] | None:
    """A heat pump that could become a candidate link (candidate generation's temperature,
    pairing and distance rules), or None."""
    internal = settings.internal_links
    pumps = [t for t in heat_technologies(technologies, "heat_pump") if t.enabled]
    if not pumps:
        return None
    direct = [t for t in heat_technologies(technologies, "link") if t.enabled]
    heat = [s for firm in firms.values() for s in firm.streams
            if s.carrier is Carrier.HEAT and not s.keep_current and s.amount > 0 and has_temperatures(s)]
    for supply in (s for s in heat if s.is_supply):
        for demand in (s for s in heat if not s.is_supply):
            if not firms_allow(supply, demand, firms[supply.firm].rules, firms[demand.firm].rules,
                               internal=internal):
                continue
            length = link_length(firms, supply, demand, settings.routing_factor)  # NaN: said elsewhere
            if not pump_may_help(supply, demand, direct, length):
                continue
            for tech in pumps:
                if spans(tech, length) and delivers_top(demand, tech) \
                        and pump_cop(supply, demand, tech) is not None:
                    return tech, supply, demand
    return None


def _check_id(reader: Reader, loc: tuple, name: str, what: str) -> None:
    """A firm, hub or stream id is a plain word: ``firm.stream`` names a stream in existing links,
    ``--set`` paths and ``candidates --between``, so a dot (or an empty id) would make names no
    one can write (a hub ``h.2`` and firm ``h``'s stream ``2`` were one name)."""
    if not name.strip() or "." in name or name != name.strip():
        reader.problem(loc, f"'{name}'", f"a {what} id without '.' and without spaces at its ends "
                       "(letters, digits, '_' and '-' are safest)",
                       f"rename it, e.g. '{name.strip().replace('.', '_') or what}'")


def _one_spelling_of_each_material(reader: Reader, data: schema.ParkFile, routes: dict) -> None:
    """Refuse materials written in two cases (``Aluminium_scrap`` and ``aluminium_scrap``): they
    are different materials, so the scrap silently met no buyer. Named where the rarer spelling
    is first written."""
    uses: dict[str, list[tuple]] = {}
    for firm_id, raw_firm in data.firms.items():
        for stream_id, raw_stream in raw_firm.streams.items():
            if raw_stream.material:
                uses.setdefault(raw_stream.material, []).append(
                    ("firms", firm_id, "streams", stream_id, "material"))
    for route_id, route in routes.items():
        if route.material:
            uses.setdefault(route.material, []).append(("routes", route_id, "material"))
    spellings: dict[str, list[str]] = {}
    for name in uses:
        spellings.setdefault(name.casefold(), []).append(name)
    for names in spellings.values():
        if len(names) < 2:
            continue
        common, *rarer = sorted(names, key=lambda name: -len(uses[name]))
        for name in rarer:
            loc = uses[name][0]
            reader.problem(loc, f"the material '{name}', and '{common}' elsewhere in the park",
                           "one spelling of each material: names differing only in case are different "
                           "materials, so no link joins them", f"write '{common}' (or '{name}' everywhere)",
                           firm=loc[1] if loc[0] == "firms" else None,
                           stream=loc[3] if loc[0] == "firms" else None)


