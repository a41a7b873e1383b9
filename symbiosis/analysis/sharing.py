"""Fair sharing of the park's saving among the firms that take part.

``Result.firms`` already books each exchange's net saving half and half between its two
sites, through a transfer from receiver to supplier (``Result.exchanges.transfer``), and
passes a hub's result to the firms its links serve, as the equal split below does. That
split is simple but not always stable: a firm wanted by several partners may do better in a
smaller group. Three splits are offered here, each checked.

**Equal split with transfer prices** (``method="equal_split"``). Each exchange's net saving
(``Result.exchanges.saving``) is split equally between its two firms. The receiver pays the
supplier a yearly transfer that makes it so; with the link's own costs shared half and half,
that transfer is

    transfer = (receiver's avoided purchase - supplier's avoided disposal) / 2

(each avoided amount is the route price plus the carbon price times the route's emissions,
per unit, times the annual amount delivered or taken). A link inside one firm or a firm's
store needs no transfer. The transfer per unit delivered is the exchange's transfer price.
A hub is no player: the firm on a hub link keeps half its saving plus a part of the hub's
result (a firm whose half is a loss is made good first, the rest in proportion to the savings
of the hub's links; see :func:`transfer_prices`).

**Dual prices** (``method="dual_prices"``). Each exchange between two firms is settled at the
dual price of its supply (``Result.exchanges.dual_price``, from the stream values): the
receiver pays it per unit taken and bears the link's own costs (:func:`dual_price_transfers`).

**Shapley value** (``method="shapley"``). The players are the firms that appear in at least
one candidate link; other firms take no part and get nothing. The worth ``v(S)`` of a
coalition ``S`` is the best saving its members can reach alone: the park is re-optimised
with every candidate link that has a firm end outside ``S`` left out (hub ends belong to
everyone); ``v(S) = baseline cost - that optimum`` and ``v(N)`` is the result's own saving.
The Shapley value gives each player its average marginal worth over all orders of joining:

    phi_i = sum over S not holding i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))

It is exact up to ``exact_up_to`` players (2^n coalitions) and sampled beyond: ``samples`` random orders
(seeded), each player's mean marginal worth with its standard error; the sampled shares still
add up to ``v(N)`` exactly.

**Fewer solves, same worths.** A coalition is solved only when its worth is not known
otherwise: one whose allowed links were solved before is not solved again, and neither is one
that lies between a solved coalition ``T`` and the firms ``F(T)`` of the links built in ``T``'s
answer (``F(T) <= S <= T``): that answer is open to ``S`` (every link it builds is among
``S``'s firms) and nothing open to ``S`` is closed to ``T``, so it is ``S``'s best answer too
and ``v(S) = v(T)``. An exact game solves its coalitions from the largest down, so that a firm
nobody builds with in a large coalition costs no solve in the smaller ones; on Raufoss (11
players) 760 of its 2,046 coalitions are solved. A sampled game draws its orders first and
finds the worths of their prefixes the same way, the largest first. The coalitions of one size
may be solved side by side (``workers``): no answer of one stands for another of its size, so
the same coalitions are solved as one by one. The equal split's core check solves them the
smallest first (no answer stands for another then), side by side too.

**The result.** ``v(N)`` is taken from the result, so it must be the park's own least-cost
answer: a result of other park data (another park, or this one loaded with another scenario or
``overrides``: another fingerprint) is refused, and so is one that is not the least cost (another
objective, or one that costs more than the park re-solved here without ``fixed_links`` or an
emissions cap; this costs one solve). Pass no result to have it solved here.

**Tolerance.** Every coalition is solved to the relative ``gap`` (of the park's total cost, as
the result is): each worth, and so each share, may be off by up to ``tolerance`` =
``gap x baseline cost`` (``frame.attrs["tolerance"]``), which the checks allow for. A firm that
adds nothing may get a few currency units less than zero; a smaller ``gap`` narrows that.

**Checks.** A participant is better off than alone when its share is at least ``v({i})``
(zero unless it has links between its own streams). The split is in the core when no
coalition could do better on its own: ``sum of shares over S >= v(S)`` for every ``S``;
each violation is listed with its shortfall. Exact games check every coalition; sampled
games check the coalitions their samples solved.

>>> shares = fair_shares(park, result)                  # doctest: +SKIP
>>> shares.attrs["core_violations"]                      # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from symbiosis.analysis.common import REMEDY, Progress, ResultMismatch, Solve, StoppedShort, check_result
from symbiosis.analysis.side_by_side import as_done, usable_workers, worker_park, workers_for
from symbiosis.candidates import find_candidates
from symbiosis.hubs import all_streams, hub_parts
from symbiosis.models import build_model
from symbiosis.optimization import optimize, progress_of
from symbiosis.park import Park
from symbiosis.problem import to_model_data
from symbiosis.results import Result
from symbiosis.results.result import NOT_LINKS
from symbiosis.solvers import SolveOptions, Status
from symbiosis.solvers import solve as solve_model
from symbiosis.time import time_steps

SHARE_COLUMNS = ["firm", "name", "player", "baseline_cost", "total_cost", "saving", "share",
                 "share_of_saving", "transfer", "cost_after", "standalone", "better_off", "std_error"]
TRANSFER_COLUMNS = ["id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "saving",
                    "supplier_avoided", "receiver_avoided", "hub_cost", "transfer", "transfer_price",
                    "price_unit", "supplier_share", "receiver_share"]
METHODS = ("shapley", "equal_split", "dual_prices")
EXACT_UP_TO = 12


def _check_objective(result: Result) -> None:
    """Refuse, before any solve, a result whose summary says it minimised something other than cost."""
    kind = str(result.summary.get("objective_kind", "cost") or "cost")
    if kind != "cost":
        raise ResultMismatch(f"the result minimises {kind}, not the total cost: the grand coalition's "
                             f"worth is the park's least-cost saving, not this result's. {_capital(REMEDY)}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def transfer_prices(park: Park, result: Result) -> pd.DataFrame:
    """One row a built exchange: the equal split of its saving, and the yearly transfer from
    receiver to supplier that makes it so (``transfer``; per unit delivered: ``transfer_price``).

    ``supplier_avoided`` and ``receiver_avoided`` are the disposal and purchase costs (with
    carbon) the exchange saves each side. A link inside one firm and a firm's store need no
    transfer: the firm keeps the whole saving. A hub is no player: the firm on a hub link (either
    way) keeps half that link's saving, less ``hub_cost``, its part of the hub's result (its
    units' yearly result, such as an electrolyser's or heat pump's cost, and its half of each of
    its links), shared among the hub's links (:func:`symbiosis.hubs.hub_parts`: a firm whose half
    is a loss is made good first, the rest in proportion to the links' savings); its transfer to
    the hub leaves the hub even. The same split and transfers as ``result.firms`` and
    ``result.exchanges``. A result of other park data is refused
    (:func:`check_result`).
    """
    check_result(park, result)
    streams = {stream.key: stream for stream in all_streams(park)}
    carbon = park.settings.carbon_price
    exchanges = result.exchanges
    def hub_of(row) -> str | None:
        """The hub at one end of a link between two sites (None for a link between firms)."""
        ends = {row.from_firm, row.to_firm} & set(park.hubs)
        return next(iter(ends)) if len(ends) == 1 and row.from_firm != row.to_firm else None

    links = [row for row in exchanges.itertuples()
             if row.kind not in NOT_LINKS and row.from_firm != row.to_firm]
    units = exchanges[exchanges["kind"].isin(NOT_LINKS)]
    # As results/extract._carry_hubs: a hub's result (its units, and its half of each of its
    # links either way) passes to the firms on its links (hub_parts).
    hub_links = {hub: [row for row in links if hub_of(row) == hub] for hub in park.hubs}
    pool = {hub: float(units.loc[units["from_firm"] == hub, "saving"].sum())
            + sum(row.saving / 2 for row in hub_links[hub]) for hub in park.hubs}
    parts = {row.id: part for hub in park.hubs if hub_links[hub]
             for row, part in zip(hub_links[hub], hub_parts([r.saving for r in hub_links[hub]], pool[hub]),
                                  strict=True)}

    rows = []
    for row in exchanges.itertuples():
        two_sites = row.kind not in NOT_LINKS and row.from_firm != row.to_firm
        hub = hub_of(row) if two_sites else None
        supplier_avoided = _avoided(park, streams.get(f"{row.from_firm}.{row.from_stream}"), carbon,
                                    row.annual_taken) if row.kind not in NOT_LINKS else 0.0
        receiver_avoided = row.avoided_cost - supplier_avoided
        hub_cost = 0.0
        if not two_sites:  # a store or a hub unit: its site keeps it, or the hub's links carry it
            carried = row.from_firm in park.hubs and bool(hub_links[row.from_firm])
            supplier_share, receiver_share = (0.0 if carried else row.saving), 0.0
        elif hub is not None:  # the firm keeps half the link's saving and bears its part of the hub's
            hub_cost = -pool[hub] * parts[row.id]
            firm_share = row.saving / 2 - hub_cost
            supplier_share, receiver_share = (0.0, firm_share) if row.from_firm == hub else (firm_share, 0.0)
        else:
            supplier_share = receiver_share = row.saving / 2
        own_cost = row.avoided_cost - row.saving
        # what the receiver pays the supplier so that the firm's side gets its share
        if not two_sites:
            transfer = 0.0
        elif row.to_firm == hub:
            transfer = supplier_share - supplier_avoided + own_cost / 2
        else:
            transfer = receiver_avoided - own_cost / 2 - receiver_share
        priced = two_sites and row.annual_amount > 0
        rows.append({
            "id": row.id, "from_firm": row.from_firm, "from_stream": row.from_stream, "to_firm": row.to_firm,
            "to_stream": row.to_stream, "technology": row.technology, "saving": row.saving,
            "supplier_avoided": supplier_avoided, "receiver_avoided": receiver_avoided, "hub_cost": hub_cost,
            "transfer": transfer, "transfer_price": transfer / row.annual_amount if priced else math.nan,
            "price_unit": f"{park.currency}/{row.amount_unit}",
            "supplier_share": supplier_share, "receiver_share": receiver_share,
        })
    return pd.DataFrame(rows, columns=TRANSFER_COLUMNS)


def dual_price_transfers(park: Park, result: Result) -> pd.DataFrame:
    """:func:`transfer_prices` with each link between two firms settled at its dual price: the
    receiver pays for what it takes at the supply's value to the park (``dual_price``: the stream
    value of one more unit of the supply, per unit taken; ``transfer``) and bears the link's own
    costs. The supplier keeps its avoided disposal plus that payment; the receiver its avoided
    purchase less the payment and the link's costs. So the side the park is short of earns the
    rent, as at a market-clearing price; a link whose fixed costs its marginal value does not
    cover leaves its receiver worse off, which the split's check reports. Hub links, stores, hub
    units, links inside one firm and links running today keep the equal split. Needs the result's
    stream values (``optimize(park, values=True)``)."""
    rows = transfer_prices(park, result)
    exchanges = result.exchanges.set_index("id")
    hubs = set(park.hubs)
    for index, row in enumerate(rows.itertuples()):
        exchange = exchanges.loc[row.id]
        inside = row.from_firm == row.to_firm or bool({row.from_firm, row.to_firm} & hubs)
        if exchange["kind"] in NOT_LINKS or inside or bool(exchange["existing"]):
            continue  # a link running today keeps today's terms (Mo's CO gas: 127 M NOK at the dual)
        if not math.isfinite(float(exchange["dual_price"])):
            raise ValueError(f"the dual-price split needs the stream values, which this result lacks "
                             f"(exchange {row.id} has no dual_price): optimize(park, values=True), or "
                             "read the summary's warnings for why they were not found")
        payment = float(exchange["dual_price"]) * float(exchange["annual_taken"])
        supplier = row.supplier_avoided + payment
        delivered = float(exchange["annual_amount"])
        rows.loc[index, ["supplier_share", "receiver_share", "transfer", "transfer_price"]] = [
            supplier, row.saving - supplier, payment, payment / delivered if delivered > 0 else math.nan]
    return rows


def _avoided(park: Park, stream, carbon: float, amount: float) -> float:
    """What ``amount`` (MWh or t) less on the stream's current route saves, carbon included."""
    route = park.routes.get(stream.current) if stream is not None else None
    if route is None:  # a hub's vent: free
        return 0.0
    return (route.price + carbon * route.emissions) * amount


def fair_shares(
    park: Park,
    result: Result | None = None,
    *,
    method: str = "shapley",
    samples: int = 1000,
    seed: int = 0,
    exact_up_to: int = EXACT_UP_TO,
    check_core: bool = True,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    threads: int | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Each firm's share of the park's saving, and whether the split is stable.

    Parameters
    ----------
    park, result
        The park and its least-cost result, ``symbiosis.optimize(park)`` (solved here when not
        given). A result of other park data (:func:`check_result`), or one that is not the least
        cost (another objective; ``fixed_links`` or an emissions cap that made it dearer; checked
        with one more solve) is refused: ``v(N)`` is its saving.
    method
        ``"shapley"`` or ``"equal_split"`` (see the module's text).
    samples, seed
        Random orders for a sampled Shapley value (more players than ``exact_up_to``).
    check_core
        Solve the coalitions needed to check the split: all of them for an exact game (for the
        equal split too), the sampled ones for a sampled game, the single firms otherwise.
    solver, time_limit, gap, threads
        For every re-solve of a coalition.
    workers
        A Shapley value, exact or sampled, or an exact game's core check (from
        ``SIDE_BY_SIDE_FROM_PLAYERS`` players) solves the coalitions of each size side by side
        in this many worker processes, when the park was loaded from its folder without a
        scenario or overrides (the workers load it again): the same coalitions and worths as one
        by one. Worker processes are spawned: a script that asks for more than one must start
        under ``if __name__ == "__main__":``. ``symbiosis share`` uses one a core, up to 4.

    Returns
    -------
    pandas.DataFrame
        One row a site of ``result.firms``: ``player``, ``baseline_cost``, ``total_cost`` and
        ``saving`` as ``result.firms`` books them, then ``share`` (this method's share of the
        saving, currency/year), ``share_of_saving``, ``transfer`` (what the firm receives on top
        of ``result.firms``: ``share - saving``), ``cost_after`` (``baseline_cost - share``),
        ``standalone`` (``v({i})``), ``better_off`` and ``std_error`` (sampled Shapley only).
        ``frame.attrs``: ``method``, ``exact``, ``samples``, ``players``, ``worth`` (``v(N)``),
        ``coalitions_solved``, ``tolerance``, ``core_checked`` (``all``, ``sampled``,
        ``single firms`` or ``no``), ``core_holds``, ``core_violations`` (a list of
        ``{coalition, worth, allocated, shortfall}``, largest shortfall first) and ``coalitions``
        (every coalition whose worth was found: ``{coalition, worth}``).

    Raises
    ------
    ResultMismatch
        (a ``ValueError``) ``result`` is of other park data, or not the park's least-cost answer.
    ValueError
        An unknown method, too few samples, or a result without a solution.
    """
    if method not in METHODS:
        raise ValueError(f"unknown sharing method '{method}': choose one of {', '.join(METHODS)}")
    progress_of(progress)  # refused before the park is solved, not after
    solve = Solve(solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    given = result is not None
    if result is None:
        # the dual-price split reads the stream values, which the analyses' re-solves leave out
        result = solve(park) if method != "dual_prices" else optimize(
            park, solver=solver, time_limit=time_limit, gap=gap, threads=threads, values=True)
    else:
        check_result(park, result)
        _check_objective(result)
    if not result.has_solution:
        raise ValueError(f"the result has no solution ({result.status}): there is no saving to share")
    game = Game.of(park, result, solve, progress)
    if given:
        game.check_least_cost(result)
    exact = len(game.players) <= exact_up_to
    every_coalition = exact and (method == "shapley" or check_core)
    sampled = not exact and method == "shapley"
    errors: dict[str, float] = {}
    with ExitStack() as stack:
        if (every_coalition or sampled) and len(game.players) >= SIDE_BY_SIDE_FROM_PLAYERS:
            workers = usable_workers(park, workers)
            if workers > 1:
                game.pool = stack.enter_context(workers_for(park, workers))
        if every_coalition:
            game.worths_by_size(largest_first=method == "shapley")
        if method == "equal_split":
            shares = _equal_split(transfer_prices(park, result))
        elif method == "dual_prices":
            shares = _equal_split(dual_price_transfers(park, result))
        elif exact:
            shares = game.shapley()
        else:
            shares, errors = game.sampled_shapley(samples, seed)
        game.pool = None
    if check_core and exact:
        coalitions, checked = game.all_coalitions(), "all"
    elif check_core and method == "shapley":
        coalitions, checked = game.solved_coalitions(), "sampled"
    elif check_core:
        coalitions, checked = [frozenset([player]) for player in game.players], "single firms"
    else:
        coalitions, checked = [], "no"
    violations = game.violations(shares, coalitions)
    frame = _table(result, game, shares, errors, method, check_core)
    frame.attrs.update({
        "method": method, "exact": exact or method != "shapley",
        "samples": samples if method == "shapley" and not exact else 0, "players": list(game.players),
        "worth": game.grand, "coalitions_solved": game.solves, "tolerance": game.tolerance,
        "core_checked": checked, "core_holds": not violations if checked != "no" else None,
        "core_violations": violations, "currency": park.currency,
        "coalitions": [{"coalition": sorted(c), "worth": v} for c, v in game.by_coalition.items()],
    })
    return frame


# An exact game of this many players (2^n - 1 coalitions) may solve side by side (``workers``): a
# worker process costs a few seconds to start (imports, the park's load and its model); on
# Raufoss (11 players, 760 solves of about 0.5 s) the solves took 6.8 min one after the other.
SIDE_BY_SIDE_FROM_PLAYERS = 6


def core_violations(frame: pd.DataFrame) -> pd.DataFrame:
    """The core violations of a :func:`fair_shares` frame as a table."""
    rows = [{**v, "coalition": ", ".join(v["coalition"])} for v in frame.attrs.get("core_violations", [])]
    return pd.DataFrame(rows, columns=["coalition", "worth", "allocated", "shortfall"])


def _equal_split(transfers: pd.DataFrame) -> dict[str, float]:
    shares: dict[str, float] = {}
    for row in transfers.itertuples():
        shares[row.from_firm] = shares.get(row.from_firm, 0.0) + row.supplier_share
        shares[row.to_firm] = shares.get(row.to_firm, 0.0) + row.receiver_share
    return shares


def _table(result: Result, game: Game, shares: dict[str, float], errors: dict[str, float], method: str,
           check_core: bool) -> pd.DataFrame:
    frame = result.firms[["firm", "name", "baseline_cost", "total_cost", "saving"]].copy()
    frame.insert(2, "player", frame["firm"].isin(game.players))
    frame["share"] = [shares.get(firm, 0.0) for firm in frame["firm"]]
    frame["share_of_saving"] = frame["share"] / game.grand if game.grand > 0 else math.nan
    frame["transfer"] = frame["share"] - frame["saving"]
    frame["cost_after"] = frame["baseline_cost"] - frame["share"]
    if check_core:
        frame["standalone"] = [game.worth(frozenset([firm])) if firm in game.players else 0.0
                               for firm in frame["firm"]]
        frame["better_off"] = frame["share"] >= frame["standalone"] - game.tolerance
    else:
        frame["standalone"] = math.nan
        frame["better_off"] = pd.array([pd.NA] * len(frame), dtype="boolean")
    unsampled = 0.0 if method == "shapley" else math.nan
    frame["std_error"] = [errors.get(firm, unsampled) for firm in frame["firm"]]
    return frame[SHARE_COLUMNS].reset_index(drop=True)


@dataclass
class Game:
    """The cooperative game of a park: players, and the worth of each coalition (memoised)."""

    park: Park
    players: tuple[str, ...]
    links: tuple[tuple[str, frozenset[str]], ...]  # (candidate id, its firm ends), new links only
    grand: float  # v(N): the result's saving
    baseline: float  # the result's baseline cost
    tolerance: float
    costs: CoalitionModel
    progress: Progress
    has_assets: bool = False
    built: frozenset[str] = frozenset()  # the result's new links: its answer for the grand coalition
    solves: int = 0
    by_links: dict[frozenset[str], float] = field(default_factory=dict)
    by_coalition: dict[frozenset[str], float] = field(default_factory=dict)
    # (F(T), T, v(T)) of each coalition T whose answer is known: v(S) of every S from F(T) to T
    answers: list[tuple[frozenset[str], frozenset[str], float]] = field(default_factory=list)
    pool: Executor | None = None  # worker processes for the solves of one size (side_by_side.py)
    most_solves: int | None = None  # a sampled game's bound: the coalitions its orders need

    @classmethod
    def of(cls, park: Park, result: Result, solve: Solve, progress: Progress | None = None) -> Game:
        candidates = find_candidates(park)
        links = tuple((link.id, frozenset({link.from_firm, link.to_firm} & set(park.firms)))
                      for link in candidates.links if not link.is_existing)
        players = tuple(sorted(set().union(*(ends for _, ends in links)))) if links else ()
        baseline = abs(float(result.summary["baseline_cost"]))
        tolerance = max(solve.gap * baseline, 1e-6 * max(1.0, result.saving))
        new_links = {link for link, _ in links}
        built = frozenset(str(link) for link in result.exchanges["id"] if link in new_links)
        return cls(park, players, links, result.saving, float(result.summary["baseline_cost"]), tolerance,
                   CoalitionModel(park, solve), progress_of(progress),
                   has_assets=bool(candidates.storage or candidates.converters), built=built)

    def check_least_cost(self, result: Result) -> None:
        """Refuse ``result`` when the park solved with every link allowed costs less by more than
        the tolerance: fixed links, an emissions cap or an early stop made it dearer, and its
        saving is not ``v(N)``. One solve, not counted among the coalitions."""
        if not self.links and not self.has_assets:
            return  # nothing to build: any answer is the baseline
        self.progress("checking that the result is the least-cost answer")
        least, _ = self.costs.total_cost(set())
        extra = result.total_cost - least
        if extra > self.tolerance:
            currency = self.park.currency
            raise ResultMismatch(
                f"the result is not the least-cost answer of {self.park.name}: it costs {extra:,.0f} "
                f"{currency} a year more than the park solved here with every link allowed ({least:,.0f} "
                f"{currency}; tolerance {self.tolerance:,.0f}): it was solved with fixed_links or an "
                f"emissions cap, or stopped early ({result.status}), so its saving is not what the firms "
                f"reach together. {_capital(REMEDY)}, without fixed_links or an emissions cap")

    def worth(self, coalition: frozenset[str]) -> float:
        """v(S): the best saving with only the links among the firms of ``coalition``."""
        known = self._known(coalition)
        if known is not None:
            self.by_coalition[coalition] = known
            return known
        allowed = self._allowed(coalition)
        alone = self._saving(frozenset(), frozenset())[0]
        saving, built = self._saving(allowed, coalition)
        value = self.by_coalition[coalition] = saving - alone
        firms = frozenset().union(*(ends for link, ends in self.links if link in built))
        self.answers.append((firms, coalition, value))
        return value

    def _known(self, coalition: frozenset[str]) -> float | None:
        """v(S) when known without a solve: found before, or a larger coalition's answer open to
        ``coalition`` (module text)."""
        if coalition in self.by_coalition:
            return self.by_coalition[coalition]
        return next((value for firms, larger, value in self.answers if firms <= coalition <= larger), None)

    def _allowed(self, coalition: frozenset[str]) -> frozenset[str]:
        """The new links whose firm ends are all in ``coalition``."""
        return frozenset(link for link, ends in self.links if ends <= coalition)

    def _without_solve(self, allowed: frozenset[str]) -> tuple[float, frozenset[str]] | None:
        """The saving with only the ``allowed`` new links, and the links built, when known without
        a solve: found before, every link's (the result's), or no link's and no asset's (zero)."""
        if allowed in self.by_links:
            return self.by_links[allowed]
        if len(allowed) == len(self.links):
            return self.grand, self.built
        if not allowed and not self.has_assets:
            return 0.0, frozenset()
        return None

    def _say_solve(self, coalition: frozenset[str]) -> None:
        self.progress(f"{self._solve_count()}: coalition {{{', '.join(sorted(coalition))}}}")

    def _saving(self, allowed: frozenset[str], coalition: frozenset[str]) -> tuple[float, frozenset[str]]:
        """The park's best saving with only the ``allowed`` new links (memoised by that set), and
        the links its answer builds.

        Without any link it is zero, unless stores or hub units could pay on their own: then it
        is solved, and :meth:`worth` counts from it (what they earn alone is nobody's)."""
        known = self._without_solve(allowed)
        if known is not None:
            self.by_links[allowed] = known
            return known
        self._say_solve(coalition)
        cost, built = self.costs.total_cost(self._left_out(allowed))
        self.solves += 1
        self.by_links[allowed] = self.baseline - cost, built
        return self.by_links[allowed]

    def _left_out(self, allowed: frozenset[str]) -> frozenset[str]:
        return frozenset(link for link, _ in self.links) - allowed

    def _solve_count(self) -> str:
        """``solve 37 of at most 4,095``: how far a long run of coalition solves has come (each
        set of allowed links is solved once, so most runs end well before the bound)."""
        groups = self.most_solves
        if groups is None and len(self.players) <= 20:
            groups = 2 ** len(self.players) - 1
        return f"solve {self.solves + 1:,}" + (f" of at most {groups:,}" if groups is not None else "")

    def worths_by_size(self, *, largest_first: bool = True) -> None:
        """Find every coalition's worth one size after another: the largest first (fewest solves:
        module text), or the smallest first, the order the equal split's core check always had
        (it solves every coalition then: no answer of a smaller one stands for a larger)."""
        self.find_worths([frozenset(self.players), *reversed(self.all_coalitions())] if largest_first
                         else self.all_coalitions())

    def find_worths(self, coalitions: list[frozenset[str]]) -> None:
        """Find the worth of each of ``coalitions``, given one size after another.

        With worker processes (``pool``) the solves of one size run side by side: no answer of a
        coalition can stand for another of its size (``F(T) <= S <= T`` with ``|S| = |T|`` is
        ``S = T``), so the same coalitions are solved, with the same worths, as one by one."""
        for _, size in itertools.groupby(coalitions, key=len):
            same_size = list(size)
            if self.pool is not None:
                self._solve_side_by_side(same_size)
            for coalition in same_size:
                self.worth(coalition)

    def _solve_side_by_side(self, coalitions: list[frozenset[str]]) -> None:
        """Solve, in the worker processes, the allowed links of each of ``coalitions`` whose worth
        needs a solve; :meth:`worth` then finds them solved."""
        pending: dict[frozenset[str], frozenset[str]] = {}  # allowed links -> the first coalition
        for coalition in coalitions:
            if self._known(coalition) is None:
                allowed = self._allowed(coalition)
                if self._without_solve(allowed) is None:
                    pending.setdefault(allowed, coalition)
        if len(pending) < 2:
            return
        assert self.pool is not None
        futures = {self.pool.submit(_total_cost_in_worker, self.park.fingerprint, self.costs.settings,
                                    self._left_out(allowed)): allowed for allowed in pending}
        for allowed, (cost, built) in as_done(futures):
            self._say_solve(pending[allowed])
            self.by_links[allowed] = self.baseline - cost, built
            self.solves += 1

    def shapley(self) -> dict[str, float]:
        """The exact Shapley value over all 2^n coalitions."""
        self.worths_by_size()
        n = len(self.players)
        weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
        shares = dict.fromkeys(self.players, 0.0)
        for i, player in enumerate(self.players):
            others = self.players[:i] + self.players[i + 1:]
            for size in range(n):
                for members in itertools.combinations(others, size):
                    without = frozenset(members)
                    shares[player] += weights[size] * (self.worth(without | {player}) - self.worth(without))
        return shares

    def sampled_shapley(self, samples: int, seed: int) -> tuple[dict[str, float], dict[str, float]]:
        """Mean marginal worth over ``samples`` random orders, and its standard error."""
        if samples < 2:
            raise ValueError(f"a sampled Shapley value needs at least 2 samples, not {samples}")
        rng = np.random.default_rng(seed)
        orders = [[self.players[index] for index in rng.permutation(len(self.players))]
                  for _ in range(samples)]
        # Every order's prefixes, the largest first: a larger coalition's answer may stand for a
        # smaller one (module text), and those of one size may be solved side by side.
        prefixes = {frozenset(order[:size]) for order in orders for size in range(len(order) + 1)}
        self.most_solves = len(prefixes) - 1  # v(N) is the result's
        self.find_worths(sorted(prefixes, key=lambda c: (-len(c), sorted(c))))
        marginal = {player: np.empty(samples) for player in self.players}
        for s, order in enumerate(orders):
            coalition: frozenset[str] = frozenset()
            before = self.worth(coalition)
            for player in order:
                coalition = coalition | {player}
                after = self.worth(coalition)
                marginal[player][s] = after - before
                before = after
        means = {player: float(values.mean()) for player, values in marginal.items()}
        errors = {player: float(values.std(ddof=1) / math.sqrt(samples))
                  for player, values in marginal.items()}
        return means, errors

    def all_coalitions(self) -> list[frozenset[str]]:
        return [frozenset(members) for size in range(1, len(self.players))
                for members in itertools.combinations(self.players, size)]

    def solved_coalitions(self) -> list[frozenset[str]]:
        full = frozenset(self.players)
        return [c for c in self.by_coalition if c and c != full]

    def violations(self, shares: dict[str, float], coalitions: list[frozenset[str]]) -> list[dict]:
        """Coalitions that would gain by leaving: their worth above what the split gives them."""
        found = []
        for coalition in coalitions:
            worth = self.worth(coalition)
            allocated = sum(shares.get(player, 0.0) for player in coalition)
            if worth - allocated > self.tolerance:
                found.append({"coalition": sorted(coalition), "worth": worth, "allocated": allocated,
                              "shortfall": worth - allocated})
        return sorted(found, key=lambda v: -v["shortfall"])


class CoalitionModel:
    """The park's model, built once and re-solved with some new links left out.

    A coalition's worth needs only the least total cost, so its solves skip what
    :func:`symbiosis.optimize` adds (baseline, stream values, tables, audit); the tests
    check that the costs agree with ``optimize(park, fixed_links=...)``.
    """

    def __init__(self, park: Park, settings: Solve) -> None:
        self.park, self.settings = park, settings
        self._model: pyo.ConcreteModel | None = None
        self._free: dict[str, tuple] = {}

    def _build(self) -> pyo.ConcreteModel:
        candidates = find_candidates(self.park)
        model = build_model(to_model_data(self.park, candidates, time_steps(self.park, candidates)),
                            objective="cost")
        for link in candidates.links:
            build, capacity = model.links.build[link.id], model.links.capacity[link.id]
            self._free[link.id] = (build.fixed, build.value, capacity.fixed, capacity.value)
        return model

    def total_cost(self, left_out: set[str]) -> tuple[float, frozenset[str]]:
        """The least total annual cost with the links ``left_out`` not built, and the links its
        answer builds."""
        if self._model is None:
            self._model = self._build()
        links = self._model.links
        for link, (build_fixed, build_value, capacity_fixed, capacity_value) in self._free.items():
            if link in left_out:
                links.build[link].fix(0)
                links.capacity[link].fix(0)
                continue
            for var, fixed, value in ((links.build[link], build_fixed, build_value),
                                      (links.capacity[link], capacity_fixed, capacity_value)):
                if fixed:
                    var.fix(value)
                else:
                    var.unfix()
        settings = self.settings
        options = SolveOptions(solver=settings.solver, time_limit=settings.time_limit, mip_gap=settings.gap,
                               threads=settings.threads)
        outcome = solve_model(self._model, options)
        if not outcome.has_solution:
            raise RuntimeError(f"the park without the links {sorted(left_out)} could not be solved: "
                               f"{outcome.status}")
        if outcome.status != Status.OPTIMAL and not outcome.gap <= settings.gap:
            # A coalition's worth from a cost that is not its least would move every share.
            raise StoppedShort(
                f"a coalition's solve (the park without the links {', '.join(sorted(left_out)) or 'none'}) "
                f"stopped at its time limit {_gap_text(outcome.gap)} from its least cost, so its worth, and "
                "every share built on it, would be a guess: give a longer time limit (--time-limit, "
                "time_limit=), or none")
        built = frozenset(link for link in self._free if (links.build[link].value or 0) > 0.5
                          or (links.capacity[link].value or 0) > 0)
        return float(outcome.objective), built


_worker_costs: CoalitionModel | None = None  # a worker process's model, built on its first solve


def _total_cost_in_worker(fingerprint: str, settings: Solve,
                          left_out: frozenset[str]) -> tuple[float, frozenset[str]]:
    global _worker_costs
    park = worker_park(fingerprint, "share")
    if _worker_costs is None or _worker_costs.park is not park or _worker_costs.settings != settings:
        _worker_costs = CoalitionModel(park, settings)
    return _worker_costs.total_cost(set(left_out))


def _gap_text(gap: float) -> str:
    return f"{gap:.2%}" if math.isfinite(gap) else "an unknown distance"
