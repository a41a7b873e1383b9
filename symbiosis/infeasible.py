"""Infeasibility said in the park's words: which rule or limit cannot hold, and by how much."""

from __future__ import annotations

from symbiosis.candidates import Candidates
from symbiosis.models.data import ModelData
from symbiosis.solvers import Violation


def explain(violations: list[Violation], candidates: Candidates, data: ModelData) -> list[str]:
    """One sentence per broken constraint of the elastic solve."""
    links = {c.id: c for c in candidates.links}
    sentences = []
    for v in violations:
        if v.component == "rules.most_partners":
            firm = v.index
            limit = data.max_partners.get(firm)
            sentences.append(
                f"firm '{firm}': rules.max_partners allows {limit} partner firms, but its existing or "
                f"required links join it with {limit + round(v.amount)}; raise max_partners or drop a link")
        elif v.component == "emissions_limit":
            sentences.append(
                f"the emissions cap is {v.amount:,.6g} t CO2/year below the least the park can emit; "
                "raise the cap (see `symbiosis optimize --objective emissions` for the least)")
        elif v.component.startswith("links.") and isinstance(v.index, str) and v.index in links:
            c = links[v.index]
            sentences.append(
                f"link {c.id} ({c.from_firm}.{c.from_stream} -> {c.to_firm}.{c.to_stream}, {c.technology}): "
                f"{v.component.split('.')[-1].replace('_', ' ')} cannot hold (off by {v.amount:,.6g})")
        else:
            sentences.append(f"constraint {v.constraint} cannot hold (off by {v.amount:,.6g})")
    return sentences
