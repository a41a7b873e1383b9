"""What changed since the previous run of the same park, scenario and ``--set`` overrides.

Exchanges are matched by what they connect (firm, stream, firm, stream, technology), not by
candidate id, which can shift when the data change; a kept exchange is listed when its capacity
or its annual saving moved by more than 5 %. Data changes are read from the park's
fingerprint, the settings kept in the summary, each firm's baseline cost, the routes' prices
and emission factors, and the candidates (which links, and their technologies' costs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from symbiosis.park import Carrier
from symbiosis.report.history import Run
from symbiosis.report.numbers import gap as gap_text
from symbiosis.report.numbers import is_number, money, number, share, status_words, tonnes
from symbiosis.results import Result
from symbiosis.results.result import LINK_KEY
from symbiosis.units import meant_one_way

KEY = list(LINK_KEY)
RELATIVE_TOLERANCE = 1e-6
RESIZED = 0.05  # a kept exchange whose capacity moved more than this share is reported
# A kept exchange whose annual saving moved more than this share of its earlier saving is reported.
# 5 %, as for capacities: far above what the solver's gap (0.01 % by default) and the report's
# rounding (3 significant digits) move; below it, a saving (a difference of larger sums) moves
# with any small price change, and the list would repeat every exchange after each one.
SAVING_MOVED = 0.05
# The solver's gap is reported as moved from 0.1 percentage point: below it, a new path through
# branch and bound (0.0088 % -> 0.0089 %) is no news for a meeting.
GAP_MOVED = 1e-3


@dataclass(frozen=True)
class Change:
    """One headline figure or setting, before and after, as text."""

    what: str
    before: str
    after: str


@dataclass(frozen=True)
class Changes:
    """The difference between this run and ``previous`` (None for a park's first run)."""

    previous: Run | None
    added: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    built: pd.DataFrame = field(default_factory=pd.DataFrame)  # proposed then, running today now
    resized: list[Change] = field(default_factory=list)
    savings: list[Change] = field(default_factory=list)  # kept exchanges whose saving moved
    firms: list[Change] = field(default_factory=list)  # firms whose saving or emissions moved
    figures: list[Change] = field(default_factory=list)
    data: list[Change] = field(default_factory=list)
    inputs: list[Change] = field(default_factory=list)  # values of the park files that differ
    inputs_note: str = ""  # why the park's values could not be compared, when they could not
    # The design changed but the park's saving moved within the solver's gap: another design of
    # about the same worth (the amount it moved), not news the data made.
    within_gap: float | None = None
    # A run compared here (this one or the one before) stopped at the time limit with no bound:
    # how good its design is was never measured, so a redesign may be its, not the data's.
    unproven: bool = False
    fingerprint_before: str = ""
    fingerprint_after: str = ""
    exchanges_known: bool = False  # the previous result's tables were there to compare
    passed_over: tuple[Run, ...] = ()  # later runs with no solution or no result files left
    previous_report: str = ""  # the earlier report.html relative to this report's folder, while it is there
    previous_replaced: bool = False  # the earlier report was in this report's folder, replaced by it
    solution: bool = True  # this run found a design: without one there is nothing to compare
    previous_solved: bool = True  # the run compared with found a design (else its exchanges are not compared)

    @property
    def first_run(self) -> bool:
        return self.previous is None

    @property
    def data_changed(self) -> bool:
        return bool(self.previous) and self.fingerprint_before != self.fingerprint_after

    @property
    def nothing(self) -> bool:
        return (not self.first_run and self.solution and self.exchanges_known and self.added.empty
                and self.dropped.empty and self.built.empty
                and not self.resized and not self.savings and not self.firms and not self.figures
                and not self.data and not self.inputs
                and not self.data_changed)


def compare(current: Result, previous: Result | None, run: Run | None,
            data: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None) -> Changes:
    """Compare ``current`` with the ``previous`` result (loaded from ``run.result_path``), and
    the park data as read then and now (``data``: ``Park.data_as_read`` of each) when known.

    When the previous result's files are gone, only the headline figures kept in the
    history row are compared.
    """
    if run is not None and data is not None:
        return replace(compare(current, previous, run), inputs=input_changes(*data))
    if run is None:
        return Changes(previous=None, fingerprint_after=str(current.summary.get("fingerprint", "")),
                       solution=current.has_solution)
    if previous is not None and not previous.has_solution:  # no design of its own: nothing to set against
        return replace(compare(current, None, run), previous_solved=False)
    s = current.summary
    currency = str(s.get("currency", ""))
    before = previous.summary if previous is not None else pd.Series({
        "saving": run.saving, "co2_avoided": run.co2_avoided, "investment": run.investment,
        "total_cost": run.total_cost, "baseline_cost": run.baseline_cost, "emissions": run.emissions,
        "exchanges": run.exchanges, "status": run.status, "gap": run.gap}, dtype=object)
    added = dropped = built = current.exchanges.iloc[0:0]
    resized: list[Change] = []
    savings: list[Change] = []
    firms: list[Change] = []
    solved_then = previous.has_solution if previous is not None else run.has_solution
    if not current.has_solution:  # no design: its empty tables would read as every exchange dropped
        status = [Change("solver status", status_words(before.get("status", ""), solved_then),
                         status_words(s.get("status", ""), solved=False))]
        return Changes(previous=run, figures=status,
                       data=_data(previous, current, currency) if previous is not None else [],
                       fingerprint_before=run.fingerprint, fingerprint_after=str(s.get("fingerprint", "")),
                       exchanges_known=previous is not None, solution=False)
    figures = _figures(before, s, currency)
    if previous is not None:
        added, dropped, resized = _exchanges(current.exchanges, previous.exchanges)
        added, dropped, built = _built_since(added, dropped)
        savings = _savings(current.exchanges, previous.exchanges, currency)
        firms = _firms(current.firms, previous.firms, currency)
        if previous.proposed != current.proposed and (previous.running_today or current.running_today):
            figures.append(Change("proposed exchanges", number(previous.proposed), number(current.proposed)))
    redesigned = _redesigned(added, dropped, resized)
    return Changes(
        within_gap=_within_gap(before, s, redesigned=redesigned) if run.fingerprint == s.get("fingerprint")
        else None,
        unproven=redesigned and (_unbounded(before) or _unbounded(s)),
        previous=run, added=added, dropped=dropped, built=built, resized=_shown(resized),
        savings=_shown(savings), firms=_shown(firms), figures=_shown(figures),
        data=_shown(_data(previous, current, currency)) if previous is not None else [],
        fingerprint_before=run.fingerprint, fingerprint_after=str(s.get("fingerprint", "")),
        exchanges_known=previous is not None)


MISSING = object()
MOST_INPUTS = 40  # a longer list of edited values is cut, saying how many more there are
# Key paths whose whole entry a run added or removed is said once (a firm that left the park,
# not each of its values): park file sections with entries by id, and a firm's streams.
# A technology's entry in a park file overrides the catalogue's: its values are listed, not "added".
ENTRY_DEPTHS = {"firms": (2, 4), "routes": (2,), "hubs": (2,)}


def input_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """The values of the park files (scenario and --set applied) that differ between two runs, by
    key path as the park file nests them (``firms.hydro.streams.cooling.temperature``), in the
    order the file has them: a value rewritten in other units (0.55 NOK/kWh, 550 NOK/MWh) is
    the same value; an entry added or removed whole (a firm, a stream, a route) is one line."""
    found: list[Change] = []
    said: set[str] = set()
    entries = {id(side): _entries(side) for side in (before, after)}
    keys = list(after) + [key for key in before if key not in after]
    for key in keys:
        old, new = before.get(key, MISSING), after.get(key, MISSING)
        if old is not MISSING and new is not MISSING:
            if meant_one_way(old) != meant_one_way(new):
                found.append(Change(key, _written(key, old), _written(key, new)))
            continue
        entry = _whole_entry(key, entries[id(after if new is MISSING else before)])
        if entry in said:
            continue
        if entry is not None:
            said.add(entry)
            found.append(Change(entry, "absent", "added") if old is MISSING
                         else Change(entry, "present", "removed"))
        else:
            found.append(Change(key, "not given", _written(key, new)) if old is MISSING
                         else Change(key, _written(key, old), "not given"))
    found.sort(key=lambda change: change.after not in ("added", "removed"))  # whole entries first
    if len(found) > MOST_INPUTS:
        found = [*found[:MOST_INPUTS], Change(f"and {len(found) - MOST_INPUTS} more values", "", "")]
    return found


def _entries_of(key: str) -> list[str]:
    """The entries holding ``key``, outermost first: ``firms.hydro``, ``firms.hydro.streams.cooling``;
    an existing link or material rule by its label (``existing[a/x -> b/y, hot_water_pipe]``)."""
    if key.startswith(("existing[", "materials[")) and "]" in key:
        return [key[: key.index("]") + 1]]
    parts = key.split(".")
    return [".".join(parts[:depth]) for depth in ENTRY_DEPTHS.get(parts[0], ()) if len(parts) > depth]


def _entries(side: Mapping[str, Any]) -> set[str]:
    """The entries ``side`` has values of."""
    return {entry for key in side for entry in _entries_of(key)}


def _whole_entry(key: str, lacking: set[str]) -> str | None:
    """The outermost entry holding ``key`` that the other side (its entries ``lacking``) has no
    value of; None when the key alone differs."""
    return next((entry for entry in _entries_of(key) if entry not in lacking), None)


def _written(key: str, value: Any) -> str:
    if key.startswith("profile file "):
        return f"contents {value}"  # a digest of its bytes: the file was edited
    return "-" if value is None else str(value)


def _keys(frame: pd.DataFrame) -> pd.Series:
    """What each exchange or candidate connects, and whether it is the existing link or a new
    one beside it (the two share ends and technology)."""
    if frame.empty:
        return pd.Series([], dtype=object)
    if "existing" in frame.columns:
        existing = frame["existing"].astype(bool)
    elif "existing_capacity" in frame.columns:
        existing = frame["existing_capacity"] > 0
    else:
        existing = pd.Series(False, index=frame.index)
    return _connects(frame) + existing.map({True: " (existing)", False: ""})


def _connects(frame: pd.DataFrame) -> pd.Series:
    """What each row's link connects, whether it is an existing link or a new one."""
    return frame[KEY].astype(str).agg(".".join, axis=1)


def _named(row) -> str:
    """A link in words: ``smelter.flue_gas → town.network (hot_water_pipe)``."""
    return f"{row.from_firm}.{row.from_stream} → {row.to_firm}.{row.to_stream} ({row.technology})"


def _exchanges(now: pd.DataFrame, then: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[Change]]:
    now_keys, then_keys = _keys(now), _keys(then)
    added = now[~now_keys.isin(set(then_keys)).to_numpy()] if not now.empty else now
    dropped = then[~then_keys.isin(set(now_keys)).to_numpy()] if not then.empty else then
    resized = []
    if not now.empty and not then.empty:
        before = dict(zip(then_keys, then["capacity"], strict=True))
        for key, row in zip(now_keys, now.itertuples(), strict=True):
            old = before.get(key)
            if old is not None and _moved_by_share(old, row.capacity, RESIZED):
                existing = " (existing)" if bool(getattr(row, "existing", False)) else ""
                resized.append(Change(f"{_named(row)}{existing} capacity",
                                      f"{number(old)} {row.capacity_unit}",
                                      f"{number(row.capacity)} {row.capacity_unit}"))
    return added, dropped, resized


def _in_both(then: pd.DataFrame, now: pd.DataFrame, key: str) -> Iterator[tuple[Any, Any]]:
    """The rows of the same ``key`` (a firm, a route) in both runs' tables: (then, now), in now's
    order."""
    before = {getattr(row, key): row for row in then.itertuples()}
    for row in now.itertuples():
        if getattr(row, key) in before:
            yield before[getattr(row, key)], row


def _moved_by_share(old: object, new: object, share: float) -> bool:
    """Whether two numbers differ by more than ``share`` of the earlier one."""
    return is_number(old) and is_number(new) and \
        abs(float(new) - float(old)) > share * max(abs(float(old)), 1e-9)  # type: ignore[arg-type]


def _shown(changes: list[Change]) -> list[Change]:
    """The changes a reader can see: a figure that moved less than its rounding (investment
    121 M NOK -> 121 M NOK) is noise in a meeting's report."""
    return [change for change in changes if change.before != change.after]


def _built_since(added: pd.DataFrame, dropped: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Proposals of the last report that now run today (written as ``existing:`` links since):
    the existing link is no new exchange and the proposal was not dropped, so both leave
    ``added`` and ``dropped`` and the existing link's row is returned as built. A link running
    then and proposed now (its ``existing:`` entry removed) leaves ``dropped``."""
    if added.empty or dropped.empty:
        return added, dropped, added.iloc[0:0]
    connects, proposed_then = _connects(added), _connects(dropped)
    was_proposed = set(proposed_then[~dropped["existing"].astype(bool).to_numpy()])
    now_running = set(connects[added["existing"].astype(bool).to_numpy()])
    built = (added["existing"].astype(bool) & connects.isin(was_proposed)).to_numpy()
    taken = (~dropped["existing"].astype(bool) & proposed_then.isin(now_running)).to_numpy()
    # The other way: a link running then, taken out of the park's existing links since and
    # proposed now, is the data's change (listed there), not a link the answer dropped (an audit:
    # the same link read as dropped at 0 NOK a year and added at 2.39 MW).
    now_proposed = set(connects[~added["existing"].astype(bool).to_numpy()])
    taken = taken | (dropped["existing"].astype(bool) & proposed_then.isin(now_proposed)).to_numpy()
    return added[~built], dropped[~taken], added[built]


def _existing_links(then: pd.DataFrame, now: pd.DataFrame) -> list[Change]:
    """Existing links the park's data added or removed (from the candidates' tables)."""
    if "existing_capacity" not in then.columns or "existing_capacity" not in now.columns:
        return []

    def running(frame: pd.DataFrame) -> dict[str, str]:
        return {_named(row): f"{number(row.existing_capacity)} {Carrier(row.carrier).rate_unit}"
                for row in frame[frame["existing_capacity"] > 0].itertuples()}

    before, after = running(then), running(now)
    found = [Change(f"existing link {name}", "none", after[name]) for name in sorted(after.keys() - before)]
    found += [Change(f"existing link {name}", before[name], "none") for name in sorted(before.keys() - after)]
    return found


def _savings(now: pd.DataFrame, then: pd.DataFrame, currency: str) -> list[Change]:
    """Kept exchanges whose annual saving moved more than :data:`SAVING_MOVED` of the earlier one."""
    if now.empty or then.empty:
        return []
    before = dict(zip(_keys(then), then["saving"], strict=True))
    moved = []
    for key, row in zip(_keys(now), now.itertuples(), strict=True):
        old = before.get(key)
        if old is not None and _moved_by_share(old, row.saving, SAVING_MOVED):
            moved.append(Change(f"{_named(row)} saving", money(old, currency, per_year=True),
                                money(row.saving, currency, per_year=True)))
    return moved


def firm_named(row) -> str:
    """A firm in words: ``Hydro Extrusion Raufoss (hydro)``, or its id when it has no name."""
    name = getattr(row, "name", "")
    return f"{name} ({row.firm})" if isinstance(name, str) and name and name != row.firm else str(row.firm)


def _firms(now: pd.DataFrame, then: pd.DataFrame, currency: str) -> list[Change]:
    """Firms of both runs whose annual saving or emissions moved by more than
    :data:`SAVING_MOVED` of the earlier figure: what each firm gains is what its manager asks."""
    needed = {"firm", "saving", "emissions"}
    if now.empty or then.empty or not needed <= set(now.columns) & set(then.columns):
        return []
    moved = []
    for old, row in _in_both(then, now, "firm"):
        for column, label, show in (("saving", "saving", lambda v: money(v, currency, per_year=True)),
                                    ("emissions", "CO2 emitted", tonnes)):
            a, b = getattr(old, column), getattr(row, column)
            if _moved_by_share(a, b, SAVING_MOVED) and _moved(a, b):
                moved.append(Change(f"{firm_named(row)}: {label}", show(a), show(b)))
    return moved


def _redesigned(added: pd.DataFrame, dropped: pd.DataFrame, resized: list[Change]) -> bool:
    """Whether the proposals changed: added, dropped or resized (an existing link the data
    resized is no redesign)."""
    proposals = [frame[~frame["existing"].astype(bool)] if "existing" in frame.columns else frame
                 for frame in (added, dropped)]
    return any(len(frame) for frame in proposals) or any("(existing)" not in c.what for c in resized)


def _unbounded(summary: pd.Series) -> bool:
    """Whether a run stopped at the time limit with no bound on its answer (its gap unknown: an
    answer of nothing built found in the first moments, as an audit's 0.05 s run had)."""
    return str(summary.get("status", "")) == "time_limit" and not is_number(summary.get("gap"))


def _within_gap(before: pd.Series, after: pd.Series, *, redesigned: bool) -> float | None:
    """How far the park's saving moved, when the design changed but the saving moved less than
    the solver's gap (the larger of the two runs', at least 1e-4) of the total cost: branch and
    bound stops at any design within the gap, so two runs may end on designs of the same worth."""
    saving_then, saving_now, total = before.get("saving"), after.get("saving"), before.get("total_cost")
    if not redesigned or not (is_number(saving_then) and is_number(saving_now) and is_number(total)):
        return None
    gaps = [float(g) for g in (before.get("gap"), after.get("gap")) if is_number(g)]
    moved = abs(float(saving_now) - float(saving_then))  # type: ignore[arg-type]
    return moved if moved <= max([*gaps, 1e-4]) * abs(float(total)) else None  # type: ignore[arg-type]


def _figures(before: pd.Series, after: pd.Series, currency: str) -> list[Change]:
    def cash(value: float) -> str:
        return money(value, currency, per_year=True)

    formats: list[tuple[str, str, Callable[[float], str]]] = [
        ("saving", "park saving", cash),
        ("co2_avoided", "CO2 avoided", tonnes),
        ("investment", "investment", lambda v: money(v, currency)),
        ("exchanges", "exchanges (proposed and running today)", number),
        ("total_cost", "total annual cost", cash),
        ("baseline_cost", "annual cost without exchanges", cash),
        ("emissions", "park emissions", tonnes),
    ]
    found = []
    if str(before.get("status", "")) != str(after.get("status", "")):
        found.append(Change("solver status", status_words(before.get("status", "")),
                            status_words(after.get("status", ""))))
    for key, label, show in formats:
        old, new = before.get(key), after.get(key)
        if _moved(old, new):
            found.append(Change(label, show(old), show(new)))
    old, new = before.get("gap"), after.get("gap")
    if _moved(old, new, by=GAP_MOVED):
        found.append(Change("solver gap", gap_text(old), gap_text(new)))
    return found


def _moved(old: object, new: object, *, by: float = 1e-6) -> bool:
    """Whether a figure moved: by more than ``by`` and a millionth of itself, or to or from a
    missing value."""
    if not is_number(old) or not is_number(new):
        return is_number(old) != is_number(new)
    old_f, new_f = float(old), float(new)  # type: ignore[arg-type]
    return not math.isclose(old_f, new_f, rel_tol=RELATIVE_TOLERANCE, abs_tol=by)


def _candidate_keys(result: Result) -> set[str]:
    return set(_keys(result.candidates)) if set(KEY) <= set(result.candidates.columns) else set()


def _data(previous: Result, current: Result, currency: str) -> list[Change]:
    """Settings, firms and candidates that differ between the two runs' data."""
    found = []
    then, now = previous.summary, current.summary
    settings = [("carbon_price", "carbon price", lambda v: f"{number(v)} {currency}/t CO2"),
                ("discount_rate", "discount rate", share), ("time", "time resolution", str),
                ("currency", "currency", str), ("objective_kind", "objective", str)]
    for key, label, show in settings:
        old, new = then.get(key), now.get(key)
        if (is_number(old) and is_number(new) and _moved(old, new)) or \
                (not is_number(old) and str(old) != str(new)):
            found.append(Change(label, show(old), show(new)))
    named = {row.firm: firm_named(row)
             for frame in (previous.firms, current.firms) for row in frame.itertuples()}
    old_firms, new_firms = set(previous.firms["firm"]), set(current.firms["firm"])
    found += [Change(f"firm {named[f]}", "absent", "added") for f in sorted(new_firms - old_firms)]
    found += [Change(f"firm {named[f]}", "present", "removed") for f in sorted(old_firms - new_firms)]
    old_cost = dict(zip(previous.firms["firm"], previous.firms["baseline_cost"], strict=True))
    for firm, cost in zip(current.firms["firm"], current.firms["baseline_cost"], strict=True):
        if firm in old_cost and _moved(old_cost[firm], cost):
            found.append(Change(f"{named[firm]}: annual cost without exchanges",
                                money(old_cost[firm], currency, per_year=True),
                                money(cost, currency, per_year=True)))
    found += _existing_links(previous.candidates, current.candidates)
    found += _routes(previous.routes, current.routes, currency)
    candidates_then, candidates_now = _candidate_keys(previous), _candidate_keys(current)
    if candidates_then != candidates_now:
        found.append(Change("candidate links", f"{len(candidates_then)}",
                            f"{len(candidates_now)} ({len(candidates_now - candidates_then)} new, "
                            f"{len(candidates_then - candidates_now)} gone)"))
    found += _technologies(previous.candidates, current.candidates, currency)
    return found


def _routes(then: pd.DataFrame, now: pd.DataFrame, currency: str) -> list[Change]:
    """Routes whose price or emission factor moved (an unused route's too: it may be used next)."""
    columns = {"route", "price", "emission_factor", "amount_unit"}
    if not (columns <= set(then.columns) and columns <= set(now.columns)):
        return []
    found = []
    for old, row in _in_both(then, now, "route"):
        if _moved(old.price, row.price):
            found.append(Change(f"route {row.route}: price",
                                f"{number(old.price)} {currency}/{old.amount_unit}",
                                f"{number(row.price)} {currency}/{row.amount_unit}"))
        if _moved(old.emission_factor, row.emission_factor):
            found.append(Change(f"route {row.route}: emissions",
                                f"{number(old.emission_factor)} t CO2/{old.amount_unit}",
                                f"{number(row.emission_factor)} t CO2/{row.amount_unit}"))
    return found


# What a technology's data set for its candidate links, as the candidates table keeps it.
TECHNOLOGY_FIGURES = {"investment_fixed": "fixed investment (its fixed part + per length x length)",
                      "investment_per_capacity": "investment per capacity",
                      "annuity": "capital recovery + fixed O&M per year", "running_cost": "running cost",
                      "transport_cost": "transport cost", "efficiency": "efficiency", "cop": "COP"}


# Figures that also depend on a link's length: compared only where its length is unchanged, so
# that a firm that moved is not read as a technology that changed.
BY_LENGTH = ("investment_fixed", "efficiency", "transport_cost")
MONEY_FIGURES = ("investment_fixed", "investment_per_capacity")


def _technologies(then: pd.DataFrame, now: pd.DataFrame, currency: str) -> list[Change]:
    """Technologies whose costs or efficiency moved, read from the candidate links both runs
    had: how many of its links moved, and the range of the figure before and after."""
    figures = [column for column in TECHNOLOGY_FIGURES if column in then.columns and column in now.columns]
    needed = {*KEY, "length_km"}
    if then.empty or now.empty or not figures or not needed <= set(then.columns) & set(now.columns):
        return []
    both = now.assign(key=_keys(now).to_numpy()).merge(
        then.assign(key=_keys(then).to_numpy())[["key", "length_km", *figures]], on="key",
        suffixes=("", "_before"))
    same_length = [not _moved(a, b) for a, b in zip(both["length_km_before"], both["length_km"], strict=True)]
    both = both.assign(same_length=same_length)
    found = []
    for technology, links in both.groupby("technology", sort=True):
        for column in figures:
            old, new = links[f"{column}_before"], links[column]
            moved = [_moved(a, b) and (same or column not in BY_LENGTH)
                     for a, b, same in zip(old, new, links["same_length"], strict=True)]
            if any(moved):
                old, new = old[moved], new[moved]
                what = (f"{technology}: {TECHNOLOGY_FIGURES[column]} "
                        f"({sum(moved)} of {len(links)} candidate links)")
                show = (lambda v: money(v, currency)) if column in MONEY_FIGURES else number
                found.append(Change(what, _span(old, show), _span(new, show)))
    return found


def _span(values: pd.Series, show: Callable[[float], str]) -> str:
    low, high = float(values.min()), float(values.max())
    return show(low) if math.isclose(low, high, rel_tol=1e-3) else f"{show(low)} to {show(high)}"
