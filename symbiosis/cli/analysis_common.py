"""What the analysis commands (pareto, share, sweep, explain, risk) share: solve options,
tables of numbers for the terminal, and JSON of pandas tables."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click
import pandas as pd
from rich.table import Table

from symbiosis.analysis.common import ResultMismatch, StoppedShort, records
from symbiosis.analysis.side_by_side import ParkChanged
from symbiosis.cli.common import FiniteFloatRange, UsageProblem, quantity, stdout
from symbiosis.results.result import json_value


def solve_options(function: Callable) -> Callable:
    """``--time-limit``, ``--gap``, ``--threads`` and ``--solver``: for every re-solve."""
    for option in reversed([
        click.option("--time-limit", type=FiniteFloatRange(min=0), default=None, metavar="SECONDS",
                     help="for each solve"),
        click.option("--gap", type=FiniteFloatRange(min=0, max=1), default=1e-4, show_default=True,
                     help="relative MIP gap at which each solve stops"),
        click.option("--threads", type=click.IntRange(min=1), default=None),
        click.option("--solver", default="highs", show_default=True,
                     help="highs, or any Pyomo solver by name"),
    ]):
        function = option(function)
    return function


@contextlib.contextmanager
def refusals_as_usage(mismatch_hint: str = "") -> Iterator[None]:
    """An analysis's refusals said as the caller's problem (exit 2, no traceback): the park's
    files changed while its workers solved (:class:`ParkChanged`), a re-solve stopped at its time
    limit short of the gap (:class:`StoppedShort`), a result that is not the park's least-cost
    answer (:class:`ResultMismatch`, followed by ``mismatch_hint``, what the command can say of
    its own solve)."""
    try:
        yield
    except (ParkChanged, StoppedShort) as exc:  # ParkChanged first: it is a ResultMismatch
        raise UsageProblem(str(exc)) from exc
    except ResultMismatch as exc:
        raise UsageProblem(f"{exc}{mismatch_hint}") from exc


def workers_option(what: str) -> Callable[[Callable], Callable]:
    """``--workers N``: ``what`` side by side, one worker process each; one a core, up to 4,
    when not given (``symbiosis/analysis/side_by_side.py``)."""
    return click.option("--workers", type=click.IntRange(min=1), default=None,
                        callback=lambda context, parameter, value: value or min(os.cpu_count() or 1, 4),
                        help=f"{what} side by side, one process each [default: one a core, up to 4]")


def json_option(function: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True,
                        help="print JSON on stdout, nothing else")(function)


def echo_json(document: Any) -> None:
    """``document`` as JSON, every number as ``Result.to_json`` writes it (12 significant digits)."""
    click.echo(json.dumps(_json_ready(document), indent=2, default=json_value))


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return json_value(value)


def frame_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame)


def show_table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Callable[[Any], str]]], *,
               title: str) -> None:
    """Print ``frame`` with the given (column, header, format) triples: text left, numbers right."""
    table = Table(title=title, title_justify="left")
    for _, header, form in columns:
        table.add_column(header, justify="left" if form is text else "right")
    for _, row in frame.iterrows():
        table.add_row(*(form(row[column]) for column, _, form in columns))
    stdout.print(table)


def money(currency: str) -> Callable[[Any], str]:
    """Amounts of money: below half a unit of the currency they are the solver's rounding
    (a transfer of 1.6e-06 NOK), shown as 0."""
    return lambda value: quantity(_whole(float(value)), currency) if _number(value) else "-"


def _whole(amount: float) -> float:
    return 0.0 if abs(amount) < 0.5 else amount


def tonnes(value: Any, decimals: int | None = None) -> str:
    """Tonnes at the table's precision, or to ``decimals`` places; '-' when missing."""
    if not _number(value):
        return "-"
    return quantity(float(value), "t") if decimals is None else f"{float(value):,.{decimals}f} t"


def text(value: Any) -> str:
    """A word or name; a missing value (None, NaN, pandas' NA: 'better off' unchecked) as '-'."""
    return "-" if value is None or value is pd.NA or (isinstance(value, float) and value != value) \
        else str(value)


def as_is(value: Any) -> str:
    """A value already formatted as a number with its unit (right-aligned, unlike ``text``)."""
    return text(value)


def percent(value: Any, words: Callable[[float], str] = "{:.1%}".format) -> str:
    """A share as a percentage (``words`` says it otherwise); '-' when missing."""
    return words(float(value)) if _number(value) else "-"


def _number(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number
