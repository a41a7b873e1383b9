"""The model code as it was before the speed changes of issue #7, to measure each change's
gain in the same run: ``python benchmarks/run.py --case 20:week:lp --variants before,after``.

``apply(names)`` puts the old functions back in place (in this process only). Each entry
builds the model as it was, the same way (the two pair cascades share one builder that
differs only in how a segment flow is looked up).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from symbiosis.models.data import ModelData


def _pair_cascade(m: pyo.ConcreteModel, data: ModelData, *, flat: bool) -> pyo.Block:
    """The transportation model over every allowed (link, hot segment, cold segment) pair, the
    heat cascade as it was before the cold side became a Hall cascade; ``flat`` looks a segment
    flow up by one flat key q[l, h, c, t], else by the nested key q[(l, h, c), t]."""
    from symbiosis.models.balances import rate

    block = pyo.Block()
    m.heat = block
    links = {link.id: link for link in data.links}
    index = [(l, h, c) for l, pairs in data.segment_pairs.items() for h, c in pairs]  # noqa: E741
    block.P = pyo.Set(initialize=index, dimen=3, ordered=True)
    block.segment_flow = pyo.Var(block.P, m.links.T, domain=pyo.NonNegativeReals)
    by_link: dict[str, list] = defaultdict(list)
    from_hot: dict[tuple[str, int], list] = defaultdict(list)
    into_cold: dict[tuple[str, int], list] = defaultdict(list)
    for l, h, c in index:  # noqa: E741
        by_link[l].append((l, h, c))
        from_hot[links[l].supply, h].append((l, h, c))
        into_cold[links[l].demand, c].append((l, h, c))
    segment_flow = block.segment_flow

    def q(p, t):
        return segment_flow[(*p, t)] if flat else segment_flow[p, t]

    block.link_is_sum_of_segments = pyo.Constraint(
        list(data.segment_pairs), m.links.T,
        rule=lambda b, l, t: m.links.flow[l, t] == pyo.quicksum(q(p, t) for p in by_link[l]))  # noqa: E741
    shares = {(key, seg.index): seg.share for key, segs in data.segments.items() for seg in segs}
    block.hot_segment_limit = pyo.Constraint(
        list(from_hot), m.links.T,
        rule=lambda b, s, i, t: pyo.quicksum(q(p, t) for p in from_hot[s, i])
        <= rate(m, data, s, t) * shares[s, i])
    block.cold_segment_limit = pyo.Constraint(
        list(into_cold), m.links.T,
        rule=lambda b, s, i, t: pyo.quicksum(links[p[0]].efficiency * q(p, t) for p in into_cold[s, i])
        <= rate(m, data, s, t) * shares[s, i])
    return block


def add_heat_cascade(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    """The pair cascade with nested keys (the first version)."""
    return _pair_cascade(m, data, flat=False)


def add_heat_pairs(m: pyo.ConcreteModel, data: ModelData) -> pyo.Block:
    """The pair cascade with flat keys (before the Hall cascade)."""
    return _pair_cascade(m, data, flat=True)


def add_cost_curves(block: pyo.Block, curved: list) -> None:
    block.CURVED = pyo.Set(initialize=[link.id for link in curved], ordered=True)
    block.curve_cost = pyo.Var(block.CURVED, domain=pyo.NonNegativeReals)
    if not curved:
        return
    points = {link.id: [c for c, _ in link.cost_curve] for link in curved}
    values = {link.id: dict(link.cost_curve) for link in curved}
    block.curve = pyo.Piecewise(
        block.CURVED, block.curve_cost, block.capacity, pw_pts=points, pw_constr_type="EQ",
        pw_repn="INC", f_rule=lambda b, l, x: values[l][x], warn_domain_coverage=False)  # noqa: E741


class _OldArrays:
    """What solve_highs needs of ``to_arrays``, made the old way: a ``HighsLp`` filled field by
    field (bounds by ``lb`` and ``ub``, integrality by ``is_integer`` per column) and passed whole."""

    def __init__(self, lp, integer) -> None:
        self.lp = lp
        self.integer = integer
        self.num_col, self.num_row, self.offset = lp.num_col_, lp.num_row_, lp.offset_
        self.value = lp.a_matrix_.value_
        self.is_mip = bool(integer.any())

    def pass_to(self, h) -> None:
        h.passModel(self.lp)


def to_arrays(model):
    import highspy
    import numpy as np
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    INF = highspy.kHighsInf
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    columns = info.columns
    n, rows = len(columns), len(info.rows)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = rows
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lp.col_cost_ = np.asarray(info.c.toarray()[0] if info.c.shape[0] else np.zeros(n), dtype=float)
    lower = np.array([-INF if v.lb is None else v.lb for v in columns], dtype=float)
    upper = np.array([INF if v.ub is None else v.ub for v in columns], dtype=float)
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    kinds = np.array([r.bound_type for r in info.rows], dtype=int)
    rhs = np.asarray(info.rhs, dtype=float)
    lp.row_lower_ = np.where(kinds >= 0, np.where(kinds == 0, rhs, -INF), rhs)
    lp.row_upper_ = np.where(kinds <= 0, np.where(kinds == 0, rhs, INF), rhs)
    matrix = info.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    integer = [v.is_integer() or v.is_binary() for v in columns]
    if any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return _OldArrays(lp, np.array(integer, dtype=bool)), info


def to_arrays_by_pyomo(model):
    """HiGHS arrays from Pyomo's ``LinearStandardFormCompiler`` (every row through its general
    visitor), as before ``solvers/compiler.py``."""
    import numpy as np
    from pyomo.common.gc_manager import PauseGC
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    from symbiosis.solvers.highs import INF, HighsArrays

    with PauseGC():
        info = LinearStandardFormCompiler().write(model, mixed_form=True)
        columns = info.columns
        lower = np.array([-INF if v.lb is None else v.lb for v in columns], dtype=float)
        upper = np.array([INF if v.ub is None else v.ub for v in columns], dtype=float)
        kinds = np.array([r.bound_type for r in info.rows], dtype=int)
        rhs = np.asarray(info.rhs, dtype=float)
        matrix = info.A.tocsc()
        arrays = HighsArrays(
            offset=float(info.c_offset[0]) if len(info.c_offset) else 0.0,
            cost=np.asarray(info.c.toarray()[0], dtype=float), lower=lower, upper=upper,
            row_lower=np.where(kinds >= 0, np.where(kinds == 0, rhs, -INF), rhs),
            row_upper=np.where(kinds <= 0, np.where(kinds == 0, rhs, INF), rhs),
            start=matrix.indptr.astype(np.int32), index=matrix.indices.astype(np.int32),
            value=np.asarray(matrix.data, dtype=float),
            integer=np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool))
    return arrays, info


# name: (module, attribute, old version, what the change was); undone in this order, so with
# both heat changes undone the oldest (heat_index) is the one in place
CHANGES = {
    "heat_cascade": ("symbiosis.models.build", "add_heat_cascade", add_heat_pairs,
                     "heat cascade: one variable per (link, hot segment) and a Hall cascade on the cold "
                     "side, not one per (link, hot segment, cold segment) pair"),
    "heat_index": ("symbiosis.models.build", "add_heat_cascade", add_heat_cascade,
                   "heat cascade (pairs): segment flows looked up by one flat key q[l, h, c, t], "
                   "not a nested key"),
    "curves": ("symbiosis.models.links", "add_cost_curves", add_cost_curves,
               "cost curves: INC written over indexed components, not a Piecewise block per link"),
    "compiler": ("symbiosis.solvers.handoff", "to_arrays", to_arrays_by_pyomo,
                 "hand-off: flat sums read directly (solvers/compiler.py), not every row through "
                 "Pyomo's standard-form compiler"),
    "arrays": ("symbiosis.solvers.handoff", "to_arrays", to_arrays,
               "hand-off: NumPy arrays to passModel in one call, bounds and integrality vectorised, "
               "not a HighsLp filled field by field"),
}


def apply(names) -> list[str]:
    """Restore the old version of each named change; returns the names restored."""
    import importlib

    done = []
    for name in names:
        module_name, attribute, old, _ = CHANGES[name]
        setattr(importlib.import_module(module_name), attribute, old)
        done.append(name)
    return done
