"""What links two firms could have, and why not others: the candidate rules run on one pair of
sites (or streams) with every rejection said, for the question a cluster meeting asks first
("why is there no pipe from A to B?").

>>> candidates_between(park, "hydro", "neuman")   # doctest: +SKIP
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pandas as pd

from symbiosis.candidates.gases import gas_candidates
from symbiosis.candidates.heat import heat_candidates
from symbiosis.candidates.materials import material_candidates
from symbiosis.candidates.table import Candidate
from symbiosis.hubs import all_streams
from symbiosis.park import Carrier, Park, Stream
from symbiosis.park.problems import a_or_an, did_you_mean

COLUMNS = ["supply", "demand", "carrier", "technology", "candidate", "note", "reason"]


class UnknownSite(KeyError):
    """A name that is no firm, hub or ``firm.stream`` of the park; the message as written."""

    def __str__(self) -> str:
        return str(self.args[0])


def candidates_between(park: Park, first: str, second: str,
                       candidates: object = None) -> pd.DataFrame:
    """Every supply of ``first`` against every demand of ``second``, and back; each a firm, a hub
    or one stream (``firm.stream``).

    One row per candidate link between them (its id in ``candidate`` and its ``note``, as in
    ``find_candidates(park)``, which may be passed as ``candidates``, or its table, if already found) and one
    per pair and technology that got none, with the ``reason`` (``technology`` empty where no
    technology could help: the firms' rules, the carriers, the pressures). The same rules as
    :func:`find_candidates`, run on these streams only. An existing link the rules would not
    propose anew (too far for its technology now, say) is a candidate beside the reason a
    second one is not.
    """
    if not isinstance(park, Park):
        raise TypeError(f"candidates_between expects a Park from symbiosis.load_park(path), not "
                        f"{type(park).__name__} {park!r:.60}")
    if candidates is None:
        from symbiosis.candidates import find_candidates  # the package imports this module first

        candidates = find_candidates(park)
    table = candidates if isinstance(candidates, pd.DataFrame) else getattr(candidates, "table", None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"candidates: find_candidates(park) or its table, not {type(candidates).__name__}")
    streams = all_streams(park)
    first, second = unicodedata.normalize("NFC", _text(first)), unicodedata.normalize("NFC", _text(second))
    ones, others = _streams_of(park, streams, first), _streams_of(park, streams, second)
    # a supply of another carrier than the demand's is said only of a stream asked for by name
    across = "." in first and len(ones) == 1 or "." in second and len(others) == 1
    by_ends: dict[tuple, list] = {}
    for row in table.itertuples():
        by_ends.setdefault((row.from_firm, row.from_stream, row.to_firm, row.to_stream), []).append(row)
    rows = [*_rows(park, by_ends, ones, others, across), *_rows(park, by_ends, others, ones, across)]
    found = pd.DataFrame(rows, columns=COLUMNS).drop_duplicates(ignore_index=True)
    return found.astype({"candidate": "string", "reason": "string"})


def _text(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a firm, hub or firm.stream as text, not {type(name).__name__} {name!r:.60}")
    return name


def _streams_of(park: Park, streams: list[Stream], name: str) -> list[Stream]:
    """The streams ``name`` means: a firm's or hub's all, or one ``firm.stream``."""
    found = [s for s in streams if name in (s.firm, s.key)]
    if not found and name not in park.firms and name not in park.hubs:
        known = sorted({*park.firms, *park.hubs, *(s.key for s in streams)})
        raise UnknownSite(f"no firm, hub or stream '{name}' in {park.name}: "
                          f"{did_you_mean(name, known)}")
    return found


def _rows(park: Park, by_ends: dict[tuple, list], supplies: list[Stream], demands: list[Stream],
          across: bool) -> Iterator[dict]:
    """Each supply of ``supplies`` against each demand of ``demands``: its candidates, else why."""
    supplies = [s for s in supplies if s.is_supply]
    demands = [s for s in demands if not s.is_supply]
    only = {s.key for s in (*supplies, *demands)}
    reasons: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def reject(supply: Stream, demand: Stream, technology: str, reason: str) -> None:
        reasons.setdefault((supply.key, demand.key), []).append((technology, reason))

    made = [c for generate in (heat_candidates, gas_candidates, material_candidates)
            for c in generate(park, only=only, reject=reject)]
    _check_table(by_ends, made, supplies, demands)
    for supply in supplies:
        for demand in demands:
            ids = by_ends.get((supply.firm, supply.id, demand.firm, demand.id), [])
            for row in ids:
                yield _row(supply, demand, row.technology, row.id, row.note, None)
            if supply.carrier != demand.carrier:
                if across:
                    yield _row(supply, demand, "", None, "", f"{a_or_an(supply.carrier.value + ' supply')} "
                               f"does not serve {a_or_an(demand.carrier.value + ' demand')}")
                continue
            told = reasons.get((supply.key, demand.key), [])
            for technology, reason in told:
                yield _row(supply, demand, technology, None, "", reason)
            if any(technology == "" for technology, _ in told):
                continue  # no technology could help
            # the kinds the generators link with: pipes, lines and trucks, and heat pumps for heat
            kinds = ("link", "heat_pump") if supply.carrier is Carrier.HEAT else ("link",)
            disabled = [t.name for t in park.technologies.values()
                        if t.carrier == supply.carrier and t.kind in kinds and not t.enabled]
            for name in disabled:
                yield _row(supply, demand, name, None, "", f"{name} is disabled (technologies: {name}: "
                           "enabled: false)")
            if not (told or ids or disabled):
                yield _row(supply, demand, "", None, "", f"the park has no {supply.carrier.value} "
                           "technology that links streams (technologies: carrier, kind)")


def _check_table(by_ends: dict[tuple, list], made: list[Candidate], supplies: list[Stream],
                 demands: list[Stream]) -> None:
    """Refuse a candidate table of other park data: its new links between these streams must be
    what the rules make of this park's."""
    def key(link) -> tuple:
        return link.from_firm, link.from_stream, link.to_firm, link.to_stream, link.technology, link.note

    given = {key(row) for s in supplies for d in demands
             for row in by_ends.get((s.firm, s.id, d.firm, d.id), []) if row.note != "existing"}
    if given != {key(c) for c in made}:
        raise ValueError("the candidates given are not this park's (its data or scenario differ): leave "
                         "candidates out, or pass find_candidates(park) of this park")


def _row(supply: Stream, demand: Stream, technology: str, candidate: str | None, note: str,
         reason: str | None) -> dict:
    return {"supply": supply.key, "demand": demand.key, "carrier": supply.carrier.value,
            "technology": technology, "candidate": candidate, "note": note, "reason": reason}
