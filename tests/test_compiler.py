"""The linear form handed to HiGHS (``solvers/compiler.py``) is Pyomo's standard form: the same
columns in the same order and the same rows, on a model with every kind of term and on a park."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from conftest import raufoss_model
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from symbiosis.solvers.compiler import compile_linear


def pyomo_rows(model: pyo.ConcreteModel) -> tuple[list, dict, np.ndarray, float]:
    """Pyomo's compiler in mixed form, each constraint folded back to one row
    ``lower <= a @ x <= upper`` (a ranged constraint is two rows there)."""
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    matrix = info.A.tocsr()
    rows: dict = {}
    for r, entry in enumerate(info.rows):
        unbounded = (matrix[[r], :].toarray()[0], -np.inf, np.inf)
        coefficients, lower, upper = rows.get(entry.constraint, unbounded)
        if entry.bound_type >= 0:
            upper = info.rhs[r]
        if entry.bound_type <= 0:
            lower = info.rhs[r]
        rows[entry.constraint] = (coefficients, lower, upper)
    return info.columns, rows, info.c.toarray()[0], float(info.c_offset[0])


def assert_same_form(model: pyo.ConcreteModel) -> None:
    form = compile_linear(model)
    columns, rows, cost, offset = pyomo_rows(model)
    assert [v.name for v in form.columns] == [v.name for v in columns]
    assert [c.name for c in form.constraints] == [c.name for c in rows]
    matrix = form.matrix.tocsr().toarray()
    for r, (coefficients, lower, upper) in enumerate(rows.values()):
        np.testing.assert_allclose(matrix[r], coefficients, rtol=1e-15, atol=0)
        assert (form.row_lower[r], form.row_upper[r]) == pytest.approx((lower, upper), rel=1e-15)
    np.testing.assert_allclose(form.cost, cost, rtol=1e-15, atol=0)
    assert form.offset == pytest.approx(offset, rel=1e-15)


def test_every_kind_of_term_compiles_as_pyomo_does() -> None:
    m = pyo.ConcreteModel()
    m.steps = pyo.RangeSet(3)
    m.flow = pyo.Var(m.steps, bounds=(0, 10))
    m.size = pyo.Var(bounds=(0, None))
    m.unused = pyo.Var()
    m.held = pyo.Var(initialize=2.0)
    m.held.fix()
    m.price = pyo.Param(mutable=True, initialize=4.0)
    m.total = pyo.Expression(expr=sum(m.flow[t] for t in m.steps))
    # flow on both sides, a mutable price, a fixed variable, a constant
    m.within_size = pyo.Constraint(m.steps, rule=lambda m, t: m.flow[t] + m.held + 1 <= m.price * m.size)
    m.ranged = pyo.Constraint(expr=pyo.inequality(1, m.flow[1] - 2 * m.flow[2], 5))
    m.equal = pyo.Constraint(expr=m.flow[3] == 2.5)
    m.nested = pyo.Constraint(expr=2 * (m.flow[1] + m.size) - m.total / 4 >= -3)  # through the visitor
    m.repeated = pyo.Constraint(expr=m.flow[2] + m.flow[2] + m.size - m.size <= 7)
    m.both_sides_equal = pyo.Constraint(expr=m.flow[1] + m.size == m.flow[2] - 1)
    m.both_sides_nested = pyo.Constraint(expr=m.total <= 2 * (m.size + m.flow[1]))  # through the visitor
    m.constant_left = pyo.Constraint(expr=m.flow[3] - m.size >= 1)  # stored as 1 <= flow - size
    m.constant = pyo.Constraint(expr=m.held <= 3)  # holds: no row
    m.objective = pyo.Objective(expr=-(3 * m.size + m.total + 10), sense=pyo.maximize)
    assert_same_form(m)
    form = compile_linear(m)
    assert "unused" not in [v.name for v in form.columns]
    assert "constant" not in [c.name for c in form.constraints]
    m.constant.set_value(m.held <= 1)
    with pytest.raises(InfeasibleConstraintException, match="constant"):
        compile_linear(m)


def test_a_park_model_compiles_as_pyomo_does() -> None:
    assert_same_form(raufoss_model())
