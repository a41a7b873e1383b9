"""``symbiosis report PARK --out DIR``: solve (or read a saved result), write the HTML and PDF
report for the cluster meeting, record the run in the history. Made for cron and systemd timers.

Exit codes: 0 a report of a solution was written; 1 no solution (the report says why);
2 the caller's mistake; 3 another run holds the lock on DIR.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd

from symbiosis.cli.common import (
    EXIT_NO_SOLUTION,
    handle_errors,
    park_argument,
    parse_overrides,
    scenario_options,
    stderr,
    stdout,
)
from symbiosis.optimization import optimize as run_optimize
from symbiosis.park import load_park
from symbiosis.report.numbers import gap as gap_text
from symbiosis.report.numbers import money, tonnes
from symbiosis.report.publish import publish
from symbiosis.results import Result

EXIT_LOCKED = 3
LOCK_NAME = ".symbiosis.lock"
log = logging.getLogger("symbiosis.report")


class Locked(Exception):
    """Another run holds the lock of the report folder."""


@contextmanager
def folder_lock(path: Path) -> Iterator[None]:
    """Hold ``path`` with ``fcntl.flock`` (exclusive, non-blocking) while the block runs.

    The lock is the kernel's: it goes away with the process, even after ``kill -9``; the
    file keeps the holder's process id for the message.
    """
    import fcntl  # POSIX only: imported here so the rest of the command line works everywhere

    handle = open(path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise Locked(f"another run (process {holder}) holds {path}; try again when it ends") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def file_log(path: Path) -> Iterator[None]:
    """Send the ``symbiosis`` loggers to ``path`` (appended) while the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        f"%(asctime)s [{os.getpid()}] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("symbiosis")
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(before)
        handler.close()


@click.command()
@park_argument
@scenario_options
@click.option("--out", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="report folder: each run writes DIR/YYYY-MM-DD_HHMMSS/ (report.html, report.pdf, "
                   "result files)")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), default=None, metavar="DB",
              help="SQLite run history  [default: DIR/../history.sqlite]")
@click.option("--result", "result_dir", type=click.Path(exists=True, file_okay=False), default=None,
              metavar="RESULT_DIR", help="report a result saved by `optimize --out` instead of solving")
@click.option("--pareto", "pareto_csv", type=click.Path(exists=True, dir_okay=False), default=None,
              metavar="CSV", help="a Pareto front (columns emissions, total_cost) to include")
@click.option("--why", "why_csv", type=click.Path(exists=True, dir_okay=False), default=None,
              metavar="CSV",
              help="the table of `symbiosis explain PARK --out CSV` to include (why, and why not)")
@click.option("--name", default=None, metavar="NAME",
              help="write into DIR/NAME instead of a new dated folder")
@click.option("--force", is_flag=True, help="replace a report already in DIR/NAME")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="log of the run, appended  [default: DIR/symbiosis.log]")
@click.option("--json", "as_json", is_flag=True, help="print where the report went, as JSON, nothing else")
@click.option("--objective", type=click.Choice(["cost", "emissions"]), default="cost", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0), default=None, metavar="SECONDS")
@click.option("--gap", type=click.FloatRange(min=0, max=1), default=1e-4, show_default=True,
              help="relative MIP gap at which to stop")
@click.option("--threads", type=click.IntRange(min=1), default=None)
@click.option("--solver", default="highs", show_default=True, help="highs, or any Pyomo solver by name")
@click.option("--no-memory-check", is_flag=True,
              help="build the model even if its estimated memory exceeds what the machine has")
@handle_errors
def report(park: str, scenario: str | None, overrides: tuple[str, ...], out: str, history_path: str | None,
           result_dir: str | None, pareto_csv: str | None, why_csv: str | None, name: str | None, force: bool,
           log_file: str | None, as_json: bool, objective: str, time_limit: float | None, gap: float,
           threads: int | None, solver: str, no_memory_check: bool) -> None:
    """Write the cluster-meeting report of PARK (HTML and PDF) into a new folder under --out.

    Solves PARK (or reads --result), compares with the previous run of the same park and
    scenario in the history, and records this run. Non-interactive, for cron: exit 0 a
    report of a solution, 1 no solution, 2 bad input, 3 another run holds the lock.
    """
    folder = Path(out)
    if name is not None and (not name or Path(name).name != name or name.startswith(".")):
        raise click.BadParameter(f"'{name}' is not a plain folder name", param_hint="--name")
    folder.mkdir(parents=True, exist_ok=True)
    pareto = _read_pareto(pareto_csv) if pareto_csv else None
    why = _read_why(why_csv) if why_csv else None
    with file_log(Path(log_file) if log_file else folder / "symbiosis.log"):
        try:
            with folder_lock(folder / LOCK_NAME):
                log.info("report of %s (scenario %s) into %s", park, scenario or "-", folder)
                result, published = _run(park, scenario, overrides, folder, history_path, result_dir, pareto,
                                         why, name, force, objective, time_limit, gap, threads, solver,
                                         check_memory=not no_memory_check)
        except Locked as exc:
            log.error("%s", exc)
            stderr.print(f"[bold red]locked:[/] {exc}", markup=True, highlight=False)
            sys.exit(EXIT_LOCKED)
        except Exception as exc:
            log.error("failed: %s", exc, exc_info=not isinstance(exc, click.ClickException))
            raise
        log.info("done: %s, status %s, report %s", result.summary.get("park"), result.status, published.html)
    _say(result, published, as_json)
    if not result.has_solution:
        sys.exit(EXIT_NO_SOLUTION)


def _run(park: str, scenario: str | None, overrides: tuple[str, ...], folder: Path, history_path: str | None,
         result_dir: str | None, pareto: pd.DataFrame | None, why: pd.DataFrame | None, name: str | None,
         force: bool, objective: str, time_limit: float | None, gap: float, threads: int | None, solver: str,
         *, check_memory: bool = True):
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    log.info("park %s loaded, fingerprint %s", loaded.name, loaded.fingerprint)
    if name and not force and (folder / name).exists() and any((folder / name).iterdir()):
        raise FileExistsError(f"{folder / name} exists: add --force to replace it, or leave out --name "
                              "for a new dated folder")
    if result_dir:
        result = Result.load(result_dir)
        log.info("read the result in %s (status %s)", result_dir, result.status)
        if str(result.summary.get("park")) != loaded.name:
            log.warning("the result is of park %r, the park file names %r", result.summary.get("park"),
                        loaded.name)
    else:
        with stderr.status("starting", spinner="dots") as status:
            def progress(stage: str) -> None:
                status.update(stage)
                log.info("%s", stage)

            result = run_optimize(loaded, objective=objective, solver=solver, time_limit=time_limit, gap=gap,
                                  threads=threads, progress=progress, check_memory=check_memory)
        log.info("solved: %s, saving %s", result.status, result.summary.get("saving"))
    published = publish(result, loaded, folder, history=history_path, name=name, force=force, pareto=pareto,
                        why=why)
    return result, published


def _read_why(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    missing = {"id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "built",
               "required_cut", "margin"} - set(frame.columns)
    if missing:
        raise click.BadParameter(f"{path} lacks the column(s) {', '.join(sorted(missing))}; write it with "
                                 "`symbiosis explain PARK --out CSV`", param_hint="--why")
    return frame


def _read_pareto(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    missing = {"emissions", "total_cost"} - set(frame.columns)
    if missing:
        raise click.BadParameter(f"{path} lacks the column(s) {', '.join(sorted(missing))}",
                                 param_hint="--pareto")
    return frame


def _say(result: Result, published, as_json: bool) -> None:
    s = result.summary
    if as_json:
        click.echo(json.dumps({
            "status": result.status, "folder": str(published.folder), "html": str(published.html),
            "pdf": str(published.pdf), "run_id": published.run_id,
            "data_changed": published.changes.data_changed,
            "added": len(published.changes.added), "dropped": len(published.changes.dropped)}))
        return
    currency = str(s.get("currency", ""))
    if result.has_solution:
        stdout.print(f"[bold]{s.get('park')}[/]: {result.status}, saving "
                     f"{money(s.get('saving'), currency, per_year=True)}, CO2 avoided "
                     f"{tonnes(s.get('co2_avoided'))}, {len(result.exchanges)} exchanges, gap "
                     f"{gap_text(s.get('gap'))}")
    else:
        stdout.print(f"[bold]{s.get('park')}[/]: [red]no solution[/] "
                     f"({result.status}: {s.get('solver_message')})")
    stdout.print(f"report: {published.html}\npdf:    {published.pdf}")
