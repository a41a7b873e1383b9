"""Storage on a stream: a store shifts a supply's surplus, or a demand's deliveries, in time.

On a supply the store takes part of the surplus (charge) and gives it back later
(discharge), so links see ``R - charge + discharge``; on a demand links may deliver
ahead of need into the store. The content is cyclic over the year (hourly steps) or carried
from day to day through the typical days in their order over the year.

What a store loses (the efficiency on charging and the standing loss) is lost on the way, and
is accounted as the surplus it was: a supply store's losses go where the surplus goes today
(its current route: the cooling tower, the landfill); a demand store's losses come from its
current route, or from the links that fill it, and then go where those links' supplies send
their surplus today (``piped_loss``, per link). A route that pays for the surplus (a sale) takes
no losses back: heat lost in a tank is not sold. So a store never pays as a way of discarding a
surplus (a silo cannot make slag vanish, nor a leaky tank replace a cooling tower), and one
tank costs the same at either end of a pipe.

.. math::

    S_{n(t)} = (1 - \\lambda)^{\\Delta_t} S_t + \\Delta_t (\\eta\\, c_t - d_t), \\quad
    S_t \\le E, \\quad c_t, d_t \\le \\rho E, \\quad
    \\underline{E} z \\le E \\le \\overline{E} z

===================  ===========================  ==========================================
symbol               attribute                    meaning
===================  ===========================  ==========================================
:math:`z`            ``m.storage.build[s]``       the store is built
:math:`E`            ``m.storage.capacity[s]``    capacity, MWh or t
:math:`S_t`          ``m.storage.content[s, t]``  content at the start of step t
:math:`c_t, d_t`     ``charge``, ``discharge``    rates, MW or t/h
:math:`\\eta, \\lambda, \\rho`  ``StorageData``      round-trip efficiency, loss per hour, charge rate
:math:`\\Delta_t`     ``ModelData.durations``       hours step t lasts; n(t) the next step
===================  ===========================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from symbiosis.models.conversion import conversion_output
from symbiosis.models.data import ModelData


def add_storage(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    block = pyo.Block()
    m.storage = block
    stores = {store.id: store for store in data.storages}
    T = m.links.T
    block.K = pyo.Set(initialize=list(stores), ordered=True)
    block.build = pyo.Var(block.K, domain=pyo.Binary)
    block.capacity = pyo.Var(
        block.K, domain=pyo.NonNegativeReals, bounds=lambda b, k: (0, stores[k].max_capacity)
    )
    block.content = pyo.Var(block.K, T, domain=pyo.NonNegativeReals)
    block.charge = pyo.Var(block.K, T, domain=pyo.NonNegativeReals)
    block.discharge = pyo.Var(block.K, T, domain=pyo.NonNegativeReals)
    if not stores:
        return block
    durations = data.durations if data.durations is not None else data.weights
    following = data.next_step if data.next_step is not None else list(range(1, len(durations))) + [0]

    block.capacity_if_built = pyo.Constraint(
        block.K, rule=lambda b, k: b.capacity[k] <= stores[k].max_capacity * b.build[k]
    )
    block.smallest_size = pyo.Constraint(
        block.K, rule=lambda b, k: b.capacity[k] >= stores[k].min_capacity * b.build[k]
    )
    block.content_limit = pyo.Constraint(block.K, T, rule=lambda b, k, t: b.content[k, t] <= b.capacity[k])
    block.charge_limit = pyo.Constraint(
        block.K, T, rule=lambda b, k, t: b.charge[k, t] <= stores[k].charge_rate * b.capacity[k]
    )
    block.discharge_limit = pyo.Constraint(
        block.K, T, rule=lambda b, k, t: b.discharge[k, t] <= stores[k].charge_rate * b.capacity[k]
    )

    def after(b, k, t):
        """Content after step t: what it held, less standing loss, plus what went in and out."""
        store, hours = stores[k], float(durations[t])
        return kept_over(store, hours) * b.content[k, t] + hours * (
            store.efficiency * b.charge[k, t] - b.discharge[k, t]
        )

    if data.day_order is None or data.period is None:
        block.content_carry = pyo.Constraint(
            block.K, T, rule=lambda b, k, t: b.content[k, int(following[t])] == after(b, k, t)
        )
    else:
        _link_typical_days(block, data, stores, after)
    _add_losses(block, data, stores)
    _add_piped_losses(block, data, stores)
    on_supply = [k for k in stores if stores[k].on_supply]
    made = conversion_output(m, data) if m.component("conversion") is not None else {}

    def only_surplus(b, k, t):
        """A store on a supply keeps no more than the supply offers (made at a hub, or given)."""
        stream = stores[k].stream
        offered = float(data.streams[stream].rate[t]) + made.get((stream, t), 0)
        return b.charge[k, t] <= offered

    block.store_only_surplus = pyo.Constraint(on_supply, T, rule=only_surplus)
    return block


def kept_over(store, hours: float) -> float:
    """The share of its content a store keeps over ``hours``: :math:`(1 - \\lambda)^h`."""
    return (1.0 - store.standing_loss) ** hours


def _link_typical_days(block: pyo.Block, data: ModelData, stores: dict, after) -> None:
    """Storage across typical days in their order over the year (Kotzur, Nolting, Hoffmann,
    Gross, Smolenko, Priesemann and Stolten 2018, Appl. Energy 213:123).

    ``content`` becomes the content *within* a typical day relative to its start (0 at its first
    hour, of either sign); ``between[k, d]`` the content at the start of day d of the year, carried
    from day to day by the typical day's net change. At hour :math:`\\tau` of day d the store
    holds :math:`between_d (1 - \\lambda)^{\\tau} + content_t`, between 0 and its capacity. Without
    standing loss that is ``between + highest within <= capacity`` and ``between + lowest
    within >= 0`` (Kotzur's simplified bounds, exact then); with it, one pair of rows a day and
    step, since the carried content decays through the day (the simplified bounds would let a
    day draw on content already lost).
    """
    steps = list(data.steps)
    year = TypicalYear.of(data)
    period, first, last, order, since_start = year.period, year.first, year.last, year.order, year.since_start
    days = range(len(order))
    day_hours = {p: since_start[last[p]] + float(data.durations[last[p]]) for p in first}
    for k in block.K:
        for t in steps:
            block.content[k, t].domain = pyo.Reals
    block.content_limit.deactivate()
    block.PERIODS = pyo.Set(initialize=sorted(first))
    block.DAYS = pyo.Set(initialize=days)
    block.between = pyo.Var(block.K, block.DAYS, domain=pyo.NonNegativeReals)
    block.day_starts_empty = pyo.Constraint(
        block.K, block.PERIODS, rule=lambda b, k, p: b.content[k, first[p]] == 0
    )
    inner = [t for t in steps if t != last[period[t]]]
    block.content_carry = pyo.Constraint(
        block.K, inner, rule=lambda b, k, t: b.content[k, t + 1] == after(b, k, t)
    )

    def day_to_day(b, k, d):
        decay = kept_over(stores[k], day_hours[order[d]])
        return b.between[k, (d + 1) % len(order)] == decay * b.between[k, d] + after(b, k, last[order[d]])

    block.day_to_day = pyo.Constraint(block.K, block.DAYS, rule=day_to_day)

    lossless = [k for k in block.K if stores[k].standing_loss == 0]
    block.highest = pyo.Var(lossless, block.PERIODS)
    block.lowest = pyo.Var(lossless, block.PERIODS)
    block.within_high = pyo.Constraint(
        lossless, steps, rule=lambda b, k, t: b.content[k, t] <= b.highest[k, period[t]]
    )
    block.within_low = pyo.Constraint(
        lossless, steps, rule=lambda b, k, t: b.content[k, t] >= b.lowest[k, period[t]]
    )
    block.end_high = pyo.Constraint(
        lossless, block.PERIODS, rule=lambda b, k, p: after(b, k, last[p]) <= b.highest[k, p]
    )
    block.end_low = pyo.Constraint(
        lossless, block.PERIODS, rule=lambda b, k, p: after(b, k, last[p]) >= b.lowest[k, p]
    )
    block.full_at_most = pyo.Constraint(
        lossless, block.DAYS, rule=lambda b, k, d: b.between[k, d] + b.highest[k, order[d]] <= b.capacity[k]
    )
    block.empty_at_least = pyo.Constraint(
        lossless, block.DAYS, rule=lambda b, k, d: b.between[k, d] + b.lowest[k, order[d]] >= 0
    )

    # Stores with standing loss: the content at the start of every step of every day (the end
    # of a day is the next day's start, bounded there).
    leaky = [(k, d, t) for k in block.K if stores[k].standing_loss > 0 for d in days
             for t in steps if period[t] == order[d]]

    def held(b, k, d, t):
        return kept_over(stores[k], since_start[t]) * b.between[k, d] + b.content[k, t]

    block.held_at_most = pyo.Constraint(leaky, rule=lambda b, k, d, t: held(b, k, d, t) <= b.capacity[k])
    block.held_at_least = pyo.Constraint(leaky, rule=lambda b, k, d, t: held(b, k, d, t) >= 0)


@dataclass(frozen=True)
class TypicalYear:
    """How the typical days make up the year, as the stores' rows need it."""

    period: list[int]  # the typical day each step belongs to
    order: list[int]  # the typical day standing for each day of the year, in order
    since_start: list[float]  # hours from the start of its typical day to the start of each step
    first: dict[int, int]  # the first step of each typical day
    last: dict[int, int]  # its last step

    @classmethod
    def of(cls, data: ModelData) -> TypicalYear:
        period = [int(p) for p in data.period]
        since, elapsed = [], 0.0
        for t in data.steps:
            if t > 0 and period[t] != period[t - 1]:
                elapsed = 0.0
            since.append(elapsed)
            elapsed += float(data.durations[t])
        steps = list(data.steps)
        return cls(
            period=period,
            order=[int(p) for p in data.day_order],
            since_start=since,
            first={p: min(t for t in steps if period[t] == p) for p in set(period)},
            last={p: max(t for t in steps if period[t] == p) for p in set(period)},
        )

    def days_of(self, period: int) -> list[int]:
        """The days of the year that typical day ``period`` stands for."""
        return [d for d, p in enumerate(self.order) if p == period]


def _add_losses(block: pyo.Block, data: ModelData, stores: dict) -> None:
    """``block.lost[k, t]``: what store k loses in step t (a rate, MW or t/h). A supply store's
    losses go to the stream's current route, as the surplus they were; a demand store's come
    from it: links may not deliver them (see the module's docstring and ``storage_adjustment``).

    In a step of :math:`\\Delta` hours a store holding S loses :math:`(1 - \\eta) c \\Delta +
    (1 - (1 - \\lambda)^{\\Delta}) S`. Over typical days the content carried into a day decays
    through it as well; a step of a typical day stands for all the days it represents, so it
    gets the mean of their carried content, and the year's total is exact."""
    durations = data.durations if data.durations is not None else data.weights
    typical = data.day_order is not None and data.period is not None
    if typical:
        year = TypicalYear.of(data)
        days_of = {p: year.days_of(p) for p in year.first}

    def lost(b, k, t):
        store, hours = stores[k], float(durations[t])
        leaks = 1.0 - kept_over(store, hours)
        loss = (1.0 - store.efficiency) * b.charge[k, t]
        if leaks > 0:
            loss = loss + leaks / hours * b.content[k, t]
            if typical:
                days = days_of[int(data.period[t])]
                carried = leaks / hours * kept_over(store, year.since_start[t]) / len(days)
                loss = loss + carried * pyo.quicksum(b.between[k, d] for d in days)
        return loss

    block.lost = pyo.Expression(list(stores), block.model().links.T, rule=lost)


def _add_piped_losses(block: pyo.Block, data: ModelData, stores: dict) -> None:
    """``block.piped_loss[k, l, t]``: the part of demand store k's losses in step t that link l
    delivered (in delivered units), at most what k loses, and over the year at most what l
    delivers. Links may fill a demand's store with what it will lose, as a tank at the receiving
    end of a pipe is filled (an audit: a 90 % tank taking a night surplus for a day need was
    filled to keep 120 MWh with 13.3 MWh of boiler heat, where the night's 120 MWh of surplus
    fill it to keep 108; the same tank at the supply cost 10 % less). What they deliver so goes
    back to the supply's current route where that costs to use (``storage_losses``), so filling
    a lossy tank never stands in for a cooling tower."""
    links_into: dict[str, list] = {}
    for link in data.links:
        links_into.setdefault(link.demand, []).append(link)
    pairs = [(k, link.id) for k, store in stores.items() if not store.on_supply
             for link in links_into.get(store.stream, ())]
    steps, weights = block.model().links.T, data.weights
    block.PIPED = pyo.Set(initialize=pairs, dimen=2, ordered=True)  # read back by ``piped_pairs``
    block.piped_loss = pyo.Var(block.PIPED, steps, domain=pyo.NonNegativeReals)
    by_store: dict[str, list[str]] = {}
    for k, l in pairs:
        by_store.setdefault(k, []).append(l)
    block.piped_within_losses = pyo.Constraint(
        list(by_store), steps,
        rule=lambda b, k, t: pyo.quicksum(b.piped_loss[k, l, t] for l in by_store[k]) <= b.lost[k, t])
    delivered = {link.id: link.delivered_per_flow for links in links_into.values() for link in links}
    flow = block.model().links.flow
    block.piped_within_deliveries = pyo.Constraint(
        pairs, rule=lambda b, k, l: pyo.quicksum(float(weights[t]) * b.piped_loss[k, l, t] for t in steps)
        <= pyo.quicksum(float(weights[t]) * delivered[l] * flow[l, t] for t in steps))


def piped_pairs(m: pyo.ConcreteModel) -> list[tuple[str, str]]:
    """The (demand store, link into its stream) pairs whose losses the link may deliver."""
    piped = m.storage.component("PIPED")  # none without stores
    return [] if piped is None else list(piped)


def takes_back_losses(data: ModelData, stream: str) -> bool:
    """Whether ``stream``'s current route takes back what stores lose of its surplus: a route
    that costs to use (a cooling tower, a landfill, a flare) does, so that a lossy store never
    stands in for it; a sale (a negative price at the park's carbon price) does not, since heat
    lost in a tank is not sold (an audit: a 50 % tank's losses were booked as 4,380 MWh sold to
    the district heating, 11 % of the saving)."""
    route = data.streams[stream]
    return route.price + data.carbon_price * route.emissions >= 0


def storage_losses(m: pyo.ConcreteModel, data: ModelData) -> dict[tuple[str, int], object]:
    """What stores lose, by (stream, step): added to the stream's current route (a supply's
    route takes them back, unless it is a sale: :func:`takes_back_losses`; a demand's route
    supplies what links did not deliver, as links see them taken off the need); what links
    delivered of a demand store's losses goes to each link's supply route alike, as the surplus
    it was (per unit delivered, ``taken / delivered`` of it)."""
    stores = {store.id: store for store in data.storages}
    lost = m.storage.component("lost")  # none without stores
    terms: dict[tuple[str, int], object] = {}
    for (k, t), loss in lost.items() if lost is not None else ():
        stream = stores[k].stream
        if not stores[k].on_supply or takes_back_losses(data, stream):
            terms[stream, t] = terms.get((stream, t), 0) + loss
    links = {link.id: link for link in data.links}
    for k, l in piped_pairs(m):
        link = links[l]
        back = link.taken_per_flow / link.delivered_per_flow
        returned = takes_back_losses(data, link.supply)
        for t in data.steps:
            piped = m.storage.piped_loss[k, l, t]
            terms[stores[k].stream, t] = terms[stores[k].stream, t] - piped
            if returned:
                terms[link.supply, t] = terms.get((link.supply, t), 0) + back * piped
    return terms


def storage_adjustment(m: pyo.ConcreteModel, data: ModelData) -> dict[tuple[str, int], object]:
    """How stores change each stream's rate as links see it: a supply store gives
    ``discharge - charge``, a demand store ``charge - discharge - lost + piped_loss``. Links may
    deliver ahead of need into a demand store what it keeps and what it loses (``piped_loss``);
    what they deliver of its losses goes back to their supplies' routes where those cost to use
    (``storage_losses``): else a lossy tank at a demand took a surplus's heat and lost it, a
    cooling tower for free (an audit: 2 MW piped into a 50 % tank meeting a flat 1 MW need, the
    other 1 MW gone, the surplus's cooling bill of 175,200 EUR a year with it)."""
    piped: dict[str, list[str]] = {}
    for k, l in piped_pairs(m):
        piped.setdefault(k, []).append(l)
    terms: dict[tuple[str, int], object] = {}
    for store in data.storages:
        for t in data.steps:
            change = m.storage.discharge[store.id, t] - m.storage.charge[store.id, t]
            if not store.on_supply:
                change = -change - m.storage.lost[store.id, t] + pyo.quicksum(
                    m.storage.piped_loss[store.id, l, t] for l in piped.get(store.id, ()))
            terms[store.stream, t] = terms.get((store.stream, t), 0) + change
    return terms
