"""Material candidates: the same material directly, or a by-product that replaces one."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from symbiosis.candidates.pairs import Reject, make_candidate, pairs, technologies
from symbiosis.candidates.table import Candidate
from symbiosis.park import Park


def material_candidates(park: Park, *, only: Collection[str] | None = None,
                        reject: Reject | None = None) -> Iterator[Candidate]:
    """A stream of the same material serves a demand in full; a ``materials:`` rule lets
    ``by_product`` replace ``replaces`` at ``ratio`` tonnes delivered per tonne taken, for
    at most ``max_share`` of the demand. Each road or belt technology is a candidate."""
    techs = technologies(park, "material", "link")
    for pair in pairs(park, {"material"}, only=only, reject=reject):
        options = []
        if pair.supply.material == pair.demand.material:
            options.append((1.0, 1.0, "same material"))
        for rule in park.materials:
            if rule.by_product == pair.supply.material and rule.replaces == pair.demand.material:
                options.append((rule.ratio, rule.max_share,
                                f"{rule.by_product} replaces {rule.replaces}"))
        if not options and reject is not None:
            reject(pair.supply, pair.demand, "",
                   f"other materials: the supply is {pair.supply.material}, the demand "
                   f"{pair.demand.material}, and no materials: rule lets {pair.supply.material} "
                   f"replace {pair.demand.material}")
        for ratio, share, note in options:
            kind = "direct" if note == "same material" else "substitution"
            for tech in techs:
                candidate = make_candidate(park, pair, tech, kind=kind, ratio=ratio,
                                           max_share=share, note=note, reject=reject)
                if candidate is not None:
                    yield candidate
