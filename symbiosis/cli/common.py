"""What every command shares: consoles, the park argument, and errors mapped to exit codes.

Exit codes: 0 done (a solution exists), 1 no solution (infeasible, unbounded, solver
error), 2 the caller's mistake (bad park data, unknown option or solver).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from symbiosis.audit import AuditError
from symbiosis.memory import ModelTooLarge
from symbiosis.park import ParkError
from symbiosis.results.result import atomic_write
from symbiosis.solvers import SolverNotAvailable

EXIT_OK, EXIT_NO_SOLUTION, EXIT_USAGE = 0, 1, 2

# Wide tables when the output goes to a file or pipe; the terminal's width otherwise.
stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True, soft_wrap=True)


def park_argument(function: Callable) -> Callable:
    return click.argument("park", type=click.Path(exists=True, file_okay=True, dir_okay=True))(function)


def scenario_options(function: Callable) -> Callable:
    function = click.option("--scenario", default=None, metavar="NAME",
                            help="apply scenarios/NAME.yaml over the park")(function)
    return click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
                        help="override a park value, e.g. --set park.carbon_price='1800 NOK/t'")(function)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    from ruamel.yaml import YAML

    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--set")
        parsed = YAML(typ="safe", pure=True).load(value)
        result[key.strip()] = parsed if parsed is not None else value
    return result


def handle_errors(function: Callable) -> Callable:
    """Turn a user's mistake into a clear message and exit code 2, never a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ParkError as exc:
            stderr.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
            sys.exit(EXIT_USAGE)
        except (SolverNotAvailable, FileExistsError, ModelTooLarge) as exc:
            stderr.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
            sys.exit(EXIT_USAGE)
        except AuditError as exc:
            stderr.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
            sys.exit(EXIT_NO_SOLUTION)
        except KeyboardInterrupt:
            stderr.print("interrupted; nothing was written")
            sys.exit(130)

    return wrapper


def write_output(path: str | Path, write: Callable[[str], Any], *, force: bool) -> None:
    """Write a user's output file: an existing one only with --force, and through a temporary
    file beside it, so that an interrupted run leaves no half-written file."""
    if Path(path).exists() and not force:
        raise FileExistsError(f"{path} exists: add --force to replace it, or choose another file")
    atomic_write(path, write)


def quantity(value: float, unit: str) -> str:
    """A number for a table: thousands separators, sensible precision."""
    if value != value:  # NaN
        return "-"
    if abs(value) < 1e-6:
        value = 0.0
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    return f"{value:,.3g} {unit}".strip()


def annual(value: float, unit: str) -> str:
    """Annual energy or mass in the largest readable unit (GWh, kt ...)."""
    if unit == "MWh" and abs(value) >= 1000:
        return quantity(value / 1000, "GWh/year")
    if unit == "t" and abs(value) >= 10000:
        return quantity(value / 1000, "kt/year")
    return quantity(value, f"{unit}/year")
