"""What the analyses share: one way to re-solve a park, and exchanges named across runs.

Candidate ids (``L001`` ...) are positional: the same link may carry another id in a
scenario or in a park without one firm. Across runs an exchange is therefore named by
its key ``(from_firm, from_stream, to_firm, to_stream, technology)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.candidates import find_candidates
from symbiosis.optimization import optimize
from symbiosis.park import Park
from symbiosis.results import Result
from symbiosis.results.result import LINK_KEY, json_records, link_identity

Progress = Callable[[str], None]
KEY_COLUMNS = LINK_KEY
# Rows of ``Result.exchanges`` that are no link between two sites: they cannot be fixed by id.

LinkKey = tuple[str, str, str, str, str]


def link_key(row: Any) -> LinkKey:
    """The key of an exchange or candidate row (a Series, a namedtuple or a mapping)."""
    get = row.get if isinstance(row, Mapping | pd.Series) else lambda name: getattr(row, name)
    return tuple(str(get(column)) for column in KEY_COLUMNS)  # type: ignore[return-value]


def key_text(key: LinkKey) -> str:
    """``hydro.cooling -> nammo.space_heat (hot_water_pipe)``."""
    from_firm, from_stream, to_firm, to_stream, technology = key
    return f"{from_firm}.{from_stream} -> {to_firm}.{to_stream} ({technology})"


def candidate_ids(park: Park) -> dict[LinkKey, str]:
    """Candidate id of each new link's key of ``park`` (an existing link beside it, with the
    same key, is always built)."""
    return {link_key(row): str(row.id) for row in find_candidates(park).table.itertuples()
            if not row.existing_capacity > 0}


def has_nothing_to_build(park: Park) -> bool:
    """True when no link, store or electrolyser can be built: the optimum is the baseline.

    Such a park is answered without a solve (a model without columns is not solved cleanly)."""
    candidates = find_candidates(park)
    return not (candidates.links or candidates.storage or candidates.converters)


@dataclass(frozen=True)
class Solve:
    """The solver settings every re-solve of an analysis uses."""

    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 1e-4
    threads: int | None = None

    def __call__(self, park: Park, *, objective: str = "cost", emissions_cap: float | None = None,
                 fixed_links: Mapping[str, bool] | None = None) -> Result:
        """The park re-solved; without stream values, which no analysis reads (one LP more per
        re-solve: 0.5 s of each 6.6 s re-solve of Herøya, 40 of them in `explain`)."""
        return optimize(park, objective=objective, solver=self.solver, time_limit=self.time_limit,
                        gap=self.gap, threads=self.threads, emissions_cap=emissions_cap,
                        fixed_links=fixed_links, keep_on_interrupt=False, values=False)


records = json_records  # the rows of a table as JSON-ready dicts


def annualised_investment(park: Park, technology: str, investment: float) -> float:
    """Capital recovery of ``investment`` over the technology's lifetime at the park's rate."""
    return park.technologies[technology].crf(park.settings.discount_rate) * investment


def require_park(park: object, function: str) -> None:
    """Refuse a path or anything else where a loaded Park is needed, naming the function called."""
    if not isinstance(park, Park):
        raise TypeError(f"{function} expects a Park from symbiosis.load_park(path), not "
                        f"{type(park).__name__} {park!r:.60}")


REMEDY = ("solve the park as loaded with `symbiosis.optimize(park)` and pass that result, or pass no "
          "result so that it is solved here")


class ResultMismatch(ValueError):
    """A result that cannot be shared for this park: solved from other park data, or not its
    least-cost answer. The message says what differs and what to do."""


class StoppedShort(ValueError):
    """A re-solve an analysis rests on ended at its time limit short of the gap asked: its cost is
    an upper bound, not the least cost, and the analysis would be built on it."""


def check_result(park: Park, result: Result) -> None:
    """Refuse a result solved from other park data than ``park`` as loaded: another park, or
    this one with another scenario or overrides, or files changed since (another fingerprint).

    The fingerprint test is :meth:`Result.solved_from`, the one a report makes. Park name,
    scenario and overrides say what differs; they decide alone when the result or the park has
    no fingerprint.

    Raises
    ------
    ResultMismatch
        Naming what differs, and the remedy.
    """
    recorded = result.summary
    made_from = str(recorded.get("fingerprint", "") or "")
    same = result.solved_from(*park.fingerprints)
    if same and made_from and park.fingerprint:
        _check_link_ids(park, result)
        return  # the same data, whatever scenario or overrides made them
    differs = []
    if str(recorded.get("park", park.name)) != park.name:
        differs.append(f"it is a result of the park '{recorded['park']}'")
    scenario, loaded_with = str(recorded.get("scenario", "") or ""), park.scenario or ""
    if scenario != loaded_with:
        differs.append(f"it was solved with {_scenario_text(scenario)}, the park is loaded with "
                       f"{_scenario_text(loaded_with)}")
    overrides = recorded.get("overrides")
    if isinstance(overrides, dict) and overrides != dict(park.overrides):
        differs.append(f"it was solved with {_overrides_text(overrides)}, the park is loaded with "
                       f"{_overrides_text(dict(park.overrides))}")
    if not same:
        changed = (" (the park was changed in memory since it was loaded)" if not park.as_loaded
                   else " (it was solved from a Park changed in memory)" if "~" in made_from
                   else " (the park files changed since it was solved)")
        differs.append(f"its data fingerprint is {made_from}, the park's {park.data_fingerprint}"
                       + ("" if differs else changed))
    if differs:
        raise ResultMismatch(f"the result was solved from other park data than {park.name} as loaded: "
                             f"{'; '.join(differs)}. It cannot be read with this park's firms and "
                             f"links: {REMEDY}")


def check_least_cost(result: Result, what: str) -> None:
    """Refuse a result that is not the park's least-cost answer by how it was asked for: another
    objective, links held built or not (``fixed_links``), an emissions cap. ``what`` measures
    against the least cost (a margin, a loss), and would measure against another answer unsaid
    (an audit: explain's margins and risk's losses of a least-CO2 result)."""
    s = result.summary
    kind = str(s.get("objective_kind", "cost") or "cost")
    asked = ([f"minimises {kind}"] if kind != "cost" else []) \
        + (["holds links with fixed_links"] if s.get("fixed_links") else []) \
        + (["was solved under an emissions cap"] if s.get("emissions_cap") is not None else [])
    if asked:
        raise ResultMismatch(f"the result {' and '.join(asked)}: {what} is measured against the park's "
                             "least-cost answer, not this one. Solve it with symbiosis.optimize(park) "
                             "(least cost, no fixed_links, no cap), or let the command solve it")


def _check_link_ids(park: Park, result: Result) -> None:
    """The analyses name links by id: a result whose ids name other links than the park's
    candidates now (made by a version that numbered them otherwise) would fix the wrong ones."""
    table = result.candidates
    if table.empty or not {"id", "existing_capacity", *LINK_KEY} <= set(table.columns):
        return

    def named(frame: pd.DataFrame) -> dict[str, tuple]:
        return {str(row.id): link_identity(row) for row in frame.itertuples()}

    if named(table) != named(find_candidates(park).table):
        raise ResultMismatch(f"the result numbers the candidate links of {park.name} otherwise than they "
                             "are found now (it was made by another version of symbiosis): its link ids "
                             f"would name other links: {REMEDY}")


def _scenario_text(scenario: str) -> str:
    return f"scenario '{scenario}'" if scenario else "no scenario"


def _overrides_text(overrides: dict) -> str:
    if not overrides:
        return "no overrides"
    return "overrides " + ", ".join(f"{key}={value}" for key, value in overrides.items())
