"""``symbiosis doctor``: versions, and which solvers are installed and really solve."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

import click
import pyomo.environ as pyo
from rich.table import Table

from symbiosis.cli.common import stdout
from symbiosis.memory import GIB, available_memory, largest_model
from symbiosis.solvers import SolveOptions, SolverNotAvailable, solve

PACKAGES = ("symbiosis", "pyomo", "highspy", "pandas", "pint", "matplotlib", "pydantic", "click", "rich")
SOLVERS = ("highs", "appsi_highs", "cbc", "glpk", "scip", "gurobi", "cplex")


def tiny_model() -> pyo.ConcreteModel:
    """max 5x + 4y s.t. 6x + 4y <= 24, x + 2y <= 6, y integer: the optimum is x = 10/3, y = 1
    (20.67; the LP relaxation would give 21 at y = 1.5), so a solver that ignores integrality fails."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.a = pyo.Constraint(expr=6 * m.x + 4 * m.y <= 24)
    m.b = pyo.Constraint(expr=m.x + 2 * m.y <= 6)
    m.objective = pyo.Objective(expr=-(5 * m.x + 4 * m.y))
    return m


TINY_OPTIMUM = -(5 * 10 / 3 + 4)


def check_solver(name: str) -> tuple[bool, str]:
    try:
        outcome = solve(tiny_model(), SolveOptions(solver=name, time_limit=20))
    except SolverNotAvailable as exc:
        return False, str(exc).split(": ", 1)[-1]
    except Exception as exc:  # a broken installation: say what it said
        return False, f"installed but failed: {exc}"
    if outcome.has_solution and abs(outcome.objective - TINY_OPTIMUM) < 1e-5:
        return True, f"solves a small MIP correctly ({outcome.seconds:.2f} s)"
    return False, f"installed but gave {outcome.status}, objective {outcome.objective}"


@click.command()
def doctor() -> None:
    """Show versions, and which solvers are installed and solve a small MIP correctly; exit 1
    when HiGHS, the default solver, does not."""
    versions = Table(title="versions", title_justify="left")
    versions.add_column("package")
    versions.add_column("version")
    versions.add_row("python", platform.python_version())
    for package in PACKAGES:
        try:
            versions.add_row(package, metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.add_row(package, "[red]not installed[/]")
    stdout.print(versions)
    solvers = Table(title="solvers", title_justify="left")
    solvers.add_column("solver")
    solvers.add_column("works")
    solvers.add_column("detail")
    default_works = True
    for name in SOLVERS:
        works, detail = check_solver(name)
        solvers.add_row(name, "[green]yes[/]" if works else "[dim]no[/]", detail)
        default_works = default_works and (works or name != "highs")
    stdout.print(solvers)
    stdout.print(memory_line())
    if not default_works:  # scripts may use doctor as a check: the default solver must work
        stdout.print("[red]HiGHS, the default solver, does not work: reinstall with "
                     "'python -m pip install --force-reinstall highspy'[/]")
        sys.exit(1)


def memory_line() -> str:
    """What memory this process may use, and the largest model that fits in it."""
    available = available_memory()
    if available == float("inf"):
        return "memory: no limit could be read"
    return (f"memory: {available / GIB:,.1f} GiB available, enough for a MIP of about "
            f"{largest_model(available, mip=True) / 1e6:,.1f} M rows and columns (an LP of about "
            f"{largest_model(available, mip=False) / 1e6:,.1f} M)")
