"""Publish a report: pick its folder, compare with the previous run, write HTML, PDF and the
result files into place in one move, and record the run in the history."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from symbiosis.park import Park
from symbiosis.report.changes import Changes, compare
from symbiosis.report.document import Report, build_report
from symbiosis.report.history import History, Run, default_path
from symbiosis.report.html import render_html
from symbiosis.report.pdf import write_pdf
from symbiosis.results import Result

log = logging.getLogger(__name__)
STAMP = "%Y-%m-%d_%H%M%S"
REPORT_FILES = ("report.html", "report.pdf", "result.json")


@dataclass(frozen=True)
class Published:
    """Where a report went and what it said."""

    folder: Path
    html: Path
    pdf: Path
    run_id: int | None
    changes: Changes
    report: Report


def write_report(result: Result, park: Park, folder: str | Path, *, changes: Changes | None = None,
                 pareto: pd.DataFrame | None = None, why: pd.DataFrame | None = None,
                 overwrite: bool = False, generated: datetime | None = None) -> Report:
    """Write ``report.html``, ``report.pdf`` and the result files (:meth:`Result.save`) into ``folder``.

    Everything is written into a hidden folder beside it first and then moved into place, so
    a reader never sees half a report; an existing report is replaced only when ``overwrite``.
    """
    folder = Path(folder)
    if _holds_report(folder) and not overwrite:
        raise FileExistsError(f"{folder} already holds a report: add --force to replace it, "
                              "or let it write a new dated folder")
    report = build_report(result, park, changes=changes, pareto=pareto, why=why, generated=generated)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.partial-"))
    staging.chmod(0o755)  # mkdtemp makes it private; a report is for readers
    try:
        (staging / "report.html").write_text(render_html(report), encoding="utf-8")
        write_pdf(report, staging / "report.pdf")
        result.save(staging)
        _move_into_place(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def publish(result: Result, park: Park, out: str | Path, *, history: str | Path | None = None,
            name: str | None = None, force: bool = False, pareto: pd.DataFrame | None = None,
            why: pd.DataFrame | None = None, now: datetime | None = None) -> Published:
    """Write the report of ``result`` under ``out`` and record it in the history.

    The folder is ``out/YYYY-MM-DD_HHMMSS`` (never an existing one), or ``out/name`` when
    ``name`` is given (replaced only with ``force``). The report compares with the previous
    run of the same park and scenario in ``history`` (default ``out/../history.sqlite``).
    """
    now = now or datetime.now().astimezone()
    out = Path(out)
    folder = out / name if name else dated_folder(out, now)
    store = History(history if history is not None else default_path(out))
    park_name = str(result.summary.get("park", park.name))
    scenario = str(result.summary.get("scenario", "") or "")
    previous_run = store.previous(park_name, scenario)
    previous = _load(previous_run)
    changes = compare(result, previous, previous_run)
    log.info("comparing with %s", f"run {previous_run.id} of {previous_run.time}" if previous_run
             else "nothing")
    report = write_report(result, park, folder, changes=changes, pareto=pareto, why=why, overwrite=force,
                          generated=now)
    folder = folder.resolve()
    run_id = store.record(Run.of(result, result_path=folder, report_path=folder / "report.html",
                                 park_path=park.folder.resolve() if park.folder else "", time=now))
    log.info("recorded run %s in %s", run_id, store.path)
    return Published(folder=folder, html=folder / "report.html", pdf=folder / "report.pdf", run_id=run_id,
                     changes=changes, report=report)


def dated_folder(out: Path, now: datetime) -> Path:
    """``out/YYYY-MM-DD_HHMMSS``, with ``_2``, ``_3`` ... when that second is taken."""
    base = out / now.strftime(STAMP)
    folder, count = base, 1
    while folder.exists():
        count += 1
        folder = base.with_name(f"{base.name}_{count}")
    return folder


def _holds_report(folder: Path) -> bool:
    return folder.is_dir() and any((folder / name).exists() for name in REPORT_FILES)


def _move_into_place(staging: Path, folder: Path) -> None:
    if not folder.exists():
        os.rename(staging, folder)
        return
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        os.rename(staging, folder)
        return
    old = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.old-"))
    os.rmdir(old)
    os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _load(run: Run | None) -> Result | None:
    if run is None or not run.result_path or not (Path(run.result_path) / "result.json").is_file():
        return None
    try:
        return Result.load(run.result_path)
    except Exception as exc:  # an unreadable old result only loses the detailed comparison
        log.warning("could not read the previous result in %s: %s", run.result_path, exc)
        return None
