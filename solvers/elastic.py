"""Why a model is infeasible: an elastic copy in which every constraint may be broken at a
price, solved for the least total breakage. The constraints it breaks, and by how much,
are what cannot hold together (a phase-one problem; Chinneck 2008, *Feasibility and
Infeasibility in Optimization*, ch. 6)."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from symbiosis.solvers.status import SolveOptions

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Violation:
    """A constraint of the model that the elastic solve had to break, and by how much."""

    constraint: str  # Pyomo name, e.g. "rules.most_partners[nammo]"
    component: str  # the component's name without index, e.g. "rules.most_partners"
    index: object
    amount: float  # how far past its bound, in the constraint's own units


def elastic_violations(
    model: pyo.ConcreteModel, options: SolveOptions | None = None, *, first: tuple[str, ...] = ()
) -> list[Violation]:
    """The constraints that cannot all hold, from a copy of ``model`` with elastic rows.

    Rows of the components named in ``first`` (rules, caps: what a person chose) are made
    elastic first, one component at a time in that order, then all of them together; only if
    breaking them cannot restore feasibility are all rows made elastic. Integer variables stay
    integer; the objective is the sum of the breakages. One at a time because their breakages
    are in units of their own: together, a cap short by tens of tonnes of CO2 was "explained" as
    a firm's partner limit broken by one partner, a rule that holds by itself (an audit).
    """
    present = [name for name in first if model.find_component(name) is not None]
    for names in [*([name] for name in present), present if len(present) > 1 else []]:
        if names:
            found = _elastic(model, options, lambda row, names=names: row.parent_component().name in names)
            if found is not None:
                return found
    return _elastic(model, options, lambda row: True) or []


def _elastic(model: pyo.ConcreteModel, options: SolveOptions | None, chosen) -> list[Violation] | None:
    from symbiosis.solvers import solve  # the package's own dispatcher

    elastic = model.clone()
    for objective in elastic.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    rows = [c for c in elastic.component_data_objects(pyo.Constraint, active=True) if chosen(c)]
    elastic.elastic_rows = pyo.Set(initialize=range(len(rows)))
    elastic.over = pyo.Var(elastic.elastic_rows, domain=pyo.NonNegativeReals)
    elastic.under = pyo.Var(elastic.elastic_rows, domain=pyo.NonNegativeReals)
    elastic.elastic = pyo.ConstraintList()
    for i, row in enumerate(rows):
        row.deactivate()
        if row.upper is not None:
            elastic.elastic.add(row.body - elastic.over[i] <= row.upper)
        if row.lower is not None:
            elastic.elastic.add(row.body + elastic.under[i] >= row.lower)
    elastic.breakage = pyo.Objective(
        expr=pyo.quicksum(elastic.over[i] + elastic.under[i] for i in elastic.elastic_rows))
    outcome = solve(elastic, options or SolveOptions())
    if not outcome.has_solution:
        return None
    found = []
    for i, row in enumerate(rows):
        amount = (elastic.over[i].value or 0.0) + (elastic.under[i].value or 0.0)
        if amount > TOLERANCE:
            component = row.parent_component()
            found.append(Violation(row.name, component.name, row.index(), amount))
    return found
