"""The floor: the symbiosis formulation assembled with NumPy and SciPy straight from
:class:`~symbiosis.models.data.ModelData`, handed to highspy in one ``passModel``.

A reference for the benchmarks only. It writes the model of ``symbiosis.models``
(links with build, capacity and flow, and the per-step bound on flow if built; the
economies-of-scale curve in the incremental ``INC`` form; the heat cascade (hot segments,
cold cascade); stream limits; material shares; partner limits; the cost objective) with the same columns and
rows, in the same order, with the same coefficients as Pyomo's standard-form
compiler gives for ``build_model`` (columns in the order the compiler first meets each
variable, objective first; rows in declaration order). HiGHS therefore
sees the same problem, and a MILP takes the same branch-and-bound path in both.

Storage and hub conversion are not written here (the benchmark parks have none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from symbiosis.models.data import ModelData
from symbiosis.models.heat import cold_steps, segment_reach
from symbiosis.models.links import chord_terms, link_limits
from symbiosis.solvers.highs import HighsArrays

INF = highspy.kHighsInf


@dataclass
class Floor:
    """The assembled problem (column-wise arrays) and where each kind of column starts."""

    offset: float
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_array
    integer: np.ndarray  # bool per column
    n_links: int
    steps: int
    build_col: np.ndarray  # column of each link's build (-1: existing, fixed)
    capacity_col: np.ndarray
    names: dict[str, slice] = field(default_factory=dict)

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def nonzeros(self) -> int:
        return int(self.matrix.nnz)

    def to_arrays(self) -> HighsArrays:
        """The problem as symbiosis's HiGHS arrays (the same one-call ``passModel``)."""
        A = self.matrix
        return HighsArrays(offset=self.offset, cost=self.cost, lower=self.lower, upper=self.upper,
                           row_lower=self.row_lower, row_upper=self.row_upper,
                           start=A.indptr.astype(np.int32), index=A.indices.astype(np.int32),
                           value=A.data, integer=self.integer)

    def pass_to(self, h: highspy.Highs) -> None:
        """Hand the problem to HiGHS in one ``passModel`` call with NumPy arrays."""
        self.to_arrays().pass_to(h)


class _Rows:
    """Triplets and bounds of the rows, block after block, in model order."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.n = 0

    def add(self, rows, cols, vals, lower, upper) -> None:
        """``rows`` are numbered from 0 within the block; the block has ``len(lower)`` rows."""
        lower = np.asarray(lower, dtype=float)
        self.rows.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=float))
        self.lower.append(lower)
        self.upper.append(np.asarray(upper, dtype=float))
        self.n += len(lower)


def build_floor(data: ModelData, *, relax: bool = False) -> Floor:
    """The HiGHS problem of ``data``; ``relax`` makes every integer column continuous."""
    if data.storages or data.converters:
        raise NotImplementedError("the floor writes no storage or hub conversion")
    T = len(data.weights)
    w = np.asarray(data.weights, dtype=float)
    by_id, most = link_limits(data)  # largest sizes cut to what the links can carry
    links = tuple(by_id.values())
    n = len(links)
    link_index = {link.id: i for i, link in enumerate(links)}
    existing = np.array([link.existing_capacity > 0 for link in links], dtype=bool)
    new = ~existing
    maxcap = np.array([link.max_capacity for link in links], dtype=float)
    mincap = np.array([link.min_capacity for link in links], dtype=float)
    excap = np.array([link.existing_capacity for link in links], dtype=float)
    upper_cap = np.maximum(maxcap, excap)
    curved = [i for i, link in enumerate(links) if new[i] and link.cost_curve]

    # ---- columns, in declaration order ----
    lower, upper, integer = [], [], []
    col = 0

    def columns(count, lo, up, is_int):
        nonlocal col
        start = col
        lower.append(np.broadcast_to(np.asarray(lo, dtype=float), (count,)))
        upper.append(np.broadcast_to(np.asarray(up, dtype=float), (count,)))
        integer.append(np.full(count, is_int, dtype=bool))
        col += count
        return start

    n_new = int(new.sum())
    build_col = np.full(n, -1, dtype=np.int64)
    build_col[new] = columns(n_new, 0.0, 1.0, True) + np.arange(n_new)
    capacity_col = np.full(n, -1, dtype=np.int64)
    # curve fills (delta, all links) and curve steps (binaries, all links)
    segments = np.array([len(links[i].cost_curve) - 1 for i in curved], dtype=np.int64)
    fill_start = np.concatenate([[0], np.cumsum(segments)])
    step_start = np.concatenate([[0], np.cumsum(segments - 1)])
    lo = np.full(int(fill_start[-1]), -INF)
    up = np.full(int(fill_start[-1]), INF)
    up[fill_start[:-1]] = 1.0
    lo[fill_start[1:] - 1] = 0.0
    # The compiler numbers columns by the order it first meets each Var component, objective
    # first: build, then the first new link's curve fills (its investment) or capacity, then
    # the other, then flows.
    curve_first = bool(n_new) and bool(links[int(np.argmax(new))].cost_curve)
    if curve_first:
        fill0 = columns(len(lo), lo, up, False)
    capacity_col[new] = columns(n_new, 0.0, upper_cap[new], False) + np.arange(n_new)
    if not curve_first:
        fill0 = columns(len(lo), lo, up, False)
    flow0 = columns(n * T, 0.0, np.repeat(upper_cap, T), False)
    step0 = columns(int(step_start[-1]), 0.0, 1.0, True)
    reach = segment_reach(data)  # (link, hot segment) -> highest cold segment
    pairs = list(reach)
    n_pairs = len(pairs)
    q0 = columns(n_pairs * T, 0.0, INF, False)
    cascade = cold_steps(data, reach)  # (demand, reach) -> share of its load in that cascade row
    spare0 = columns(len(cascade) * T, 0.0, INF, False)

    partner_links: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, link in enumerate(links):
        a, b = link.supply_firm, link.demand_firm
        if a == b:
            continue
        for firm, other in ((a, b), (b, a)):
            if firm in data.max_partners:
                partner_links[firm, other].append(i)
    partner_pairs = sorted(partner_links)
    partner0 = columns(len(partner_pairs), 0.0, 1.0, True)
    n_cols = col

    # ---- rows, in declaration order ----
    R = _Rows()
    t = np.arange(T)
    lt_rows = np.arange(n * T)
    flow_cols = flow0 + lt_rows
    # flow_within_capacity: flow - capacity <= 0 (existing: flow <= existing capacity)
    rows_new = lt_rows.reshape(n, T)[new].ravel()
    R.add(np.concatenate([lt_rows, rows_new]),
          np.concatenate([flow_cols, np.repeat(capacity_col[new], T)]),
          np.concatenate([np.ones(n * T), -np.ones(n_new * T)]),
          np.full(n * T, -INF), np.repeat(np.where(existing, excap, 0.0), T))
    # flow_if_built: flow - bound_t * build <= 0 for new links whose streams keep their rates
    taken = np.array([link.taken_per_flow for link in links])
    delivered = np.array([link.delivered_per_flow for link in links])
    if n:
        steady = np.array([link.id in most for link in links], dtype=bool)
        step_bound = np.stack([most[link.id] for link in links if link.id in most]) if most \
            else np.zeros((0, T))
        k = np.arange(int(steady.sum()) * T)
        R.add(np.concatenate([k, k]),
              np.concatenate([flow_cols.reshape(n, T)[steady].ravel(), np.repeat(build_col[steady], T)]),
              np.concatenate([np.ones(len(k)), -step_bound.ravel()]),
              np.full(len(k), -INF), np.zeros(len(k)))
    # capacity_if_built: capacity - max * build <= 0
    k = np.arange(n_new)
    R.add(np.concatenate([k, k]), np.concatenate([capacity_col[new], build_col[new]]),
          np.concatenate([np.ones(n_new), -maxcap[new]]), np.full(n_new, -INF), np.zeros(n_new))
    # smallest_size: min * build - capacity <= 0
    sized = new & (mincap > 0)
    m_s = int(sized.sum())
    k = np.arange(m_s)
    R.add(np.concatenate([k, k]), np.concatenate([build_col[sized], capacity_col[sized]]),
          np.concatenate([mincap[sized], -np.ones(m_s)]), np.full(m_s, -INF), np.zeros(m_s))
    # the cost curves (the INC form of Pyomo Piecewise): capacity - sum dx fill == x0 for every
    # curved link, then fill[p+1] - step[p] <= 0, then step[p] - fill[p] <= 0 (the investment
    # c0 + sum dy fill goes to the objective)
    if curved:
        xy = [np.array(links[i].cost_curve, dtype=float) for i in curved]
        d = np.concatenate([np.diff(pts, axis=0) for pts in xy])
        origin = np.array([pts[0] for pts in xy])  # (x0, c0) of each curve
        owner = np.repeat(np.arange(len(curved)), segments)
        fills = fill0 + np.arange(len(d))
        m_c = len(curved)
        R.add(np.concatenate([np.arange(m_c), owner]), np.concatenate([capacity_col[curved], fills]),
              np.concatenate([np.ones(m_c), -d[:, 0]]), origin[:, 0], origin[:, 0])
        # fill p+1 of the step p: every fill but each link's first
        not_first = np.ones(len(d), dtype=bool)
        not_first[fill_start[:-1]] = False
        not_last = np.ones(len(d), dtype=bool)
        not_last[fill_start[1:] - 1] = False
        b = int(step_start[-1])
        k = np.arange(b)
        steps = step0 + k
        R.add(np.concatenate([k, k]), np.concatenate([fills[not_first], steps]),
              np.concatenate([np.ones(b), -np.ones(b)]), np.full(b, -INF), np.zeros(b))
        R.add(np.concatenate([k, k]), np.concatenate([steps, fills[not_last]]),
              np.concatenate([np.ones(b), -np.ones(b)]), np.full(b, -INF), np.zeros(b))
        # curve_above_chord: sum a_p fill_p >= 0 where the chord to the largest size holds
        chords = [(j, terms) for j, i in enumerate(curved) if (terms := chord_terms(links[i]))]
        if chords:
            row = np.concatenate([np.full(len(terms), k) for k, (_, terms) in enumerate(chords)])
            chord_cols = np.array([fills[fill_start[j] + p - 1] for j, terms in chords for p, _ in terms])
            a = np.array([a for _, terms in chords for _, a in terms])
            R.add(row, chord_cols, a, np.zeros(len(chords)), np.full(len(chords), INF))

    # heat cascade
    if n_pairs:
        pair_link = np.array([link_index[lid] for lid, _ in pairs])
        seg_links = list(data.segment_pairs)
        sum_row = {lid: k for k, lid in enumerate(seg_links)}
        pair_sum_row = np.array([sum_row[lid] for lid, _ in pairs])
        hot_keys: dict[tuple[str, int], int] = {}
        for lid, h in pairs:
            hot_keys.setdefault((links[link_index[lid]].supply, h), len(hot_keys))
        cold_keys = {key: k for k, key in enumerate(cascade)}
        pair_hot = np.array([hot_keys[links[link_index[lid]].supply, h] for lid, h in pairs])
        pair_cold = np.array([cold_keys[links[link_index[lid]].demand, reach[lid, h]] for lid, h in pairs])
        q_cols = q0 + np.arange(n_pairs * T)
        pt_t = np.tile(t, n_pairs)
        # link_is_sum_of_segments: flow - sum q == 0
        n_seg = len(seg_links)
        seg_link_index = np.array([link_index[lid] for lid in seg_links])
        R.add(np.concatenate([(np.arange(n_seg)[:, None] * T + t).ravel(),
                              np.repeat(pair_sum_row, T) * T + pt_t]),
              np.concatenate([(flow0 + seg_link_index[:, None] * T + t).ravel(), q_cols]),
              np.concatenate([np.ones(n_seg * T), -np.ones(n_pairs * T)]),
              np.zeros(n_seg * T), np.zeros(n_seg * T))
        shares = {(key, seg.index): seg.share for key, segs in data.segments.items() for seg in segs}
        # hot_segment_limit: sum q <= share * rate
        hot_rhs = np.concatenate([data.streams[s].rate * shares[s, i] for s, i in hot_keys])
        R.add(np.repeat(pair_hot, T) * T + pt_t, q_cols, np.ones(n_pairs * T),
              np.full(len(hot_rhs), -INF), hot_rhs)
        # cold_segment_limit (the cascade): sum efficiency q + spare_k - spare_previous == share * rate
        efficiency = np.array([link.efficiency for link in links])
        n_cold = len(cascade)
        previous = np.full(n_cold, -1)
        last: dict[str, int] = {}
        for k, (demand, _) in enumerate(cascade):
            previous[k] = last.get(demand, -1)
            last[demand] = k
        has_previous = previous >= 0
        spare_rows = (np.arange(n_cold)[:, None] * T + t).ravel()
        freed_rows = (np.flatnonzero(has_previous)[:, None] * T + t).ravel()
        cold_rhs = np.concatenate([data.streams[d].rate * share for (d, _), share in cascade.items()])
        R.add(np.concatenate([np.repeat(pair_cold, T) * T + pt_t, spare_rows, freed_rows]),
              np.concatenate([q_cols, spare0 + spare_rows,
                              spare0 + (previous[has_previous][:, None] * T + t).ravel()]),
              np.concatenate([np.repeat(efficiency[pair_link], T), np.ones(n_cold * T),
                              -np.ones(len(freed_rows))]),
              cold_rhs, cold_rhs)

    # balances.stream_limit: sum coef * flow <= rate, for linked streams
    linked_keys = {link.supply for link in links} | {link.demand for link in links}
    linked = [s for s in data.streams if s in linked_keys]
    stream_row = {s: k for k, s in enumerate(linked)}
    sup_row = np.array([stream_row[link.supply] for link in links], dtype=np.int64)
    dem_row = np.array([stream_row[link.demand] for link in links], dtype=np.int64)
    if n:
        lt_t = np.tile(t, n)
        R.add(np.concatenate([np.repeat(sup_row, T) * T + lt_t, np.repeat(dem_row, T) * T + lt_t]),
              np.concatenate([flow_cols, flow_cols]),
              np.concatenate([np.repeat(taken, T), np.repeat(delivered, T)]),
              np.full(len(linked) * T, -INF),
              np.concatenate([data.streams[s].rate for s in linked]) if linked else np.zeros(0))
    # materials.largest_share: sum delivered * flow <= share * rate of the demand
    groups: dict[str, list[int]] = defaultdict(list)
    for i, link in enumerate(links):
        if link.share_group:
            groups[link.share_group].append(i)
    if groups:
        members = np.concatenate([np.array(v) for v in groups.values()])
        group_of = np.concatenate([np.full(len(v), g) for g, v in enumerate(groups.values())])
        R.add(np.repeat(group_of, T) * T + np.tile(t, len(members)),
              (flow0 + members[:, None] * T + t).ravel(), np.repeat(delivered[members], T),
              np.full(len(groups) * T, -INF),
              np.concatenate([links[v[0]].max_share * data.streams[links[v[0]].demand].rate
                              for v in groups.values()]))
    # rules: build - partner <= 0 (existing: -partner <= -1); sum partner <= N
    entries = [(p, i) for p, key in enumerate(partner_pairs) for i in partner_links[key]]
    if entries:
        pk = np.array([p for p, _ in entries])
        li = np.array([i for _, i in entries])
        k = np.arange(len(entries))
        is_new = new[li]
        R.add(np.concatenate([k[is_new], k]), np.concatenate([build_col[li[is_new]], partner0 + pk]),
              np.concatenate([np.ones(int(is_new.sum())), -np.ones(len(entries))]),
              np.full(len(entries), -INF), np.where(is_new, 0.0, -1.0))
        firms = sorted({f for f, _ in partner_pairs})
        firm_row = {f: k for k, f in enumerate(firms)}
        R.add([firm_row[f] for f, _ in partner_pairs], partner0 + np.arange(len(partner_pairs)),
              np.ones(len(partner_pairs)), np.full(len(firms), -INF),
              [data.max_partners[f] for f in firms])

    # ---- objective: capital + operation + routes + carbon ----
    cost = np.zeros(n_cols)
    annuity = np.array([link.annuity for link in links])
    fixed = np.array([link.investment_fixed for link in links])
    per_cap = np.array([link.investment_per_capacity for link in links])
    cost[build_col[new]] += annuity[new] * fixed[new]
    linear = new.copy()
    linear[curved] = False
    cost[capacity_col[linear]] += annuity[linear] * per_cap[linear]
    if curved:
        cost[fill0:fill0 + len(d)] += annuity[curved][owner] * d[:, 1]
    electricity = np.array([link.electricity_per_flow for link in links])
    running = np.array([link.running_cost for link in links])
    transport = np.array([link.transport_cost for link in links])
    transport_em = np.array([link.transport_emissions for link in links])
    # Each flow's coefficient summed as the compiler sums it (each named part of the cost on
    # its own: operation, routes in stream order, emissions; then operation + routes + carbon
    # x emissions), so that the floats agree to the last bit and HiGHS takes the same path.
    position = {k: i for i, k in enumerate(data.streams)}
    price = np.array([s.price for s in data.streams.values()])
    emissions = np.array([s.emissions for s in data.streams.values()])
    sup = np.array([position[link.supply] for link in links], dtype=np.int64)
    dem = np.array([position[link.demand] for link in links], dtype=np.int64)
    supply_first = sup < dem
    first = np.where(supply_first, sup, dem)
    second = np.where(supply_first, dem, sup)
    used_first = np.where(supply_first, taken, delivered)[:, None]
    used_second = np.where(supply_first, delivered, taken)[:, None]
    W = w[None, :]
    operated = np.array([bool(link.running_cost or link.transport_cost or link.is_heat_pump)
                         for link in links])
    operation = np.where(operated[:, None], W * (running * delivered + transport * taken
                                                 + data.electricity_price * electricity)[:, None], 0.0)
    routes = np.zeros((n, T))
    for stream, used in ((first, used_first), (second, used_second)):
        term = (W * price[stream][:, None]) * -used
        routes = np.where(price[stream][:, None] != 0, routes + term, routes)
    coef = operation + routes  # each named part is summed on its own, then added
    cp = data.carbon_price
    E = np.zeros((n, T))
    for stream, used in ((first, used_first), (second, used_second)):
        term = (W * emissions[stream][:, None]) * -used
        E = np.where(emissions[stream][:, None] != 0, E + term, E)
    direct = np.array([bool(link.is_heat_pump or link.transport_emissions) for link in links])
    E = np.where(direct[:, None], E + W * (data.electricity_emissions * electricity
                                           + transport_em * taken)[:, None], E)
    cost[flow0:flow0 + n * T] = (coef + cp * E).ravel()
    offset = sum(float(w @ s.rate) * (s.price + cp * s.emissions) for s in data.streams.values())
    if curved:
        offset += float(annuity[curved] @ origin[:, 1])

    # ---- to HiGHS ----
    A = sp.csc_array((np.concatenate(R.vals), (np.concatenate(R.rows), np.concatenate(R.cols))),
                     shape=(R.n, n_cols))
    A.sum_duplicates()
    A.eliminate_zeros()  # as the compiler, which drops terms whose coefficient is zero
    is_integer = np.concatenate(integer) & (not relax)
    return Floor(offset=offset, cost=cost, lower=np.concatenate(lower), upper=np.concatenate(upper),
                 row_lower=np.concatenate(R.lower), row_upper=np.concatenate(R.upper), matrix=A,
                 integer=is_integer, n_links=n, steps=T, build_col=build_col, capacity_col=capacity_col,
                 names={"flow": slice(flow0, flow0 + n * T), "segment_flow": slice(q0, q0 + n_pairs * T)})


def floor_solution(floor: Floor, values: np.ndarray, data: ModelData):
    """The decisions, as :func:`symbiosis.results.extract.solution_of` gives them."""
    from symbiosis.results.extract import Solution

    x = np.asarray(values)
    flows = np.maximum(x[floor.names["flow"]].reshape(floor.n_links, floor.steps), 0.0)
    capacity, built = {}, {}
    for i, link in enumerate(data.links):
        if floor.capacity_col[i] < 0:
            capacity[link.id], built[link.id] = link.existing_capacity, True
        else:
            capacity[link.id] = max(0.0, float(x[floor.capacity_col[i]]))
            built[link.id] = bool(x[floor.build_col[i]] > 0.5)
    return Solution(flows={link.id: flows[i] for i, link in enumerate(data.links)},
                    capacity=capacity, built=built)
