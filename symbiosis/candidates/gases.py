"""Steam, hydrogen, oxygen and electricity candidates: pressure and purity decide.

A supply serves a demand at equal or lower pressure and equal or lower purity, and steam
at an equal or lower temperature (letting steam down through a valve never heats it).
Where the demand states a requirement that the supply does not state, no link is
proposed: an unknown purity is not assumed to be good enough.
"""

from __future__ import annotations

from collections.abc import Iterator

from symbiosis.candidates.pairs import make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate
from symbiosis.park import Park, Stream

CARRIERS = ("steam", "hydrogen", "oxygen", "electricity")


def _meets(supplied: float | None, required: float | None) -> bool:
    if required is None:
        return True
    return supplied is not None and supplied >= required - 1e-12


def compatible(supply: Stream, demand: Stream) -> bool:
    """Pressure and purity (and, for steam, temperature) of the supply at least those the
    demand requires."""
    return (_meets(supply.pressure, demand.pressure) and _meets(supply.purity, demand.purity)
            and _meets(supply.temperature, demand.temperature))


def gas_candidates(park: Park) -> Iterator[Candidate]:
    for carrier in CARRIERS:
        techs = technologies(park, carrier, "link")
        for pair in pairs(park, {carrier}):
            if not compatible(pair.supply, pair.demand):
                continue
            for tech in techs:
                candidate = make_candidate(park, pair, tech)
                if candidate is not None:
                    yield candidate
