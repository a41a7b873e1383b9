"""A Pyomo model's linear rows as sparse arrays: Pyomo's standard-form compiler, with a fast
path for the expressions a model writes most (sums of variables times numbers).

Pyomo's ``LinearStandardFormCompiler`` walks every constraint with a general expression
visitor, about 7 us per row and column on the parks of ``benchmarks/``. Almost every row of a
symbiosis model is a ``LinearExpression`` (a flat sum of ``coefficient * variable`` terms), which
needs no visitor: its terms are read directly, and anything else (a product of sums, a named
expression, a division) still goes through Pyomo's visitor, row by row. The result is the same
matrix in the same column order: columns in order of first appearance, all indices of a
variable component together, fixed variables moved to the bounds, unused columns dropped
(``tests/test_compiler.py`` checks it against Pyomo's compiler).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.errors import InfeasibleConstraintException, InvalidExpressionError
from pyomo.common.numeric_types import native_numeric_types, native_types
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression, SumExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents

INF = float("inf")
CONSTANT_ROW_TOLERANCE = 1e-9
"""A row left with no variable holds if its bounds miss its constant by no more than this share:
an emissions cap set to a park's reported emissions (12 digits) is that park's emissions."""
SIDED = (InequalityExpression, EqualityExpression)  # lhs <= rhs, lhs == rhs (not ranged)
# Pyomo's compiler orders component indices this way by default (FileDeterminism.ORDERED).
ORDER = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)


@dataclass(frozen=True)
class LinearForm:
    """min cost @ x + offset  s.t.  row_lower <= matrix @ x <= row_upper, by rows ``constraints``
    and columns ``columns`` (Pyomo variables). A constraint is one row, ranged or not."""

    columns: list
    constraints: list
    matrix: sp.csc_array
    cost: np.ndarray
    offset: float
    row_lower: np.ndarray
    row_upper: np.ndarray


class _Columns:
    """The columns met so far; what Pyomo's ``LinearRepnVisitor`` needs of a variable recorder."""

    def __init__(self) -> None:
        self.var_map: dict[int, VarData] = {}  # id -> unfixed variable, in column order
        self.order: dict[int, int] = {}  # id -> column

    def add(self, var: VarData) -> None:
        # All indices of a component at once, as Pyomo's compiler does, so that the column
        # order does not depend on the order the rows happen to name them in.
        try:
            members = var.parent_component().values(ORDER)
        except AttributeError:
            members = (var,)
        var_map, order = self.var_map, self.order
        for member in members:
            if not member.fixed and id(member) not in var_map:
                order[id(member)] = len(var_map)
                var_map[id(member)] = member


class _UseVisitor(Exception):
    """A term the fast path does not read."""


def compile_linear(model: pyo.ConcreteModel) -> LinearForm:
    """The active objective and constraints of ``model`` as a :class:`LinearForm`."""
    columns = _Columns()
    visitor = LinearRepnVisitor({}, var_recorder=columns)
    cost_index, cost_value, offset = _objective(model, visitor, columns)

    constraints, lower, upper = [], [], []
    starts, index, value = [0], [], []
    for constraint in model.component_data_objects(pyo.Constraint, active=True, sort=ORDER):
        expr = constraint.expr
        if expr.__class__ in SIDED and _variable(expr.args[0]) and _variable(expr.args[1]):
            # variables on both sides: the row is lhs - rhs against 0, as Pyomo standardises
            # it, read side by side without building lhs - rhs (unless the visitor needs it)
            lhs, rhs = expr.args
            lb, ub = (0.0 if expr.__class__ is EqualityExpression else None), 0.0
            sides, body = ((lhs, 1.0), (rhs, -1.0)), None
        else:
            lb, body, ub = constraint.to_bounded_expression()
            if lb is None and ub is None:
                continue
            if lb.__class__ not in native_types:
                lb = pyo.value(lb)
            if ub.__class__ not in native_types:
                ub = pyo.value(ub)
            sides = ((body, 1.0),)
        try:
            constant = sum(sign * _read_linear(side, columns, index, value, sign) for side, sign in sides)
        except _UseVisitor:
            del index[starts[-1]:], value[starts[-1]:]
            body = lhs - rhs if body is None else body
            constant = _read_by_visitor(body, constraint.name, visitor, columns, index, value)
        if len(index) == starts[-1]:  # no variable left: the row holds or the model cannot
            slack = CONSTANT_ROW_TOLERANCE * max(1.0, abs(constant))  # a cap written as a rounded figure
            if (lb is None or lb <= constant + slack) and (ub is None or ub >= constant - slack):
                continue
            raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, "
                                                    f"'{constraint.name}'")
        starts.append(len(index))
        constraints.append(constraint)
        lower.append(-INF if lb is None else lb - constant)
        upper.append(INF if ub is None else ub - constant)

    n = len(columns.var_map)
    matrix = sp.csr_array((np.asarray(value, dtype=float), np.asarray(index, dtype=np.int32),
                           np.asarray(starts, dtype=np.int64)), shape=(len(constraints), n)).tocsc()
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    cost = np.zeros(n)
    np.add.at(cost, np.asarray(cost_index, dtype=np.int64), np.asarray(cost_value, dtype=float))
    used = (np.diff(matrix.indptr) > 0) | (cost != 0)
    variables = list(columns.var_map.values())
    if not used.all():
        matrix = matrix[:, used]
        cost = cost[used]
        variables = [v for v, keep in zip(variables, used, strict=True) if keep]
    return LinearForm(columns=variables, constraints=constraints, matrix=matrix, cost=cost, offset=offset,
                      row_lower=np.asarray(lower, dtype=float), row_upper=np.asarray(upper, dtype=float))


def _objective(model, visitor: LinearRepnVisitor, columns: _Columns) -> tuple[list, list, float]:
    objectives = list(model.component_data_objects(pyo.Objective, active=True, sort=ORDER))
    if not objectives:
        return [], [], 0.0
    if len(objectives) > 1:
        raise ValueError(f"model {model.name} has {len(objectives)} active objectives; one is needed")
    objective = objectives[0]
    index: list[int] = []
    value: list[float] = []
    constant = _read_by_visitor(objective.expr, objective.name, visitor, columns, index, value)
    if objective.sense != pyo.minimize:
        return index, [-v for v in value], -constant
    return index, value, constant


def _variable(side) -> bool:
    return side.__class__ not in native_types and side.is_potentially_variable()


def _read_linear(body, columns: _Columns, index: list, value: list, sign: float) -> float:
    """Append the terms of a flat linear ``body``, times ``sign``, to ``index``/``value``;
    return its constant (not times ``sign``). Raise :class:`_UseVisitor` on anything else."""
    order = columns.order
    kind = body.__class__
    if kind is LinearExpression or kind is SumExpression:
        terms = body.args
    elif kind is MonomialTermExpression or isinstance(body, VarData):
        terms = (body,)
    else:
        raise _UseVisitor
    constant = 0.0
    for term in terms:
        kind = term.__class__
        if kind is MonomialTermExpression:
            coefficient, var = term.args
            if coefficient.__class__ not in native_numeric_types:
                coefficient = pyo.value(coefficient)
        elif kind in native_numeric_types:
            constant += term
            continue
        elif isinstance(term, VarData):
            coefficient, var = 1.0, term
        else:
            raise _UseVisitor
        if var.fixed:
            constant += coefficient * var.value
            continue
        if not coefficient:  # as Pyomo's visitor: a zero term is no entry
            continue
        column = order.get(id(var))
        if column is None:
            columns.add(var)
            column = order[id(var)]
        index.append(column)
        value.append(sign * coefficient)
    return constant


def _read_by_visitor(body, name: str, visitor: LinearRepnVisitor, columns: _Columns, index: list,
                     value: list) -> float:
    repn = visitor.walk_expression(body)
    if repn.nonlinear is not None:
        raise InvalidExpressionError(f"{name} is not linear: it cannot go to a linear solver")
    order = columns.order
    index.extend(order[i] for i in repn.linear)
    value.extend(repn.linear.values())
    constant = repn.constant
    return constant if constant.__class__ in native_numeric_types else pyo.value(constant)


__all__ = ["LinearForm", "compile_linear"]
