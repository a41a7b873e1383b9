"""What every command shares: consoles, the park argument, and errors mapped to exit codes.

Exit codes: 0 done (a solution exists), 1 no solution (infeasible, unbounded, solver
error), 2 the caller's mistake (bad park data, unknown option or solver), 141 stdout's reader
stopped early (``symbiosis.cli.main``).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, NoReturn

import click
import pandas as pd
from rich.console import Console
from rich.markup import escape
from ruamel.yaml.error import YAMLError

from symbiosis.audit import AuditError
from symbiosis.memory import ModelTooLarge
from symbiosis.park import ParkError
from symbiosis.results.result import Result, atomic_write
from symbiosis.solvers import SolverNotAvailable
from symbiosis.solvers.status import StopNow

EXIT_OK, EXIT_NO_SOLUTION, EXIT_USAGE = 0, 1, 2

# The terminal's width at a terminal; to a file or pipe, as wide as the content, so that no firm
# or stream name is cut from a saved table.
UNLIMITED_WIDTH = 100_000


class _StdoutConsole(Console):
    """rich ends a print into a closed pipe by exit 1, the code of 'no solution' here; this one
    ends by 141, as SIGPIPE ends a Unix filter (see ``symbiosis.cli.main``)."""

    def on_broken_pipe(self) -> None:
        from symbiosis.cli import EXIT_CLOSED_PIPE, silence_stdout

        silence_stdout()
        raise SystemExit(EXIT_CLOSED_PIPE)


stdout = _StdoutConsole(soft_wrap=False, width=None if sys.stdout.isatty() else UNLIMITED_WIDTH)


class _ProgressStream:
    """``sys.stderr`` as it is at each write, where a closed pipe ends only the writing: progress
    and warnings read into ``2>&1 | head`` must not stop a solve before its result is saved."""

    def write(self, text: str) -> int:
        try:
            return sys.stderr.write(text)
        except BrokenPipeError:
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            sys.stderr.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(sys.stderr, name)


stderr = Console(file=_ProgressStream(), soft_wrap=True)


class _PlainProgress:
    """Progress as plain lines, for a stderr that is a file or pipe (cron, CI), where a spinner
    shows nothing: each new stage once (its words before ':', '{' or '('), and a stage's latest
    state at most every 30 s (a Shapley split solves thousands of coalitions)."""

    EVERY_S = 30.0

    def __init__(self, text: str) -> None:
        self.stage, self.said_at = "", -math.inf
        self.update(text)

    def update(self, text: str) -> None:
        stage, now = re.split(r"[:{(]", text, maxsplit=1)[0].strip(), time.monotonic()
        if stage != self.stage or now - self.said_at >= self.EVERY_S:
            stderr.print(text, markup=False, highlight=False)
            self.stage, self.said_at = stage, now

    def __enter__(self) -> _PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def progress_status(text: str = "starting") -> Any:
    """A spinner on stderr, or plain lines where stderr is no terminal;
    ``with progress_status() as status: ... status.update(text)``."""
    return stderr.status(text, spinner="dots") if stderr.is_terminal else _PlainProgress(text)


def park_argument(function: Callable) -> Callable:
    return click.argument("park", type=click.Path(exists=True, file_okay=True, dir_okay=True))(function)


def scenario_options(function: Callable) -> Callable:
    function = click.option("--scenario", default=None, metavar="NAME",
                            help="apply scenarios/NAME.yaml over the park")(function)
    return click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
                        help="override a park value, e.g. --set park.carbon_price='1800 NOK/t'")(function)


class FiniteFloatRange(click.FloatRange):
    """click's ``FloatRange`` without NaN and infinity (``float('nan')`` passes every range check)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give one in the range {self._describe_range()}",
                      param, ctx)
        return super().convert(number, param, ctx)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--set")
        refuse_set_twice(key.strip(), result)
        result[key.strip()] = yaml_value(key.strip(), value)
    return result


def refuse_set_twice(key: str, earlier: Iterable[str]) -> None:
    """A key given twice (or inside another one given) would leave one value dropped unsaid."""
    for other in earlier:
        if key == other:
            raise click.BadParameter(f"'{key}' is set twice; give one value per key", param_hint="--set")
        inner, outer = sorted((key, other), key=len, reverse=True)
        if inner.startswith(outer + "."):
            raise click.BadParameter(f"'{inner}' lies inside '{outer}', also set; give one of the two",
                                     param_hint="--set")


def yaml_value(key: str, text: str) -> Any:
    """The value of ``--set KEY=TEXT`` read as YAML (a number, a list ...; empty stays the text);
    a clear usage error when it is not YAML (an open bracket or quote, a ``!!python/`` tag)."""
    from ruamel.yaml import YAML

    try:
        parsed = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise click.BadParameter(
            f"'{text}' is not a YAML value ({problem}); give a number, a quantity such as '1800 NOK/t', "
            f"or a text in quotes: --set '{key}=\"...\"'", param_hint=f"--set {key}") from None
    return parsed if parsed is not None else text


class UsageProblem(Exception):
    """A mistake in what the caller gave, found by a command itself: said as ``error: ...``
    with exit code 2, no traceback (as every other mistake :func:`handle_errors` meets)."""


# The mistakes handle_errors says in the exception's own words, and the unreadable CSV files it
# words itself.
SAID_AS_RAISED = (ParkError, SolverNotAvailable, ModelTooLarge, UsageProblem)
UNREADABLE_CSV = (pd.errors.EmptyDataError, pd.errors.ParserError)
# Everything handle_errors says as the caller's mistake (exit 2): a log file keeps its message, not a
# traceback (an audit found one in a report folder's symbiosis.log for a report already there).
USER_MISTAKES = (click.ClickException, *SAID_AS_RAISED, OSError, sqlite3.DatabaseError, YAMLError,
                 *UNREADABLE_CSV)


def _pyomo_logs_to_stderr() -> None:
    """Pyomo logs to stdout (its handler on the 'pyomo' logger): a Ctrl-C while a model was built
    put "ERROR: Constructing component ... KeyboardInterrupt" among --json's output (an audit).
    The command line keeps stdout for its answer; Pyomo's lines go to stderr with the progress."""
    if "pyomo" not in sys.modules:
        return  # not loaded by this command: its handler comes with it, and nothing is logged
    for handler in logging.getLogger("pyomo").handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.__stdout__):
            handler.setStream(sys.stderr)


def handle_errors(function: Callable) -> Callable:
    """Turn a user's mistake into a clear message and exit code 2, never a traceback. Under
    ``--json`` the message is also printed on stdout as ``{"status": "error", "exit_code": N,
    "error": "..."}``, so that a script reading stdout always reads one JSON object."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        _pyomo_logs_to_stderr()
        try:
            return function(*args, **kwargs)
        except click.ClickException as exc:  # a bad option value found by the command itself
            if as_json:
                _json_error(exc.format_message(), exc.exit_code)
            raise
        except SAID_AS_RAISED as exc:
            fail(str(exc), EXIT_USAGE, as_json)
        except BrokenPipeError:  # stdout's reader has gone: ended as a Unix filter ends (cli.main)
            raise
        except OSError as exc:  # a file or folder that is missing, not a folder, not writable, there already
            fail(os_message(exc), EXIT_USAGE, as_json)
        except sqlite3.DatabaseError as exc:
            fail(f"the run history cannot be read: {exc}; give a history.sqlite written by "
                 "`symbiosis report`, or a new file", EXIT_USAGE, as_json)
        except YAMLError as exc:
            fail(f"YAML that cannot be read: {' '.join(str(exc).split())}", EXIT_USAGE, as_json)
        except UNREADABLE_CSV as exc:
            fail(f"a CSV file that cannot be read: {exc}; check that it is a comma-separated table "
                 "with a header line", EXIT_USAGE, as_json)
        except AuditError as exc:
            fail(str(exc), EXIT_NO_SOLUTION, as_json)
        except BrokenProcessPool:  # explain, share, pareto, risk: a worker killed, as by the OOM killer
            fail("a worker process of this command ended abruptly (killed, perhaps out of memory: each "
                 "worker holds a model of the park of its own); run it again with fewer workers "
                 "(--workers 1 solves in this process alone)", EXIT_USAGE, as_json)
        except KeyboardInterrupt as interrupt:
            stderr.print("interrupted; nothing was written")
            if isinstance(interrupt, StopNow):  # HiGHS may still run: leave without tearing it down
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(130)
            sys.exit(130)

    return wrapper



def fail(message: str, code: int, as_json: bool = False) -> NoReturn:
    """Say ``message`` on stderr (and as JSON on stdout under ``--json``), exit with ``code``."""
    error(message)
    if as_json:
        _json_error(message, code)
    sys.exit(code)


def no_solution(status: str, consequence: str, as_json: bool = False, why: Sequence[str] = ()) -> NoReturn:
    """The park's own solve found no answer (it ended with ``status``): say so, and ``why`` (what
    cannot hold, as ``optimize`` explains it), as JSON under ``--json``; exit 1."""
    if as_json:
        click.echo(json.dumps({"status": str(status), "exit_code": EXIT_NO_SOLUTION,
                               "error": f"no solution ({status}): {consequence}", "why": list(why)}))
    else:
        stdout.print(f"[red]no solution[/] ({escape(str(status))}): {escape(consequence)}")
        for reason in why:
            stdout.print(f"  - {escape(str(reason))}", highlight=False)
    sys.exit(EXIT_NO_SOLUTION)


def _json_error(message: str, code: int) -> None:
    click.echo(json.dumps({"status": "error", "exit_code": code, "error": message}))


def error(message: str) -> None:
    stderr.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)


def os_message(exc: OSError) -> str:
    """What the operating system refused, with the path and what to do."""
    if exc.filename is None:  # one of ours: it names the path and the remedy
        return str(exc)
    path = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
    hint = {FileNotFoundError: "check the path, or create the folder first",
            NotADirectoryError: "a part of the path is a file, not a folder; choose another path",
            IsADirectoryError: "it is a folder; give a file",
            PermissionError: "choose a place you may write in, or change its permissions",
            FileExistsError: "choose another name"}.get(type(exc))
    if hint is None and exc.errno == errno.EROFS:  # a read-only mount: only the message said so (an audit)
        hint = "the file system is mounted read-only; choose a place you may write in"
    return f"{path}: {exc.strerror or exc}" + (f"; {hint}" if hint else "")


def check_out_folder(folder: str | Path, names: Iterable[str], *, force: bool, option: str = "--out") -> None:
    """Before any solve: that ``folder`` is (or can be made) a folder one may write in, and that
    none of the files ``names`` to be written there exists, unless ``force``. Nothing a user
    saved is replaced without asking, and no long solve ends in an unwritable folder."""
    folder = Path(folder)
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    if not existing.is_dir():
        raise NotADirectoryError(f"{option} {folder}: {existing} is a file, not a folder; "
                                 f"choose another {option}")
    _check_writable(existing, f"{option} {folder}")
    there = [name for name in names if (folder / name).exists()]
    if there and not force:
        raise FileExistsError(f"{option} {folder} already holds {', '.join(there)}: add --force to replace "
                              f"{'it' if len(there) == 1 else 'them'}, or choose another {option}")


def _check_writable(folder: Path, what: str) -> None:
    """That a file can be made in ``folder``, tried with a file made and removed at once: the
    permission bits say yes to root where the file system says no (``/proc``, a read-only mount)."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".symbiosis-write-check-")
    except OSError as exc:
        raise PermissionError(f"{what}: cannot write in {folder} ({exc.strerror}); "
                              "choose a folder you may write in") from None
    os.close(handle)
    os.unlink(probe)


def check_out_file(path: str | Path, *, force: bool, option: str = "--out") -> None:
    """Before any work: that the file ``path`` can be written (its folder exists) and does not
    exist yet, unless ``force``."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{option} {path}: there is no folder {path.parent}; create it first, "
                                "or choose another file")
    if path.is_dir():
        raise IsADirectoryError(f"{option} {path} is a folder; give a file name")
    _check_writable(path.parent, f"{option} {path}")
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists: add --force to replace it, or choose another file")


def write_output(path: str | Path, write: Callable[[str], Any], *, force: bool,
                 option: str = "--out") -> None:
    """Write a user's output file: an existing one only with --force, and through a temporary
    file beside it, so that an interrupted run leaves no half-written file."""
    check_out_file(path, force=force, option=option)
    atomic_write(path, write)


def exchanges_text(result: Result) -> str:
    """'8 proposed exchanges and 4 running today': an existing link is no proposal (``optimize``,
    ``report`` and the report's headline count alike)."""
    running = result.running_today
    return f"{result.proposed} proposed exchanges" + (f" and {running} running today" if running else "")


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
