"""What links two firms could have, and why not others: the candidate rules run on one pair of
sites (or streams) with every rejection said, for the question a cluster meeting asks first
("why is there no pipe from A to B?").

>>> candidates_between(park, "hydro", "neuman")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from symbiosis.candidates.gases import gas_candidates
from symbiosis.candidates.heat import heat_candidates
from symbiosis.candidates.materials import material_candidates
from symbiosis.hubs import all_streams
from symbiosis.park import Park, Stream
from symbiosis.park.problems import did_you_mean

COLUMNS = ["supply", "demand", "carrier", "technology", "candidate", "note", "reason"]


class UnknownSite(KeyError):
    """A name that is no firm, hub or ``firm.stream`` of the park; the message as written."""

    def __str__(self) -> str:
        return str(self.args[0])


def candidates_between(park: Park, first: str, second: str, candidates: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
    """Every supply of ``first`` against every demand of ``second``, and back; each a firm, a hub
    or one stream (``firm.stream``).

    One row per candidate link between them (its id in ``candidate`` and its ``note``, as in
    ``find_candidates(park).table``, which may be passed as ``candidates`` if already found) and
    one per pair and technology that got none, with the ``reason`` (``technology`` empty where
    no technology could help: the firms' rules, the carriers, the pressures). The same rules as
    :func:`find_candidates`, run on these streams only. An existing link the rules would not
    propose anew (too far for its technology now, say) is a candidate beside the reason a
    second one is not.
    """
    if not isinstance(park, Park):
        raise TypeError(f"candidates_between expects a Park from symbiosis.load_park(path), not "
                        f"{type(park).__name__} {park!r:.60}")
    if candidates is None:
        from symbiosis.candidates import find_candidates  # the package imports this module first

        candidates = find_candidates(park).table
    streams = all_streams(park)
    ones, others = _streams_of(park, streams, first), _streams_of(park, streams, second)
    # a supply of another carrier than the demand's is said only of a stream asked for by name
    across = "." in first and len(ones) == 1 or "." in second and len(others) == 1
    by_ends: dict[tuple, list] = {}
    for row in candidates.itertuples():
        by_ends.setdefault((row.from_firm, row.from_stream, row.to_firm, row.to_stream), []).append(row)
    rows = [*_rows(park, by_ends, ones, others, across), *_rows(park, by_ends, others, ones, across)]
    table = pd.DataFrame(rows, columns=COLUMNS).drop_duplicates(ignore_index=True)
    return table.astype({"candidate": "string", "reason": "string"})


def _streams_of(park: Park, streams: list[Stream], name: str) -> list[Stream]:
    """The streams ``name`` means: a firm's or hub's all, or one ``firm.stream``."""
    if not isinstance(name, str):
        raise TypeError(f"a firm, hub or firm.stream as text, not {type(name).__name__} {name!r:.60}")
    found = [s for s in streams if name in (s.firm, s.key)]
    if not found:
        known = sorted({s.firm for s in streams} | set(park.firms) | {s.key for s in streams})
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

    # run for the reasons; the candidates they find are the table's (which numbers them)
    for generate in (heat_candidates, gas_candidates, material_candidates):
        for _ in generate(park, only=only, reject=reject):
            pass
    for supply in supplies:
        for demand in demands:
            pair = (supply.key, demand.key)
            ids = by_ends.get((supply.firm, supply.id, demand.firm, demand.id), [])
            for row in ids:
                yield _row(supply, demand, row.technology, row.id, row.note, None)
            if supply.carrier != demand.carrier:
                if across:
                    yield _row(supply, demand, "", None, "", f"a {supply.carrier.value} supply does not "
                               f"serve a {demand.carrier.value} demand")
                continue
            for technology, reason in reasons.get(pair, ()):
                yield _row(supply, demand, technology, None, "", reason)
            if pair not in reasons and not ids:
                yield _row(supply, demand, "", None, "", f"the park has no enabled {supply.carrier.value} "
                           "technology that links streams (technologies: enabled, carrier, kind)")


def _row(supply: Stream, demand: Stream, technology: str, candidate: str | None, note: str,
         reason: str | None) -> dict:
    return {"supply": supply.key, "demand": demand.key, "carrier": supply.carrier.value,
            "technology": technology, "candidate": candidate, "note": note, "reason": reason}
