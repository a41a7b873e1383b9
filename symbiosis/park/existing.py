"""The checks of a park's existing links (``existing:``): each runs between a supply and a
demand of one carrier, by a technology that carries it, as the firms' rules allow, and carries
something; one entry per supply, demand and technology; and no firm's ``max_partners`` below the
partners its existing links already join it with."""

from __future__ import annotations

import math
from dataclasses import fields

from symbiosis.park import fields as F
from symbiosis.park import schema
from symbiosis.park.exchange import (
    delivers_top,
    direct_passes,
    has_temperatures,
    heat_pump_cop,
    heat_technologies,
    link_length,
    passes_directly,
    pump_cop,
    pump_lift,
)
from symbiosis.park.model import Carrier, ExistingLink, Firm, Stream, Technology
from symbiosis.park.problems import did_you_mean
from symbiosis.park.reader import Reader, gas_amount
from symbiosis.park.steam import steam_quantity


def existing_link(reader: Reader, i: int, raw: schema.Existing, firms: dict[str, Firm],
                  technologies: dict[str, Technology], routing_factor: float) -> ExistingLink:
    """``existing[i]`` read and checked; its capacity is NaN where an end, the technology or the
    carrier could not be read (each such problem reported once)."""
    loc = ("existing", i)
    tech = technologies.get(raw.technology)
    ends = []
    for key, text, direction in (("from", raw.from_, "supply"), ("to", raw.to, "demand")):
        firm_id, _, stream_id = text.partition(".")
        firm = firms.get(firm_id)
        stream = next((s for s in firm.streams if s.id == stream_id), None) if firm else None
        if stream is None and not reader.broken.stream(firm_id, stream_id):
            reader.problem((*loc, key), f"'{text}'", f"firm.stream of a {direction} stream in this park",
                           did_you_mean(text, _ends_it_may_mean(firms, firm_id, direction, tech)))
        elif stream is not None and stream.direction != direction:
            reader.problem((*loc, key), f"'{text}', a {stream.direction}", f"a {direction} stream",
                           f"an existing link runs from a supply to a demand: swap 'from' and 'to', or "
                           f"check the direction of {text}", firm=firm_id, stream=stream_id)
            stream = None  # reported: nothing more is checked against it
        ends.append((firm_id, stream_id, stream))
    if tech is None and raw.technology not in reader.broken.technologies:
        reader.problem((*loc, "technology"), f"'{raw.technology}'", "a technology name",
                       did_you_mean(raw.technology, technologies))
    carriers = {end[2].carrier for end in ends if end[2] is not None}
    if not carriers and tech is not None:
        carriers = {tech.carrier}  # both ends unknown (already reported): the technology's carrier
    if len(carriers) > 1:
        (supply_firm, supply_id, supply), (demand_firm, demand_id, demand) = ends
        reader.problem(loc, f"{supply_firm}.{supply_id}, {supply.carrier.value}, and "
                       f"{demand_firm}.{demand_id}, {demand.carrier.value}",
                       "a supply and a demand of one carrier",
                       "check 'from' and 'to': an existing link carries one carrier")
    if len(carriers) != 1:
        return ExistingLink(ends[0][0], ends[0][1], ends[1][0], ends[1][1], raw.technology, math.nan)
    carrier = carriers.pop()
    if carrier in (Carrier.HYDROGEN, Carrier.OXYGEN):  # as streams' amounts: t/h, Nm3/h (hydrogen: MW)
        capacity = gas_amount(reader, raw.capacity, carrier, (*loc, "capacity"))
    elif carrier is Carrier.STEAM:
        capacity = steam_quantity(reader, raw.capacity, F.CAPACITY[True], _steam_pressure(ends),
                                  (*loc, "capacity"))
    else:
        capacity = reader.quantity(raw.capacity, F.by_carrier(F.CAPACITY, carrier), (*loc, "capacity"))
    reader.at_least(capacity, 0, (*loc, "capacity"), "a capacity > 0", strict=True, written=raw.capacity)
    supply, demand = ends[0][2], ends[1][2]
    if supply and demand:
        _check_rules_allow(reader, loc, supply, demand, firms)
    if tech is not None and _carries(reader, loc, tech, carrier, technologies) and supply and demand \
            and _read_whole(tech):
        length = link_length(firms, supply, demand, routing_factor)
        _check_runs(reader, loc, supply, demand, tech, technologies, length)
    return ExistingLink(ends[0][0], ends[0][1], ends[1][0], ends[1][1], raw.technology, capacity)


def _read_whole(tech: Technology) -> bool:
    """No number of ``tech`` failed to read (NaN, reported where it is written): a link is not
    checked against it ("its hottest point minus nan K", a second, wrong message; an audit)."""
    return not any(isinstance(value, float) and math.isnan(value)
                   for value in (getattr(tech, f.name) for f in fields(tech)))


def _where(reader: Reader, loc: tuple) -> str:
    """`` (scenarios/x.yaml:3)``: where a rule is written, which may be a scenario or a --set
    rather than the park file the problem's own line is in."""
    file, line = reader.locate(loc)
    return f" ({file}{f':{line}' if line else ''})" if file else ""


def _steam_pressure(ends: list) -> float | None:
    """The pressure a steam link's capacity written by mass converts at: the supply's, else the demand's."""
    return next((end[2].pressure for end in ends if end[2] is not None and end[2].pressure), None)


def _check_rules_allow(reader: Reader, loc: tuple, supply: Stream, demand: Stream,
                       firms: dict[str, Firm]) -> None:
    """An existing link runs: the firms' rules may not forbid it (the answer then broke them,
    and its audit stopped ``optimize``)."""
    for key, stream in (("from", supply), ("to", demand)):
        if stream.keep_current:
            reader.problem((*loc, key), f"'{stream.key}', kept on its current route (rules: keep_current)",
                           "a stream that may take a link: an existing link takes part of it",
                           f"remove {stream.id} from firms.{stream.firm}.rules.keep_current"
                           f"{_where(reader, ('firms', stream.firm, 'rules', 'keep_current'))}, or this "
                           "existing entry", firm=stream.firm, stream=stream.id)
    for firm, other in ((supply.firm, demand.firm), (demand.firm, supply.firm)):
        if other in firms[firm].rules.exclude_partners:
            reader.problem(loc, f"an existing link between {supply.firm} and {demand.firm}, whose rules "
                           f"exclude it (firms.{firm}.rules.exclude_partners names {other})",
                           "an existing link between firms that may be partners",
                           f"remove {other} from {firm}'s exclude_partners"
                           f"{_where(reader, ('firms', firm, 'rules', 'exclude_partners'))}, or this "
                           "existing entry", firm=firm)
            return


def _carries(reader: Reader, loc: tuple, tech: Technology, carrier: Carrier,
             technologies: dict[str, Technology]) -> bool:
    """Whether ``tech`` can run an existing link of ``carrier``: a link of that carrier, or a heat
    pump for heat; a problem if not."""
    def fits(other: Technology) -> bool:
        return other.carrier is carrier and (other.kind == "link" or other.kind == "heat_pump"
                                             and carrier is Carrier.HEAT)

    if fits(tech):
        return True
    choices = sorted(t.name for t in technologies.values() if fits(t))
    kind = "link" if tech.kind == "link" else tech.kind.replace("_", " ")
    reader.problem((*loc, "technology"), f"'{tech.name}', a {kind} for {tech.carrier}",
                   f"a technology that carries {carrier}, the carrier of both streams (a heat pump only "
                   "for heat)", f"choose one of: {', '.join(choices)}" if choices else
                   f"define one under 'technologies:' with carrier {carrier} and kind link")
    return False


def _check_runs(reader: Reader, loc: tuple, supply: Stream, demand: Stream, tech: Technology,
                technologies: dict[str, Technology], length: float) -> None:
    """An existing link carries something: both streams have an amount, heat can pass (directly,
    or lifted by a heat pump with a COP above 1), and not all of it is lost on the way."""
    for key, stream in (("from", supply), ("to", demand)):
        if stream.amount == 0:
            reader.problem((*loc, key), f"'{stream.key}' with amount 0",
                           "a stream with an amount > 0: an existing link carries part of it",
                           "give the stream its amount, or remove this existing entry",
                           firm=stream.firm, stream=stream.id)
    if supply.carrier is Carrier.HEAT and has_temperatures(supply) and has_temperatures(demand):
        if tech.kind == "heat_pump":
            _check_pump(reader, loc, supply, demand, tech, technologies)
        elif not direct_passes(supply, demand, tech):
            _no_heat_passes(reader, loc, supply, demand, tech, technologies)
    lost = tech.loss_per_km * length
    if lost >= 1:
        reader.problem((*loc, "technology"),
                       f"'{tech.name}' over {length:.3g} km at {100 * tech.loss_per_km:.3g} %/km: "
                       f"{100 * lost:.3g} % of what enters it is lost",
                       "a link that delivers something: loss_per_km x length below 100 %",
                       "check the two firms' locations (the length is the straight distance x "
                       "routing_factor) and the technology's loss_per_km")


def _check_pump(reader: Reader, loc: tuple, supply: Stream, demand: Stream, tech: Technology,
                technologies: dict[str, Technology]) -> None:
    """An existing heat pump lifts heat with a COP above 1 (the candidates' rule)."""
    if pump_cop(supply, demand, tech) is not None:
        return
    t_hot, t_cold = pump_lift(supply, demand, tech)
    cop = "nothing to lift" if t_hot == t_cold else \
        f"COP {heat_pump_cop(tech.carnot_efficiency, t_hot, t_cold):.2f}"
    direct = _direct_links(supply, demand, technologies)
    reader.problem((*loc, "technology"), f"'{tech.name}' from {_span(supply)} to {_span(demand)}: {cop}",
                   f"a heat pump that lifts heat, with a COP above 1: the supply's coldest point minus "
                   f"min_approach ({_degc(t_cold)}) below the demand's hottest plus min_approach "
                   f"({_degc(t_hot)})",
                   f"the supply is hot enough to pass its heat directly: write 'technology: {direct[0]}'"
                   if direct else "check the temperatures of both streams, and 'from' and 'to'")


def _no_heat_passes(reader: Reader, loc: tuple, supply: Stream, demand: Stream, tech: Technology,
                    technologies: dict[str, Technology]) -> None:
    pumps = sorted(t.name for t in heat_technologies(technologies, "heat_pump")
                   if delivers_top(demand, t) and pump_cop(supply, demand, t) is not None)
    if passes_directly(supply, demand, tech.min_approach):  # the demand lies above what it delivers
        top = _degc(tech.max_temperature)
        reader.problem((*loc, "technology"), f"'{tech.name}' to {_span(demand)}: the {tech.name} heats "
                       f"no demand above its max_temperature ({top})",
                       f"a demand that lies partly below {top}",
                       "choose a technology that delivers that hot, or raise the "
                       f"{tech.name}'s max_temperature under 'technologies:' if yours runs hotter")
        return
    reader.problem((*loc, "technology"), f"'{tech.name}' from {_span(supply)} to {_span(demand)}: "
                   "no heat can pass",
                   f"a supply hotter than the demand by min_approach somewhere: its hottest point "
                   f"({_degc(supply.t_high)}) minus {tech.min_approach:g} K above the demand's coldest "
                   f"({_degc(demand.t_low)})",
                   f"a heat pump can lift it: write 'technology: {pumps[0]}'; or check the temperatures"
                   if pumps else "check the temperatures of both streams, and 'from' and 'to'")


def _direct_links(supply: Stream, demand: Stream, technologies: dict[str, Technology]) -> list[str]:
    """Direct heat technologies through which some heat passes, the enabled ones first."""
    found = [t for t in heat_technologies(technologies, "link") if direct_passes(supply, demand, t)]
    return [t.name for t in sorted(found, key=lambda t: (not t.enabled, t.name))]


def _span(stream: Stream) -> str:
    """``hydro.cooling (45 -> 30 degC)``."""
    ends = [stream.temperature, stream.target_temperature]
    shown = " -> ".join(f"{round(t - 273.15, 2):g}" for t in ends if t is not None)
    return f"{stream.key} ({shown} degC)"


def _degc(kelvin: float) -> str:
    return f"{round(kelvin - 273.15, 2):g} degC"


def _ends_it_may_mean(firms: dict[str, Firm], firm_id: str, direction: str,
                      tech: Technology | None) -> list[str]:
    """The streams an unknown end of an existing link may mean: of its direction (and of the
    technology's carrier), of the firm it names if that firm has any."""
    ends = [s for f in firms.values() for s in f.streams if s.direction == direction]
    ends = [s for s in ends if tech is None or s.carrier == tech.carrier] or ends
    return [s.key for s in ([s for s in ends if s.firm == firm_id] or ends)]


def check_partners_of_existing(reader: Reader, existing: tuple[ExistingLink, ...],
                               firms: dict[str, Firm]) -> None:
    """A firm's max_partners at least the partners its existing links join it with: the model
    keeps what runs today, so a smaller limit could never hold (it was an infeasible park, and
    validate passed it)."""
    partners: dict[str, set[str]] = {}
    for link in existing:
        if link is None or link.from_firm == link.to_firm:
            continue
        partners.setdefault(link.from_firm, set()).add(link.to_firm)
        partners.setdefault(link.to_firm, set()).add(link.from_firm)
    for firm_id, joined in partners.items():
        firm = firms.get(firm_id)
        limit = firm.rules.max_partners if firm is not None else None
        if limit is not None and len(joined) > limit:
            names = ", ".join(sorted(joined))
            reader.problem(("firms", firm_id, "rules", "max_partners"), f"{limit}",
                           f"at least {len(joined)}: its existing links join it with {names}",
                           f"raise max_partners to {len(joined)} or more, or remove those existing entries")


def check_duplicate_existing(reader: Reader, existing: tuple[ExistingLink, ...],
                             firms: dict[str, Firm]) -> None:
    """One entry per supply, demand and technology: a second one would silently replace the first."""
    groups: dict[tuple, list[int]] = {}
    for i, link in enumerate(existing):
        key = (link.from_firm, link.from_stream, link.to_firm, link.to_stream, link.technology)
        groups.setdefault(key, []).append(i)
    for (from_firm, from_stream, to_firm, to_stream, tech), indices in groups.items():
        if len(indices) < 2:
            continue
        stream = next((s for s in firms[from_firm].streams if s.id == from_stream), None) \
            if from_firm in firms else None
        total = sum(existing[i].capacity for i in indices)
        unit = f" {stream.carrier.rate_unit}" if stream is not None else ""
        first = reader.broken.original(("existing", indices[0]))[1]
        for i in indices[1:]:
            reader.problem(("existing", i), f"a second entry for {from_firm}.{from_stream} -> {to_firm}."
                           f"{to_stream} by {tech} (the first is existing[{first}])",
                           "one entry per supply, demand and technology",
                           "merge them into one entry with the total capacity" +
                           (f", {total:.6g}{unit}" if not math.isnan(total) else ""))

