"""``symbiosis report PARK --out DIR``: solve (or read a saved result), write the HTML and PDF
report for the cluster meeting, record the run in the history. Made for cron and systemd timers.

Exit codes: 0 a report of a solution was written; 1 no solution (the report says why);
2 the caller's mistake; 3 another run holds the lock on DIR.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd

from symbiosis.cli.common import (
    EXIT_NO_SOLUTION,
    USER_MISTAKES,
    FiniteFloatRange,
    UsageProblem,
    exchanges_text,
    handle_errors,
    park_argument,
    parse_overrides,
    progress_status,
    scenario_options,
    stderr,
    stdout,
)
from symbiosis.optimization import optimize as run_optimize
from symbiosis.park import ParkError, load_park
from symbiosis.park.model import Park
from symbiosis.report.history import History, default_path, overrides_text
from symbiosis.report.inputs import NotOfThisResult
from symbiosis.report.numbers import gap as gap_text
from symbiosis.report.numbers import money, tonnes
from symbiosis.report.publishing import UnknownRun, chosen_run, existing_files, publish
from symbiosis.results import Result

EXIT_LOCKED = 3
LOCK_NAME = ".symbiosis.lock"
log = logging.getLogger("symbiosis.report")


class Locked(Exception):
    """Another run holds the lock of the report folder."""


class ReportError(UsageProblem):
    """A mistake in what the caller gave to ``report``: ``error: ...``, exit code 2."""


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


_LOG_LINE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} \[\d+\] [A-Z]+ symbiosis")


def _is_log_or_new(path: Path) -> bool:
    """``path`` does not exist, is empty, or starts as a log this command writes."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(200)
    except FileNotFoundError:
        return True
    except OSError:
        return True  # a folder or an unreadable file: FileHandler says why below
    return not start or bool(_LOG_LINE.match(start.decode("utf-8", errors="replace")))


@contextmanager
def file_log(path: Path, option: str = "--log-file") -> Iterator[None]:
    """Send the ``symbiosis`` loggers to ``path`` (appended) while the block runs. A file that
    exists must be a log of symbiosis: anything else (a park file, notes) is the user's, and
    appending would spoil it. ``option``: what the user gave that names the path (the default
    log lies in the --out folder)."""
    if not _is_log_or_new(path):
        raise ReportError(f"{path} exists and is not a log of symbiosis: appending to it would change "
                          "a file of yours; give --log-file a new file or an earlier log")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        fix = "choose another --log-file" if option == "--log-file" else \
            "give --out a folder you can write (or --log-file a file elsewhere)"
        raise ReportError(f"cannot write the log file {path}: {_reason(path, exc)}; {fix}") from exc
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
@click.option("--since", default=None, metavar="RUN",
              help="compare with this run instead of the latest: a run id (`symbiosis history`), a report "
                   "folder (path, or name under DIR), or a date YYYY-MM-DD (the latest run on or before it)")
@click.option("--name", default=None, metavar="NAME",
              help="write into DIR/NAME instead of a new dated folder")
@click.option("--force", is_flag=True,
              help="replace the files of a report already in DIR/NAME (other files there are kept)")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="log of the run, appended  [default: DIR/symbiosis.log]")
@click.option("--json", "as_json", is_flag=True, help="print where the report went, as JSON, nothing else")
@click.option("--objective", type=click.Choice(["cost", "emissions"]), default="cost", show_default=True)
@click.option("--time-limit", type=FiniteFloatRange(min=0), default=None, metavar="SECONDS")
@click.option("--gap", type=FiniteFloatRange(min=0, max=1), default=1e-4, show_default=True,
              help="relative MIP gap at which to stop")
@click.option("--threads", type=click.IntRange(min=1), default=None)
@click.option("--solver", default="highs", show_default=True, help="highs, or any Pyomo solver by name")
@click.option("--no-memory-check", is_flag=True,
              help="build the model even if its estimated memory exceeds what the machine has")
@handle_errors
def report(park: str, scenario: str | None, overrides: tuple[str, ...], out: str, history_path: str | None,
           result_dir: str | None, pareto_csv: str | None, why_csv: str | None, since: str | None,
           name: str | None, force: bool, log_file: str | None, as_json: bool, objective: str,
           time_limit: float | None, gap: float, threads: int | None, solver: str,
           no_memory_check: bool) -> None:
    """Write the cluster-meeting report of PARK (HTML and PDF) into a new folder under --out.

    Solves PARK (or reads --result, with the park data it was solved from), compares with the
    previous run of the same park, scenario and --set in the history, and records this run.
    Non-interactive, for cron: exit 0 a report of a solution, 1 no solution, 2 bad input, 3
    another run holds the lock.
    """
    folder = Path(out)
    if name is not None and (not name or Path(name).name != name or name.startswith(".")):
        raise click.BadParameter(f"'{name}' is not a plain folder name", param_hint="--name")
    pareto = _read_pareto(pareto_csv) if pareto_csv else None
    why = _read_why(why_csv) if why_csv else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot make the report folder {folder}: {_reason(folder, exc)}; give --out "
                          "a folder that exists or can be made") from exc
    log_path, log_option = (Path(log_file), "--log-file") if log_file else (folder / "symbiosis.log", "--out")
    with file_log(log_path, log_option):
        try:
            with folder_lock(folder / LOCK_NAME):
                log.info("report of %s (scenario %s) into %s", park, scenario or "-", folder)
                result, published = _run(park, scenario, overrides, folder, history_path, result_dir, pareto,
                                         why, name, force, objective, time_limit, gap, threads, solver,
                                         check_memory=not no_memory_check, since=since)
        except Locked as exc:
            log.error("%s", exc)
            stderr.print(f"[bold red]locked:[/] {exc}", markup=True, highlight=False)
            if as_json:  # stdout holds one JSON object whatever happens
                click.echo(json.dumps({"status": "locked", "exit_code": EXIT_LOCKED, "error": str(exc)}))
            sys.exit(EXIT_LOCKED)
        except Exception as exc:
            log.error("failed: %s", exc, exc_info=not isinstance(exc, USER_MISTAKES))
            raise
        log.info("done: %s, status %s, report %s", result.summary.get("park"), result.status, published.html)
    _say(result, published, as_json)
    if not result.has_solution:
        sys.exit(EXIT_NO_SOLUTION)


def _run(park: str, scenario: str | None, overrides: tuple[str, ...], folder: Path, history_path: str | None,
         result_dir: str | None, pareto: pd.DataFrame | None, why: pd.DataFrame | None, name: str | None,
         force: bool, objective: str, time_limit: float | None, gap: float, threads: int | None, solver: str,
         *, check_memory: bool = True, since: str | None = None):
    loaded = load_park(park, scenario=scenario, overrides=parse_overrides(overrides))
    log.info("park %s loaded, fingerprint %s", loaded.name, loaded.fingerprint)
    if name:
        taken = existing_files(folder / name)
        if (folder / name).exists() and not (folder / name).is_dir():
            raise FileExistsError(f"{folder / name} is a file, not a folder: choose another --name")
        if taken and not force:
            raise FileExistsError(f"{folder / name} already holds a report ({', '.join(taken)}): add --force "
                                  "to replace its files (other files there are kept), or leave out --name "
                                  "for a new dated folder")
    store = _open_history(Path(history_path) if history_path else default_path(folder))
    earlier = True  # whether to compare with an earlier run at all
    if result_dir:
        result = _read_result(Path(result_dir))
        log.info("read the result in %s (status %s)", result_dir, result.status)
        loaded = _park_of_result(result, Path(result_dir), loaded, park, given=bool(scenario or overrides))
        result = _with_overrides(result, loaded)
        s = result.summary
        since = _since_run(store, since, folder, loaded, str(s.get("scenario") or ""),
                           overrides_text(s.get("overrides")), str(s.get("objective_kind") or "cost"))
        if since is None:
            since, earlier = _before_its_own_run(store, Path(result_dir))
    else:
        # a run --since does not find is said before anything is solved
        since = _since_run(store, since, folder, loaded, loaded.scenario or "",
                           overrides_text(dict(loaded.overrides)), objective)
        with progress_status() as status:
            def progress(stage: str) -> None:
                status.update(stage)
                log.info("%s", stage)

            result = run_optimize(loaded, objective=objective, solver=solver, time_limit=time_limit, gap=gap,
                                  threads=threads, progress=progress, check_memory=check_memory)
        log.info("solved: %s, saving %s", result.status, result.summary.get("saving"))
    try:
        published = publish(result, loaded, folder, history=store, name=name, force=force, pareto=pareto,
                            why=why, since=since, with_earlier=earlier)
    except UnknownRun as exc:  # checked before solving; a history changed since by another run
        raise click.BadParameter(str(exc), param_hint="--since") from None
    except NotOfThisResult as exc:  # refused before anything is written
        table, written_by = {"pareto": (pareto, "symbiosis pareto PARK --out DIR"),
                             "why": (why, "symbiosis explain PARK --out CSV")}[exc.table]
        raise UsageProblem(f"--{exc.table} {table.attrs.get('path', '')} was made for other park data: "
                           f"{exc}. Write it again with `{written_by}` on this park, with the same "
                           "--scenario and --set") from None
    return result, published


def _since_run(store: History, since: str | None, folder: Path, park: Park, scenario: str,
               overrides: str, objective: str) -> str | None:
    """The id of the run --since names in the series reported, found once, before anything is
    solved or written; a run it does not find is refused (exit 2)."""
    if since is None:
        return None
    try:
        return str(chosen_run(store, since, folder, park.name, scenario, overrides,
                              park_path=park.folder.resolve() if park.folder else "", objective=objective).id)
    except UnknownRun as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


def _before_its_own_run(store: History, folder: Path) -> tuple[str | None, bool]:
    """For a result reported before (its folder is a run of the history): the run of its series
    before it, so that a report made again of an older result is compared backwards in time, not
    with the newer runs (it listed their exchanges as 'added'), and False when it was the first
    of its series (nothing to compare with); (None, True) to compare as usual."""
    recorded = store.in_folder(folder)
    if recorded is None or recorded.id is None:
        return None, True
    earlier = store.previous(recorded.park, recorded.scenario, recorded.overrides, before=recorded.id,
                             park_path=recorded.park_path, objective=recorded.minimised)
    return (str(earlier.id), True) if earlier is not None else (None, False)


def _reason(path: Path, exc: OSError) -> str:
    """Why ``path`` cannot be made or written, in words: which part of it is a file, or the system's."""
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None and isinstance(exc, (NotADirectoryError, FileExistsError)):
        return f"{blocker} is a file, not a folder"
    return exc.strerror or str(exc)


def _open_history(path: Path) -> History:
    """The run history, opened (and brought up to date) before anything is solved."""
    if not path.exists() and path.parent.is_dir() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise ReportError(f"cannot create the run history {path}: the folder {path.parent} cannot be "
                          "written; give --history a file in a folder you can write")
    try:
        return History(path)
    except sqlite3.DatabaseError as exc:
        raise ReportError(f"{path} is not a run history symbiosis can open ({exc}): give --history "
                          "another file (a new one is created), or move this one away") from exc
    except OSError as exc:
        raise ReportError(f"cannot open the run history {path}: {_reason(path, exc)}; give --history "
                          "another file") from exc


def _read_result(folder: Path) -> Result:
    if not (folder / "result.json").is_file():
        raise ReportError(f"{folder} holds no result (no result.json); write one with `symbiosis optimize "
                          f"PARK --out {folder}`, or leave out --result to solve the park")
    try:
        return Result.load(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{folder} holds no result symbiosis can read ({type(exc).__name__}: {exc}); "
                          f"write it again with `symbiosis optimize PARK --out {folder} --force`") from exc


def _park_of_result(result: Result, folder: Path, loaded: Park, park: str, *, given: bool) -> Park:
    """The park data ``result`` was solved from: ``loaded`` when the fingerprints agree; else,
    when the caller gave no --scenario or --set, the park loaded with the scenario and --set
    recorded in the result (if that gives its fingerprint). Anything else is refused: the report
    would print one park's settings beside another's figures. A result of another park (its name
    is neither this park's nor the one its recorded scenario and --set give) is said to be so."""
    made_from = str(result.summary.get("fingerprint", "") or "")
    scenario = str(result.summary.get("scenario", "") or "") or None
    recorded = result.summary.get("overrides")
    recorded = recorded if isinstance(recorded, dict) else {}
    again = None
    if not loaded.has_fingerprint(made_from) and (scenario or recorded):
        try:
            again = load_park(park, scenario=scenario,
                              overrides=parse_overrides(tuple(f"{k}={v}" for k, v in recorded.items())))
        except (ParkError, click.BadParameter):
            again = None
    named = str(result.summary.get("park", "") or "")
    if named and named != loaded.name and (again is None or named != again.name):
        raise ReportError(
            f"{folder} is a result of park '{named}', not of '{loaded.name}' ({park}): point --result at a "
            f"result of this park (`symbiosis optimize {park} --out DIR` writes one), or report park "
            f"'{named}' from its own folder: `symbiosis report ITS_FOLDER --out DIR --result {folder}`")
    if not made_from:
        stderr.print(f"[yellow]warning:[/] {folder} does not say which park data it was solved from; its "
                     "settings are taken from the park as loaded", markup=True, highlight=False)
        return loaded
    if loaded.has_fingerprint(made_from):
        return loaded
    if not given and again is not None and again.has_fingerprint(made_from):
        log.info("the result was made with scenario %s, --set %s: the park is loaded so",
                 scenario or "-", overrides_text(recorded) or "-")
        return again
    made_with = ", ".join(part for part in (f"scenario {scenario}" if scenario else "",
                                            f"--set {overrides_text(recorded)}" if recorded else "") if part)
    raise ReportError(
        f"{folder} was solved from other park data than {park} as loaded now (fingerprint {made_from}, "
        f"the park's is {loaded.fingerprint}): the park files changed since, or the result was made with "
        f"another --scenario or --set{f' (it records {made_with})' if made_with else ''}. Re-run "
        f"`symbiosis optimize PARK --out {folder} --force` (or leave out --result to solve afresh), or pass "
        "the same --scenario and --set the result was made with")


def _with_overrides(result: Result, park: Park) -> Result:
    """``result`` with the --set overrides of ``park`` (same data) when it was saved without them."""
    if "overrides" in result.summary.index and isinstance(result.summary["overrides"], dict):
        return result
    summary = result.summary.copy()
    summary["overrides"] = dict(park.overrides)
    return dataclasses.replace(result, summary=summary)


def _read_csv(path: str, option: str, written_by: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
        frame.attrs["path"] = path  # said when the table turns out to be of other park data
        return frame
    except pd.errors.EmptyDataError as exc:
        raise click.BadParameter(f"{path} is empty; write it with `{written_by}`", param_hint=option) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise click.BadParameter(f"{path} is not a CSV table symbiosis can read ({exc}); write it with "
                                 f"`{written_by}`", param_hint=option) from exc


def _read_why(path: str) -> pd.DataFrame:
    frame = _read_csv(path, "--why", "symbiosis explain PARK --out CSV")
    missing = {"id", "from_firm", "from_stream", "to_firm", "to_stream", "technology", "built",
               "required_cut", "margin"} - set(frame.columns)
    if missing:
        raise click.BadParameter(f"{path} lacks the column(s) {', '.join(sorted(missing))}; write it with "
                                 "`symbiosis explain PARK --out CSV`", param_hint="--why")
    return frame


def _read_pareto(path: str) -> pd.DataFrame:
    frame = _read_csv(path, "--pareto", "symbiosis pareto PARK --out DIR")
    missing = {"emissions", "total_cost"} - set(frame.columns)
    if missing:
        raise click.BadParameter(f"{path} lacks the column(s) {', '.join(sorted(missing))}",
                                 param_hint="--pareto")
    for column in ("emissions", "total_cost"):
        values = pd.to_numeric(frame[column], errors="coerce")
        # Empty cells are points without a solution; text or an infinite value is no point.
        text = (values.isna() & frame[column].notna()) | values.abs().eq(float("inf"))
        if text.any():
            row = int(text.to_numpy().nonzero()[0][0])
            raise click.BadParameter(f"{path}: the column {column} holds '{frame[column].iloc[row]}' in row "
                                     f"{row + 1}, not a number", param_hint="--pareto")
        frame[column] = values
    return frame


def _say(result: Result, published, as_json: bool) -> None:
    s = result.summary
    changes = published.changes
    compared = not changes.first_run
    if as_json:
        click.echo(json.dumps({
            "status": result.status, "folder": str(published.folder), "html": str(published.html),
            "pdf": str(published.pdf), "run_id": published.run_id,
            # compared_with: the run this one is compared with, null for a park's first run, whose
            # changes are null too (nothing to compare with, not "nothing changed")
            "compared_with": changes.previous.id if compared else None,
            "data_changed": changes.data_changed if compared else None,
            # a run without a solution proposes nothing: neither added nor dropped (null)
            "added": len(changes.added) if compared and changes.solution else None,
            "dropped": len(changes.dropped) if compared and changes.solution else None,
            # proposals of the run compared with that run today now (existing links since)
            "built": len(changes.built) if compared and changes.solution else None,
            # a run compared stopped with no bound: a redesign may be the solver's, not the data's
            "unproven": changes.unproven if compared else None}))
        return
    currency = str(s.get("currency", ""))
    if result.has_solution:
        stdout.print(f"[bold]{s.get('park')}[/]: {result.status}, saving "
                     f"{money(s.get('saving'), currency, per_year=True)}, CO2 avoided "
                     f"{tonnes(s.get('co2_avoided'))}, {exchanges_text(result)}, gap "
                     f"{gap_text(s.get('gap'))}")
    else:
        stdout.print(f"[bold]{s.get('park')}[/]: [red]no solution[/] "
                     f"({result.status}: {s.get('solver_message')})")
    stdout.print(f"report: {published.html}\npdf:    {published.pdf}")
