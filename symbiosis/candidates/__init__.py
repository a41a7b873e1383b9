"""Candidate links: every compatible supply-demand pair, priced and bounded, as a table.

>>> candidates = find_candidates(park)       # doctest: +SKIP
>>> candidates.table                          # a pandas DataFrame, one row a candidate
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from symbiosis.candidates.assets import (
    ConverterCandidate,
    StorageCandidate,
    converter_candidates,
    storage_candidates,
)
from symbiosis.candidates.between import candidates_between
from symbiosis.candidates.gases import gas_candidates
from symbiosis.candidates.heat import heat_candidates
from symbiosis.candidates.materials import material_candidates
from symbiosis.candidates.pairs import Pair, make_candidate
from symbiosis.candidates.table import COLUMNS, Candidate, investment_at, to_table
from symbiosis.park import Park, straight_distance
from symbiosis.park.exchange import pump_cop


@dataclass(frozen=True)
class Candidates:
    """The candidate links of a park; ``table`` shows them, ``links`` feeds the model."""

    links: tuple[Candidate, ...]
    storage: tuple[StorageCandidate, ...] = ()
    converters: tuple[ConverterCandidate, ...] = ()

    @cached_property
    def table(self) -> pd.DataFrame:
        return to_table(list(self.links))

    @cached_property
    def assets_table(self) -> pd.DataFrame:
        """Stores and hub electrolysers that may be built."""
        rows = [{"id": s.id, "site": s.firm, "stream": s.stream, "technology": s.technology,
                 "max_capacity": s.max_capacity, "capacity_unit": "MWh" if s.carrier in ("heat", "steam",
                 "electricity") else "t"} for s in self.storage]
        rows += [{"id": c.id, "site": c.hub, "stream": ", ".join(k for k, _ in c.outputs),
                  "technology": c.technology, "max_capacity": c.max_capacity, "capacity_unit": "MW"}
                 for c in self.converters]
        return pd.DataFrame(rows, columns=["id", "site", "stream", "technology", "max_capacity",
                                           "capacity_unit"])

    def __len__(self) -> int:
        return len(self.links)

    def __getitem__(self, link_id: str) -> Candidate:
        for link in self.links:
            if link.id == link_id:
                return link
        raise KeyError(link_id)

    def __repr__(self) -> str:
        counts = [(len(self.links), "link"), (len(self.storage), "store"), (len(self.converters), "hub unit")]
        return "Candidates(" + ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts
                                         if n or what == "link") + ")"


def find_candidates(park: Park) -> Candidates:
    """All candidate links of ``park``, existing links marked, each with a readable id."""
    if not isinstance(park, Park):
        raise TypeError(f"find_candidates expects a Park from symbiosis.load_park(path), not "
                        f"{type(park).__name__} {park!r:.60}")
    found = [*heat_candidates(park), *gas_candidates(park), *material_candidates(park)]
    found = _mark_existing(park, found)
    named = tuple(replace(candidate, id=f"L{number:03d}") for number, candidate in enumerate(found, start=1))
    stores = tuple(replace(s, id=f"S{number:03d}")
                   for number, s in enumerate(storage_candidates(park, named), start=1))
    units = tuple(replace(c, id=f"H{number:03d}")
                  for number, c in enumerate(converter_candidates(park, named), start=1))
    return Candidates(named, stores, units)


def _mark_existing(park: Park, found: list[Candidate]) -> list[Candidate]:
    """An existing link joins the candidates, beside the new link of the same ends and
    technology (which may be built in parallel when more pays: a pipe is not enlarged, a second
    one is laid); if rules or distance pruned that candidate, the existing link is added anyway:
    what runs today is kept (``load_park`` has refused an entry that cannot run: no amount, no
    heat passing, a COP <= 1, all lost)."""
    result = list(found)
    for link in park.existing:
        match = next((i for i, c in enumerate(result) if (c.from_firm, c.from_stream, c.to_firm,
                      c.to_stream, c.technology) == (link.from_firm, link.from_stream, link.to_firm,
                                                     link.to_stream, link.technology)), None)
        if match is None:
            supply = park.stream(f"{link.from_firm}.{link.from_stream}")
            demand = park.stream(f"{link.to_firm}.{link.to_stream}")
            length = straight_distance(park.firms[supply.firm].location,
                                       park.firms[demand.firm].location) * park.settings.routing_factor
            tech = park.technologies[link.technology]
            kind = "heat_pump" if tech.kind == "heat_pump" else "direct"
            cop = pump_cop(supply, demand, tech) if kind == "heat_pump" else None
            candidate = make_candidate(park, Pair(supply, demand, length),
                                       replace(tech, max_distance=float("inf")), kind=kind,
                                       cop=float("nan") if cop is None else cop)
            if candidate is None or (kind == "heat_pump" and cop is None):
                raise ValueError(f"the existing link {link.from_firm}.{link.from_stream} -> {link.to_firm}."
                                 f"{link.to_stream} by {link.technology} cannot run; load_park refuses "
                                 "such a park, so load it with symbiosis.load_park")
            result.append(replace(candidate, existing_capacity=link.capacity, note="existing",
                                  max_capacity=max(candidate.max_capacity, link.capacity)))
        else:
            c = result[match]
            result.insert(match, replace(c, existing_capacity=link.capacity, note="existing",
                                         max_capacity=max(c.max_capacity, link.capacity)))
    return result


__all__ = ["COLUMNS", "Candidate", "Candidates", "ConverterCandidate", "StorageCandidate",
           "candidates_between", "investment_at", "find_candidates"]
