"""Which streams may be linked and what two heat streams' temperatures allow between them
(DESIGN section 2): the rules that candidate generation (:mod:`symbiosis.candidates`) and park
validation (:mod:`symbiosis.park.convert`, :mod:`symbiosis.park.existing`) share, so that all
read them from one place; and a link's length between two firms. Temperatures in K.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from symbiosis.park.model import Carrier, Firm, Location, Rules, Stream, Technology, straight_distance


def firms_allow(supply: Stream, demand: Stream, giver: Rules, taker: Rules, *, internal: bool) -> bool:
    """The firms' rules allow a link from ``supply`` to ``demand``: links join different firms,
    or streams of one firm when the park's ``internal_links`` is on, and neither firm names
    the other in its ``exclude_partners``."""
    if supply.firm == demand.firm and not internal:
        return False
    return demand.firm not in giver.exclude_partners and supply.firm not in taker.exclude_partners


# Temperatures closer than this (K) are the same; the model's segments use the same tolerance.
SAME_TEMPERATURE_K = 1e-6


def passes_directly(supply: Stream, demand: Stream, approach: float) -> bool:
    """Some heat passes directly: the supply's hottest point minus the approach lies above
    the demand's coldest, or at it when both streams are at one temperature (a condenser
    exactly the approach above an evaporator passes all its heat, as the problem table says;
    where either stream spans a range, touching at one point passes none)."""
    margin = supply.t_high - approach - demand.t_low
    at_one_temperature = (supply.t_high - supply.t_low <= SAME_TEMPERATURE_K
                          and demand.t_high - demand.t_low <= SAME_TEMPERATURE_K)
    return margin > SAME_TEMPERATURE_K or (at_one_temperature and margin >= -SAME_TEMPERATURE_K)


def reaches_top(supply: Stream, demand: Stream, approach: float) -> bool:
    """A direct link can warm the demand to its top: the supply's hottest point minus the
    approach is at or above the demand's hottest."""
    return supply.t_high - approach >= demand.t_high


def pump_may_help(supply: Stream, demand: Stream, direct: Iterable[Technology], length: float) -> bool:
    """A heat pump is a candidate only where no direct technology that spans the ``length`` km
    between them (one too short or too lossy for it does not) warms the demand to its top and
    takes every part of the supply (its coldest point less the approach at or above the demand's
    coldest): DESIGN section 3's "direct if the source is hot enough, else through a heat pump",
    read for all of the supply's heat. A supply cooling 80 -> 40 degC reaches a 50 -> 70 degC
    demand's top, but its part below 60 degC can heat none of it directly: a heat pump lifting that
    part is a candidate beside the pipe (an audit's hand-derived park: 0.89 M EUR a year more).
    Temperatures alone decide, so splitting a stream in two changes no candidate (a rule on the
    pair's amounts did: another demand may take the heat this pair's pipe would carry; an audit).
    Where that technology stops below the demand's top (its ``max_temperature``, 110 degC for
    120 degC water), the supply counts as hot enough only if it holds, above the demand's top, the
    heat of the part the pipe cannot deliver: that part then needs a hotter carrier (steam, thermal
    oil), not a heat pump evaporating at 115 degC from a 350 degC flue gas (an audit of Mo's data);
    a 160 -> 60 degC gas that only touches a 150 degC top keeps its heat pump."""
    return not any(spans(tech, length) and passes_directly(supply, demand, tech.min_approach)
                   and reaches_top(supply, demand, tech.min_approach)
                   and (delivers_top(demand, tech) or _holds_the_top(supply, demand, tech))
                   and all_passes(supply, demand, tech.min_approach)
                   for tech in direct)


def all_passes(supply: Stream, demand: Stream, approach: float) -> bool:
    """Every part of the supply can heat some of the demand directly: its coldest point less the
    approach at or above the demand's coldest. With its hottest point reaching the demand's top
    too, a direct link then carries all of the one or the other (each stream's heat spread evenly
    over its range: the shifted supply lies above the demand at both ends), whatever their amounts."""
    return supply.t_low - approach >= demand.t_low - SAME_TEMPERATURE_K


def _holds_the_top(supply: Stream, demand: Stream, tech: Technology) -> bool:
    """The supply's heat above the demand's top plus the approach covers the demand's part above
    ``tech``'s ``max_temperature`` (each stream's heat spread evenly over its range, at its mean
    rate)."""
    above = heat_above(supply, demand.t_high + tech.min_approach)
    return above > 0 and above >= heat_above(demand, tech.max_temperature)


def heat_above(stream: Stream, temperature: float) -> float:
    """The share of a heat stream's rate (MW) that lies above ``temperature``, its heat spread
    evenly over its range; a stream of one temperature has all or none."""
    if stream.t_high <= temperature:
        return 0.0
    if stream.t_low >= temperature or stream.t_high == stream.t_low:
        return stream.amount
    return stream.amount * (stream.t_high - temperature) / (stream.t_high - stream.t_low)


def spans(tech: Technology, length: float) -> bool:
    """A link of ``tech`` may be ``length`` km long (its ``max_distance``) and deliver something
    after its losses on the way (``loss_per_km``)."""
    return not length > tech.max_distance and tech.loss_per_km * length < 1


def delivers_top(demand: Stream, tech: Technology) -> bool:
    """``tech`` heats the demand as hot as it needs: no ``max_temperature``, or the demand's
    hottest point at or below it (a heat pump's sink, a hot-water pipe's water)."""
    return tech.max_temperature is None or demand.t_high <= tech.max_temperature + SAME_TEMPERATURE_K


def warms_some(demand: Stream, tech: Technology) -> bool:
    """``tech`` heats some part of the demand: some of it lies below its ``max_temperature``."""
    return delivers_top(demand, tech) or demand.t_low < tech.max_temperature - SAME_TEMPERATURE_K


def direct_passes(supply: Stream, demand: Stream, tech: Technology) -> bool:
    """Some heat passes through the direct technology ``tech``: the temperatures allow it at
    its approach, and part of the demand lies below what it delivers."""
    return passes_directly(supply, demand, tech.min_approach) and warms_some(demand, tech)


def pump_lift(supply: Stream, demand: Stream, tech: Technology) -> tuple[float, float]:
    """(T_hi, T_lo) of a heat pump from ``supply`` to ``demand``: the demand's hottest point plus
    the pump's ``min_approach``, the supply's coldest point minus it."""
    return demand.t_high + tech.min_approach, supply.t_low - tech.min_approach


def heat_pump_cop(carnot_efficiency: float, t_hot: float, t_cold: float) -> float:
    """COP = carnot_efficiency * T_hi / (T_hi - T_lo), temperatures in K (DESIGN section 2)."""
    return carnot_efficiency * t_hot / (t_hot - t_cold)


def pump_cop(supply: Stream, demand: Stream, tech: Technology) -> float | None:
    """The COP of heat pump ``tech`` lifting ``supply`` to ``demand``, or None where a heat pump
    makes no sense: nothing to lift (T_lo >= T_hi, the supply is hot enough) or a COP <= 1."""
    t_hot, t_cold = pump_lift(supply, demand, tech)
    if t_hot <= t_cold:
        return None
    cop = heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold)
    return cop if cop > 1 else None


def placed(location: Location) -> bool:
    """Whether a location was read (a broken one, already reported, is NaN)."""
    return location.is_geographic or not (location.x is None or math.isnan(location.x))


def heat_technologies(technologies: dict[str, Technology], kind: str) -> list[Technology]:
    """The heat technologies of ``kind`` (``link`` or ``heat_pump``)."""
    return [t for t in technologies.values() if t.kind == kind and t.carrier is Carrier.HEAT]


def has_temperatures(stream: Stream) -> bool:
    """Whether a heat stream's temperatures were read (a broken one, already reported, is NaN)."""
    return stream.temperature is not None and not math.isnan(stream.t_high + stream.t_low)


def link_length(firms: dict[str, Firm], supply: Stream, demand: Stream, routing_factor: float) -> float:
    """The link's length in km, NaN where a location is broken or of the other kind (reported)."""
    a, b = firms[supply.firm].location, firms[demand.firm].location
    if not (placed(a) and placed(b)) or a.is_geographic != b.is_geographic:
        return math.nan
    return straight_distance(a, b) * routing_factor

